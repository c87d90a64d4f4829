"""Deadlines of the problem list: how each due date was set (working days, and whether a year
outside the official calendar was assumed Mon–Fri) and the last reminder (督办提醒)."""

from __future__ import annotations

from typing import Any

from domain.supervision import SupervisionItem
from projections.store import Tx
from projections.views.base import View, day, handles, iso


class ItemDeadlines(View):
    name = "item_deadlines"
    tables = (
        "CREATE TABLE IF NOT EXISTS item_deadlines (id TEXT PRIMARY KEY,"
        " due_in_working_days INTEGER, weekdays_assumed INTEGER NOT NULL,"
        " reminder_kind TEXT, reminder_due_on TEXT, reminder_working_days_left INTEGER,"
        " reminded_on TEXT, reminded_at TEXT)",
    )

    @handles(SupervisionItem.ItemAssigned)
    def assigned(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO item_deadlines (id, due_in_working_days, weekdays_assumed)"
            " VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " due_in_working_days = excluded.due_in_working_days,"
            " weekdays_assumed = excluded.weekdays_assumed",
            (
                str(e.originator_id),
                getattr(e, "due_in_working_days", None),
                int(getattr(e, "weekdays_assumed", False)),
            ),
        )

    @handles(SupervisionItem.DeadlineReminderIssued)
    def reminded(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE item_deadlines SET reminder_kind = ?, reminder_due_on = ?,"
            " reminder_working_days_left = ?, reminded_on = ?, reminded_at = ? WHERE id = ?",
            (
                e.kind.code,
                day(e.due_on),
                e.working_days_left,
                day(e.reminded_on),
                iso(e.timestamp),
                str(e.originator_id),
            ),
        )
