"""Need-to-know (issue 16): a platform excludes a confidential matter, a real-name report and a
matter under discipline investigation; its staff and the discipline office read their texts,
every other reader — leader, committee, administrator, integration, receivers, the public —
reads that each exists, its ground, dates and status, and 内容已按规定限制 instead, on every
read path, and a search by a word of the texts finds nothing for them. A matter excluded on
ground 1 is the control: its texts go wherever the matter does. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from application.permissions import RESTRICTED_TEXT
from application.receipts import Command
from application.settings import Settings
from application.webhooks import new_secret
from application.work_orders import WorkOrder
from domain.base import Actor
from domain.people import Proposer
from domain.vocabulary import Category, Channel, ExclusionGround, Role
from interfaces.server import create_app
from projections.outbound.feed import FeedQuery
from projections.outbound.webhooks.deliverer import READER as WEBHOOKS
from tests.support.district import ADMIN, District
from tests.support.receiver import Receiver
from tests.support.world import World, postgres_schema, running

G = ExclusionGround
SENSITIVE = (G.CONFIDENTIAL, G.REAL_NAME_REPORT, G.DISCIPLINE_INVESTIGATION)
CONTROL = G.UNLAWFUL
# Who reads a sensitive matter's texts; who reads its row with the placeholder; the rest
# (unit, supervisor, integration, anonymous, another platform's staff) do not see it on the
# board at all.
TEXT_READERS = {"platform_staff", "auditor"}
PLACEHOLDER_READERS = {"committee", "leader", "admin"}
BOARD_READERS = TEXT_READERS | PLACEHOLDER_READERS
READERS = (
    "platform_staff",
    "staff_elsewhere",
    "committee",
    "unit",
    "supervisor",
    "leader",
    "auditor",
    "integration",
    "admin",
)
FEED_READERS = ("platform_staff", "staff_elsewhere", "committee", "leader", "auditor")
FEED_READERS += ("integration", "admin", "unit", "supervisor")
EVERY_TOPIC_TEXT = "title draftedTitle content basicSituation exclusionExplanation decisionReason"


@dataclass
class Matter:
    id: UUID
    ground: ExclusionGround
    word: str


@dataclass
class Story:
    world: World
    matters: list[Matter]
    hotline: Matter

    def every(self) -> list[Matter]:
        return [*self.matters, self.hotline]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def story(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('need_to_know')}/yishiting.db"
        with running(url) as world:
            yield _tell(world)
    else:
        with postgres_schema() as url, running(url) as world:
            yield _tell(world)


def _tell(world: World) -> Story:
    issue = world.http.app.state.authenticator.issue  # type: ignore[attr-defined]
    elsewhere = Actor("staff-b", "别处专员", Role.PLATFORM_STAFF, str(world.away.platform_id))
    world.headers["staff_elsewhere"] = {"Authorization": f"Bearer {issue(elsewhere)}"}
    matters = [_excluded_after_return(world.home, g) for g in (*SENSITIVE, CONTROL)]
    story = Story(world, matters, _excluded_hotline_order(world.home))
    assert world.system.projector.wait_for(world.position(), timeout=30)
    return story


def _word() -> str:
    return f"密{uuid4().hex[:8]}"


def _excluded_after_return(d: District, ground: ExclusionGround) -> Matter:
    """Proposed, verified, submitted, returned, then excluded: a text in every field."""
    word, app = _word(), d.app
    topic_id = app.propose_topic(
        d.staff,
        title=f"举报某局{word}",
        content=f"实名举报人身份证号写在正文里 {word}",
        channel=Channel.MASSES,
        category=Category.GOVERNANCE,
        platform_id=d.platform_id,
        proposer=Proposer.checked("孙举报", "13900000005"),
    ).id
    app.verify_topic(d.staff, topic_id, basic_situation=f"经核实{word}")
    app.submit_topic(d.staff, topic_id, drafted_title=f"议题{word}", committee_id=d.committee_id)
    app.return_topic(d.committee, topic_id, reason=f"退回:涉及{word}")
    app.exclude_topic(d.staff, topic_id, ground=ground, explanation=f"说明{word}")
    return Matter(topic_id, ground, word)


def _excluded_hotline_order(d: District) -> Matter:
    word = _word()
    order = WorkOrder(
        ticket=f"GD{uuid4().hex[:10]}",
        content=f"来电反映{word}",
        title=f"工单{word}",
        street=f"街道{word}",
        category=f"分类{word}",
        agency=f"承办{word}",
        caller_name="来电人",
    )
    staff = d.staff
    topic_id = d.app.take_hotline_order(staff, platform_id=d.platform_id, order=order).topic_id
    d.app.exclude_topic(staff, topic_id, ground=G.REAL_NAME_REPORT, explanation=f"说明{word}")
    return Matter(topic_id, G.REAL_NAME_REPORT, word)


def reads_text(role: str, matter: Matter) -> bool:
    """Who may read the matter's texts, among those who see it at all."""
    return role in TEXT_READERS or not matter.ground.content_is_sensitive


def gql(story: Story, role: str, document: str, **variables: Any) -> dict[str, Any]:
    return story.world.execute(role, document, variables)


def data_of(story: Story, role: str, document: str, **variables: Any) -> dict[str, Any]:
    body = gql(story, role, document, **variables)
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------------ the board: topics, topic


TOPIC = (
    f"query($id: ID!) {{ topic(id: $id) {{ {EVERY_TOPIC_TEXT} restricted"
    " exclusionGround { code } status { code } excludedAt } }"
)
TOPICS = (
    f"query {{ topics(first: 100) {{ edges {{ node {{ id {EVERY_TOPIC_TEXT} restricted }} }} }} }}"
)
SEARCH = "query($text: String!) { topics(first: 100, filter: {text: $text}) { totalCount } }"


@pytest.mark.parametrize("role", READERS)
def test_the_board_shows_a_restricted_matter_with_the_placeholder_to_those_without_need(
    story: Story, role: str
) -> None:
    listed = data_of(story, role, TOPICS)["topics"]["edges"]
    for matter in story.every():
        if role not in BOARD_READERS:
            hidden = gql(story, role, TOPIC, id=str(matter.id))
            assert hidden["data"] == {"topic": None}
            assert [e["extensions"]["code"] for e in hidden["errors"]] == ["NOT_FOUND"]
            assert not [e for e in listed if e["node"]["id"] == str(matter.id)]
            continue
        found = data_of(story, role, TOPIC, id=str(matter.id))["topic"]
        in_list = [e["node"] for e in listed if e["node"]["id"] == str(matter.id)]
        assert found["exclusionGround"]["code"] == matter.ground.code.upper()
        assert found["status"]["code"] == "EXCLUDED"
        assert found["excludedAt"]
        assert in_list
        assert (matter.word in text(in_list)) is reads_text(role, matter)
        if reads_text(role, matter):
            assert matter.word in found["title"]
            assert not found["restricted"]
        else:
            assert found["restricted"] is True
            assert matter.word not in text(found)
            texts = [found[f] for f in EVERY_TOPIC_TEXT.split() if found[f]]
            assert texts
            assert set(texts) == {RESTRICTED_TEXT}


@pytest.mark.parametrize("role", READERS)
def test_a_search_by_a_word_of_a_restricted_text_finds_nothing_for_those_without_need(
    story: Story, role: str
) -> None:
    for matter in story.every():
        found = data_of(story, role, SEARCH, text=matter.word)["topics"]["totalCount"]
        expected = 1 if role in BOARD_READERS and reads_text(role, matter) else 0
        assert found == expected, (role, matter.ground, found)
        # The placeholder itself is no oracle either: it matches no stored text.
        assert data_of(story, role, SEARCH, text="按规定限制")["topics"]["totalCount"] == 0


# ------------------------------------------------- accountability: asOf, history, auditTrail

AS_OF = (
    "query($id: ID!, $at: DateTime!) { asOf(aggregateId: $id, at: $at)"
    " { state decisions { summary reason } } }"
)
HISTORY = (
    "query($id: ID!) { history(aggregateId: $id, first: 100)"
    " { totalCount edges { node { eventType summary reason } } } }"
)
TRAIL = (
    'query { auditTrail(first: 100, filter: {aggregateType: "Topic"})'
    " { edges { node { aggregateId summary reason } } } }"
)
TIMELINE = (
    "query($id: ID!) { decisionTimeline(topicId: $id) { event { eventType summary reason } } }"
)


def _now() -> str:
    return (datetime.now(UTC) + timedelta(minutes=1)).isoformat()


def _before_exclusion(story: Story, matter: Matter) -> str:
    """An instant when the matter was not excluded yet: restriction still applies (it is
    decided from the matter's current state)."""
    events = list(story.world.system.app.events.get(matter.id))
    return events[-2].timestamp.isoformat()


@pytest.mark.parametrize("role", READERS)
def test_time_travel_and_history_withhold_a_restricted_matters_texts(
    story: Story, role: str
) -> None:
    for matter in story.every():
        for at in (_now(), _before_exclusion(story, matter)):
            past = data_of(story, role, AS_OF, id=str(matter.id), at=at)["asOf"]
            if role not in BOARD_READERS:
                assert past is None
                continue
            shown = matter.word in text(past)
            assert shown is reads_text(role, matter), (role, matter.ground, at)
            assert past["state"].get("restricted", False) is not shown
            if not shown:
                assert past["state"]["title"] == RESTRICTED_TEXT
                assert past["state"]["content"] == RESTRICTED_TEXT
        history = data_of(story, role, HISTORY, id=str(matter.id))["history"]
        steps = data_of(story, role, TIMELINE, id=str(matter.id))["decisionTimeline"]
        if role not in BOARD_READERS:
            assert history["totalCount"] == 0
            assert steps == []
            continue
        assert history["totalCount"] >= 2
        assert steps
        for answer in (history, steps):
            assert (matter.word in text(answer)) is reads_text(role, matter)
        if not reads_text(role, matter):
            excluded = [
                e["node"] for e in history["edges"] if e["node"]["eventType"] == "TopicExcluded"
            ]
            assert excluded[0]["reason"] == RESTRICTED_TEXT
            assert f"第{matter.ground.number}项" in excluded[0]["summary"]


@pytest.mark.parametrize("role", READERS)
def test_the_audit_trail_quotes_no_restricted_text(story: Story, role: str) -> None:
    trail = text(data_of(story, role, TRAIL)["auditTrail"])
    for matter in story.every():
        seen = role in BOARD_READERS
        assert (str(matter.id) in trail) is seen, role
        assert (matter.word in trail) is (seen and reads_text(role, matter)), (role, matter.ground)


PROOF = "query($p: Int!) { ledger { proof(position: $p) { position json } } }"


@pytest.mark.parametrize("role", ["leader", "admin", "auditor"])
def test_a_ledger_proof_carrying_a_restricted_event_is_for_the_discipline_office(
    story: Story, role: str
) -> None:
    """A proof carries the event as stored, which cannot be masked and still verify."""
    signed = story.world.execute("auditor", "mutation { issueCheckpoint { treeSize } }")
    assert signed["data"]["issueCheckpoint"]["treeSize"] >= story.world.position() - 1
    log = story.world.system.app.recorder.select_notifications(0, 10_000)
    for matter in story.every():
        first = next(n.id for n in log if n.originator_id == matter.id)
        proof = data_of(story, role, PROOF, p=first)["ledger"]["proof"]
        if role == "auditor" or not matter.ground.content_is_sensitive:
            assert proof["position"] == first
        else:
            assert proof is None, (role, matter.ground)


# -------------------------------------------------------- the feed, the webhooks' payload


def _feed(story: Story, role: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    url = "/events?limit=100"
    while True:
        response = story.world.http.get(url, headers=story.world.headers[role])
        assert response.status_code == 200, response.text
        page = response.json()
        if not page:
            return events
        events.extend(page)
        link = response.headers["link"]
        url = link[1 : link.index(">")].removeprefix("http://testserver")


def _of(events: list[dict[str, Any]], matter: Matter) -> list[dict[str, Any]]:
    return [e for e in events if e["subject"] == str(matter.id)]


def _feed_sees(role: str) -> bool:
    return role in BOARD_READERS or role == "integration"


@pytest.mark.parametrize("role", FEED_READERS)
def test_the_event_feed_withholds_texts_even_of_events_emitted_before_the_exclusion(
    story: Story, role: str
) -> None:
    events = _feed(story, role)
    for matter in story.every():
        mine = _of(events, matter)
        if not _feed_sees(role):
            assert not mine
            assert matter.word not in text(events)
            continue
        proposed = [e for e in mine if e["type"].endswith("topic.proposed")]
        assert proposed
        assert len(mine) >= 2
        readable = role in TEXT_READERS or not matter.ground.content_is_sensitive
        assert (matter.word in text(mine)) is readable, (role, matter.ground)
        if not readable:
            data = proposed[0]["data"]
            assert data["title"] == RESTRICTED_TEXT
            assert data["content"] == RESTRICTED_TEXT
            assert data["restricted"]["zh"] == RESTRICTED_TEXT
            excluded = next(e for e in mine if e["type"].endswith("topic.excluded"))["data"]
            assert excluded["ground"] == matter.ground.code


def _for_webhooks(story: Story) -> list[dict[str, Any]]:
    """The events as the deliverer reads them for its receivers."""
    feed = story.world.system.integration.feed
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = feed.page(WEBHOOKS, FeedQuery(after=after, limit=100))
        events.extend(page.events)
        if page.caught_up:
            return events
        after = page.last


def test_the_payload_built_for_webhook_receivers_withholds_restricted_texts(story: Story) -> None:
    events = _for_webhooks(story)
    for matter in story.every():
        mine = _of(events, matter)
        assert mine
        readable = not matter.ground.content_is_sensitive
        assert (matter.word in text(mine)) is readable, matter.ground
    hotline = _of(events, story.hotline)[0]["data"]["hotlineOrder"]
    assert hotline["category"] == hotline["street"] == hotline["agency"] == RESTRICTED_TEXT


def test_the_anonymous_caller_reads_none_of_it(story: Story) -> None:
    matter = story.matters[0]
    for document, variables in (
        (TOPICS, {}),
        (SEARCH, {"text": matter.word}),
        (TOPIC, {"id": str(matter.id)}),
        (AS_OF, {"id": str(matter.id), "at": _now()}),
        (HISTORY, {"id": str(matter.id)}),
        (TRAIL, {}),
    ):
        body = gql(story, "anonymous", document, **variables)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert story.world.http.get("/events").status_code == 401


EVENTS = "subscription($ids: [ID!]) { events(subjects: $ids) { subject type data } }"
STEPS = 5  # proposed, verified, submitted, returned, excluded


def _subscribed(story: Story, role: str, matters: list[Matter]) -> list[dict[str, Any]]:
    """The events of these matters replayed over the GraphQL subscription (graphql-transport-ws)."""
    with story.world.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        ws.send_json({"type": "connection_init", "payload": story.world.headers[role]})
        assert ws.receive_json()["type"] == "connection_ack"
        ids = [str(m.id) for m in matters]
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": EVENTS, "variables": {"ids": ids}},
            }
        )
        messages = [ws.receive_json() for _ in range(STEPS * len(matters))]
        ws.send_json({"id": "1", "type": "complete"})
    assert {m["type"] for m in messages} == {"next"}, messages[:1]
    return [m["payload"]["data"]["events"] for m in messages]


@pytest.mark.parametrize("role", sorted(BOARD_READERS | {"integration"}))
def test_the_events_subscription_withholds_restricted_texts(story: Story, role: str) -> None:
    events = _subscribed(story, role, story.matters)
    for matter in story.matters:
        mine = [e for e in events if e["subject"] == str(matter.id)]
        assert len(mine) == STEPS
        readable = role in TEXT_READERS or not matter.ground.content_is_sensitive
        assert (matter.word in text(mine)) is readable, (role, matter.ground)
        if not readable:
            assert all(e["data"]["restricted"]["zh"] == RESTRICTED_TEXT for e in mine)


def test_a_webhook_receiver_is_delivered_the_placeholder(story: Story) -> None:
    """The whole log delivered after the exclusions (start_after=0): over HTTP, signed."""
    app, admin, secret = story.world.system.app, Command(ADMIN), new_secret()
    expected = _for_webhooks(story)
    with Receiver(secret=secret).running() as receiver:
        hook = app.register_webhook(
            admin, url=receiver.url, event_types=[], secret=secret, start_after=0
        ).id
        try:
            received = receiver.wait_for(len(expected))
        finally:
            app.unregister_webhook(admin, hook, reason="测试结束")
    assert receiver.bad_signatures == 0
    for matter in story.every():
        mine = _of(received, matter)
        assert len(mine) == len(_of(expected, matter))
        readable = not matter.ground.content_is_sensitive
        assert (matter.word in text(mine)) is readable, matter.ground


# ---------------------------------------------------------- dashboard and the public view

DASHBOARD = "query { dashboard { topicsTotal topicsByExclusionGround { key count } } }"
PUBLIC = "query { publicOverview { exclusionsByGround { key count } } }"


@pytest.mark.parametrize("role", ["leader", "committee", "admin", "auditor", "anonymous"])
def test_dashboards_and_the_public_view_count_restricted_matters_by_ground_and_quote_nothing(
    story: Story, role: str
) -> None:
    answers = [data_of(story, role, PUBLIC)["publicOverview"]["exclusionsByGround"]]
    if role != "anonymous":
        answers.append(data_of(story, role, DASHBOARD)["dashboard"]["topicsByExclusionGround"])
    for answer in answers:
        counts = {c["key"]: c["count"] for c in answer}
        assert counts.get(G.REAL_NAME_REPORT.code, 0) >= 2  # the matter and the 12345 order
        assert all(counts.get(g.code, 0) >= 1 for g in (*SENSITIVE, CONTROL))
        assert not [m for m in story.every() if m.word in text(answer)]


# -------------------------------------------------------------------------- reversal


def test_reversing_the_exclusion_lifts_the_restriction(story: Story) -> None:
    world = story.world
    matter = _excluded_after_return(world.home, G.DISCIPLINE_INVESTIGATION)
    assert world.system.projector.wait_for(world.position(), timeout=30)
    assert data_of(story, "leader", SEARCH, text=matter.word)["topics"]["totalCount"] == 0
    world.home.app.reverse_exclusion(world.home.staff, matter.id, reason="调查已结束,依规公开")
    assert world.system.projector.wait_for(world.position(), timeout=30)
    topic = data_of(story, "leader", TOPIC, id=str(matter.id))["topic"]
    assert topic["restricted"] is False
    assert matter.word in topic["title"]
    assert data_of(story, "leader", SEARCH, text=matter.word)["topics"]["totalCount"] == 1
    assert matter.word in text(_of(_feed(story, "integration"), matter))


# ------------------------------------------------------- an exclusion the views lag behind


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unprojected(request: pytest.FixtureRequest) -> Iterator[tuple[Any, District]]:
    """A server whose views move only when the test catches them up."""
    url = str(request.getfixturevalue(f"{request.param}_url"))
    api = create_app(Settings(database_url=url), embedded_projector=False)
    with TestClient(api):
        system = api.state.holder["system"]
        yield system, District.build(system.app)


def test_an_exclusion_the_views_have_not_applied_yet_already_restricts_the_feed(
    unprojected: tuple[Any, District],
) -> None:
    system, d = unprojected
    word = _word()
    topic_id = d.app.propose_topic(
        d.staff,
        title=f"纪检线索{word}",
        content=f"正文{word}",
        channel=Channel.MASSES,
        category=Category.GOVERNANCE,
        platform_id=d.platform_id,
        proposer=Proposer.checked("孙举报", "13900000005"),
    ).id
    system.projector.catch_up()
    d.app.exclude_topic(d.staff, topic_id, ground=G.DISCIPLINE_INVESTIGATION)
    integration = Actor("hotline-12345", "12345热线", Role.INTEGRATION)

    def read() -> str:
        events = system.integration.feed.page(integration, FeedQuery(limit=1000)).events
        return text([e for e in events if e["subject"] == str(topic_id)])

    assert "topic.excluded" in read()  # read to the log's head, past the views
    assert word not in read()
    system.projector.catch_up()
    assert word not in read()
    d.app.reverse_exclusion(d.staff, topic_id, reason="线索不实,依规公开")
    assert word in read()  # the reversal lifts it before the views know of it either
