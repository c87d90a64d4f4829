"""One projector works at a time: PostgreSQL holds an advisory lock for it (released by the
server the moment its session dies, so a standby takes over within a poll); SQLite, which
serves one machine, uses a file lock beside the views file."""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import IO, Any

import psycopg

from application.storage import Database


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class Leadership:
    def __init__(self, database: Database, name: str = "yishiting-projector") -> None:
        self.database = database
        self.name = f"{name}:{database.schema or database.path or 'memory'}"
        self._connection: psycopg.Connection[Any] | None = None
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def try_acquire(self) -> bool:
        """True when this process now leads (or already did)."""
        if self.held:
            return self._still_held()
        if self.database.engine == "postgresql":
            return self._acquire_advisory()
        if self.database.engine == "sqlite":
            return self._acquire_file()
        self._file = open("/dev/null", "rb")  # noqa: SIM115 — in memory there is only us
        return True

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def _acquire_advisory(self) -> bool:
        # Named for operators (and tests): pg_stat_activity shows which process leads.
        conn = psycopg.connect(
            self.database.conninfo(),
            autocommit=True,
            connect_timeout=5,
            application_name=f"yishiting-projector-{os.getpid()}",
        )
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(self.name),)).fetchone()
        if row and row[0]:
            self._connection = conn
            return True
        conn.close()
        return False

    def _still_held(self) -> bool:
        if self._connection is None:
            return True
        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error:
            self.release()
            return False
        return True

    def _acquire_file(self) -> bool:
        path = Path(self.database.views_path()).with_suffix(".projector.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "ab")  # noqa: SIM115 — held open for as long as we lead
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True
