"""Working days by the State Council's holiday arrangements (节假日安排), make-up working days
(调休) included: a year's schedule as the system administrator entered it (domain/holidays.py)
first, else as shipped by the `chinesecalendar` package. A year neither knows is reckoned
Monday to Friday, and every answer says whether it had to assume so (docs/CALENDAR.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Generic, TypeVar

import chinese_calendar
from chinese_calendar import constants

from domain.base import now
from domain.errors import InvalidInput

DISTRICT_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
ONE_DAY = timedelta(days=1)
T = TypeVar("T")
MAX_WORKING_DAYS = 1000
# From this month on, the dashboard warns while next year's schedule is missing: the State
# Council publishes it in late October or November.
WARN_FROM_MONTH = 11


def local_date(moment: datetime) -> date:
    """The district's calendar day (UTC+8) of a moment."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(DISTRICT_TIME).date()


@dataclass(frozen=True)
class Reckoned(Generic[T]):
    """A count or a day, and whether a year outside the official calendar was assumed Mon–Fri."""

    value: T
    weekdays_assumed: bool = False


@dataclass(frozen=True)
class YearSchedule:
    """An entered year: its days off and its make-up working days; every other day is a
    working day from Monday to Friday."""

    holidays: frozenset[date]
    working_days: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.working_days or day.weekday() < 5


EnteredSchedules = Callable[[int], YearSchedule | None]


def _none_entered(_year: int) -> YearSchedule | None:
    return None


class WorkingCalendar:
    """is_working_day, add_working_days, working_days_between — on the official calendar.

    `entered` answers a year's entered schedule (or None); it is asked once per year per
    calendar, so a calendar is made for one command or one read, not kept."""

    def __init__(self, entered: EnteredSchedules = _none_entered) -> None:
        years: set[int] = {day.year for day in constants.holidays}
        self.first_year: int = min(years)
        self.last_year: int = max(years)
        self._entered = entered
        self._years: dict[int, YearSchedule | None] = {}
        # One operation's fields may ask from several threads at once: one reads a year.
        self._reading = threading.Lock()

    def entered(self, year: int) -> YearSchedule | None:
        try:
            return self._years[year]
        except KeyError:
            with self._reading:
                if year not in self._years:
                    self._years[year] = self._entered(year)
                return self._years[year]

    def knows_year(self, year: int) -> bool:
        return self.entered(year) is not None or self.first_year <= year <= self.last_year

    def knows(self, day: date) -> bool:
        return self.knows_year(day.year)

    def is_working_day(self, day: date) -> bool:
        schedule = self.entered(day.year)
        if schedule is not None:
            return schedule.is_working_day(day)
        if not self.knows(day):
            return day.weekday() < 5
        working: bool = chinese_calendar.is_workday(day)
        return working

    def missing_schedule(self, today: date) -> int | None:
        """The year whose schedule is wanted and missing: this year's, or from November on
        next year's; None when both are known."""
        if not self.knows_year(today.year):
            return today.year
        if today.month >= WARN_FROM_MONTH and not self.knows_year(today.year + 1):
            return today.year + 1
        return None

    def add_working_days(self, start: date, count: int) -> Reckoned[date]:
        """The day `count` working days after `start` (start itself not counted)."""
        _check_count(count)
        day, left, assumed = start, count, not self.knows(start)
        while left > 0:
            day += ONE_DAY
            assumed = assumed or not self.knows(day)
            left -= self.is_working_day(day)
        return Reckoned(day, assumed)

    def working_days_between(self, start: date, end: date) -> Reckoned[int]:
        """Working days after `start` up to and including `end`; negative when `end` is earlier:
        from a Friday to the next Monday is 1, from that Monday back to the Friday is -1."""
        sign, first, last = (1, start, end) if end >= start else (-1, end, start)
        days = list(_days_after(first, last))
        count = sum(self.is_working_day(d) for d in days)
        assumed = not (self.knows(first) and self.knows(last))
        return Reckoned(sign * count, assumed)


def _days_after(first: date, last: date) -> Iterator[date]:
    day = first + ONE_DAY
    while day <= last:
        yield day
        day += ONE_DAY


def _check_count(count: int) -> None:
    if not 0 <= count <= MAX_WORKING_DAYS:
        raise InvalidInput(
            f"工作日数须在0到{MAX_WORKING_DAYS}之间",
            f"working days must be 0..{MAX_WORKING_DAYS}",
            field="dueInWorkingDays",
        )


@lru_cache(maxsize=1)
def official_calendar() -> WorkingCalendar:
    return WorkingCalendar()


def due_date(
    due_on: date | None, due_in_working_days: int | None, calendar: WorkingCalendar
) -> Reckoned[date | None]:
    """A due day as given, or `due_in_working_days` working days after today (UTC+8)."""
    if due_in_working_days is None:
        return Reckoned(due_on)
    if due_on is not None:
        raise InvalidInput(
            "办理期限请填写日期或工作日数,二者选一",
            "give either dueOn or dueInWorkingDays, not both",
            field="dueInWorkingDays",
        )
    if due_in_working_days < 1:
        raise InvalidInput(
            "办理期限至少为1个工作日",
            "dueInWorkingDays must be at least 1",
            field="dueInWorkingDays",
        )
    reckoned = calendar.add_working_days(local_date(now()), due_in_working_days)
    return Reckoned(reckoned.value, reckoned.weekdays_assumed)


def due_within(today: date, working_days: int, calendar: WorkingCalendar | None = None) -> date:
    """The last day an item may be due on to count as due within `working_days` of today."""
    reckoned = (calendar or official_calendar()).add_working_days(today, working_days)
    return reckoned.value


def calendar_warning(year: int | None) -> str | None:
    """What the dashboard says while a year's schedule is missing."""
    if year is None:
        return None
    return (
        f"尚未录入{year}年节假日安排(国务院办公厅通知):自{year}年1月1日起,"
        "工作日将暂按周一至周五计算。请系统管理员录入放假日期和调休上班日。"
        f" ({year} holiday schedule not entered: working days fall back to Monday–Friday)"
    )


def district_today() -> date:
    """Today in the district (UTC+8), whatever zone the server keeps."""
    return local_date(now())
