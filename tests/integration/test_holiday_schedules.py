"""The holiday schedules through GraphQL, on SQLite and PostgreSQL: the system administrator
enters 2027's; it is listed with typed dates, reaches the audit trail, survives a rebuild of
the views, silences the dashboard's warning, and moves a working-day deadline; other roles and
impossible schedules are refused, storing nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from application.settings import Settings
from interfaces.bootstrap import bootstrap
from tests.support.clock import FixedClock
from tests.support.graphql import CHINESE
from tests.support.world import World, running

# A TEST FIXTURE, not the State Council's published 2027 arrangement: 春节 Saturday 6 to
# Friday 12 February 2027, Sunday 31 January and Saturday 20 February worked instead.
SCHEDULE_2027 = {
    "year": 2027,
    "notice": "国办发明电〔2026〕7号(测试用)",
    "holidays": [{"day": f"2027-02-{d:02}", "festival": "春节"} for d in range(6, 13)],
    "workingDays": ["2027-01-31", "2027-02-20"],
}
ENTER = """mutation($input: EnterHolidayScheduleInput!) {
  enterHolidaySchedule(input: $input) { id version position
    schedule { year notice workingDays holidays { day festival } enteredBy enteredAt reason } }
}"""
LIST = "{ holidaySchedules { year notice workingDays holidays { day festival } enteredBy } }"
WARNING = "{ dashboard { calendarWarning } }"
# 00:00 on 1 November 2026 in the district (UTC+8), and a minute before it.
FIRST_OF_NOVEMBER = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
LAST_OF_OCTOBER = datetime(2026, 10, 31, 15, 59, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def world(url: str) -> Iterator[World]:
    with running(url) as running_world:
        yield running_world


def enter(world: World, role: str = "admin", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = world.execute(role, ENTER, {"input": SCHEDULE_2027 | changes})
    return body


def refused(body: dict[str, Any]) -> tuple[str, str]:
    assert not (body.get("data") or {}).get("enterHolidaySchedule"), body
    (error,) = body["errors"]
    assert CHINESE.search(error["message"]), error
    return error["extensions"]["code"], error["extensions"]["reason"]


def test_the_administrator_enters_2027_and_everyone_reads_it_with_typed_dates(
    world: World,
) -> None:
    body = enter(world)
    assert "errors" not in body, body
    schedule = body["data"]["enterHolidaySchedule"]["schedule"]
    assert schedule["year"] == 2027
    assert schedule["workingDays"] == ["2027-01-31", "2027-02-20"]
    assert schedule["holidays"][0] == {"day": "2027-02-06", "festival": "春节"}
    assert schedule["enteredBy"] == "系统管理员"
    assert datetime.fromisoformat(schedule["enteredAt"]).tzinfo is not None
    assert schedule["reason"] == ""
    for role in ("platform_staff", "leader", "unit"):
        (listed,) = world.execute(role, LIST)["data"]["holidaySchedules"]
        assert listed["notice"] == "国办发明电〔2026〕7号(测试用)"
        assert len(listed["holidays"]) == 7

    trail = world.execute(
        "admin",
        '{ auditTrail(filter: {eventTypes: ["HolidayScheduleEntered"]}) '
        "{ nodes { actorName summary } } }",
    )["data"]["auditTrail"]["nodes"]
    assert trail == [
        {
            "actorName": "系统管理员",
            "summary": "录入2027年节假日安排(国办发明电〔2026〕7号(测试用)):放假7天,调休上班2天",
        }
    ]


def test_other_roles_and_impossible_schedules_are_refused_storing_nothing(world: World) -> None:
    before = world.position()
    for role in ("platform_staff", "leader", "security_admin"):
        assert refused(enter(world, role)) == ("FORBIDDEN", "NOT_PERMITTED")
    assert refused(enter(world, workingDays=["2027-02-01"])) == (
        "BAD_USER_INPUT",
        "WORKING_DAY_NOT_WEEKEND",
    )
    assert refused(enter(world, workingDays=["2027-02-06"])) == (
        "BAD_USER_INPUT",
        "HOLIDAY_AND_WORKING_DAY",
    )
    assert refused(enter(world, holidays=[])) == ("BAD_USER_INPUT", "NO_HOLIDAYS")
    assert world.position() == before
    assert world.execute("admin", LIST)["data"]["holidaySchedules"] == []


def test_a_replacement_needs_a_reason_and_survives_a_restart_and_a_rebuild_of_the_views(
    url: str,
) -> None:
    with running(url) as world:
        assert "errors" not in enter(world)
        assert refused(enter(world, workingDays=["2027-02-20"])) == (
            "BAD_USER_INPUT",
            "REASON_REQUIRED",
        )
        body = enter(world, workingDays=["2027-02-20"], reason="通知更正:1月31日不调休")
        replaced = body["data"]["enterHolidaySchedule"]
        assert (replaced["version"], replaced["schedule"]["workingDays"]) == (2, ["2027-02-20"])
        rows = world.system.queries.holiday_schedules()

    # Another process on the same database (no server, so no projector beside the rebuild).
    system = bootstrap(Settings(database_url=url, attachment_store=tempfile.mkdtemp()))
    try:
        system.projector.rebuild()
        assert system.queries.holiday_schedules() == rows
        (row,) = rows
        assert (row["year"], row["version"], row["reason"]) == (2027, 2, "通知更正:1月31日不调休")
        calendar = system.app.working_calendar()
        assert not calendar.is_working_day(date(2027, 1, 31))
        # Thu 4, Fri 5, 6–12 春节, a weekend, Mon 15, Tue 16, Wed 17 February.
        assert calendar.add_working_days(date(2027, 2, 3), 5).value == date(2027, 2, 17)
    finally:
        system.close()


def test_the_dashboard_warns_from_the_first_of_november_until_next_year_is_entered(
    world: World,
) -> None:
    world.system.app.clock = FixedClock(LAST_OF_OCTOBER)
    assert world.execute("admin", WARNING)["data"]["dashboard"]["calendarWarning"] is None

    world.system.app.clock = FixedClock(FIRST_OF_NOVEMBER)
    warning = world.execute("platform_staff", WARNING)["data"]["dashboard"]["calendarWarning"]
    assert "尚未录入2027年节假日安排" in warning

    assert "errors" not in enter(world)
    assert world.execute("admin", WARNING)["data"]["dashboard"]["calendarWarning"] is None


RECKON = """query($start: Date!, $days: Int!) {
  workingDaysAfter(start: $start, workingDays: $days) { dueOn weekdaysAssumed } }"""


def test_working_days_are_reckoned_with_the_entered_year_and_bad_counts_refused(
    world: World,
) -> None:
    def reckon(start: str, days: int) -> dict[str, Any]:
        body: dict[str, Any] = world.execute("unit", RECKON, {"start": start, "days": days})
        return body

    # The fixture's 春节 2027-02-06..12: Wed 3 Feb + 5 → 4, 5, (6–12 off), 15, 16, 17.
    assert reckon("2027-02-03", 5)["data"]["workingDaysAfter"] == {
        "dueOn": "2027-02-10",
        "weekdaysAssumed": True,
    }
    assert "errors" not in enter(world)
    assert reckon("2027-02-03", 5)["data"]["workingDaysAfter"] == {
        "dueOn": "2027-02-17",
        "weekdaysAssumed": False,
    }
    for start, days, field in (
        ("2027-02-03", -1, "workingDays"),
        ("2027-02-03", 1001, "workingDays"),
        ("9999-12-30", 5, "start"),
    ):
        (error,) = reckon(start, days)["errors"]
        assert CHINESE.search(error["message"]), error
        extensions = error["extensions"]
        assert (extensions["code"], extensions["reason"]) == ("BAD_USER_INPUT", "INVALID_INPUT")
        assert extensions["details"] == {"field": field}
