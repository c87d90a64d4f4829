"""Accounts' secrets, beside the log and never in it (等保 身份鉴别, 剩余信息保护): a row per
account with its password's argon2id hash and its run of sign-in failures. In memory, in the
SQLite file beside the log, or in a PostgreSQL table in the log's schema.

The row says nothing about roles (they come from the log), so someone who rewrites it can at
most let a password in; the lock after repeated failures is recorded in the log
(`AccountLocked`), the failures themselves only counted here — a flood of wrong passwords
costs a counter, not the log."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from application.storage import Database

CREDENTIALS_TABLE = "yishiting_credentials"
# argon2id with argon2-cffi's defaults (RFC 9106's second recommendation): 64 MiB, 3 passes,
# 4 lanes. `needs_rehash` moves a stored hash to new parameters at its next good sign-in.
HASHER = PasswordHasher()
# Checked when the account has no password (or does not exist), so that a wrong username
# costs the same time as a wrong password.
DUMMY_HASH = HASHER.hash("yishiting: no such account")


@dataclass(frozen=True)
class Failures:
    """An account's current run of failed sign-ins: how many, since when (epoch seconds)."""

    count: int
    since: float


class CredentialTable(Protocol):
    def password_hash(self, account_id: str) -> str | None: ...

    def set_password_hash(self, account_id: str, hashed: str, at: float) -> None: ...

    def record_failure(self, account_id: str, at: float, window: float) -> Failures:
        """Counts a failed sign-in: a new run when the last one began more than `window`
        seconds before `at`. Atomic: two processes counting at once count two."""
        ...

    def clear_failures(self, account_id: str) -> None: ...


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(hashed: str | None, password: str) -> bool:
    """Whether `password` is the one hashed (always as slow as a real check)."""
    try:
        return HASHER.verify(hashed or DUMMY_HASH, password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    return HASHER.check_needs_rehash(hashed)


class MemoryCredentials:
    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._failures: dict[str, Failures] = {}
        self._lock = threading.Lock()

    def password_hash(self, account_id: str) -> str | None:
        return self._hashes.get(account_id)

    def set_password_hash(self, account_id: str, hashed: str, at: float) -> None:  # noqa: ARG002
        with self._lock:
            self._hashes[account_id] = hashed

    def record_failure(self, account_id: str, at: float, window: float) -> Failures:
        with self._lock:
            run = self._failures.get(account_id)
            if run is None or at - run.since > window:
                run = Failures(1, at)
            else:
                run = Failures(run.count + 1, run.since)
            self._failures[account_id] = run
            return run

    def clear_failures(self, account_id: str) -> None:
        with self._lock:
            self._failures.pop(account_id, None)


# The one statement that counts a failure, in SQL both engines read (`?` becomes `%s` for
# psycopg): a new run when there was none or the last began too long ago.
_COUNT_FAILURE = f"""
INSERT INTO {CREDENTIALS_TABLE} AS c
  (account_id, password_hash, failures, failing_since, changed_at)
VALUES (?, NULL, 1, ?, ?)
ON CONFLICT (account_id) DO UPDATE SET
  failures = CASE WHEN c.failing_since IS NULL OR ? - c.failing_since > ? THEN 1
                  ELSE c.failures + 1 END,
  failing_since = CASE WHEN c.failing_since IS NULL OR ? - c.failing_since > ? THEN ?
                       ELSE c.failing_since END
RETURNING failures, failing_since
"""
_SET_HASH = f"""
INSERT INTO {CREDENTIALS_TABLE} AS c
  (account_id, password_hash, failures, failing_since, changed_at)
VALUES (?, ?, 0, NULL, ?)
ON CONFLICT (account_id) DO UPDATE SET password_hash = excluded.password_hash,
  changed_at = excluded.changed_at
"""


class SQLCredentials:
    """The table on SQLite or PostgreSQL: the same statements, each engine's connection."""

    def __init__(
        self, connect: Callable[[], AbstractContextManager[Any]], placeholder: str, real: str
    ) -> None:
        self._connect = connect
        self._placeholder = placeholder
        with self._connect() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {CREDENTIALS_TABLE} (account_id TEXT PRIMARY KEY,"
                f" password_hash TEXT, failures INTEGER NOT NULL, failing_since {real},"
                f" changed_at {real} NOT NULL)"
            )

    def _run(self, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            cursor = conn.execute(statement.replace("?", self._placeholder), params)
            return list(cursor.fetchall()) if cursor.description else []

    def password_hash(self, account_id: str) -> str | None:
        rows = self._run(
            f"SELECT password_hash FROM {CREDENTIALS_TABLE} WHERE account_id = ?", (account_id,)
        )
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def set_password_hash(self, account_id: str, hashed: str, at: float) -> None:
        self._run(_SET_HASH, (account_id, hashed, at))

    def record_failure(self, account_id: str, at: float, window: float) -> Failures:
        [(count, since)] = self._run(
            _COUNT_FAILURE, (account_id, at, at, at, window, at, window, at)
        )
        return Failures(int(count), float(since))

    def clear_failures(self, account_id: str) -> None:
        self._run(
            f"UPDATE {CREDENTIALS_TABLE} SET failures = 0, failing_since = NULL"
            " WHERE account_id = ?",
            (account_id,),
        )


def credentials_for(database: Database) -> CredentialTable:
    if database.engine == "sqlite":
        return SQLCredentials(_sqlite(database.path), "?", "REAL")
    if database.engine == "postgresql":
        return SQLCredentials(_postgres(database), "%s", "DOUBLE PRECISION")
    return MemoryCredentials()


def _sqlite(path: str) -> Callable[[], AbstractContextManager[Any]]:
    @contextmanager
    def connect() -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(path, timeout=30)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    return connect


def _postgres(database: Database) -> Callable[[], AbstractContextManager[Any]]:
    @contextmanager
    def connect() -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(database.conninfo()) as conn:
            yield conn

    return connect
