"""Reads for deadlines: the open items to remind today and each item's due-date basis and last
reminder (the dashboard's count of items due soon: projections/reads/dashboard.py)."""

from __future__ import annotations

from datetime import date

from application.calendar import WorkingCalendar, due_within
from application.permissions import Visibility
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Row, ViewStore


def items_to_remind(
    store: ViewStore, today: date, within: int, calendar: WorkingCalendar | None = None
) -> list[str]:
    """Ids of open items overdue, or due within `within` working days, in ledger order."""
    due_by = due_within(today, within, calendar)
    with store.reading() as tx:
        rows = tx.all(
            "SELECT id FROM supervision_ledger WHERE status <> 'resolved'"
            " AND due_on IS NOT NULL AND due_on <= ? ORDER BY seq_no",
            [due_by.isoformat()],
        )
    return [row["id"] for row in rows]


def deadlines_of(
    store: ViewStore, item_ids: list[str], seen_by: Visibility = EVERYTHING
) -> dict[str, Row]:
    """Each item's due-date basis and last reminder, for the items `seen_by` may read."""
    if not item_ids:
        return {}
    inner, params = row_scope("supervision_ledger", seen_by)
    scope = f" AND id IN (SELECT id FROM supervision_ledger WHERE {inner})" if inner else ""
    marks = ", ".join("?" * len(item_ids))
    with store.reading() as tx:
        rows = tx.all(
            f"SELECT * FROM item_deadlines WHERE id IN ({marks}){scope}", [*item_ids, *params]
        )
    return {row["id"]: row for row in rows}
