"""An item's timeline (督办事项时间线): every step of one supervision item in order — its
decisions, each progress report with its texts, each deadline reminder — from the audit trail
and the supervision views, as the reader may read them."""

from __future__ import annotations

from application.permissions import Visibility
from projections.reads.audit import AuditQueries
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Row, ViewStore


def item_timeline(
    store: ViewStore, item_id: str, seen_by: Visibility = EVERYTHING
) -> list[tuple[Row, Row | None]]:
    """Each step of the item with its progress report's row (None for any other step)."""
    steps = AuditQueries(store).of_record(item_id, seen_by)
    reports = _reports(store, item_id, seen_by)
    return [(step, reports.get(step["version"])) for step in steps]


def _reports(store: ViewStore, item_id: str, seen_by: Visibility) -> dict[int, Row]:
    clause, params = row_scope("supervision_reports", seen_by)
    where = " AND ".join(["item_id = ?", *([clause] if clause else [])])
    with store.reading() as tx:
        rows = tx.all(f"SELECT * FROM supervision_reports WHERE {where}", (item_id, *params))
    return {int(r["version"]): r for r in rows}
