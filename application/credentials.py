"""Accounts' secrets, beside the log and never in it (等保 身份鉴别, 剩余信息保护): a row per
account with its password's argon2id hash and its run of sign-in failures. In memory, in the
SQLite file beside the log, or in a PostgreSQL table in the log's schema.

The row says nothing about roles (they come from the log), so someone who rewrites it can at
most let a password in; the lock after repeated failures is recorded in the log
(`AccountLocked`), the failures themselves only counted here — a flood of wrong passwords
costs a counter, not the log."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from application.storage import Database

CREDENTIALS_TABLE = "yishiting_credentials"
RECOVERY_CODES = 10
# argon2id with argon2-cffi's defaults (RFC 9106's second recommendation): 64 MiB, 3 passes,
# 4 lanes. `needs_rehash` moves a stored hash to new parameters at its next good sign-in.
HASHER = PasswordHasher()
# Checked when the account has no password (or does not exist), so that a wrong username
# costs the same time as a wrong password.
DUMMY_HASH = HASHER.hash("yishiting: no such account")


@dataclass(frozen=True)
class SecondFactor:
    """An account's TOTP secret (sealed), one being enrolled, the last time step accepted (a
    code is good once) and the hashes of its unused recovery codes."""

    secret: str | None = None
    pending: str | None = None
    last_step: int | None = None
    recovery: tuple[str, ...] = ()


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

    def second_factor(self, account_id: str) -> SecondFactor: ...

    def set_pending_second_factor(self, account_id: str, sealed: str, at: float) -> None: ...

    def activate_second_factor(self, account_id: str, recovery: list[str]) -> None:
        """The pending secret becomes the account's, with these recovery code hashes."""
        ...

    def accept_step(self, account_id: str, step: int) -> bool:
        """Takes a code's time step if it is later than the last one taken (atomic: a code
        replayed, here or in another process, is taken once)."""
        ...

    def use_recovery(self, account_id: str, hashed: str) -> bool:
        """Strikes one recovery code off (atomic); False if it is not (or no longer) there."""
        ...

    def clear_second_factor(self, account_id: str) -> None: ...

    def sealed_second_factors(self) -> list[tuple[str, str | None, str | None]]:
        """Every account holding a TOTP secret or one being enrolled: (account id, secret,
        pending), each as sealed."""
        ...

    def reseal_second_factor(self, account_id: str, pending: bool, was: str, now: str) -> bool:
        """Replaces the sealed secret (or the pending one) if it is still `was` (compare-and-
        set: one re-enrolled or reset meanwhile stays as that left it)."""
        ...


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(hashed: str | None, password: str) -> bool:
    """Whether `password` is the one hashed (always as slow as a real check)."""
    # No UTF-8 for a lone surrogate (JSON may carry one): checked as bytes, so never matched
    # but as slow as any other wrong password.
    given = password.encode("utf-8", "surrogatepass")
    try:
        return HASHER.verify(hashed or DUMMY_HASH, given) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    return HASHER.check_needs_rehash(hashed)


class MemoryCredentials:
    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._failures: dict[str, Failures] = {}
        self._factors: dict[str, SecondFactor] = {}
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

    def second_factor(self, account_id: str) -> SecondFactor:
        return self._factors.get(account_id, SecondFactor())

    def set_pending_second_factor(self, account_id: str, sealed: str, at: float) -> None:  # noqa: ARG002
        with self._lock:
            self._factors[account_id] = replace(self.second_factor(account_id), pending=sealed)

    def activate_second_factor(self, account_id: str, recovery: list[str]) -> None:
        with self._lock:
            pending = self.second_factor(account_id).pending
            self._factors[account_id] = SecondFactor(pending, None, None, tuple(recovery))

    def accept_step(self, account_id: str, step: int) -> bool:
        with self._lock:
            factor = self.second_factor(account_id)
            if factor.last_step is not None and step <= factor.last_step:
                return False
            self._factors[account_id] = replace(factor, last_step=step)
            return True

    def use_recovery(self, account_id: str, hashed: str) -> bool:
        with self._lock:
            factor = self.second_factor(account_id)
            if hashed not in factor.recovery:
                return False
            left = tuple(h for h in factor.recovery if h != hashed)
            self._factors[account_id] = replace(factor, recovery=left)
            return True

    def clear_second_factor(self, account_id: str) -> None:
        with self._lock:
            self._factors.pop(account_id, None)

    def sealed_second_factors(self) -> list[tuple[str, str | None, str | None]]:
        with self._lock:
            return [
                (account_id, f.secret, f.pending)
                for account_id, f in self._factors.items()
                if f.secret is not None or f.pending is not None
            ]

    def reseal_second_factor(self, account_id: str, pending: bool, was: str, now: str) -> bool:
        with self._lock:
            factor = self.second_factor(account_id)
            if (factor.pending if pending else factor.secret) != was:
                return False
            changed = replace(factor, pending=now) if pending else replace(factor, secret=now)
            self._factors[account_id] = changed
            return True


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
                f" changed_at {real} NOT NULL, totp_secret TEXT, totp_pending TEXT,"
                " totp_step BIGINT, recovery TEXT)"
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

    def second_factor(self, account_id: str) -> SecondFactor:
        rows = self._run(
            f"SELECT totp_secret, totp_pending, totp_step, recovery FROM {CREDENTIALS_TABLE}"
            " WHERE account_id = ?",
            (account_id,),
        )
        if not rows:
            return SecondFactor()
        secret, pending, step, recovery = rows[0]
        listed = tuple(json.loads(recovery)) if recovery else ()
        return SecondFactor(secret, pending, None if step is None else int(step), listed)

    def set_pending_second_factor(self, account_id: str, sealed: str, at: float) -> None:
        self._run(
            f"INSERT INTO {CREDENTIALS_TABLE} AS c (account_id, failures, changed_at,"
            " totp_pending) VALUES (?, 0, ?, ?) ON CONFLICT (account_id) DO UPDATE SET"
            " totp_pending = excluded.totp_pending",
            (account_id, at, sealed),
        )

    def activate_second_factor(self, account_id: str, recovery: list[str]) -> None:
        self._run(
            f"UPDATE {CREDENTIALS_TABLE} SET totp_secret = totp_pending, totp_pending = NULL,"
            " totp_step = NULL, recovery = ? WHERE account_id = ?",
            (json.dumps(recovery), account_id),
        )

    def accept_step(self, account_id: str, step: int) -> bool:
        taken = self._run(
            f"UPDATE {CREDENTIALS_TABLE} SET totp_step = ? WHERE account_id = ?"
            " AND (totp_step IS NULL OR totp_step < ?) RETURNING account_id",
            (step, account_id, step),
        )
        return bool(taken)

    def use_recovery(self, account_id: str, hashed: str) -> bool:
        # Compare-and-set on the list: another code struck meanwhile makes this one read again.
        for _ in range(RECOVERY_CODES + 1):
            listed = self.second_factor(account_id).recovery
            if hashed not in listed:
                return False
            left = json.dumps([h for h in listed if h != hashed])
            struck = self._run(
                f"UPDATE {CREDENTIALS_TABLE} SET recovery = ? WHERE account_id = ?"
                " AND recovery = ? RETURNING account_id",
                (left, account_id, json.dumps(list(listed))),
            )
            if struck:
                return True
        return False

    def clear_second_factor(self, account_id: str) -> None:
        self._run(
            f"UPDATE {CREDENTIALS_TABLE} SET totp_secret = NULL, totp_pending = NULL,"
            " totp_step = NULL, recovery = NULL WHERE account_id = ?",
            (account_id,),
        )

    def sealed_second_factors(self) -> list[tuple[str, str | None, str | None]]:
        rows = self._run(
            f"SELECT account_id, totp_secret, totp_pending FROM {CREDENTIALS_TABLE}"
            " WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL ORDER BY account_id",
            (),
        )
        return [(str(a), s, p) for a, s, p in rows]

    def reseal_second_factor(self, account_id: str, pending: bool, was: str, now: str) -> bool:
        column = "totp_pending" if pending else "totp_secret"
        return bool(
            self._run(
                f"UPDATE {CREDENTIALS_TABLE} SET {column} = ? WHERE account_id = ?"
                f" AND {column} = ? RETURNING account_id",
                (now, account_id, was),
            )
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
