"""GET /events: the story as CloudEvents for each reader — in log order, paged by cursor with
Link rel="next", internal events never published, personal data only for those cleared for it
(erased subjects read 已删除), scoped roles limited to their objects — and every event valid
against the JSON Schema published for its type. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import jsonschema
import pytest
from fastapi.testclient import TestClient

from application.publishing.catalogue import CATALOGUE
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.server import create_app
from tests.support.graphql import (
    ADMIN,
    GraphQLClient,
    GraphQLDistrict,
    Told,
    credentials_of,
    tell_the_story,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
INTEGRATION = Actor("hotline-12345", "12345热线", Role.INTEGRATION)
AUDITOR = Actor("audit-1", "纪检组", Role.AUDITOR)
LEADER = Actor("leader-1", "区领导", Role.LEADER)
BATCH = "application/cloudevents-batch+json"
T = "cn.gov.cppcc.yishiting."


@pytest.fixture(params=BACKENDS)
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    with TestClient(create_app(Settings(database_url=url, writes_per_minute=100_000))) as client:
        yield client


@pytest.fixture
def api(http: TestClient) -> GraphQLClient:
    return GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)


@pytest.fixture
def hall(api: GraphQLClient) -> GraphQLDistrict:
    return GraphQLDistrict.build(api)


@pytest.fixture
def told(hall: GraphQLDistrict) -> Told:
    return tell_the_story(hall)


def headers(http: TestClient, actor: Actor) -> dict[str, str]:
    return credentials_of(http.app)(actor)


def read_all(
    http: TestClient, actor: Actor, query: str = "", limit: int = 7
) -> list[dict[str, Any]]:
    """Every event, following Link rel="next" until a page comes back empty."""
    events: list[dict[str, Any]] = []
    url = f"/events?limit={limit}{query}"
    while True:
        response = http.get(url, headers=headers(http, actor))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(BATCH)
        page = response.json()
        if not page:
            return events
        events.extend(page)
        link = response.headers["link"]
        assert link.endswith('>; rel="next"'), link
        url = link[1 : link.index(">")].removeprefix("http://testserver")


def types_of(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"].removeprefix(T) for e in events]


def proposers(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["data"]["proposer"] for e in events if e["type"] == T + "topic.proposed"]


def test_the_feed_tells_the_story_in_log_order_without_gaps_or_repeats(
    http: TestClient, told: Told
) -> None:
    events = read_all(http, INTEGRATION)
    sequences = [e["sequence"] for e in events]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == len(sequences)
    assert len({e["id"] for e in events}) == len(events)
    assert types_of(events)[:5] == [
        "committee.established",
        "person.registered",
        "person.registered",
        "platform.registered",
        "unit.registered",
    ]
    story = [t for t in types_of(events) if not t.startswith(("committee", "person", "platform"))]
    assert story[1:] == [
        "topic.proposed",
        "topic.verified",
        "topic.submitted",
        "topic.approved",
        "topic.research_recorded",
        "consultation.scheduled",
        "consultation.participants_identified",
        "consultation.participants_notified",
        "consultation.held",
        "consultation.reported",
        "supervision_item.opened",
        "supervision_item.assigned",
        "supervision_item.progress_reported",
        "supervision_item.resolved",
        "topic.proposed",
        "topic.excluded",
    ]
    excluded = events[-1]
    assert excluded["subject"] == told.report_id
    assert excluded["data"]["ground"] == "real_name_report"
    assert excluded["data"]["actor"]["role"] == "platform_staff"
    assert excluded["specversion"] == "1.0"
    assert excluded["datacontenttype"] == "application/json"
    assert excluded["dataschema"].endswith(f"/schemas/events/v1/{T}topic.excluded.json")
    assert read_all(http, INTEGRATION, limit=1000) == events, "page size changes nothing"


def test_a_type_filter_and_a_cursor_resume_exactly_after_the_last_event(
    http: TestClient, told: Told
) -> None:
    everything = read_all(http, INTEGRATION)
    middle = everything[len(everything) // 2]
    rest = read_all(http, INTEGRATION, f"&after={middle['sequence']}")
    assert rest == everything[len(everything) // 2 + 1 :]
    decisions = read_all(http, INTEGRATION, f"&type={T}topic.excluded&type={T}topic.approved")
    assert types_of(decisions) == ["topic.approved", "topic.excluded"]


def test_command_receipts_are_never_published(http: TestClient, hall: GraphQLDistrict) -> None:
    before = read_all(http, INTEGRATION)
    hall.propose_hotline_matter(command_id="retry-me")
    hall.propose_hotline_matter(command_id="retry-me")
    after = read_all(http, INTEGRATION, f"&after={before[-1]['sequence']}")
    assert types_of(after) == ["topic.proposed"], "one matter, no CommandReceived"


def test_personal_data_only_for_those_cleared_and_erased_subjects_read_deleted(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict, told: Told
) -> None:
    hidden = {"name": None, "phone": None, "idNumber": None, "organisation": None}
    for uncleared in (INTEGRATION, LEADER):
        assert proposers(read_all(http, uncleared)) == [{**hidden, "subjectId": None}] * 2
        participants = [
            p
            for e in read_all(http, uncleared, f"&type={T}consultation.participants_identified")
            for p in e["data"]["participants"]
        ]
        assert {(p["name"], p["organisation"]) for p in participants} == {(None, None)}
    admin = proposers(read_all(http, ADMIN))
    assert [p["name"] for p in admin] == [None, None]
    assert all(p["subjectId"] for p in admin)
    audited = proposers(read_all(http, AUDITOR))
    assert [p["name"] for p in audited] == ["陈群众", "孙举报"]

    hall.admin.erase_subject(admin[1]["subjectId"], reason="本人申请删除个人信息")
    audited = proposers(read_all(http, AUDITOR))
    assert [p["name"] for p in audited] == ["陈群众", "已删除"]
    erasure = read_all(http, INTEGRATION, f"&type={T}erasure.personal_data_erased")
    assert [e["data"]["subjectId"] for e in erasure] == [admin[1]["subjectId"]]
    by_name = read_all(http, INTEGRATION, "&type=PersonalDataErased")  # the event's name
    assert by_name == erasure, "one event type, two spellings"


def test_scoped_roles_read_the_events_of_their_objects_only(
    http: TestClient, hall: GraphQLDistrict, told: Told
) -> None:
    unit = Actor("unit-1", "赵科长", Role.UNIT, hall.unit_id)
    seen = read_all(http, unit)
    item_events = {e["subject"] for e in seen if "supervision_item" in e["type"]}
    assert item_events == {told.item_id}
    assert not [e for e in seen if e["type"].startswith((T + "topic", T + "consultation"))]

    staff = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id)
    assert [p["name"] for p in proposers(read_all(http, staff))] == ["陈群众", "孙举报"]
    elsewhere = Actor("staff-9", "别处专员", Role.PLATFORM_STAFF, str(uuid4()))
    assert not [e for e in read_all(http, elsewhere) if e["type"].startswith(T + "topic")]


def test_every_event_is_valid_against_the_schema_published_for_its_type(
    http: TestClient, told: Told
) -> None:
    index = http.get("/schemas/events/v1/index.json").json()
    assert {t["type"] for t in index["types"]} == set(CATALOGUE)
    schemas: dict[str, Any] = {}
    for event in read_all(http, AUDITOR) + read_all(http, INTEGRATION):
        if event["type"] not in schemas:
            response = http.get(f"/schemas/events/v1/{event['type']}.json")
            assert response.status_code == 200
            schemas[event["type"]] = response.json()
        schema = schemas[event["type"]]
        assert schema["$id"] == event["dataschema"]
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(event["data"])
    assert len(schemas) >= 15


def test_the_feed_refuses_anonymous_callers_bad_tokens_cursors_and_types(
    http: TestClient, told: Told
) -> None:
    anonymous = http.get("/events")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["errors"][0]["extensions"]["reason"] == "TOKEN_REQUIRED"
    forged = http.get("/events", headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401
    assert forged.json()["errors"][0]["extensions"]["reason"] == "TOKEN_INVALID"
    auth = headers(http, INTEGRATION)
    for query, reason in (
        ("after=abc", "INVALID_CURSOR"),
        (f"type={T}topic.nothing", "UNKNOWN_EVENT_TYPE"),
    ):
        refused = http.get(f"/events?{query}", headers=auth)
        assert refused.status_code == 400, refused.text
        error = refused.json()["errors"][0]
        assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
            "BAD_USER_INPUT",
            reason,
        )
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert http.get("/schemas/events/v1/nothing.json").status_code == 404


ESTABLISH = "mutation($n: String!) { establishCommittee(input: {name: $n}) { id } }"
FROM_NOW = """subscription($after: String, $fromNow: Boolean!) {
  events(after: $after, fromNow: $fromNow) { type data } }"""


def subscribe(ws: Any, http: TestClient, variables: dict[str, Any]) -> None:
    ws.send_json({"type": "connection_init", "payload": headers(http, INTEGRATION)})
    assert ws.receive_json()["type"] == "connection_ack"
    payload = {"query": FROM_NOW, "variables": variables}
    ws.send_json({"id": "1", "type": "subscribe", "payload": payload})


def test_a_subscription_from_now_replays_nothing_and_hears_the_next_event(
    http: TestClient, api: GraphQLClient, told: Told
) -> None:
    """The subscription's start is not observable from outside, so committees are established
    one after another until the first is heard: whichever it is, it is one of them, never an
    event of the story told before."""
    heard_one, established = threading.Event(), []

    def establish_until_heard() -> None:
        while not heard_one.is_set():
            name = f"第{len(established) + 1}专门委员会"
            api.query(ESTABLISH, n=name)
            established.append(name)

    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        subscribe(ws, http, {"fromNow": True})
        producer = threading.Thread(target=establish_until_heard)
        producer.start()
        try:
            first = ws.receive_json()
        finally:
            heard_one.set()
            producer.join()
        ws.send_json({"id": "1", "type": "complete"})
    assert first["type"] == "next", first
    heard = first["payload"]["data"]["events"]
    assert heard["type"] == f"{T}committee.established"
    assert heard["data"]["name"] in established


def test_a_subscription_from_now_with_a_cursor_is_refused(http: TestClient, told: Told) -> None:
    cursor = read_all(http, INTEGRATION)[0]["sequence"]
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        subscribe(ws, http, {"fromNow": True, "after": cursor})
        answer = ws.receive_json()
    payload = answer["payload"]
    errors = payload if isinstance(payload, list) else payload["errors"]
    extensions = errors[0]["extensions"]
    assert (extensions["code"], extensions["reason"]) == ("BAD_USER_INPUT", "CURSOR_AND_FROM_NOW")
    assert errors[0]["message"].startswith("不能同时指定 after 与 fromNow")
