"""Deadlines of the problem list: how each due date was set (working days, and whether a year
outside the official calendar was assumed Mon–Fri) and the last reminder (督办提醒)."""

from __future__ import annotations

from typing import Any

from domain.supervision import SupervisionItem
from projections.store import Tx
from projections.views.base import View, day, handles, held_row, id_text, insert, iso


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
        ident = id_text(e.originator_id)
        due = {
            "due_in_working_days": getattr(e, "due_in_working_days", None),
            "weekdays_assumed": int(getattr(e, "weekdays_assumed", False)),
        }
        held = held_row(tx, "item_deadlines", ident)
        if held is not None:
            held.update(due)  # what the held upsert inserts, or sets in the row already there
            return
        insert(
            tx,
            "item_deadlines",
            {
                "id": ident,
                **due,
                "reminder_kind": None,
                "reminder_due_on": None,
                "reminder_working_days_left": None,
                "reminded_on": None,
                "reminded_at": None,
            },
            ident,
            on_conflict=" ON CONFLICT (id) DO UPDATE SET"
            " due_in_working_days = excluded.due_in_working_days,"
            " weekdays_assumed = excluded.weekdays_assumed",
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
                id_text(e.originator_id),
            ),
        )
