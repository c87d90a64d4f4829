"""Notices log growth that the application's own saves do not announce: commits by other
processes, through PostgreSQL LISTEN (eventsourcing NOTIFYs its channel in every insert
transaction, delivered at commit), or by polling where there is no such thing (SQLite). On
PostgreSQL it also hears the projectors announce their batches (read-your-writes waiters)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from application.live import LogSignal
from application.storage import Database

log = logging.getLogger("yishiting.watch")
LISTEN_SAFETY_POLL = 0.5  # a missed notification costs at most this long
SQLITE_POLL = 0.1
RECONNECT_PAUSE = 1.0


class LogWatcher:
    def __init__(self, app: Any, database: Database, signal: LogSignal) -> None:
        self.app = app
        self.database = database
        self.signal = signal
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._views: tuple[str, Callable[[str], None]] | None = None
        self.listening = threading.Event()  # PostgreSQL: its LISTENs are in place

    def on_views(self, channel: str | None, announced: Callable[[str], None]) -> None:
        """Also listen on the projectors' `channel` (PostgreSQL) and pass each announcement's
        payload to `announced`; before `start`."""
        if channel is not None:
            self._views = (channel, announced)

    def start(self) -> None:
        if self.database.engine == "memory" or self._thread is not None:
            return  # in memory, every writer is in this process and announces itself
        self._thread = threading.Thread(target=self._run, name="log-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> bool:
        """True once the watching thread has finished."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            if self._thread.is_alive():
                return False
            self._thread = None
        return True

    def refresh(self) -> int:
        self.signal.advance(self.app.recorder.max_notification_id() or 0)
        return self.signal.position

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.database.engine == "postgresql":
                    self._listen()
                else:
                    self.refresh()
                    self._stop.wait(SQLITE_POLL)
            except Exception as error:  # storage away: keep trying, readers fall back to polling
                log.warning("log watcher: %s; retrying", error)
                self._stop.wait(RECONNECT_PAUSE)

    def _listen(self) -> None:
        channel = sql.Identifier(self.app.recorder.channel_name)
        with psycopg.connect(self.database.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(channel))
            if self._views is not None:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._views[0])))
            self.listening.set()
            try:
                self._hear(conn)
            finally:
                self.listening.clear()

    def _hear(self, conn: psycopg.Connection[Any]) -> None:
        self.refresh()
        while not self._stop.is_set():
            # One read may bring several notices: the log's head is read again if one of them
            # is the log's, or if none came within the poll (one may have been missed); a
            # projector's batch alone does not move the log.
            heard, batches = 0, 0
            for notice in conn.notifies(timeout=LISTEN_SAFETY_POLL, stop_after=1):
                heard += 1
                if self._views is not None and notice.channel == self._views[0]:
                    self._views[1](notice.payload)
                    batches += 1
            if heard == 0 or heard > batches:
                self.refresh()
