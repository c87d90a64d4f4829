"""Where views live: SQLite (a file beside the log) or PostgreSQL (the log's own schema).
One SQL text serves both engines; `?` placeholders are translated for psycopg."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from functools import lru_cache
from typing import Any, Protocol
from weakref import WeakKeyDictionary

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from application.storage import CONNECTION_WAIT, Database

PING_AFTER_IDLE = 2.0  # seconds a pooled connection may lie idle and still be used unchecked

Row = dict[str, Any]


class Tx(Protocol):
    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Collection[Any]],
        on_conflict: str = "",
    ) -> None: ...


class SQLiteTx:
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, tuple(params)).rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.conn.execute(sql, tuple(params)).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Collection[Any]],
        on_conflict: str = "",
    ) -> None:
        """Many rows at once (SQLite's statements cost no round trip: one per row)."""
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){on_conflict}",
            (tuple(row) for row in rows),
        )


class PostgresTx:
    dialect = "postgresql"

    def __init__(self, cursor: psycopg.Cursor[Row], *, pipelined: bool = False) -> None:
        self.cursor = cursor
        self._raw: psycopg.RawCursor[Any] | None = None
        self._pipelined = pipelined
        self._pipeline: ExitStack | None = None
        if pipelined:
            self._begin_pipeline()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        if self._pipelined and self._pipeline is None:
            self._begin_pipeline()
        self.cursor.execute(_pg(sql), tuple(params))
        return self.cursor.rowcount

    # Reads use a cursor of their own: in a pipelined batch the shared cursor's last result may
    # still be a write's, and a fetch there would read the wrong reply.
    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self.cursor.connection.cursor(row_factory=dict_row) as reader:
            reader.execute(_pg(sql), tuple(params))
            return reader.fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.cursor.connection.cursor(row_factory=dict_row) as reader:
            reader.execute(_pg(sql), tuple(params))
            return reader.fetchall()

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Collection[Any]],
        on_conflict: str = "",
    ) -> None:
        """Many rows at once: COPY, the cheapest way in for many new rows (a COPY cannot be
        pipelined: the pipeline is ended first, and begun again by the next statement). A few
        rows, or an upsert (`on_conflict`), go as a multi-row INSERT per 32,000 values instead,
        with server-side `$n` placeholders (psycopg has no query text to parse for them): sent
        in the pipeline, it costs no round trip of its own, where a COPY costs three."""
        names = ", ".join(columns)
        if not on_conflict and len(rows) > FEW_ROWS:
            self.end_pipeline()
            with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        if self._raw is None:
            self._raw = psycopg.RawCursor(self.cursor.connection)
        width = len(columns)
        step = max(1, MAX_PARAMETERS // width)
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            self._raw.execute(
                f"INSERT INTO {table} ({names}) VALUES"
                f" {_placeholders(width, len(chunk))}{on_conflict}",
                [value for row in chunk for value in row],
                prepare=False,
            )

    def end_pipeline(self, error: BaseException | None = None) -> None:
        """Sends what the pipeline holds and waits for every reply (raising the first error)."""
        stack, self._pipeline = self._pipeline, None
        if stack is None:
            return
        if error is None:
            stack.close()
        else:
            stack.__exit__(type(error), error, error.__traceback__)

    def _begin_pipeline(self) -> None:
        stack = ExitStack()
        stack.enter_context(self.cursor.connection.pipeline())
        self._pipeline = stack


# Up to this many rows a batch's table is written by a pipelined INSERT rather than a COPY:
# a live batch holds a few events, and three round trips per table were most of its time.
FEW_ROWS = 64
MAX_PARAMETERS = 32_000  # values per statement: PostgreSQL takes at most 65,535


@lru_cache(maxsize=256)
def _placeholders(width: int, count: int) -> str:
    """`($1, $2), ($3, $4)` for `count` rows of `width` values."""
    return ", ".join(
        "(" + ", ".join(f"${n}" for n in range(row * width + 1, row * width + width + 1)) + ")"
        for row in range(count)
    )


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class Pending:
    """The rows a batch inserts, held in memory until the batch writes them: one COPY per
    table (PostgreSQL) instead of a statement per event. Until it is written, a held row takes
    the batch's later changes in memory (`row`), so a record proposed and then verified, or a
    consultation scheduled, held and reported in one batch, costs one row written once."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self.tables: dict[str, tuple[tuple[str, ...], list[Row], dict[Any, Row], str]] = {}

    def add(self, table: str, row: Row, key: Any = None, on_conflict: str = "") -> None:
        """Holds `row` (every column of the table, in order) for insertion; `key` (its primary
        key) lets later events of the batch find and change it. `on_conflict` (the same for
        every row of the table) ends the INSERT: an upsert's held row is the row to insert, or
        what to set in the row already there."""
        held = self.tables.get(table)
        if held is None:
            held = self.tables[table] = (tuple(row), [], {}, on_conflict)
        assert held[3] == on_conflict, f"{table}: rows held with different ON CONFLICT clauses"
        held[1].append(row)
        if key is not None:
            held[2].setdefault(key, row)  # a duplicate key is inserted twice: the INSERT fails

    def row(self, table: str, key: Any) -> Row | None:
        held = self.tables.get(table)
        return held[2].get(key) if held is not None else None

    def write(self, sql: str | None = None) -> None:
        """Inserts the held rows of every table (of the tables `sql` names, if given)."""
        for table in [t for t in self.tables if sql is None or t in sql]:
            columns, rows, _, on_conflict = self.tables.pop(table)
            # The rows' values as they are: psycopg's COPY takes them without a tuple each.
            self.tx.insert_rows(table, columns, [row.values() for row in rows], on_conflict)


class BatchTx:
    """A batch's transaction with its `Pending` rows. A statement or read that names a table
    with held rows first writes them, so it sees (and orders after) everything the batch has
    applied; `direct` is the transaction underneath, for statements known not to touch a held
    row (an UPDATE or read by a key that is not held)."""

    def __init__(self, direct: Tx) -> None:
        self.direct = direct
        self.dialect = direct.dialect
        self.pending = Pending(direct)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._write_named(sql)
        return self.direct.execute(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self._write_named(sql)
        return self.direct.one(sql, params)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._write_named(sql)
        return self.direct.all(sql, params)

    def insert_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Collection[Any]],
        on_conflict: str = "",
    ) -> None:
        self._write_named(table)
        self.direct.insert_rows(table, columns, rows, on_conflict)

    def flush(self) -> None:
        """Writes every held row (at the end of the batch, before the views' positions)."""
        self.pending.write()

    def _write_named(self, sql: str) -> None:
        if self.pending.tables:
            self.pending.write(sql)


def pending_of(tx: Tx) -> Pending | None:
    """The batch's held rows, or None when each statement is sent as it comes (the stock
    runner's one-event transactions)."""
    return tx.pending if isinstance(tx, BatchTx) else None


def direct(tx: Tx) -> Tx:
    return tx.direct if isinstance(tx, BatchTx) else tx


class ViewStore:
    """Transactions for the projector and reads for the API, on either engine."""

    def __init__(self, database: Database, pool_size: int = 5) -> None:
        self.database = database
        self.dialect = "postgresql" if database.engine == "postgresql" else "sqlite"
        self._local = threading.local()
        self._pool: ConnectionPool[psycopg.Connection[Row]] | None = None
        if self.dialect == "postgresql":
            freshness = _Freshness()
            self._pool = ConnectionPool(
                database.conninfo(),
                min_size=1,
                max_size=pool_size,
                open=True,
                kwargs={"row_factory": psycopg.rows.dict_row, "autocommit": False},
                timeout=CONNECTION_WAIT,
                check=freshness.check,
                reset=freshness.returned,
            )
        else:
            self.path = database.views_path() if database.engine == "sqlite" else ":memory:"
            self._shared_memory = self._sqlite_connect() if self.path == ":memory:" else None

    @contextmanager
    def transaction(self, *, pipelined: bool = False) -> Iterator[Tx]:
        """A write transaction; on SQLite it takes the write lock at once (BEGIN IMMEDIATE).
        `pipelined` (PostgreSQL): statements are sent without waiting for each reply, so a batch
        of many small writes costs few round trips; row counts are then not available."""
        if self._pool is not None:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                tx = PostgresTx(cur, pipelined=pipelined)
                try:
                    yield tx
                except BaseException as error:
                    tx.end_pipeline(error)
                    raise
                tx.end_pipeline()
            return
        conn = self._sqlite()
        with self._sqlite_lock():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteTx(conn)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    @contextmanager
    def reading(self, timeout: float | None = None) -> Iterator[Tx]:
        """A consistent read: one snapshot for all the statements inside, and for any reading
        opened inside it on the same thread (it shares the outer one). `timeout` bounds the
        wait for a pooled connection (PostgreSQL), else the pool's own bound applies."""
        outer: Tx | None = getattr(self._local, "reading", None)
        if outer is not None:
            yield outer
            return
        with self._snapshot(timeout) as tx:
            self._local.reading = tx
            try:
                yield tx
            finally:
                self._local.reading = None

    @contextmanager
    def _snapshot(self, timeout: float | None) -> Iterator[Tx]:
        if self._pool is not None:
            with self._pool.connection(timeout) as conn:
                # BEGIN carries the snapshot's kind: no SET TRANSACTION round trip.
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                conn.read_only = True
                try:
                    with conn.transaction(), conn.cursor() as cur:
                        yield PostgresTx(cur)
                finally:
                    _plain_again(conn)
            return
        conn = self._sqlite()
        with self._sqlite_lock():
            conn.execute("BEGIN")
            try:
                yield SQLiteTx(conn)
            finally:
                conn.rollback()

    def scrub(self) -> None:
        """After an erasure: SQLite folds its write-ahead log (old page images) into the file."""
        if self._pool is None and self._shared_memory is None:
            self._sqlite().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def _sqlite(self) -> sqlite3.Connection:
        if self._shared_memory is not None:
            return self._shared_memory
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._sqlite_connect()
        return conn

    @contextmanager
    def _sqlite_lock(self) -> Iterator[None]:
        # An in-memory database is one connection shared by all threads: serialise its use.
        if self._shared_memory is None:
            yield
            return
        with _MEMORY_LOCK:
            yield

    def _sqlite_connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # Overwritten personal data must not linger in free pages after an erasure.
        conn.execute("PRAGMA secure_delete=ON")
        return conn


_MEMORY_LOCK = threading.RLock()


class _Freshness:
    """Checks a pooled connection with a round trip before use (a restarted server's old
    sessions are gone) only if it has lain idle a while: one just given back by a request that
    used it is not checked again, which saves a round trip on most reads. If the server went
    away in that moment, the read fails once (503, retry) and the pool drops the connection."""

    def __init__(self) -> None:
        self.idle = PING_AFTER_IDLE
        self._returned: WeakKeyDictionary[psycopg.Connection[Any], float] = WeakKeyDictionary()

    def check(self, conn: psycopg.Connection[Any]) -> None:
        if time.monotonic() - self._returned.get(conn, float("-inf")) > self.idle:
            ConnectionPool.check_connection(conn)

    def returned(self, conn: psycopg.Connection[Any]) -> None:
        self._returned[conn] = time.monotonic()


def _plain_again(conn: psycopg.Connection[Any]) -> None:
    """The connection back to the server's defaults for the pool's next user (a broken one is
    not: the pool discards it)."""
    with suppress(psycopg.Error):
        conn.isolation_level = None
        conn.read_only = None
