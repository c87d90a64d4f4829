"""The opinions posted online to a 网络协商, as the reader may read them."""

from __future__ import annotations

from application.permissions import Visibility
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Row, ViewStore


def online_opinions(
    store: ViewStore, consultation_id: str, seen_by: Visibility = EVERYTHING
) -> list[Row]:
    """The opinions posted online to a 网络协商, oldest first."""
    clause, params = row_scope("consultation_online_opinions", seen_by)
    where = " AND ".join(["consultation_id = ?", *([clause] if clause else [])])
    with store.reading() as tx:
        return tx.all(
            f"SELECT * FROM consultation_online_opinions WHERE {where} ORDER BY seq",
            (consultation_id, *params),
        )
