"""Browser sessions and integration accounts' API tokens, beside the log (等保 身份鉴别:
session timeouts, 访问控制: revocation that takes effect at once). In memory, in the SQLite file
beside the log, or in PostgreSQL tables in the log's schema.

Neither the cookie's value nor a token is stored: only its SHA-256 (both are 256-bit random
strings, so a plain hash is enough — no slow hash needed to resist guessing). Each row carries a
seal (HMAC with the event key, which never enters the database) over who it is for and in which
role: a row written into the table by someone with database access but not the key is refused."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from queue import Empty, SimpleQueue
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from application.storage import Database

SESSIONS_TABLE = "yishiting_sessions"
TOKENS_TABLE = "yishiting_api_tokens"
POOL_SIZE = 4


@dataclass(frozen=True)
class SessionRow:
    key: str  # SHA-256 of the cookie's value
    account_id: str
    role: str
    scope: str
    display_name: str
    created_at: float
    last_seen: float
    address: str
    agent: str
    seal: str
    pending: str = ""  # what the holder must do first: "password", "second_factor" or ""
    ended_at: float | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class TokenRow:
    token_id: str
    account_id: str
    name: str
    key: str  # SHA-256 of the token
    role: str
    scope: str
    created_at: float
    seal: str
    last_used: float | None = None
    revoked_at: float | None = None
    revoke_reason: str = ""


class SessionTable(Protocol):
    def insert_session(self, row: SessionRow) -> None: ...

    def session(self, key: str) -> SessionRow | None: ...

    def touch_session(self, key: str, at: float) -> None: ...

    def end_sessions(
        self, at: float, reason: str, *, key: str = "", account_id: str = "", but: str = ""
    ) -> int:
        """Ends the session `key`, or every open session of `account_id` but the one `but`;
        returns how many ended."""
        ...

    def clear_pending(self, account_id: str, pending: str) -> None: ...

    def sessions_of(self, account_id: str) -> list[SessionRow]:
        """The account's open sessions (ended ones are the log's and the audit's business)."""
        ...

    def forget_sessions(self, before: float) -> None:
        """Drops rows of sessions ended or last seen before `before`."""
        ...

    def insert_token(self, row: TokenRow) -> None: ...

    def token(self, key: str) -> TokenRow | None: ...

    def touch_token(self, token_id: str, at: float) -> None: ...

    def revoke_tokens(
        self, at: float, reason: str, *, token_id: str = "", account_id: str = "", role: str = ""
    ) -> list[str]:
        """Revokes the token `token_id`, or every live token of `account_id` (in `role` when
        given); returns the ids revoked."""
        ...

    def tokens_of(self, account_id: str) -> list[TokenRow]: ...

    def close(self) -> None: ...


class MemorySessions:
    def __init__(self) -> None:
        self._sessions: dict[str, SessionRow] = {}
        self._tokens: dict[str, TokenRow] = {}
        self._lock = threading.Lock()

    def insert_session(self, row: SessionRow) -> None:
        with self._lock:
            self._sessions[row.key] = row

    def session(self, key: str) -> SessionRow | None:
        return self._sessions.get(key)

    def touch_session(self, key: str, at: float) -> None:
        with self._lock:
            row = self._sessions.get(key)
            if row is not None and row.ended_at is None:
                self._sessions[key] = replace(row, last_seen=at)

    def end_sessions(
        self, at: float, reason: str, *, key: str = "", account_id: str = "", but: str = ""
    ) -> int:
        with self._lock:
            ending = [
                r
                for r in self._sessions.values()
                if r.ended_at is None
                and (r.key == key if key else r.account_id == account_id and r.key != but)
            ]
            for row in ending:
                self._sessions[row.key] = replace(row, ended_at=at, end_reason=reason)
            return len(ending)

    def clear_pending(self, account_id: str, pending: str) -> None:
        with self._lock:
            for row in list(self._sessions.values()):
                if row.account_id == account_id and row.pending == pending:
                    self._sessions[row.key] = replace(row, pending="")

    def sessions_of(self, account_id: str) -> list[SessionRow]:
        rows = [r for r in self._sessions.values() if r.account_id == account_id and not r.ended_at]
        return sorted(rows, key=lambda r: r.created_at)

    def forget_sessions(self, before: float) -> None:
        with self._lock:
            for row in list(self._sessions.values()):
                if (row.ended_at or row.last_seen) < before:
                    del self._sessions[row.key]

    def insert_token(self, row: TokenRow) -> None:
        with self._lock:
            self._tokens[row.key] = row

    def token(self, key: str) -> TokenRow | None:
        return self._tokens.get(key)

    def touch_token(self, token_id: str, at: float) -> None:
        with self._lock:
            for row in list(self._tokens.values()):
                if row.token_id == token_id:
                    self._tokens[row.key] = replace(row, last_used=at)

    def revoke_tokens(
        self, at: float, reason: str, *, token_id: str = "", account_id: str = "", role: str = ""
    ) -> list[str]:
        with self._lock:
            revoking = [
                r
                for r in self._tokens.values()
                if r.revoked_at is None
                and (
                    r.token_id == token_id
                    if token_id
                    else r.account_id == account_id and (not role or r.role == role)
                )
            ]
            for row in revoking:
                self._tokens[row.key] = replace(row, revoked_at=at, revoke_reason=reason)
            return [r.token_id for r in revoking]

    def tokens_of(self, account_id: str) -> list[TokenRow]:
        rows = [r for r in self._tokens.values() if r.account_id == account_id]
        return sorted(rows, key=lambda r: (r.created_at, r.name))

    def close(self) -> None:
        pass


_SESSION_COLUMNS = (
    "key, account_id, role, scope, display_name, created_at, last_seen, address, agent, seal,"
    " pending, ended_at, end_reason"
)
_TOKEN_COLUMNS = (
    "token_id, account_id, name, key, role, scope, created_at, seal, last_used, revoked_at,"
    " revoke_reason"
)


class SQLSessions:
    """The two tables on SQLite or PostgreSQL: the same statements over each engine's pool."""

    def __init__(self, connections: Connections, placeholder: str, real: str) -> None:
        self._connect = connections.connect
        self.close = connections.close
        self._placeholder = placeholder
        with self._connect() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {SESSIONS_TABLE} (key TEXT PRIMARY KEY,"
                " account_id TEXT NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL,"
                f" display_name TEXT NOT NULL, created_at {real} NOT NULL,"
                f" last_seen {real} NOT NULL, address TEXT NOT NULL, agent TEXT NOT NULL,"
                f" seal TEXT NOT NULL, pending TEXT NOT NULL, ended_at {real},"
                " end_reason TEXT NOT NULL)"
            )
            conn.execute(
                f"CREATE INDEX IF NOT EXISTS {SESSIONS_TABLE}_account"
                f" ON {SESSIONS_TABLE} (account_id)"
            )
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TOKENS_TABLE} (token_id TEXT PRIMARY KEY,"
                " account_id TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
                f" role TEXT NOT NULL, scope TEXT NOT NULL, created_at {real} NOT NULL,"
                f" seal TEXT NOT NULL, last_used {real}, revoked_at {real},"
                " revoke_reason TEXT NOT NULL)"
            )

    def _run(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            cursor = conn.execute(statement.replace("?", self._placeholder), params)
            return list(cursor.fetchall()) if cursor.description else []

    def insert_session(self, row: SessionRow) -> None:
        self._run(
            f"INSERT INTO {SESSIONS_TABLE} ({_SESSION_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _values(row),
        )

    def session(self, key: str) -> SessionRow | None:
        rows = self._run(f"SELECT {_SESSION_COLUMNS} FROM {SESSIONS_TABLE} WHERE key = ?", (key,))
        return _session(rows[0]) if rows else None

    def touch_session(self, key: str, at: float) -> None:
        self._run(
            f"UPDATE {SESSIONS_TABLE} SET last_seen = ? WHERE key = ? AND ended_at IS NULL",
            (at, key),
        )

    def end_sessions(
        self, at: float, reason: str, *, key: str = "", account_id: str = "", but: str = ""
    ) -> int:
        which, params = (
            ("key = ?", (key,)) if key else ("account_id = ? AND key <> ?", (account_id, but))
        )
        ended = self._run(
            f"UPDATE {SESSIONS_TABLE} SET ended_at = ?, end_reason = ?"
            f" WHERE ended_at IS NULL AND {which} RETURNING key",
            (at, reason, *params),
        )
        return len(ended)

    def clear_pending(self, account_id: str, pending: str) -> None:
        self._run(
            f"UPDATE {SESSIONS_TABLE} SET pending = '' WHERE account_id = ? AND pending = ?",
            (account_id, pending),
        )

    def sessions_of(self, account_id: str) -> list[SessionRow]:
        rows = self._run(
            f"SELECT {_SESSION_COLUMNS} FROM {SESSIONS_TABLE}"
            " WHERE account_id = ? AND ended_at IS NULL ORDER BY created_at",
            (account_id,),
        )
        return [_session(r) for r in rows]

    def forget_sessions(self, before: float) -> None:
        self._run(
            f"DELETE FROM {SESSIONS_TABLE} WHERE COALESCE(ended_at, last_seen) < ?", (before,)
        )

    def insert_token(self, row: TokenRow) -> None:
        self._run(
            f"INSERT INTO {TOKENS_TABLE} ({_TOKEN_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _values(row),
        )

    def token(self, key: str) -> TokenRow | None:
        rows = self._run(f"SELECT {_TOKEN_COLUMNS} FROM {TOKENS_TABLE} WHERE key = ?", (key,))
        return _token(rows[0]) if rows else None

    def touch_token(self, token_id: str, at: float) -> None:
        self._run(f"UPDATE {TOKENS_TABLE} SET last_used = ? WHERE token_id = ?", (at, token_id))

    def revoke_tokens(
        self, at: float, reason: str, *, token_id: str = "", account_id: str = "", role: str = ""
    ) -> list[str]:
        params: tuple[str, ...] = (token_id,)
        which = "token_id = ?"
        if not token_id:
            which, params = "account_id = ? AND (? = '' OR role = ?)", (account_id, role, role)
        revoked = self._run(
            f"UPDATE {TOKENS_TABLE} SET revoked_at = ?, revoke_reason = ?"
            f" WHERE revoked_at IS NULL AND {which} RETURNING token_id",
            (at, reason, *params),
        )
        return [str(r[0]) for r in revoked]

    def tokens_of(self, account_id: str) -> list[TokenRow]:
        rows = self._run(
            f"SELECT {_TOKEN_COLUMNS} FROM {TOKENS_TABLE} WHERE account_id = ?", (account_id,)
        )
        # Ordered here: the database's collation would order names its own way.
        return sorted((_token(r) for r in rows), key=lambda r: (r.created_at, r.name))


def _values(row: SessionRow | TokenRow) -> tuple[Any, ...]:
    return tuple(row.__dict__.values())


def _session(values: tuple[Any, ...]) -> SessionRow:
    row = SessionRow(*values)
    return replace(
        row,
        created_at=float(row.created_at),
        last_seen=float(row.last_seen),
        ended_at=None if row.ended_at is None else float(row.ended_at),
    )


def _token(values: tuple[Any, ...]) -> TokenRow:
    row = TokenRow(*values)
    return replace(
        row,
        created_at=float(row.created_at),
        last_used=None if row.last_used is None else float(row.last_used),
        revoked_at=None if row.revoked_at is None else float(row.revoked_at),
    )


def sessions_for(database: Database) -> SessionTable:
    if database.engine == "sqlite":
        return SQLSessions(_sqlite(database.path), "?", "REAL")
    if database.engine == "postgresql":
        return SQLSessions(_postgres(database), "%s", "DOUBLE PRECISION")
    return MemorySessions()


@dataclass(frozen=True)
class Connections:
    connect: Callable[[], AbstractContextManager[Any]]
    close: Callable[[], None]


def _sqlite(path: str) -> Connections:
    """A few connections kept open (every request with a session reads its row: opening a
    file per request would cost more than the read)."""
    idle: SimpleQueue[sqlite3.Connection] = SimpleQueue()

    @contextmanager
    def connect() -> Iterator[sqlite3.Connection]:
        try:
            conn = idle.get_nowait()
        except Empty:
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        try:
            with conn:
                yield conn
        finally:
            if idle.qsize() < POOL_SIZE:
                idle.put(conn)
            else:
                conn.close()

    def close() -> None:
        while not idle.empty():
            idle.get_nowait().close()

    return Connections(connect, close)


def _postgres(database: Database) -> Connections:
    # Opened at the first use: a process that never sees a session holds no connection.
    pool = ConnectionPool(
        database.conninfo(), min_size=0, max_size=POOL_SIZE, open=False, name="sessions"
    )
    opened = threading.Lock()

    @contextmanager
    def connect() -> Iterator[Any]:
        with opened:
            if pool.closed:
                pool.open()
        with pool.connection() as conn:
            yield conn

    return Connections(connect, pool.close)
