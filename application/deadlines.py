"""The daily deadline reminder (督办提醒): one event per open item per day, when it is overdue or
due within the set number of working days, so that subscribers (units, supervisors) hear of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from application.core import Core, use_case
from application.permissions import R
from application.receipts import Command, Outcome
from domain.base import Record
from domain.supervision import SupervisionItem


def reminder_command_id(item_id: UUID, today: date) -> str:
    return f"remind:{item_id}:{today.isoformat()}"


class DeadlineUseCases(Core):
    def remind_of_deadline(
        self, command: Command, item_id: UUID, *, today: date, within: int | None = None
    ) -> Outcome:
        """Once per item and day: the command id is the item and the day."""
        once = replace(command, command_id=reminder_command_id(item_id, today))
        days = self.settings.reminder_within_working_days if within is None else within
        return self.issue_deadline_reminder(once, item_id, today=today, within=days)

    @use_case(R.SYSTEM)
    def issue_deadline_reminder(
        self, command: Command, item_id: UUID, *, today: date, within: int
    ) -> list[Record]:
        item = self.load(SupervisionItem, item_id, command)
        left = self.working_calendar().working_days_between(today, item.due_on or today)
        item.issue_reminder(
            today=today,
            working_days_left=left.value,
            within=within,
            weekdays_assumed=left.weekdays_assumed,
            actor=command.actor,
        )
        return [item]
