"""Use case for the year's holiday schedule (节假日安排), entered by the system administrator
from the State Council's notice; the working calendar reads it (application/calendar.py)."""

from __future__ import annotations

from datetime import date

from application.core import Core, use_case
from application.permissions import R
from application.receipts import Command
from domain.base import Record
from domain.errors import VersionMismatch
from domain.holidays import Holiday, HolidaySchedule


class HolidayUseCases(Core):
    @use_case(R.ADMIN)
    def enter_holiday_schedule(
        self,
        command: Command,
        *,
        year: int,
        notice: str,
        holidays: list[Holiday],
        working_days: list[date],
        reason: str = "",
    ) -> list[Record]:
        """The year's first entry, or its replacement (with the reason) by a later notice.
        Items already due keep the day recorded when they were set (docs/CALENDAR.md)."""
        schedule = self.holiday_schedule(year)
        if schedule is None:
            entered = HolidaySchedule.enter(
                year=year,
                notice=notice,
                holidays=holidays,
                working_days=working_days,
                reason=reason,
                actor=command.actor,
            )
            return [entered]
        expected = command.expected_version
        if expected is not None and expected != schedule.version:
            raise VersionMismatch(schedule.version, expected)
        schedule.replace(
            notice=notice,
            holidays=holidays,
            working_days=working_days,
            reason=reason,
            actor=command.actor,
        )
        return [schedule]
