"""The projector: reads the log in batches and applies each batch to every view in one
transaction together with the views' positions, so each event lands exactly once."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.application import Application

from application.storage import STORAGE_UNAVAILABLE
from domain.erasure import Erasure
from projections.leadership import Leadership
from projections.ledger import LedgerView
from projections.store import Tx, ViewStore
from projections.views.audit import AuditTrail
from projections.views.base import View
from projections.views.consultations import ConsultationCalendar
from projections.views.deadlines import ItemDeadlines
from projections.views.hotline import HotlineOrders
from projections.views.reference import ReferenceData
from projections.views.supervision import SupervisionLedger
from projections.views.topics import TopicBoard
from projections.webhooks.registry import WebhookRegistry

VIEWS: tuple[type[View], ...] = (
    LedgerView,
    ReferenceData,
    TopicBoard,
    ConsultationCalendar,
    SupervisionLedger,
    AuditTrail,
    HotlineOrders,
    ItemDeadlines,
    WebhookRegistry,
)
TRACKING = (
    "CREATE TABLE IF NOT EXISTS projection_tracking (view TEXT PRIMARY KEY,"
    " position INTEGER NOT NULL, updated_at DOUBLE PRECISION NOT NULL)"
)

Progress = Callable[[int, int], None]
STANDBY_POLL = 1.0
UNAVAILABLE = (*STORAGE_UNAVAILABLE, sqlite3.OperationalError)
log = logging.getLogger("yishiting.projector")


class Projector:
    def __init__(
        self,
        app: Application[Any],
        store: ViewStore,
        batch_size: int = 1000,
        views: Sequence[type[View]] = VIEWS,
    ) -> None:
        self.app = app
        self.store = store
        self.batch_size = batch_size
        self.views = [cls() for cls in views]
        self._advanced = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.after_catch_up: list[Callable[[], object]] = []
        self.create_tables()

    def create_tables(self) -> None:
        with self.store.transaction() as tx:
            tx.execute(TRACKING)
            for view in self.views:
                for statement in (*view.tables, *view.indexes):
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO projection_tracking VALUES (?, 0, ?)"
                    " ON CONFLICT (view) DO NOTHING",
                    (view.name, time.time()),
                )

    def process_batch(self) -> int:
        """Applies the next batch of events; returns how many were read (0: caught up)."""
        erasures = 0
        with self.store.transaction(pipelined=True) as tx:
            positions = self._positions(tx, lock=True)
            notifications = self.app.recorder.select_notifications(
                start=min(positions.values()), limit=self.batch_size, inclusive_of_start=False
            )
            for view in self.views:
                view.begin_batch(tx)
            for notification in notifications:
                event = self.app.mapper.to_domain_event(notification)
                erasures += isinstance(event, Erasure.PersonalDataErased)
                for view in self.views:
                    if notification.id > positions[view.name]:
                        view.apply(_fed(view, notification, event), tx)
            if notifications:
                self._advance(tx, notifications[-1].id)
        if erasures:
            self.store.scrub()
        if notifications:
            with self._advanced:
                self._advanced.notify_all()
        return len(notifications)

    def catch_up(self, progress: Progress | None = None) -> int:
        total, goal = 0, self.app.recorder.max_notification_id() or 0
        while count := self.process_batch():
            total += count
            if progress:
                progress(self.position(), goal)
        return total

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drops every view and builds it again from the whole log."""
        with self.store.transaction() as tx:
            tx.execute(TRACKING)
            self._positions(tx, lock=True)
            # The ledger is evidence, not a view: it is never rebuilt from the log it guards.
            for view in self.rebuildable:
                for table in view.table_names:
                    tx.execute(f"DROP TABLE IF EXISTS {table}")
                tx.execute("DELETE FROM projection_tracking WHERE view = ?", (view.name,))
        self.create_tables()
        return self.catch_up(progress)

    @property
    def rebuildable(self) -> list[View]:
        return [view for view in self.views if view.rebuildable]

    def position(self, timeout: float | None = None) -> int:
        """The position every view has reached (read from the tracking table, so it also
        shows what a projector in another process has applied)."""
        with self.store.reading(timeout) as tx:
            return min(self._positions(tx, lock=False).values())

    def wait_for(self, position: int | None, timeout: float = 5.0) -> bool:
        """Blocks until every view has applied the event at `position` (read-your-writes),
        whichever process projects; waiting for storage counts against the timeout too."""
        if not position:
            return True
        deadline = time.monotonic() + timeout
        self._wake.set()
        while (reached := self.position(max(0.1, deadline - time.monotonic()))) < position:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._advanced:
                self._advanced.wait(min(remaining, 0.05))
        return reached >= position

    def start(self, poll_interval: float = 0.2) -> None:
        """Runs in a thread of this process (the embedded mode)."""
        self._thread = threading.Thread(
            target=self.run_forever, args=(poll_interval,), name="projector", daemon=True
        )
        self._thread.start()

    def run_forever(self, poll_interval: float = 0.2) -> None:
        """Projects until stopped; stands by while another projector leads."""
        leadership = Leadership(self.store.database)
        try:
            while not self._stop.is_set():
                applied = self._work(leadership)
                if applied == 0:
                    self._wake.wait(poll_interval if leadership.held else STANDBY_POLL)
                    self._wake.clear()
        finally:
            leadership.release()

    def _work(self, leadership: Leadership) -> int:
        try:
            if not leadership.try_acquire():
                return 0
            applied = 0
            # Asked to stop (SIGTERM), the worker ends after the batch it is applying: each
            # batch commits with its positions, so the next leader resumes right there.
            while not self._stop.is_set() and (count := self.process_batch()):
                applied += count
            for hook in self.after_catch_up:
                hook()
        except UNAVAILABLE as error:
            # The database went away: let go, wait, and take up again from the stored positions.
            log.warning("projector paused: %s", error)
            leadership.release()
            return 0
        return applied

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _positions(self, tx: Tx, *, lock: bool) -> dict[str, int]:
        lock_clause = " FOR UPDATE" if lock and tx.dialect == "postgresql" else ""
        rows = tx.all(f"SELECT view, position FROM projection_tracking{lock_clause}")
        known = {row["view"]: int(row["position"]) for row in rows}
        return {view.name: known.get(view.name, 0) for view in self.views}

    def _advance(self, tx: Tx, position: int) -> None:
        for view in self.views:
            tx.execute(
                "INSERT INTO projection_tracking VALUES (?, ?, ?) ON CONFLICT (view)"
                " DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at"
                " WHERE projection_tracking.position < excluded.position",
                (view.name, position, time.time()),
            )


def _fed(view: View, notification: Any, event: Any) -> Any:
    if view.feed == "stored":
        return notification
    return (notification, event) if view.feed == "both" else event
