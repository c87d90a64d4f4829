"""A command answered from the log, before the views show it (`readYourWrites: false`), keeps
every guarantee of one that waits: its command id is idempotent, a stale expected version is a
conflict, its events carry the actor. Its `position` is a consistency token: a later request
carrying it in `X-Read-After` reads once the views reach it.

The API runs without a projector here, and the test applies the log to the views itself: what
the views show, and when, is then the test's to say."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import System
from interfaces.server import create_app
from tests.support.district import District

PROPOSE = """mutation Propose($input: ProposeTopicInput!) {
  proposeTopic(input: $input) { id version position } }"""
PROPOSE_READING_BACK = """mutation Propose($input: ProposeTopicInput!) {
  proposeTopic(input: $input) { id position topic { title } } }"""
VERIFY = """mutation Verify($input: VerifyTopicInput!) {
  verifyTopic(input: $input) { id version position } }"""
TOPIC = "query Topic($id: ID!) { topic(id: $id) { title version } }"
WAITED = 30.0  # how long the test waits for a request it started: a bound, not a measure


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@dataclass
class Hall:
    http: TestClient
    system: System
    district: District
    staff: Actor
    token: str

    def post(self, query: str, headers: dict[str, Any] | None = None, **variables: Any) -> Any:
        return self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
        )

    def data(self, query: str, headers: dict[str, Any] | None = None, **variables: Any) -> Any:
        answer = self.post(query, headers, **variables)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert "errors" not in body, body
        return body["data"]

    def matter(self, **given: Any) -> dict[str, Any]:
        return {
            "title": "小区停车难",
            "content": "居民反映小区周边停车位不足。",
            "channel": "MASSES",
            "category": "GOVERNANCE",
            "platformId": str(self.district.platform_id),
            "proposer": {"name": "陈群众", "phone": "13800000001"},
            "readYourWrites": False,
            **given,
        }

    def views_reach_the_log(self) -> None:
        self.system.projector.catch_up()


@pytest.fixture
def hall(url: str) -> Iterator[Hall]:
    settings = Settings(database_url=url, writes_per_minute=100_000)
    api = create_app(settings, embedded_projector=False)
    with TestClient(api) as http:
        system: System = api.state.holder["system"]
        district = District.build(system.app)
        system.projector.catch_up()
        staff = Actor("staff-9", "李专员", Role.PLATFORM_STAFF, str(district.platform_id))
        yield Hall(http, system, district, staff, api.state.authenticator.issue(staff))


def answered_after_a_wait(hall: Hall, request: Any) -> Any:
    """Starts `request` in a thread, lets the views reach the log once it is waiting for them
    (it has read their position and found them behind), and gives back its answer."""
    advanced = hall.system.projector._advanced  # the waiters' shared reads of the position
    reads = advanced.reads
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer: Future[Any] = pool.submit(request)
        with advanced:
            waiting = advanced.wait_for(lambda: advanced.reads > reads, WAITED)
        assert waiting, "the request did not wait for the views"
        assert not answer.done(), "the request answered before the views reached its token"
        hall.views_reach_the_log()
        return answer.result(timeout=WAITED)


def test_answered_from_the_log_its_position_is_a_token_a_later_query_waits_for(
    hall: Hall,
) -> None:
    head = hall.system.app.position()
    proposed = hall.data(PROPOSE, input=hall.matter(commandId="cmd-1"))["proposeTopic"]
    assert proposed["version"] == 1
    assert proposed["position"] == hall.system.app.position() > head, "the command's last event"
    # The views have not been given the log: a query without the token does not see it …
    unseen = hall.post(TOPIC, id=proposed["id"]).json()
    assert unseen["data"] == {"topic": None}
    assert [e["extensions"]["reason"] for e in unseen["errors"]] == ["NOT_FOUND"]
    # … one carrying the token waits for them, then reads the write.
    token = {"X-Read-After": str(proposed["position"])}
    seen = answered_after_a_wait(hall, lambda: hall.data(TOPIC, token, id=proposed["id"]))
    assert seen == {"topic": {"title": "小区停车难", "version": 1}}


def test_the_events_of_a_command_answered_from_the_log_carry_the_actor(hall: Hall) -> None:
    proposed = hall.data(PROPOSE, input=hall.matter())["proposeTopic"]
    events = list(hall.system.app.events.get(UUID(proposed["id"])))
    assert [(e.actor.id, e.actor.role) for e in events] == [("staff-9", Role.PLATFORM_STAFF)]


def test_a_repeated_command_id_answers_the_first_result(hall: Hall) -> None:
    first = hall.data(PROPOSE, input=hall.matter(commandId="cmd-again"))["proposeTopic"]
    head = hall.system.app.position()
    again = [
        hall.data(PROPOSE, input=hall.matter(commandId="cmd-again"))["proposeTopic"]
        for _ in range(2)
    ]
    assert again == [first, first], "the first answer again, its token included"
    assert hall.system.app.position() == head, "a repeat stores nothing"


def test_a_stale_expected_version_is_a_conflict(hall: Hall) -> None:
    proposed = hall.data(PROPOSE, input=hall.matter())["proposeTopic"]
    verify = {"topicId": proposed["id"], "basicSituation": "核实", "readYourWrites": False}
    verified = hall.data(VERIFY, input={**verify, "expectedVersion": 1})["verifyTopic"]
    assert verified["version"] == 2
    head = hall.system.app.position()
    stale = hall.post(VERIFY, input={**verify, "expectedVersion": 1}).json()
    (error,) = stale["errors"]
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "CONFLICT",
        "CONCURRENT_MODIFICATION",
    )
    assert error["extensions"]["details"] == {"currentVersion": 2, "expectedVersion": 1}
    assert hall.system.app.position() == head, "a refused command stores nothing"


def test_the_payload_s_record_is_read_once_the_views_show_the_command(hall: Hall) -> None:
    answer = answered_after_a_wait(
        hall, lambda: hall.data(PROPOSE_READING_BACK, input=hall.matter(title="楼道堆物"))
    )
    assert answer["proposeTopic"]["topic"] == {"title": "楼道堆物"}


@pytest.mark.parametrize("header", ["abc", "-1", "1.5", "１２".encode(), "9" * 19, ""])
def test_a_token_that_is_not_a_log_position_is_refused(hall: Hall, header: str | bytes) -> None:
    refused = hall.post(TOPIC, {"X-Read-After": header}, id=str(hall.district.platform_id))
    assert refused.status_code == 400, refused.text
    body = refused.json()
    (error,) = body["errors"]
    assert error["extensions"]["reason"] == "BAD_READ_AFTER"
    assert "X-Read-After" in error["message"]
    assert "日志位置" in error["message"]


def test_a_command_that_waits_as_before_needs_no_token(hall: Hall) -> None:
    """The default (`readYourWrites: true`): the answer comes once the views show it."""
    matter = {**hall.matter(title="默认等待"), "readYourWrites": True}
    proposed = answered_after_a_wait(hall, lambda: hall.data(PROPOSE, input=matter))
    seen = hall.data(TOPIC, id=proposed["proposeTopic"]["id"])
    assert seen == {"topic": {"title": "默认等待", "version": 1}}
