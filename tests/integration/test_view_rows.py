"""A batch writes its held rows by COPY when a table has many and by a pipelined INSERT when it
has few (projections/store.py): the two must store the same values, or a view caught up live
(few events a batch) would differ from the same view rebuilt (thousands). On PostgreSQL, where
the two ways exist."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from application.storage import Database
from projections.store import FEW_ROWS, ViewStore

COLUMNS = ("id", "title", "count", "total", "share", "details", "note")
TABLE = (
    "CREATE TABLE {name} (id TEXT PRIMARY KEY, title TEXT NOT NULL, count INTEGER NOT NULL,"
    " total BIGINT NOT NULL, share DOUBLE PRECISION, details JSON, note TEXT)"
)


def rows(count: int) -> list[tuple[Any, ...]]:
    """Values of every kind the views hold: text with quotes, tabs and newlines (COPY's own
    escapes), ints of each width, floats, JSON text, NULLs."""
    return [
        (
            f"row-{n}",
            f'议题 "{n}"\t第二列\\n\n换行 O\'Brien',
            n,
            2**40 + n,
            None if n % 3 == 0 else n / 7,
            json.dumps({"reason": "不予受理", "n": n, "list": [1, 2.5, None]}, ensure_ascii=False),
            None if n % 2 else "",
        )
        for n in range(count)
    ]


@pytest.fixture
def store(postgres_url: str) -> Iterator[ViewStore]:
    database = Database.from_url(postgres_url)
    database.prepare()
    store = ViewStore(database)
    with store.transaction() as tx:
        tx.execute(TABLE.format(name="by_insert"))
        tx.execute(TABLE.format(name="by_copy"))
    yield store
    store.close()


def written(store: ViewStore, table: str) -> list[dict[str, Any]]:
    with store.reading() as tx:
        return [
            dict(row)
            for row in tx.all(f"SELECT *, details::text AS details_text FROM {table} ORDER BY id")
        ]


def test_few_rows_and_many_rows_store_the_same_values(store: ViewStore) -> None:
    few, many = rows(FEW_ROWS), rows(FEW_ROWS + 1)
    with store.transaction(pipelined=True) as tx:
        tx.insert_rows("by_insert", COLUMNS, few)  # a pipelined INSERT
        tx.insert_rows("by_copy", COLUMNS, many)  # a COPY
        tx.execute("DELETE FROM by_copy WHERE id = ?", (f"row-{FEW_ROWS}",))
    by_insert, by_copy = written(store, "by_insert"), written(store, "by_copy")
    assert len(by_insert) == FEW_ROWS
    assert by_insert == by_copy
    assert by_insert[1]["title"] == '议题 "1"\t第二列\\n\n换行 O\'Brien'
    assert by_insert[0]["share"] is None
    assert by_insert[1]["share"] == 1 / 7


def a_batch_inserting_a_row_twice(store: ViewStore) -> None:
    with store.transaction(pipelined=True) as tx:
        tx.insert_rows("by_insert", COLUMNS, rows(2))
        tx.insert_rows("by_insert", COLUMNS, rows(1))  # row-0 again


def test_a_pipelined_insert_that_fails_fails_the_batch(store: ViewStore) -> None:
    with pytest.raises(psycopg.errors.UniqueViolation, match="by_insert_pkey"):
        a_batch_inserting_a_row_twice(store)
    assert written(store, "by_insert") == [], "nothing of the failed batch stayed"
