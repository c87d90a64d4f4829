"""Working days on the official calendar (国务院办公厅节假日安排), make-up days (调休) included:
the 2025 National Day and Mid-Autumn holiday and the 2026 Spring Festival, day by day; a year
the calendar does not know is reckoned Monday to Friday, and says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from application.calendar import WorkingCalendar, local_date
from domain.errors import InvalidInput

CALENDAR = WorkingCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-09-26", True),  # Friday
        ("2025-09-27", False),  # Saturday
        ("2025-09-28", True),  # Sunday, make-up working day (调休上班)
        ("2025-09-30", True),
        *((f"2025-10-0{n}", False) for n in range(1, 9)),  # 国庆节、中秋节 10月1日至8日
        ("2025-10-09", True),
        ("2025-10-11", True),  # Saturday, make-up working day
        ("2025-10-12", False),  # Sunday
        ("2026-02-14", True),  # Saturday, make-up working day before 春节
        *((f"2026-02-{n}", False) for n in range(15, 24)),  # 春节 2月15日至23日
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, make-up working day after 春节
        ("2026-03-01", False),  # Sunday
    ],
)
def test_holidays_and_make_up_days_of_2025_and_2026(day: str, working: bool) -> None:
    assert CALENDAR.is_working_day(d(day)) is working


def test_adding_working_days_skips_the_national_day_holiday_and_counts_make_up_days() -> None:
    # Friday 26 September + 1: Saturday rests, Sunday the 28th is worked.
    assert CALENDAR.add_working_days(d("2025-09-26"), 1).value == d("2025-09-28")
    # From 30 September, 3 working days: 9, 10 and 11 October (a make-up Saturday).
    assert CALENDAR.add_working_days(d("2025-09-30"), 3).value == d("2025-10-11")
    assert CALENDAR.add_working_days(d("2025-09-30"), 4).value == d("2025-10-13")
    assert CALENDAR.add_working_days(d("2025-10-01"), 0).value == d("2025-10-01")


def test_adding_working_days_across_the_spring_festival() -> None:
    # Friday 13 February: Saturday the 14th is worked, then nine days off to the 23rd.
    assert CALENDAR.add_working_days(d("2026-02-13"), 1).value == d("2026-02-14")
    assert CALENDAR.add_working_days(d("2026-02-13"), 2).value == d("2026-02-24")
    # 24 Feb (Tue) + 4: 25, 26, 27 and Saturday 28 February.
    assert CALENDAR.add_working_days(d("2026-02-24"), 4).value == d("2026-02-28")
    assert CALENDAR.add_working_days(d("2026-02-24"), 5).value == d("2026-03-02")


def test_working_days_between_counts_the_days_after_the_start_up_to_the_end() -> None:
    # 28 Sep (make-up), 29, 30 Sep, 9, 10, 11 Oct (make-up), 13 Oct.
    assert CALENDAR.working_days_between(d("2025-09-26"), d("2025-10-13")).value == 7
    assert CALENDAR.working_days_between(d("2025-10-13"), d("2025-09-26")).value == -7
    assert CALENDAR.working_days_between(d("2026-02-13"), d("2026-02-24")).value == 2
    assert CALENDAR.working_days_between(d("2025-10-03"), d("2025-10-03")).value == 0


@pytest.mark.parametrize("days", [1, 5, 22, 60])
def test_between_undoes_add(days: int) -> None:
    start = d("2025-09-20")
    end = CALENDAR.add_working_days(start, days).value
    assert CALENDAR.working_days_between(start, end).value == days


def test_a_year_the_calendar_does_not_know_is_reckoned_monday_to_friday_and_says_so() -> None:
    unknown = CALENDAR.last_year + 2
    friday = next(
        date(unknown, 1, 1) + timedelta(days=n)
        for n in range(7)
        if (date(unknown, 1, 1) + timedelta(days=n)).weekday() == 4
    )
    assert CALENDAR.knows(friday) is False
    assert CALENDAR.is_working_day(friday) is True
    assert CALENDAR.is_working_day(friday + timedelta(days=1)) is False
    later = CALENDAR.add_working_days(friday, 1)
    assert (later.value, later.weekdays_assumed) == (friday + timedelta(days=3), True)
    assert CALENDAR.working_days_between(friday, friday + timedelta(days=7)).weekdays_assumed
    known = CALENDAR.add_working_days(d("2026-02-13"), 2)
    assert known.weekdays_assumed is False


def test_counting_into_an_unknown_year_is_flagged() -> None:
    end_of_known = date(CALENDAR.last_year, 12, 28)
    assert CALENDAR.add_working_days(end_of_known, 10).weekdays_assumed is True


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(InvalidInput):
        CALENDAR.add_working_days(d("2026-01-05"), -1)


def test_the_district_day_is_utc_plus_8() -> None:
    assert local_date(datetime(2025, 9, 30, 16, 30, tzinfo=UTC)) == d("2025-10-01")
    assert local_date(datetime(2025, 9, 30, 15, 59, tzinfo=UTC)) == d("2025-09-30")
