"""Notices log growth that the application's own saves do not announce: commits by other
processes, through PostgreSQL LISTEN (eventsourcing NOTIFYs its channel in every insert
transaction, delivered at commit), or by polling where there is no such thing (SQLite)."""

from __future__ import annotations

import logging
import threading
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

    def start(self) -> None:
        if self.database.engine == "memory" or self._thread is not None:
            return  # in memory, every writer is in this process and announces itself
        self._thread = threading.Thread(target=self._run, name="log-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

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
            self.refresh()
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=LISTEN_SAFETY_POLL, stop_after=1):
                    pass
                self.refresh()
