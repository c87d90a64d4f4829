"""Common issues among 12345 orders (共性问题): orders still proposed on a platform, grouped by
the hotline's category and the street, so that one topic can be drafted from many orders."""

from __future__ import annotations

from dataclasses import dataclass

from application.permissions import Visibility
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import ViewStore

GROUPED = (
    "SELECT h.category, h.street, h.id, h.ticket FROM hotline_orders h"
    " WHERE h.platform_id = ? AND h.id IN (SELECT id FROM topic_board WHERE status = 'proposed'"
    "{scope}) ORDER BY h.category, h.street, h.proposed_at, h.id"
)


@dataclass
class HotlineGroup:
    category: str
    street: str
    topic_ids: list[str]
    tickets: list[str]

    @property
    def count(self) -> int:
        return len(self.topic_ids)


def hotline_groups(
    store: ViewStore, platform_id: str, seen_by: Visibility = EVERYTHING
) -> list[HotlineGroup]:
    """Largest groups first; within a group, orders in the order they came in."""
    clause, params = row_scope("topic_board", seen_by)
    sql = GROUPED.format(scope=f" AND {clause}" if clause else "")
    with store.reading() as tx:
        rows = tx.all(sql, [platform_id, *params])
    groups: dict[tuple[str, str], HotlineGroup] = {}
    for row in rows:
        key = (row["category"], row["street"])
        group = groups.setdefault(key, HotlineGroup(key[0], key[1], [], []))
        group.topic_ids.append(row["id"])
        group.tickets.append(row["ticket"])
    return sorted(groups.values(), key=lambda g: (-g.count, g.category, g.street))
