"""Where views live: SQLite (a file beside the log) or PostgreSQL (the log's own schema).
One SQL text serves both engines; `?` placeholders are translated for psycopg."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, Protocol

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from application.storage import CONNECTION_WAIT, Database

Row = dict[str, Any]


class Tx(Protocol):
    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


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


class PostgresTx:
    dialect = "postgresql"

    def __init__(self, cursor: psycopg.Cursor[Row]) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
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


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class ViewStore:
    """Transactions for the projector and reads for the API, on either engine."""

    def __init__(self, database: Database, pool_size: int = 5) -> None:
        self.database = database
        self.dialect = "postgresql" if database.engine == "postgresql" else "sqlite"
        self._local = threading.local()
        self._pool: ConnectionPool[psycopg.Connection[Row]] | None = None
        if self.dialect == "postgresql":
            self._pool = ConnectionPool(
                database.conninfo(),
                min_size=1,
                max_size=pool_size,
                open=True,
                kwargs={"row_factory": psycopg.rows.dict_row, "autocommit": False},
                timeout=CONNECTION_WAIT,
                check=ConnectionPool.check_connection,  # a restarted server's old sessions are gone
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
            with (
                self._pool.connection() as conn,
                conn.transaction(),
                conn.pipeline() if pipelined else nullcontext(),
                conn.cursor() as cur,
            ):
                yield PostgresTx(cur)
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
        """A consistent read: one snapshot for all the statements inside. `timeout` bounds the
        wait for a pooled connection (PostgreSQL), else the pool's own bound applies."""
        if self._pool is not None:
            with (
                self._pool.connection(timeout) as conn,
                conn.transaction(),
                conn.cursor() as cur,
            ):
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield PostgresTx(cur)
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
