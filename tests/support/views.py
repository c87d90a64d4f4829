"""Canonical dumps of the views, to compare one build of them with another byte for byte."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from projections.runner import VIEWS
from projections.store import Tx, ViewStore
from projections.views.base import View

TABLE_KEY = re.compile(r"PRIMARY KEY\s*\(([^)]*)\)")
COLUMN_KEY = re.compile(r"(\w+)\s+\w+\s+PRIMARY KEY")


def primary_key(ddl: str) -> str:
    """The ORDER BY list of a table's primary key, from its CREATE TABLE statement."""
    found = TABLE_KEY.search(ddl) or COLUMN_KEY.search(ddl)
    assert found, f"no primary key in: {ddl[:80]}"
    return found.group(1)


def dump_table(tx: Tx, table: str, key: str) -> list[str]:
    """One canonical JSON line per row, in primary-key order."""
    rows = tx.all(f"SELECT * FROM {table} ORDER BY {key}")
    return [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows]


def dump_views(store: ViewStore, views: Sequence[type[View]] = VIEWS) -> str:
    """Every table of every view, ordered by primary key, then each view's tracking position
    (its `updated_at` is wall-clock time, so it is left out)."""
    lines: list[str] = []
    with store.reading() as tx:
        for view in views:
            for ddl in view.tables:
                table = ddl.split("(")[0].split()[-1]
                lines.append(f"## {table}")
                lines.extend(dump_table(tx, table, primary_key(ddl)))
        lines.append("## projection_tracking")
        lines.extend(
            f"{row['view']} {row['position']}"
            for row in tx.all("SELECT view, position FROM projection_tracking ORDER BY view")
        )
    return "\n".join(lines) + "\n"


def tracking_positions(store: ViewStore) -> dict[str, int]:
    with store.reading() as tx:
        rows = tx.all("SELECT view, position FROM projection_tracking")
    return {str(row["view"]): int(row["position"]) for row in rows}
