"""A year's official holiday arrangements (国务院办公厅关于部分节假日安排的通知) as the system
administrator entered them: the holidays, each with its festival, and the make-up working days
(调休上班日). One record per year; a second entry replaces the first, with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import Actor, Record, optional_text, required_reason, text
from domain.errors import InvalidInput

# A year's schedule has an id that follows from the year: the calendar finds it without a search.
SCHEDULES = UUID("3f6b7c1e-9d24-5a8b-b1c3-72e0a4d95f18")
FIRST_YEAR, LAST_YEAR = 2000, 2100
SATURDAY = 5


def schedule_id(year: int) -> UUID:
    return uuid5(SCHEDULES, f"holiday-schedule:{year}")


@dataclass(frozen=True)
class Holiday:
    """A day off by the notice, and the festival it belongs to (春节, 国庆节 …)."""

    day: date
    festival: str


class YearOutOfRange(InvalidInput):
    code = "YEAR_OUT_OF_RANGE"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"年份须在{FIRST_YEAR}至{LAST_YEAR}之间:{year}",
            f"the year must be {FIRST_YEAR}..{LAST_YEAR}: {year}",
            field="year",
        )


class NoHolidays(InvalidInput):
    code = "NO_HOLIDAYS"

    def __init__(self) -> None:
        super().__init__(
            "节假日安排须至少列出一天放假日期", "list at least one holiday", field="holidays"
        )


class DateOutsideYear(InvalidInput):
    code = "DATE_OUTSIDE_YEAR"

    def __init__(self, field: str, day: date, year: int) -> None:
        super().__init__(
            f"{day.isoformat()}不在{year}年内", f"{day.isoformat()} is not in {year}", field=field
        )


class HolidayAndWorkingDay(InvalidInput):
    code = "HOLIDAY_AND_WORKING_DAY"

    def __init__(self, day: date) -> None:
        super().__init__(
            f"{day.isoformat()}不能既是放假日又是调休上班日",
            f"{day.isoformat()} cannot be both a holiday and a working day",
            field="workingDays",
        )


class WorkingDayNotWeekend(InvalidInput):
    code = "WORKING_DAY_NOT_WEEKEND"

    def __init__(self, day: date) -> None:
        super().__init__(
            f"调休上班日须为周六或周日:{day.isoformat()}",
            f"a make-up working day must be a Saturday or Sunday: {day.isoformat()}",
            field="workingDays",
        )


class RepeatedDay(InvalidInput):
    code = "REPEATED_DAY"

    def __init__(self, field: str, day: date) -> None:
        super().__init__(
            f"日期重复:{day.isoformat()}", f"{day.isoformat()} is listed twice", field=field
        )


class HolidaySchedule(Record):
    """The holidays and make-up working days of one year, by the State Council's notice."""

    @event("HolidayScheduleEntered")
    def __init__(
        self,
        *,
        year: int,
        notice: str,
        holidays: list[Holiday],
        working_days: list[date],
        reason: str,
        actor: Actor,
    ) -> None:
        self.year = year
        self.notice = notice
        self.holidays = holidays
        self.working_days = working_days
        self.reason = reason

    @staticmethod
    def create_id(year: int, **_: object) -> UUID:
        return schedule_id(year)

    @classmethod
    def enter(
        cls,
        *,
        year: int,
        notice: str,
        holidays: list[Holiday],
        working_days: list[date],
        actor: Actor,
        reason: str = "",
    ) -> HolidaySchedule:
        """The year's first entry; a reason is optional (kept if given)."""
        days_off, make_up = _checked(year, holidays, working_days)
        return cls(
            year=year,
            notice=_notice(notice),
            holidays=days_off,
            working_days=make_up,
            reason=optional_text(reason, "reason", "理由"),
            actor=actor,
        )

    def replace(
        self,
        *,
        notice: str,
        holidays: list[Holiday],
        working_days: list[date],
        reason: str,
        actor: Actor,
    ) -> None:
        """A corrected or re-issued notice: the year's whole schedule, in place of the last."""
        days_off, make_up = _checked(self.year, holidays, working_days)
        self._replaced(
            notice=_notice(notice),
            holidays=days_off,
            working_days=make_up,
            reason=required_reason(reason, "替换节假日安排", "replacing a holiday schedule"),
            actor=actor,
        )

    @event("HolidayScheduleReplaced")
    def _replaced(
        self,
        notice: str,
        holidays: list[Holiday],
        working_days: list[date],
        reason: str,
        actor: Actor,
    ) -> None:
        self.notice = notice
        self.holidays = holidays
        self.working_days = working_days
        self.reason = reason


def _notice(value: str) -> str:
    return text(value, "notice", "通知文号", 100)


def _checked(
    year: int, holidays: list[Holiday], working_days: list[date]
) -> tuple[list[Holiday], list[date]]:
    """The schedule sorted by day, each festival named; refused if it cannot be the year's."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(year)
    if not holidays:
        raise NoHolidays()
    named = [
        Holiday(h.day, text(h.festival, "holidays.festival", "节日名称", 20)) for h in holidays
    ]
    _within_year(year, "holidays", [h.day for h in named])
    _within_year(year, "workingDays", working_days)
    both = sorted({h.day for h in named} & set(working_days))
    if both:
        raise HolidayAndWorkingDay(both[0])
    for day in sorted(working_days):
        if day.weekday() < SATURDAY:
            raise WorkingDayNotWeekend(day)
    return sorted(named, key=lambda h: h.day), sorted(working_days)


def _within_year(year: int, field: str, days: list[date]) -> None:
    seen: set[date] = set()
    for day in days:
        if day.year != year:
            raise DateOutsideYear(field, day, year)
        if day in seen:
            raise RepeatedDay(field, day)
        seen.add(day)
