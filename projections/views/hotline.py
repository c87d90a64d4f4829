"""12345 work orders taken in as matters: ticket, the hotline's category, street and agency,
for grouping common issues (共性问题); and which matters were merged into which topic."""

from __future__ import annotations

from typing import Any

from domain.topic import Topic
from projections.store import Tx
from projections.views.base import View, handles, id_text, iso


class HotlineOrders(View):
    name = "hotline_orders"
    tables = (
        "CREATE TABLE IF NOT EXISTS hotline_orders (id TEXT PRIMARY KEY, ticket TEXT NOT NULL,"
        " platform_id TEXT NOT NULL, category TEXT NOT NULL, street TEXT NOT NULL,"
        " agency TEXT NOT NULL, received_at TEXT, proposed_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS topic_merges (id TEXT PRIMARY KEY,"
        " merged_into TEXT NOT NULL, merged_at TEXT NOT NULL)",
    )
    indexes = (
        "CREATE INDEX IF NOT EXISTS hotline_orders_group"
        " ON hotline_orders (platform_id, category, street)",
        "CREATE INDEX IF NOT EXISTS topic_merges_into ON topic_merges (merged_into)",
    )

    @handles(Topic.TopicProposed)
    def proposed(self, e: Any, tx: Tx) -> None:
        order = getattr(e, "hotline_order", None)
        if order is None:
            return
        tx.execute(
            "INSERT INTO hotline_orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                id_text(e.originator_id),
                order.ticket,
                id_text(e.platform_id),
                order.category,
                order.street,
                order.agency,
                iso(order.received_at),
                iso(e.timestamp),
            ),
        )

    @handles(Topic.TopicMergedInto)
    def merged(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO topic_merges VALUES (?, ?, ?)",
            (id_text(e.originator_id), id_text(e.merged_into), iso(e.timestamp)),
        )
