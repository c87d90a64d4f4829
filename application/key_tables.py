"""Where each data subject's key is kept: a row per subject, and a tombstone once the subject
is erased. In memory, in the SQLite file beside the log, or in a PostgreSQL table (whose new
rows the log's own appends also write, personal_data.py `KeysInTheAppend`). A destruction
also tells the other processes, each table in its own way (erasure_watch.py)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Protocol, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from application.erasure_watch import (
    AlwaysCurrent,
    ErasureWatch,
    Forget,
    GenerationWatch,
    NotificationWatch,
    erasure_channel,
)
from application.storage import CONNECTION_WAIT, Database

KEYS_TABLE = "yishiting_subject_keys"
# One row: how many erasures there have been (SQLite: other processes then drop their cached
# keys) and, on PostgreSQL, up to which of them the keys table has been rewritten.
ERASURES_TABLE = "yishiting_subject_key_erasures"
KEY_LOCK_WAIT = 5.0  # seconds a key's destruction waits for a lock before it gives up
SQLITE_LOCK_WAIT = 30  # seconds any statement on SQLite waits for the file's write lock
T = TypeVar("T")
SQLITE_VARIABLES = 500  # ids per IN (…) list


class KeyStillInUse(Exception):
    """The subject's key row (or the keys table) stayed locked by another session: nothing
    was destroyed, and the destruction may be run again."""


class KeyTable(Protocol):
    """Where subject keys are kept (a row per subject; erased subjects keep a tombstone)."""

    def fetch(self, subject_id: str) -> tuple[bytes | None, bool]: ...

    def fetch_many(self, subject_ids: list[str]) -> dict[str, bytes | None]:
        """The rows there are of these subjects: wrapped key, or None once erased."""
        ...

    def insert(self, subject_id: str, wrapped: bytes) -> bool:
        """Stores the subject's first key; False when the subject already had a row."""
        ...

    def insert_many(self, keys: list[tuple[str, bytes]]) -> None: ...

    def every_key(self) -> list[tuple[str, bytes | None]]:
        """Every row: subject id and wrapped key (None once erased)."""
        ...

    def replace(self, subject_id: str, old: bytes, new: bytes) -> bool:
        """The subject's wrapped key `old` replaced by `new` (the same key wrapped anew);
        False when the row no longer holds `old` (erased meanwhile, or replaced)."""
        ...

    def destroy(self, subject_id: str) -> bool:
        """Leaves the subject a tombstone; KeyStillInUse when it cannot get the lock."""
        ...

    def unfinished(self, subject_ids: list[str]) -> list[str]:
        """Those of the subjects without a tombstone (their key kept, or no row at all)."""
        ...

    def shredding_pending(self) -> bool:
        """Whether a destroyed key's bytes may still be in the table's files."""
        ...

    def shred(self) -> None:
        """Rewrites the table's files if a destroyed key's bytes may be left in them."""
        ...

    def watch(self, forget: Forget) -> ErasureWatch:
        """How this process hears of keys destroyed by others (see erasure_watch.py)."""
        ...


class MemoryKeyTable:
    def __init__(self) -> None:
        self.rows: dict[str, bytes | None] = {}

    def fetch(self, subject_id: str) -> tuple[bytes | None, bool]:
        if subject_id not in self.rows:
            return None, False
        return self.rows[subject_id], self.rows[subject_id] is None

    def fetch_many(self, subject_ids: list[str]) -> dict[str, bytes | None]:
        return {s: self.rows[s] for s in subject_ids if s in self.rows}

    def insert(self, subject_id: str, wrapped: bytes) -> bool:
        if subject_id in self.rows:
            return False
        self.rows[subject_id] = wrapped
        return True

    def insert_many(self, keys: list[tuple[str, bytes]]) -> None:
        for subject_id, wrapped in keys:
            self.insert(subject_id, wrapped)

    def every_key(self) -> list[tuple[str, bytes | None]]:
        return list(self.rows.items())

    def replace(self, subject_id: str, old: bytes, new: bytes) -> bool:
        if self.rows.get(subject_id) != old:
            return False
        self.rows[subject_id] = new
        return True

    def destroy(self, subject_id: str) -> bool:
        existed = self.rows.get(subject_id) is not None
        self.rows[subject_id] = None
        return existed

    def unfinished(self, subject_ids: list[str]) -> list[str]:
        return [s for s in subject_ids if s not in self.rows or self.rows[s] is not None]

    def shredding_pending(self) -> bool:
        return False

    def shred(self) -> None:
        pass

    def watch(self, forget: Forget) -> ErasureWatch:  # noqa: ARG002 (nothing to hear)
        return AlwaysCurrent()


class SQLiteKeyTable:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock_wait = SQLITE_LOCK_WAIT
        self._local = threading.local()
        with self._connection() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (subject_id TEXT PRIMARY KEY,"
                " wrapped_key BLOB, created_at REAL NOT NULL, erased_at REAL)"
            )
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {ERASURES_TABLE} (id INTEGER PRIMARY KEY"
                " CHECK (id = 1), generation INTEGER NOT NULL, shredded INTEGER NOT NULL)"
            )
            conn.execute(f"INSERT OR IGNORE INTO {ERASURES_TABLE} VALUES (1, 0, 0)")

    def _thread_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self.path, timeout=SQLITE_LOCK_WAIT)
            # Destroyed keys must not linger in the file's free pages.
            conn.execute("PRAGMA secure_delete = ON")
            self._local.seen = None
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = self._thread_connection()
        with conn:
            yield conn

    def generation(self) -> int:
        """How many erasures the file has seen. Read again only when another connection has
        committed to the file since this thread last looked (its data_version moved)."""
        conn = self._thread_connection()
        (version,) = conn.execute("PRAGMA data_version").fetchone()
        seen: tuple[int, int] | None = self._local.seen
        if seen is not None and seen[0] == version:
            return seen[1]
        row = conn.execute(f"SELECT generation FROM {ERASURES_TABLE} WHERE id = 1").fetchone()
        generation = int(row[0]) if row else 0
        self._local.seen = (version, generation)
        return generation

    def watch(self, forget: Forget) -> ErasureWatch:
        return GenerationWatch(self.generation, forget)

    def fetch(self, subject_id: str) -> tuple[bytes | None, bool]:
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT wrapped_key FROM {KEYS_TABLE} WHERE subject_id = ?", (subject_id,)
            ).fetchone()
        if row is None:
            return None, False
        return (bytes(row[0]), False) if row[0] is not None else (None, True)

    def fetch_many(self, subject_ids: list[str]) -> dict[str, bytes | None]:
        found: dict[str, bytes | None] = {}
        with self._connection() as conn:
            for start in range(0, len(subject_ids), SQLITE_VARIABLES):
                chunk = subject_ids[start : start + SQLITE_VARIABLES]
                rows = conn.execute(
                    f"SELECT subject_id, wrapped_key FROM {KEYS_TABLE}"
                    f" WHERE subject_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                found.update((r[0], bytes(r[1]) if r[1] is not None else None) for r in rows)
        return found

    def insert(self, subject_id: str, wrapped: bytes) -> bool:
        with self._connection() as conn:
            cursor = conn.execute(
                f"INSERT OR IGNORE INTO {KEYS_TABLE} VALUES (?, ?, ?, NULL)",
                (subject_id, wrapped, time.time()),
            )
            return cursor.rowcount == 1

    def insert_many(self, keys: list[tuple[str, bytes]]) -> None:
        with self._connection() as conn:
            conn.executemany(
                f"INSERT OR IGNORE INTO {KEYS_TABLE} VALUES (?, ?, ?, NULL)",
                [(subject_id, wrapped, time.time()) for subject_id, wrapped in keys],
            )

    def every_key(self) -> list[tuple[str, bytes | None]]:
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT subject_id, wrapped_key FROM {KEYS_TABLE} ORDER BY subject_id"
            ).fetchall()
        return [(r[0], bytes(r[1]) if r[1] is not None else None) for r in rows]

    def replace(self, subject_id: str, old: bytes, new: bytes) -> bool:
        with self._connection() as conn:
            cursor = conn.execute(
                f"UPDATE {KEYS_TABLE} SET wrapped_key = ? WHERE subject_id = ? AND wrapped_key = ?",
                (new, subject_id, old),
            )
            replaced = cursor.rowcount == 1
        # secure_delete overwrote the old wrapping in place; not in the WAL either.
        self.shred()
        return replaced

    def destroy(self, subject_id: str) -> bool:
        conn = self._thread_connection()
        conn.execute(f"PRAGMA busy_timeout = {int(self.lock_wait * 1000)}")
        try:
            destroyed = self._tombstone(subject_id)
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise KeyStillInUse(subject_id) from None
            raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {SQLITE_LOCK_WAIT * 1000}")
        # This thread's own commit does not move its data_version: look again next time.
        self._local.seen = None
        self.shred()
        return destroyed

    def _tombstone(self, subject_id: str) -> bool:
        """The key made NULL and the erasure generation raised, in one transaction."""
        with self._connection() as conn:
            cursor = conn.execute(
                f"UPDATE {KEYS_TABLE} SET wrapped_key = NULL, erased_at = ? WHERE subject_id = ?"
                " AND wrapped_key IS NOT NULL",
                (time.time(), subject_id),
            )
            destroyed = cursor.rowcount > 0
            if not destroyed:
                conn.execute(
                    f"INSERT OR IGNORE INTO {KEYS_TABLE} VALUES (?, NULL, ?, ?)",
                    (subject_id, time.time(), time.time()),
                )
            conn.execute(f"UPDATE {ERASURES_TABLE} SET generation = generation + 1")
        return destroyed

    def unfinished(self, subject_ids: list[str]) -> list[str]:
        found = self.fetch_many(subject_ids)
        return [s for s in subject_ids if s not in found or found[s] is not None]

    def shredding_pending(self) -> bool:
        return False  # secure_delete overwrites in place; the WAL is truncated by `shred`

    def shred(self) -> None:
        # The old page images must not survive in the write-ahead log either.
        with self._connection() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresKeyTable:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.channel = erasure_channel(database)
        self.lock_wait = KEY_LOCK_WAIT
        self.pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            database.conninfo(),
            min_size=1,
            max_size=4,
            open=True,
            kwargs={"autocommit": True},
            timeout=CONNECTION_WAIT,
            # No round trip to check each connection before use (most commands look a new
            # subject up here): a connection a restarted server dropped fails at once, and
            # `_using` retries on another (tests/e2e/test_database_restart.py).
        )
        self._using(self._create)

    @staticmethod
    def _create(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (subject_id TEXT PRIMARY KEY,"
            " wrapped_key BYTEA, created_at DOUBLE PRECISION NOT NULL,"
            " erased_at DOUBLE PRECISION)"
        )
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {ERASURES_TABLE} (id INTEGER PRIMARY KEY"
            " CHECK (id = 1), generation BIGINT NOT NULL, shredded BIGINT NOT NULL)"
        )
        conn.execute(f"INSERT INTO {ERASURES_TABLE} VALUES (1, 0, 0) ON CONFLICT DO NOTHING")

    def _using(self, work: Callable[[psycopg.Connection[tuple[Any, ...]]], T]) -> T:
        """`work` on a pooled connection; again on another when the connection turns out to
        be broken (the server restarted since it was opened). Every statement here may be
        repeated: reads, inserts that ignore an existing row, the idempotent destruction.
        No connection at all in time (the server away) is the caller's error at once."""
        for attempt in range(self.pool.max_size + 1):
            try:
                with self.pool.connection() as conn:
                    return work(conn)
            except PoolTimeout:
                raise
            except (psycopg.OperationalError, psycopg.InterfaceError):
                if attempt == self.pool.max_size:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.pool.close()

    def fetch(self, subject_id: str) -> tuple[bytes | None, bool]:
        row = self._using(
            lambda conn: conn.execute(
                f"SELECT wrapped_key FROM {KEYS_TABLE} WHERE subject_id = %s", (subject_id,)
            ).fetchone()
        )
        if row is None:
            return None, False
        wrapped = row[0]
        return (bytes(wrapped), False) if isinstance(wrapped, bytes | memoryview) else (None, True)

    def fetch_many(self, subject_ids: list[str]) -> dict[str, bytes | None]:
        rows = self._using(
            lambda conn: conn.execute(
                f"SELECT subject_id, wrapped_key FROM {KEYS_TABLE} WHERE subject_id = ANY(%s)",
                (subject_ids,),
            ).fetchall()
        )
        return {str(s): bytes(w) if isinstance(w, bytes | memoryview) else None for s, w in rows}

    def insert(self, subject_id: str, wrapped: bytes) -> bool:
        row = self._using(
            lambda conn: conn.execute(
                f"INSERT INTO {KEYS_TABLE} VALUES (%s, %s, %s, NULL)"
                " ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id",
                (subject_id, wrapped, time.time()),
            ).fetchone()
        )
        return row is not None

    def insert_many(self, keys: list[tuple[str, bytes]]) -> None:
        def insert(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {KEYS_TABLE} VALUES (%s, %s, %s, NULL)"
                    " ON CONFLICT (subject_id) DO NOTHING",
                    [(subject_id, wrapped, time.time()) for subject_id, wrapped in keys],
                )

        self._using(insert)

    def every_key(self) -> list[tuple[str, bytes | None]]:
        rows = self._using(
            lambda conn: conn.execute(
                f"SELECT subject_id, wrapped_key FROM {KEYS_TABLE} ORDER BY subject_id"
            ).fetchall()
        )
        return [(str(s), bytes(w) if isinstance(w, bytes | memoryview) else None) for s, w in rows]

    def replace(self, subject_id: str, old: bytes, new: bytes) -> bool:
        row = self._using(
            lambda conn: conn.execute(
                f"UPDATE {KEYS_TABLE} SET wrapped_key = %s WHERE subject_id = %s"
                " AND wrapped_key = %s RETURNING subject_id",
                (new, subject_id, old),
            ).fetchone()
        )
        return row is not None

    def destroy(self, subject_id: str) -> bool:
        """The tombstone, the erasure counted and every process told (NOTIFY), at one
        commit; then the table's files rewritten (`shred`)."""

        def destroy(conn: psycopg.Connection[tuple[Any, ...]]) -> bool:
            with self._waiting_briefly(conn, subject_id), conn.transaction():
                cursor = conn.execute(
                    f"INSERT INTO {KEYS_TABLE} VALUES (%s, NULL, %s, %s) ON CONFLICT (subject_id)"
                    " DO UPDATE SET wrapped_key = NULL, erased_at = excluded.erased_at"
                    f" WHERE {KEYS_TABLE}.wrapped_key IS NOT NULL RETURNING subject_id",
                    (subject_id, time.time(), time.time()),
                )
                destroyed = cursor.fetchone() is not None
                conn.execute(f"UPDATE {ERASURES_TABLE} SET generation = generation + 1")
                conn.execute("SELECT pg_notify(%s, %s)", (self.channel, subject_id))
            self._shred(conn, subject_id)
            return destroyed

        return self._using(destroy)

    @contextmanager
    def _waiting_briefly(
        self, conn: psycopg.Connection[tuple[Any, ...]], subject_id: str
    ) -> Iterator[None]:
        """Statements here wait `lock_wait` for a lock another session holds, then give up
        (KeyStillInUse) instead of hanging the erasure or being retried by `_using`."""
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{self.lock_wait}s",))
        try:
            yield
        except psycopg.errors.LockNotAvailable:
            raise KeyStillInUse(subject_id) from None
        finally:
            with suppress(psycopg.Error):  # a broken connection: the pool discards it
                conn.execute("RESET lock_timeout")

    def _shred(self, conn: psycopg.Connection[tuple[Any, ...]], subject_id: str) -> None:
        """Rewrites the table's files so destroyed keys' bytes are not left behind, and notes
        which erasures that covers (those counted before it began)."""
        row = conn.execute(f"SELECT generation FROM {ERASURES_TABLE}").fetchone()
        with self._waiting_briefly(conn, subject_id):
            conn.execute(f"VACUUM FULL {KEYS_TABLE}")
        conn.execute(
            f"UPDATE {ERASURES_TABLE} SET shredded = GREATEST(shredded, %s)",
            (row[0] if row else 0,),
        )

    def unfinished(self, subject_ids: list[str]) -> list[str]:
        found = self.fetch_many(subject_ids)
        return [s for s in subject_ids if s not in found or found[s] is not None]

    def shredding_pending(self) -> bool:
        row = self._using(
            lambda conn: conn.execute(
                f"SELECT generation > shredded FROM {ERASURES_TABLE}"
            ).fetchone()
        )
        return bool(row and row[0])

    def shred(self) -> None:
        self._using(lambda conn: self._shred(conn, ""))

    def watch(self, forget: Forget) -> ErasureWatch:
        return NotificationWatch(self.database, forget)
