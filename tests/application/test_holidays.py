"""The year's holiday schedule (节假日安排) entered by the system administrator: the working
calendar takes it before the package's data, deadlines already set keep their day, a changed
schedule needs a reason, and a schedule that cannot be the year's is refused storing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from application.app import Yishiting
from application.calendar import WorkingCalendar, official_calendar
from application.permissions import NotPermitted
from application.receipts import Command
from application.settings import Settings
from domain.base import SYSTEM, Actor
from domain.errors import DomainError
from domain.holidays import Holiday, HolidaySchedule
from domain.supervision import SupervisionItem
from domain.vocabulary import ReminderKind, Role
from interfaces.bootstrap import application_for
from tests.conftest import TEST_RECEIVERS
from tests.support.clock import FixedClock
from tests.support.district import ADMIN, District

# A TEST FIXTURE, not the State Council's published 2027 arrangement: 元旦 Friday 1 January to
# Sunday 3 January; 春节 Saturday 6 February to Friday 12 February, with the Sunday before
# (31 January) and the Saturday after (20 February) worked instead.
NOTICE_2027 = "国办发明电〔2026〕7号(测试用)"
HOLIDAYS_2027 = [
    *(Holiday(date(2027, 1, d), "元旦") for d in (1, 2, 3)),
    *(Holiday(date(2027, 2, d), "春节") for d in range(6, 13)),
]
WORKING_DAYS_2027 = [date(2027, 1, 31), date(2027, 2, 20)]
# Wednesday 3 February 2027, 09:00 in the district (UTC+8).
BEFORE_SPRING_FESTIVAL = datetime(2027, 2, 3, 1, 0, tzinfo=UTC)


def enter_2027(app: Yishiting, **changes: object) -> None:
    given: dict[str, object] = {
        "year": 2027,
        "notice": NOTICE_2027,
        "holidays": HOLIDAYS_2027,
        "working_days": WORKING_DAYS_2027,
        **changes,
    }
    app.enter_holiday_schedule(Command(ADMIN), **given)  # type: ignore[arg-type]


def assign_in_five_working_days(district: District) -> tuple[SupervisionItem, date, bool]:
    """The item, and its assignment's due day and whether Monday–Friday was assumed."""
    app = district.app
    consultation_id, suggestion = district.held_consultation()
    item_id = app.open_supervision_item(
        district.staff, consultation_id=consultation_id, suggestion=suggestion
    ).id
    app.assign_item(
        district.staff,
        item_id,
        unit_id=district.unit_id,
        committee_id=district.committee_id,
        supervisor_id=district.supervisor_id,
        due_in_working_days=5,
    )
    item = app.repository.get(item_id)
    assert isinstance(item, SupervisionItem)
    assigned = [e for e in app.events.get(item_id) if type(e).__name__ == "ItemAssigned"][-1]
    assert assigned.due_on == item.due_on
    return item, assigned.due_on, assigned.weekdays_assumed


def test_an_entered_2027_schedule_moves_a_deadline_across_the_spring_festival(
    app: Yishiting, district: District, clock: FixedClock
) -> None:
    clock.moment = BEFORE_SPRING_FESTIVAL
    _, *guessed = assign_in_five_working_days(district)
    # Not entered yet: Monday to Friday assumed — Thu 4 (1), Fri 5 (2), Mon 8 (3), Tue 9 (4),
    # Wed 10 February (5).
    assert guessed == [date(2027, 2, 10), True]

    enter_2027(app)
    _, *reckoned = assign_in_five_working_days(district)
    # Entered: Thu 4 (1), Fri 5 (2), 6–12 春节 off, Sat 13 and Sun 14 a weekend, Mon 15 (3),
    # Tue 16 (4), Wed 17 February (5).
    assert reckoned == [date(2027, 2, 17), False]

    calendar = app.working_calendar()
    # The make-up days are worked: one working day after Friday 29 January is Sunday the 31st.
    assert calendar.add_working_days(date(2027, 1, 29), 1).value == date(2027, 1, 31)
    assert calendar.add_working_days(date(2027, 2, 19), 1).value == date(2027, 2, 20)
    assert not calendar.is_working_day(date(2027, 1, 1))  # 元旦, a Friday
    assert calendar.is_working_day(date(2027, 3, 1))  # an ordinary Monday of the year


def test_a_deadline_already_set_keeps_its_day_and_its_reminder_counts_by_the_new_schedule(
    app: Yishiting, district: District, clock: FixedClock
) -> None:
    clock.moment = BEFORE_SPRING_FESTIVAL
    item, due_on, assumed = assign_in_five_working_days(district)
    assert (due_on, assumed) == (date(2027, 2, 10), True)
    enter_2027(app)

    assert app.repository.get(item.id).due_on == date(2027, 2, 10)
    # On Thursday 4 February: Fri 5 (1), then 6–10 are 春节 — one working day left, not four.
    app.remind_of_deadline(Command(SYSTEM), item.id, today=date(2027, 2, 4), within=3)
    reminder = app.repository.get(item.id).last_reminder
    assert reminder is not None
    assert (reminder.kind, reminder.due_on, reminder.working_days_left) == (
        ReminderKind.DUE_SOON,
        date(2027, 2, 10),
        1,
    )


def test_a_second_entry_replaces_the_year_with_a_reason(app: Yishiting) -> None:
    enter_2027(app)
    before = app.position()
    with pytest.raises(DomainError) as refused:
        enter_2027(app, working_days=[date(2027, 2, 20)])
    assert refused.value.code == "REASON_REQUIRED"
    assert app.position() == before

    stale = Command(ADMIN, expected_version=5)
    with pytest.raises(DomainError) as conflict:
        app.enter_holiday_schedule(
            stale,
            year=2027,
            notice=NOTICE_2027,
            holidays=HOLIDAYS_2027,
            working_days=[],
            reason="过时的页面",
        )
    assert conflict.value.code == "CONCURRENT_MODIFICATION"
    assert app.position() == before

    enter_2027(
        app,
        notice="国办发明电〔2026〕8号(测试用)",
        working_days=[date(2027, 2, 20)],
        reason="通知更正:1月31日不再调休上班",
    )
    schedule = app.holiday_schedule(2027)
    assert schedule is not None
    assert (schedule.version, schedule.notice, schedule.working_days) == (
        2,
        "国办发明电〔2026〕8号(测试用)",
        [date(2027, 2, 20)],
    )
    assert not app.working_calendar().is_working_day(date(2027, 1, 31))  # a Sunday again
    history = [type(e).__name__ for e in app.events.get(schedule.id)]
    assert history == ["HolidayScheduleEntered", "HolidayScheduleReplaced"]
    assert all(e.actor == ADMIN for e in app.events.get(schedule.id))


REFUSALS = [
    ("YEAR_OUT_OF_RANGE", {"year": 1999}),
    ("NO_HOLIDAYS", {"holidays": []}),
    ("DATE_OUTSIDE_YEAR", {"holidays": [Holiday(date(2026, 12, 31), "元旦")]}),
    ("DATE_OUTSIDE_YEAR", {"working_days": [date(2028, 1, 2)]}),
    ("REPEATED_DAY", {"working_days": [date(2027, 1, 31), date(2027, 1, 31)]}),
    ("HOLIDAY_AND_WORKING_DAY", {"working_days": [date(2027, 2, 6)]}),
    ("WORKING_DAY_NOT_WEEKEND", {"working_days": [date(2027, 2, 1)]}),  # a Monday
    ("FIELD_REQUIRED", {"notice": "  "}),
    ("FIELD_REQUIRED", {"holidays": [Holiday(date(2027, 2, 6), "")]}),
]


@pytest.mark.parametrize(("code", "changes"), REFUSALS, ids=[c for c, _ in REFUSALS])
def test_a_schedule_that_cannot_be_the_years_is_refused_storing_nothing(
    app: Yishiting, code: str, changes: dict[str, object]
) -> None:
    before = app.position()
    with pytest.raises(DomainError) as refused:
        enter_2027(app, **changes)
    assert refused.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message_zh)
    assert app.position() == before
    assert app.holiday_schedule(2027) is None


def test_only_the_system_administrator_enters_a_schedule(app: Yishiting) -> None:
    before = app.position()
    for role in (Role.PLATFORM_STAFF, Role.LEADER, Role.SECURITY_ADMIN):
        with pytest.raises(NotPermitted):
            app.enter_holiday_schedule(
                Command(Actor("someone", "某人", role)),
                year=2027,
                notice=NOTICE_2027,
                holidays=HOLIDAYS_2027,
                working_days=WORKING_DAYS_2027,
            )
    assert app.position() == before


def test_the_packages_years_are_unaffected_by_an_entered_year(app: Yishiting) -> None:
    enter_2027(app)
    calendar, package = app.working_calendar(), official_calendar()
    days_of_2026 = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    assert [calendar.is_working_day(d) for d in days_of_2026] == [
        package.is_working_day(d) for d in days_of_2026
    ]
    assert not calendar.is_working_day(date(2026, 10, 1))  # 国庆节, from the package
    assert calendar.knows(date(2026, 6, 1))
    assert calendar.knows(date(2027, 6, 1))
    assert not calendar.knows(date(2028, 6, 1))
    # Across the new year: Thu 31 December 2026 (the package's), 1–3 January 2027 元旦 (the
    # entry's), Mon 4 January — two working days, nothing assumed.
    across = calendar.working_days_between(date(2026, 12, 30), date(2027, 1, 4))
    assert (across.value, across.weekdays_assumed) == (2, False)


def test_the_missing_year_is_named_from_the_first_of_november(app: Yishiting) -> None:
    assert app.working_calendar().missing_schedule(date(2026, 10, 31)) is None
    assert app.working_calendar().missing_schedule(date(2026, 11, 1)) == 2027
    assert app.working_calendar().missing_schedule(date(2027, 3, 1)) == 2027
    enter_2027(app)
    assert app.working_calendar().missing_schedule(date(2026, 11, 1)) is None
    assert app.working_calendar().missing_schedule(date(2027, 3, 1)) is None
    assert app.working_calendar().missing_schedule(date(2027, 11, 1)) == 2028
    assert WorkingCalendar().missing_schedule(date(2026, 11, 1)) == 2027


# On the engines that keep a log past their application (an in-memory one ends with it).
@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_an_entered_schedule_is_read_back_after_a_restart(
    app: Yishiting, database_url: str, tmp_path: Path
) -> None:
    enter_2027(app)
    settings = Settings(
        database_url=database_url, attachment_store=str(tmp_path / "again"), **TEST_RECEIVERS
    )
    again = application_for(settings, clock=FixedClock(BEFORE_SPRING_FESTIVAL))
    try:
        schedule = again.holiday_schedule(2027)
        assert isinstance(schedule, HolidaySchedule)
        assert schedule.holidays == HOLIDAYS_2027
        assert again.working_calendar().add_working_days(date(2027, 2, 3), 5).value == date(
            2027, 2, 17
        )
    finally:
        again.close()
