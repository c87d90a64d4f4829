"""The hotline and deadlines through the API: a work order pushed over REST (201, then 200 when
repeated, refusals in the GraphQL error shape); common issues grouped by category and street
and drafted into one topic, each order recorded as merged into it; due dates in working days,
the daily reminder seen on the item, the 'due within' filter and the dashboard. SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application.calendar import district_today, official_calendar
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.cli.remind import remind_due_items
from interfaces.server import create_app
from tests.support.graphql import GraphQLClient, GraphQLDistrict, assert_explained, credentials_of

HOTLINE = Actor("hotline-gateway", "12345热线推送", Role.INTEGRATION)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def http(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=url, writes_per_minute=100_000))) as client:
        yield client


@pytest.fixture
def api(http: TestClient) -> GraphQLClient:
    return GraphQLClient(http, credentials=credentials_of(http.app))


@pytest.fixture
def hall(api: GraphQLClient) -> GraphQLDistrict:
    return GraphQLDistrict.build(api)


def push(http: TestClient, actor: Actor | None, body: Any) -> Any:
    headers = {}
    if actor is not None:
        token = http.app.state.authenticator.issue(actor)  # type: ignore[attr-defined]
        headers["Authorization"] = f"Bearer {token}"
    return http.post("/hotline/service-requests", json=body, headers=headers)


def service_request(hall: GraphQLDistrict, ticket: str, street: str, **more: str) -> dict[str, Any]:
    return {
        "service_request_id": ticket,
        "description": f"{street}某小区夜间停车难,车辆占用消防通道。",
        "service_name": "交通管理/停车",
        "agency_responsible": "区交通委",
        "requested_datetime": "2026-03-02T09:30:00+08:00",
        "address": f"{street}某小区3号楼",
        "street": street,
        "contact_name": "陈先生",
        "contact_phone": "13800000001",
        "platform_id": hall.platform_id,
        **more,
    }


def test_a_pushed_work_order_is_taken_in_once(http: TestClient, hall: GraphQLDistrict) -> None:
    body = service_request(hall, "GD-PUSH-1", "永顺镇")
    created = push(http, HOTLINE, body)
    assert created.status_code == 201, created.text
    topic_id = created.json()["topic_id"]
    assert created.json() == {
        "service_request_id": "GD-PUSH-1",
        "topic_id": topic_id,
        "status": "created",
    }
    repeated = push(http, HOTLINE, body)
    assert (repeated.status_code, repeated.json()["topic_id"]) == (200, topic_id)
    assert repeated.json()["status"] == "repeated"

    shown = hall.staff.client.query(
        "query($id: ID!) { topic(id: $id) { title status { code } channel { code }"
        " hotlineTickets proposerName } }",
        id=topic_id,
    )["topic"]
    assert shown == {
        "title": "永顺镇某小区夜间停车难,车辆占用消防通道。",
        "status": {"code": "PROPOSED"},
        "channel": {"code": "HOTLINE_12345"},
        "hotlineTickets": ["GD-PUSH-1"],
        "proposerName": "陈先生",
    }


def test_pushes_are_refused_with_a_status_and_a_code(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    body = service_request(hall, "GD-PUSH-2", "永顺镇")
    assert push(http, HOTLINE, body).status_code == 201

    def refused(actor: Actor | None, given: Any, status: int, code: str, reason: str) -> None:
        response = push(http, actor, given)
        assert response.status_code == status, response.text
        (error,) = response.json()["errors"]
        assert_explained(error, code, reason)

    staff = hall.staff.client
    assert staff is not None
    refused(None, body, 401, "UNAUTHENTICATED", "TOKEN_REQUIRED")
    refused(Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id), body, 403,
            "FORBIDDEN", "NOT_PERMITTED")  # fmt: skip
    refused(HOTLINE, {**body, "description": "内容改了"}, 409, "CONFLICT", "TICKET_RESENT_CHANGED")
    refused(HOTLINE, {**body, "service_request_id": ""}, 400, "BAD_USER_INPUT", "INVALID_INPUT")
    refused(HOTLINE, {**body, "service_request_id": "X", "platform_id": None}, 400,
            "BAD_USER_INPUT", "FIELD_REQUIRED")  # fmt: skip
    unknown = "00000000-0000-0000-0000-000000000000"
    refused(HOTLINE, {**body, "service_request_id": "Y", "platform_id": unknown}, 404,
            "NOT_FOUND", "NOT_FOUND")  # fmt: skip
    refused(HOTLINE, {**body, "service_request_id": "Z", "category": "nope"}, 400,
            "BAD_USER_INPUT", "UNKNOWN_CODE")  # fmt: skip


def push_raw(http: TestClient, body: bytes) -> Any:
    token = http.app.state.authenticator.issue(HOTLINE)  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return http.post("/hotline/service-requests", content=body, headers=headers)


def log_position(http: TestClient) -> int:
    return int(http.app.state.holder["system"].app.position())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",  # cannot be written in UTC
        "9999-12-31T23:59:59-14:00",  # nor this
        "0001-01-01T00:00:00",
        "1970-01-01T00:00:00Z",
        "2100-01-01T08:00:00+08:00",
    ],
)
def test_a_pushed_order_received_at_an_impossible_moment_is_refused(
    http: TestClient, hall: GraphQLDistrict, moment: str
) -> None:
    before = log_position(http)
    body = service_request(hall, "GD-TIME-1", "永顺镇", requested_datetime=moment)
    response = push(http, HOTLINE, body)
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert_explained(error, "BAD_USER_INPUT", "TIME_OUT_OF_RANGE")
    assert log_position(http) == before, "nothing is stored"
    edge = service_request(hall, "GD-TIME-1", "永顺镇", requested_datetime="1980-01-01T08:00+08:00")
    assert push(http, HOTLINE, edge).status_code == 201


def test_a_pushed_body_that_cannot_be_read_is_refused_with_a_code(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    before = log_position(http)
    body = json.dumps(service_request(hall, "GD-BODY-1", "永顺镇"), ensure_ascii=False).encode()

    def refused(given: bytes, reason: str) -> None:
        response = push_raw(http, given)
        assert response.status_code == 400, response.text
        (error,) = response.json()["errors"]
        assert_explained(error, "BAD_USER_INPUT", reason)

    refused(body.replace("永顺镇".encode(), b"\xff\xfe\xe6", 1), "INVALID_UTF8")
    refused(b"[" * 100_000 + b"]" * 100_000, "JSON_TOO_DEEP")
    refused(b'{"service_request_id": ', "INVALID_JSON")
    refused(body.replace(b"2026-03-02T09:30:00+08:00", b"2026-13-02T09:30"), "INVALID_INPUT")
    assert log_position(http) == before, "nothing is stored"


def test_a_push_over_the_body_limit_is_refused_unread(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    before = log_position(http)
    limit = http.app.state.holder["system"].settings.max_body_bytes  # type: ignore[attr-defined]
    huge = service_request(hall, "GD-HUGE-1", "永顺镇", description="停车难" * limit)
    response = push(http, HOTLINE, huge)
    assert response.status_code == 413, response.text
    (error,) = response.json()["errors"]
    assert_explained(error, "BAD_USER_INPUT", "BODY_TOO_LARGE")
    assert log_position(http) == before, "nothing is stored"


def test_pushed_text_goes_through_the_domains_text_rule(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    before = log_position(http)

    def refused(reason: str, **more: str) -> None:
        raw = json.dumps({**service_request(hall, "GD-TEXT-1", "永顺镇"), **more})
        response = push_raw(http, raw.encode())  # as JSON escapes: \u0000, \ud800
        assert response.status_code == 400, response.text
        (error,) = response.json()["errors"]
        assert_explained(error, "BAD_USER_INPUT", reason)

    refused("INVALID_TEXT", description="路灯不亮\u0000")
    refused("INVALID_TEXT", contact_name="陈\u0007先生")
    refused("INVALID_TEXT", street="永顺\x1b[31m镇")
    refused("INVALID_INPUT", address="某小区\udc80号楼")  # not Unicode: pydantic refuses it
    refused("INVALID_INPUT", service_request_id="GD-\ud800")
    assert log_position(http) == before, "nothing is stored"


GROUPS = """query($p: ID!) { hotlineGroups(platformId: $p) {
  category street count tickets topics { id status { code } } } }"""


def test_common_issues_are_grouped_and_drafted_into_one_topic(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    tickets = {
        "GD-A1": "永顺镇",
        "GD-A2": "永顺镇",
        "GD-A3": "永顺镇",
        "GD-B1": "梨园镇",
    }
    ids = {
        t: push(http, HOTLINE, service_request(hall, t, street)).json()["topic_id"]
        for t, street in tickets.items()
    }
    staff = hall.staff
    groups = staff.client.query(GROUPS, p=hall.platform_id)["hotlineGroups"]
    assert [(g["street"], g["count"], g["tickets"]) for g in groups] == [
        ("永顺镇", 3, ["GD-A1", "GD-A2", "GD-A3"]),
        ("梨园镇", 1, ["GD-B1"]),
    ]
    assert groups[0]["category"] == "交通管理/停车"
    assert [t["id"] for t in groups[0]["topics"]] == [ids["GD-A1"], ids["GD-A2"], ids["GD-A3"]]

    sources = [ids["GD-A1"], ids["GD-A2"], ids["GD-A3"]]
    common = staff.draft_topic_from_orders(
        sources, title="永顺镇小区夜间停车难", content="3件工单反映同一问题。"
    )
    drafted = staff.client.query(
        "query($id: ID!) { topic(id: $id) { title status { code } hotlineTickets"
        " channel { code } category { code } } }",
        id=common.id,
    )["topic"]
    assert drafted == {
        "title": "永顺镇小区夜间停车难",
        "status": {"code": "PROPOSED"},
        "hotlineTickets": ["GD-A1", "GD-A2", "GD-A3"],
        "channel": {"code": "HOTLINE_12345"},
        "category": {"code": "GOVERNANCE"},
    }
    for source in sources:
        merged = staff.client.query(
            "query($id: ID!) { topic(id: $id) { status { code label } } }", id=source
        )["topic"]
        assert merged["status"] == {"code": "MERGED", "label": "已并入共性议题"}
    groups = staff.client.query(GROUPS, p=hall.platform_id)["hotlineGroups"]
    assert [(g["street"], g["count"]) for g in groups] == [("梨园镇", 1)]

    again = staff.refused.draft_topic_from_orders(
        [sources[0], ids["GD-B1"]], title="再合并", content="已合并的不能再合并"
    )
    assert_explained(again, "CONFLICT", "WRONG_STATE")
    alone = staff.refused.draft_topic_from_orders([ids["GD-B1"]], title="单件", content="单件")
    assert_explained(alone, "BAD_USER_INPUT", "INVALID_INPUT")
    other = hall.committee.refused.draft_topic_from_orders(
        [ids["GD-B1"], ids["GD-A1"]], title="专委会", content="专委会不能拟定"
    )
    assert_explained(other, "FORBIDDEN", "NOT_PERMITTED")


ITEM = """query($id: ID!) { supervisionItem(id: $id) { dueOn dueInWorkingDays
  dueWeekdaysAssumed lastReminder { kind { code label } dueOn workingDaysLeft remindedOn } } }"""
DUE_SOON = """query($n: Int!) { supervisionItems(filter: { dueWithinWorkingDays: $n }) {
  nodes { id } } }"""


def test_due_dates_in_working_days_reminders_filters_and_the_dashboard(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    # Relative to today: whatever day the test runs, the official calendar decides.
    today = district_today()
    soon = hall.assigned_item()
    hall.staff.assign_item(
        soon,
        unit_id=hall.unit_id,
        committee_id=hall.committee_id,
        supervisor_id=hall.supervisor_id,
        due_in_working_days=2,
        reason="限期办理",
    )
    later = hall.assigned_item()
    hall.staff.assign_item(
        later,
        unit_id=hall.unit_id,
        committee_id=hall.committee_id,
        supervisor_id=hall.supervisor_id,
        due_in_working_days=10,
        reason="限期办理",
    )
    reckoned = official_calendar().add_working_days(today, 2)
    shown = hall.staff.client.query(ITEM, id=soon)["supervisionItem"]
    assert shown == {
        "dueOn": reckoned.value.isoformat(),
        "dueInWorkingDays": 2,
        "dueWeekdaysAssumed": reckoned.weekdays_assumed,
        "lastReminder": None,
    }

    def ids(within: int) -> list[str]:
        found = hall.staff.client.query(DUE_SOON, n=within)["supervisionItems"]["nodes"]
        return [i["id"] for i in found]

    assert ids(3) == [soon]
    assert sorted(ids(10)) == sorted([soon, later])
    board = hall.committee.client.query(
        "{ dashboard { itemsDueSoon d10: itemsDueSoon(withinWorkingDays: 10) } }"
    )["dashboard"]
    assert board == {"itemsDueSoon": 1, "d10": 2}

    system = http.app.state.holder["system"]  # type: ignore[attr-defined]
    assert remind_due_items(system, today) == (1, 0)
    assert remind_due_items(system, today) == (0, 1), "once a day"
    reminder = hall.staff.client.query(ITEM, id=soon)["supervisionItem"]["lastReminder"]
    assert reminder == {
        "kind": {"code": "DUE_SOON", "label": "即将到期"},
        "dueOn": reckoned.value.isoformat(),
        "workingDaysLeft": 2,
        "remindedOn": today.isoformat(),
    }
    refused = hall.staff.client.errors(DUE_SOON, n=-1)
    assert_explained(refused[0], "BAD_USER_INPUT", "INVALID_INPUT")
