"""A changed supervision item as the views show it to one caller, if it matches their filter
(the dashboard's live subscription)."""

from __future__ import annotations

from application.permissions import Visibility
from projections.reads.queries import ItemFilter
from projections.reads.visibility import row_scope
from projections.store import Row, ViewStore


def changed_item(
    store: ViewStore, item_id: str, where: ItemFilter, seen_by: Visibility
) -> Row | None:
    criteria = where.criteria().raw("id = ?", item_id)
    clause, params = row_scope("supervision_ledger", seen_by)
    if clause:
        criteria.raw(clause, *params)
    with store.reading() as tx:
        return tx.one(f"SELECT * FROM supervision_ledger{criteria.where}", criteria.params)
