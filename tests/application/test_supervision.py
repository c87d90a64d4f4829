"""A suggestion supervised from its assignment to its resolution, and the daily reminder."""

from __future__ import annotations

from datetime import date

from application.app import Yishiting
from application.receipts import Command
from domain.base import SYSTEM, Actor
from domain.supervision import SupervisionItem
from domain.vocabulary import ItemStatus, ReminderKind, Role
from tests.support.district import District


def test_an_item_is_assigned_due_in_working_days_from_the_clocks_day_and_resolved(
    app: Yishiting, district: District
) -> None:
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
    assigned = app.repository.get(item_id)
    assert isinstance(assigned, SupervisionItem)
    # Monday 9 March (the clock's day in the district) and five working days: Monday 16 March.
    assert (assigned.status, assigned.due_on) == (ItemStatus.ASSIGNED, date(2026, 3, 16))

    app.report_progress(
        district.unit,
        item_id,
        progress="已协调学校开放操场",
        problems="夜间管理人手不足",
        approach="社区志愿者协助",
        reporting_department="区交通委",
        reported_on=date(2026, 3, 12),
    )
    assert app.repository.get(item_id).status is ItemStatus.IN_PROGRESS
    app.resolve_item(district.committee, item_id, outcome="操场夜间开放,新增车位120个。")
    resolved = app.repository.get(item_id)
    assert (resolved.status, resolved.outcome) == (
        ItemStatus.RESOLVED,
        "操场夜间开放,新增车位120个。",
    )

    supervisor = Command(
        Actor("supervisor-1", "刘督办", Role.SUPERVISOR, str(district.supervisor_id))
    )
    app.reopen_item(supervisor, item_id, reason="群众反映操场周末未开放。")
    assert app.repository.get(item_id).status is ItemStatus.REOPENED


def test_the_daily_reminder_is_issued_once_a_day_for_an_item_due_soon(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    app.assign_item(
        district.staff,
        item_id,
        unit_id=district.unit_id,
        committee_id=district.committee_id,
        supervisor_id=district.supervisor_id,
        due_in_working_days=5,
        reason="明确办理期限",
    )
    thursday = date(2026, 3, 12)

    first = app.remind_of_deadline(Command(SYSTEM), item_id, today=thursday)
    again = app.remind_of_deadline(Command(SYSTEM), item_id, today=thursday)

    reminder = app.repository.get(item_id).last_reminder
    assert reminder is not None
    assert (reminder.kind, reminder.due_on, reminder.working_days_left) == (
        ReminderKind.DUE_SOON,
        date(2026, 3, 16),
        2,
    )
    assert not first.replayed
    assert again.replayed  # the same day's reminder, not a second one
    assert again.position == first.position
    app.issue_deadline_reminder(
        Command(SYSTEM, command_id="remind-by-hand"), item_id, today=date(2026, 3, 13), within=3
    )
    assert app.repository.get(item_id).last_reminder.working_days_left == 1
