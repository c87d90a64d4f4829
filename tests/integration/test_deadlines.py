"""Due dates in working days and the daily reminder (督办提醒), as the application keeps them:
an item assigned on the eve of the National Day holiday is due after it; the reminder comes
once a day, says overdue or due soon with the working days left, and never for a closed item.
In memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from application.receipts import Command
from domain.base import SYSTEM, recorded_at
from domain.errors import DomainError, InvalidInput, WrongState
from domain.reminders import DeadlineReminder
from domain.supervision import SupervisionItem
from domain.vocabulary import ReminderKind
from tests.support.district import District

# Friday 26 September 2025, 10:00 in the district.
ASSIGNED_AT = datetime(2025, 9, 26, 2, 0, tzinfo=UTC)


def assign_in_working_days(district: District, days: int) -> UUID:
    with recorded_at(ASSIGNED_AT):
        item_id = district.assigned_item()
        district.app.assign_item(
            district.committee,
            item_id,
            unit_id=district.unit_id,
            committee_id=district.committee_id,
            supervisor_id=district.supervisor_id,
            due_in_working_days=days,
            reason="按工作日重新确定办理期限",
        )
    return item_id


def item(district: District, item_id: UUID) -> SupervisionItem:
    found = district.app.repository.get(item_id)
    assert isinstance(found, SupervisionItem)
    return found


def remind(district: District, item_id: UUID, today: str) -> object:
    return district.app.remind_of_deadline(
        Command(SYSTEM), item_id, today=date.fromisoformat(today)
    )


def test_a_due_date_in_working_days_skips_the_holiday_and_counts_the_make_up_days(
    district: District,
) -> None:
    # Sunday 28 Sep (make-up), Mon 29, Tue 30, then 1–8 Oct off, Thu 9, Fri 10, Sat 11 (make-up).
    item_id = assign_in_working_days(district, 6)
    assigned = item(district, item_id)
    assert assigned.due_on == date(2025, 10, 11)
    last = list(district.app.repository.event_store.get(item_id))[-1]
    assert isinstance(last, SupervisionItem.ItemAssigned)
    assert (last.due_in_working_days, last.weekdays_assumed) == (6, False)


def test_due_on_and_due_in_working_days_are_not_both_given(district: District) -> None:
    item_id = district.assigned_item()
    version = item(district, item_id).version
    with pytest.raises(InvalidInput) as refused:
        district.app.assign_item(
            district.committee,
            item_id,
            unit_id=district.unit_id,
            committee_id=district.committee_id,
            supervisor_id=district.supervisor_id,
            due_on=date(2026, 1, 5),
            due_in_working_days=3,
            reason="改期",
        )
    assert refused.value.details == {"field": "dueInWorkingDays"}
    assert item(district, item_id).version == version


def test_the_reminder_comes_once_a_day_with_the_working_days_left(district: District) -> None:
    item_id = assign_in_working_days(district, 6)  # due Saturday 11 October
    with pytest.raises(DomainError) as too_early:
        remind(district, item_id, "2025-09-29")  # 5 working days left: beyond 3
    assert too_early.value.code == "NOT_DUE_YET"

    first = remind(district, item_id, "2025-10-08")  # a holiday: 9, 10, 11 remain
    again = remind(district, item_id, "2025-10-08")
    assert item(district, item_id).last_reminder == DeadlineReminder(
        ReminderKind.DUE_SOON, date(2025, 10, 11), 3, date(2025, 10, 8)
    )
    assert (first.replayed, again.replayed) == (False, True)  # type: ignore[attr-defined]
    assert first.position == again.position is not None  # type: ignore[attr-defined]
    assert first.version == again.version  # type: ignore[attr-defined]

    remind(district, item_id, "2025-10-14")  # Mon 13 and Tue 14 since the due day
    assert item(district, item_id).last_reminder == DeadlineReminder(
        ReminderKind.OVERDUE, date(2025, 10, 11), -2, date(2025, 10, 14)
    )


def test_no_reminder_for_a_resolved_item_or_one_without_a_due_date(district: District) -> None:
    no_due_date = district.assigned_item()
    with pytest.raises(DomainError) as undated:
        remind(district, no_due_date, "2025-10-14")
    assert undated.value.code == "NO_DUE_DATE"

    item_id = assign_in_working_days(district, 1)
    district.app.report_progress(
        district.unit,
        item_id,
        progress="已完成",
        problems="",
        approach="",
        reporting_department="区交通委",
        reported_on=date(2025, 9, 28),
    )
    district.app.resolve_item(district.committee, item_id, outcome="已办结。")
    version = item(district, item_id).version
    with pytest.raises(WrongState):
        remind(district, item_id, "2025-10-14")
    assert item(district, item_id).version == version


def test_only_the_system_issues_reminders(district: District) -> None:
    item_id = assign_in_working_days(district, 1)
    with pytest.raises(DomainError) as refused:
        district.app.remind_of_deadline(district.staff, item_id, today=date(2025, 9, 29))
    assert refused.value.code == "NOT_PERMITTED"
