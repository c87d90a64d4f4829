"""How a process learns that a subject's key was destroyed by another process, so that its
cache of subject keys never opens an erased subject's data after the erasure has returned.

PostgreSQL: the destruction NOTIFYs a channel in its own transaction; each process keeps one
connection LISTENing, and trusts its cache only while that connection is in place.
SQLite: the destruction raises a generation counter in its own transaction; a process reads
the counter before its cache answers, which costs a `PRAGMA data_version` (no read at all)
unless some other connection has committed to the file since. A thread looks at most once a
millisecond (a batch of lookups pays once), so an erasure reaches it within that long."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import psycopg
from psycopg import sql

from application.storage import Database

log = logging.getLogger("yishiting.erasure_watch")
LISTEN_TIMEOUT = 0.25  # the listener looks at its stop flag this often
RECONNECT_PAUSE = 1.0
STARTUP_WAIT = 2.0  # seconds the first lookup waits for the listener to be in place
EVERY_SUBJECT = ""  # a notice without a subject: forget every cached key
RECHECK_SECONDS = 0.001  # SQLite: how long one thread's look at the generation stands

Forget = Callable[[str], None]
"""Drops a subject's cached key, or every cached key when given EVERY_SUBJECT."""


class ErasureWatch(Protocol):
    def cache_is_current(self) -> bool:
        """May the cache answer now? Anything erased elsewhere has been forgotten first."""
        ...

    def close(self) -> None: ...


class AlwaysCurrent:
    """In memory there is no other process: this one's own erasures forget their keys."""

    def cache_is_current(self) -> bool:
        return True

    def close(self) -> None:
        pass


class GenerationWatch:
    """SQLite: the cache stands while the erasure generation it was filled under stands."""

    def __init__(self, generation: Callable[[], int], forget: Forget) -> None:
        self.generation = generation
        self.forget = forget
        self._seen: int | None = None
        self._lock = threading.Lock()
        self._looked = threading.local()

    def cache_is_current(self) -> bool:
        moment = time.monotonic()
        if moment - getattr(self._looked, "at", -RECHECK_SECONDS) < RECHECK_SECONDS:
            return True
        self._looked.at = moment
        now = self.generation()
        with self._lock:
            if now != self._seen:
                self.forget(EVERY_SUBJECT)  # before another thread trusts the new generation
                self._seen = now
        return True

    def close(self) -> None:
        pass


def erasure_channel(database: Database) -> str:
    """One channel per deployment: schemas of one database share NOTIFY's namespace."""
    return f"yishiting_erasures_{database.schema or 'public'}"[:63]


class NotificationWatch:
    """PostgreSQL: one LISTEN connection per process, started on first use. The cache is
    trusted only while it listens: while it reconnects every lookup reads the table, and once
    it listens again the cache starts empty (notices sent meanwhile were not heard)."""

    def __init__(self, database: Database, forget: Forget) -> None:
        self.database = database
        self.channel = erasure_channel(database)
        self.forget = forget
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def cache_is_current(self) -> bool:
        if self._thread is None:
            self._start()  # the first lookup waits for it, once: a batch then uses its cache
            return self.listening.wait(STARTUP_WAIT)
        return self.listening.is_set()

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=LISTEN_TIMEOUT + 1)

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="erasure-listener", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                log.warning("erasure listener: %s; reconnecting", error)
            finally:
                self.listening.clear()
            self._stop.wait(RECONNECT_PAUSE)

    def _listen(self) -> None:
        with psycopg.connect(self.database.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.forget(EVERY_SUBJECT)
            self.listening.set()
            self._hear(conn)

    def _hear(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            for notice in conn.notifies(timeout=LISTEN_TIMEOUT, stop_after=1):
                self.forget(notice.payload)
