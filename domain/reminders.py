"""Deadline reminders (督办提醒): an open item that is overdue or due within a few working days
is reminded of once a day, saying which, its due date and the working days left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import DomainError, WrongState
from domain.vocabulary import ReminderKind


@dataclass(frozen=True)
class DeadlineReminder:
    kind: ReminderKind
    due_on: date
    working_days_left: int
    reminded_on: date


class NotDueYet(DomainError):
    kind = "CONFLICT"
    code = "NOT_DUE_YET"

    def __init__(self, due_on: date, working_days_left: int, within: int) -> None:
        super().__init__(
            f"距办理期限{due_on.isoformat()}还有{working_days_left}个工作日,"
            f"超过提醒范围({within}个工作日)",
            f"due {due_on.isoformat()} in {working_days_left} working days, beyond {within}",
        )


class AlreadyReminded(WrongState):
    code = "ALREADY_REMINDED_TODAY"

    def __init__(self, today: date) -> None:
        DomainError.__init__(
            self,
            f"今日({today.isoformat()})已发出到期提醒",
            f"already reminded on {today.isoformat()}",
        )


class NoDueDate(WrongState):
    code = "NO_DUE_DATE"

    def __init__(self) -> None:
        DomainError.__init__(self, "该事项没有办理期限", "the item has no due date")


def check_reminder(
    *,
    due_on: date | None,
    today: date,
    working_days_left: int,
    within: int,
    last: DeadlineReminder | None,
) -> DeadlineReminder:
    """The reminder due today, or the reason there is none."""
    if due_on is None:
        raise NoDueDate()
    if last is not None and last.reminded_on == today:
        raise AlreadyReminded(today)
    if due_on >= today and working_days_left > within:
        raise NotDueYet(due_on, working_days_left, within)
    kind = ReminderKind.OVERDUE if due_on < today else ReminderKind.DUE_SOON
    return DeadlineReminder(kind, due_on, working_days_left, today)
