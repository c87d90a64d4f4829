"""The projector: reads the log in batches and applies each batch to every view in one
transaction together with the views' positions, so each event lands exactly once."""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

from eventsourcing.application import Application

from application.storage import STORAGE_UNAVAILABLE
from domain.erasure import Erasure
from projections import set_aside
from projections.leadership import Leadership
from projections.ledger import LedgerView
from projections.outbound.webhooks.registry import WebhookRegistry
from projections.store import BatchTx, Tx, ViewStore
from projections.views.attachments import Attachments
from projections.views.audit import AuditTrail
from projections.views.base import View
from projections.views.consultations import ConsultationCalendar
from projections.views.dashboard import DashboardSummary
from projections.views.deadlines import ItemDeadlines
from projections.views.hotline import HotlineOrders
from projections.views.members import MemberRecords
from projections.views.reference import ReferenceData
from projections.views.supervision import SupervisionLedger
from projections.views.topics import TopicBoard

# A waiter looks at the views' position again after this long without news of a batch (news
# comes from this process's projector, or announced by another's: `views_announced`).
LOOK_AGAIN = 0.05
REBUILD_GC_THRESHOLD = 100_000  # allocations between collections of young objects in a rebuild

VIEWS: tuple[type[View], ...] = (
    LedgerView,
    ReferenceData,
    TopicBoard,
    ConsultationCalendar,
    SupervisionLedger,
    DashboardSummary,
    Attachments,
    AuditTrail,
    HotlineOrders,
    ItemDeadlines,
    MemberRecords,
    WebhookRegistry,
)
TRACKING = (
    "CREATE TABLE IF NOT EXISTS projection_tracking (view TEXT PRIMARY KEY,"
    " position INTEGER NOT NULL, updated_at DOUBLE PRECISION NOT NULL)"
)
# Which log the views were built from: its first event, recorded with the views' first batch.
# A views store put beside another log (a file replaced, a schema pointed elsewhere) is told
# by it (projections/health.py), rather than served as if it were this log's.
LOG_IDENTITY = (
    "CREATE TABLE IF NOT EXISTS projection_log (singleton INTEGER PRIMARY KEY,"
    " first_event TEXT NOT NULL)"
)

Progress = Callable[[int, int], None]
Admission = Callable[[Any], str | None]
"""Given a stored notification (id, originator_id, originator_version, topic, state): None
admits it, a reason (中文 then English) sets it aside unapplied by every view."""
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
        self._advanced = _Batches()
        self._me = uuid4().hex[:12]  # tells this projector's announcements from others'
        # The PostgreSQL channel each batch NOTIFYs at its commit (None on SQLite): processes
        # projecting nothing themselves (`serve --no-projector`) learn of it at once, through
        # their log watcher, instead of at their waiters' next look.
        self.views_channel: str | None = (
            f"{getattr(app.recorder, 'channel_name', 'yishiting')}_views"
            if store.dialect == "postgresql"
            else None
        )
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.after_catch_up: list[Callable[[], object]] = []
        self.reached = 0  # where this process's last batch left the views
        self.admission: list[Admission] = []
        self._reader: ThreadPoolExecutor | None = None
        self._ahead: tuple[int, Future[Read]] | None = None
        self.create_tables()

    def create_tables(self, *, indexes: bool = True) -> None:
        with self.store.transaction() as tx:
            tx.execute(TRACKING)
            tx.execute(LOG_IDENTITY)
            tx.execute(set_aside.TABLE)
            for view in self.views:
                for statement in (*view.tables, *(view.indexes if indexes else view.read_indexes)):
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO projection_tracking VALUES (?, 0, ?)"
                    " ON CONFLICT (view) DO NOTHING",
                    (view.name, time.time()),
                )

    def process_batch(self) -> int:
        """Applies the next batch of events; returns how many were read (0: caught up). A
        batch that fails is rolled back and applied again one event per transaction, so that
        the event at fault is set aside and the others land (`isolate`)."""
        batch: list[tuple[Any, Any]] = []
        try:
            erasures = self._apply_batch(batch)
        except UNAVAILABLE:
            raise
        except Exception as error:
            if not batch:
                raise
            log.warning(
                "projector: batch after %s failed (%s); applying it one event at a time",
                batch[0][0].id - 1,
                set_aside.describe(error),
            )
            erasures = self.isolate(batch)
        if erasures:
            self.store.scrub()
        if batch:
            self.reached = batch[-1][0].id
            with self._advanced:
                self._advanced.notify_all(reached=self.reached)
        return len(batch)

    def _apply_batch(self, batch: list[tuple[Any, Any]]) -> int:
        """Applies the next batch (read into `batch`) in one transaction; returns how many
        erasures it held."""
        erasures = 0
        with self.store.transaction(pipelined=True) as direct:
            # The views' new rows are held by the batch, changed in memory by its later events,
            # and written together at its end (one COPY per table on PostgreSQL), in the same
            # transaction as the views' positions: exactly once, as before.
            tx = BatchTx(direct)
            positions = self._positions(tx, lock=True)
            read = self._read(min(positions.values()))
            if not read:
                return 0  # caught up: the views have nothing to begin or end
            batch.extend(read)
            self._remember_log(direct, positions, batch[0][0])
            if read.tags is not None:
                self._tell_admission(read.tags)
            if len(batch) == self.batch_size:
                self._read_ahead(batch[-1][0].id)
            for view in self.views:
                view.begin_batch(tx)
            routes = Routes(self.views, positions)
            admission = self.admission
            for notification, event in batch:
                if admission or type(event) is Undecodable:
                    refusal = self._refusal(notification, event)
                    if refusal is not None:
                        self._set_aside(direct, notification, self.view_names, refusal)
                        continue
                erasures += isinstance(event, Erasure.PersonalDataErased)
                position = notification.id
                for apply, feed, reached in routes.of(type(event)):
                    if position > reached:
                        apply(event if feed == "event" else _fed(feed, notification, event), tx)
            tx.flush()
            for view in self.views:
                view.end_batch(direct)
            self._advance(tx, batch[-1][0].id)
            self._announce(direct, batch[-1][0].id)
        return erasures

    def _tell_admission(self, tags: Mapping[int, str | None]) -> None:
        """The batch's events' tags, read with them, to the checks that would read them."""
        for check in self.admission:
            told = getattr(check, "told", None)
            if told is not None:
                told(tags)

    def isolate(self, batch: list[tuple[Any, Any]]) -> int:
        """Applies a failed batch's events one per transaction: an event a view cannot take
        is set aside for that view (the others take it), and every view moves past it."""
        self._forget()
        erasures = 0
        for notification, event in batch:
            erasures += isinstance(event, Erasure.PersonalDataErased)
            self._apply_alone(notification, event)
        self._forget()
        return erasures

    def _apply_alone(self, notification: Any, event: Any) -> None:
        with self.store.transaction() as direct:
            positions = self._positions(direct, lock=True)
            behind = [view for view in self.views if positions[view.name] < notification.id]
            if not behind:
                return
            self._remember_log(direct, positions, notification)
            refusal = self._refusal(notification, event)
            if refusal is not None:
                self._set_aside(direct, notification, self.view_names, refusal)
            else:
                failed = self._apply_to(direct, behind, notification, event)
                if failed:
                    self._set_aside(direct, notification, list(failed), "; ".join(failed.values()))
            self._advance(direct, notification.id)
            self._announce(direct, notification.id)

    def _apply_to(
        self, direct: Tx, views: Sequence[View], notification: Any, event: Any
    ) -> dict[str, str]:
        """Applies one event to each of `views` in a savepoint of its own; returns the errors
        of those that could not take it (their part undone), by view."""
        failed: dict[str, str] = {}
        for view in views:
            direct.execute("SAVEPOINT one_view")
            try:
                tx = BatchTx(direct)
                view.begin_batch(tx)
                view.apply(_fed(view.feed, notification, event), tx)
                tx.flush()
                view.end_batch(direct)
            except UNAVAILABLE:
                raise
            except Exception as error:
                direct.execute("ROLLBACK TO SAVEPOINT one_view")
                failed[view.name] = f"{view.name}: {set_aside.describe(error)}"
            direct.execute("RELEASE SAVEPOINT one_view")
        return failed

    def retry(self, position: int) -> set_aside.SetAsideEvent | None:
        """Applies a set-aside event again to the views that could not take it (the operator's
        `retry`): it is marked applied, or stays set aside with the new error. None when no
        event is set aside there. The ledger is never among them: it seals events in log order,
        and a leaf appended late would break the tree `verify` recomputes from the log."""
        with self.store.transaction() as direct:
            aside = set_aside.find(direct, position)
            if aside is None or aside.status == set_aside.APPLIED:
                return None
            notification = self._stored_at(position)
            event = _decode(self.app, notification)
            # Views of their own: a projector running in this process keeps its own untouched.
            named = [type(view)() for view in self.views if view.name in aside.views]
            views = [view for view in named if view.rebuildable]
            refusal = self._refusal(notification, event)
            failed = {view.name: set_aside.IN_LOG_ORDER for view in named if not view.rebuildable}
            failed |= (
                {view.name: refusal for view in views}
                if refusal is not None
                else self._apply_to(direct, views, notification, event)
            )
            errors = "; ".join(dict.fromkeys(failed.values())) if failed else None
            set_aside.retried(direct, position, list(failed), errors)
            if errors:
                log.error("projector: event at %s still set aside: %s", position, errors)
        with self.store.reading() as tx:
            return set_aside.find(tx, position)

    def _stored_at(self, position: int) -> Any:
        found = self.app.recorder.select_notifications(
            start=position, limit=1, inclusive_of_start=True
        )
        if not found or found[0].id != position:
            raise LookupError(f"日志中没有位置 {position} (no event at position {position})")
        return found[0]

    def _refusal(self, notification: Any, event: Any) -> str | None:
        """Why the event is set aside without being applied: it cannot be decoded, or an
        admission check refuses it (a check that fails refuses: it guards the views)."""
        if type(event) is Undecodable:
            return f"无法解码 (cannot decode): {event.error}"
        for admit in self.admission:
            try:
                reason = admit(notification)
            except Exception as error:
                reason = f"准入检查出错 (admission check failed): {set_aside.describe(error)}"
            if reason is not None:
                return reason
        return None

    def _set_aside(self, tx: Tx, notification: Any, views: list[str], error: str) -> None:
        set_aside.record(tx, notification, views, error)
        log.error(
            "projector: event set aside at %s (%s, %s v%s) for %s: %s",
            notification.id,
            set_aside.neutral(str(notification.topic), 200),
            notification.originator_id,
            notification.originator_version,
            ",".join(views),
            set_aside.neutral(error),
        )

    @property
    def view_names(self) -> list[str]:
        return [view.name for view in self.views]

    def _forget(self) -> None:
        """New view objects: what a view kept in memory from a batch rolled back is gone."""
        self.views = [type(view)() for view in self.views]
        reader, self._reader, self._ahead = self._reader, None, None
        if reader is not None:
            reader.shutdown(wait=False, cancel_futures=True)

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
            tx.execute(LOG_IDENTITY)
            tx.execute("DELETE FROM projection_log")  # the views are now this log's
        # The views' secondary indexes are built once the rows are in (one sort each, rather
        # than an index entry per row as it is inserted); the primary keys stay throughout.
        self.create_tables(indexes=False)
        try:
            with _rare_collections():
                return self.catch_up(progress)
        finally:
            self.create_tables()

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
        whichever process projects; waiting for storage counts against the timeout too.
        Concurrent waiters share their reads of the position: a read begun after a waiter
        last had news (began waiting, a batch committed here, or its wait ran out) serves it
        as well as its own would, so after a batch one read serves every waiter, not one each."""
        if not position:
            return True
        since = time.monotonic()
        deadline = since + timeout
        advanced = self._advanced
        self._wake.set()
        while True:
            batches, reads = advanced.batches, advanced.reads
            reached = advanced.reached_since(since)
            if reached is None:
                reached = self._look(deadline)
            remaining = deadline - time.monotonic()
            if reached is not None and reached >= position:
                return True
            if remaining <= 0:
                return False
            with advanced:
                if reached is None:  # another waiter is reading: its end wakes this one
                    advanced.await_news(batches, reads, min(remaining, LOOK_AGAIN))
                    continue
                # Noted before looking: a batch committed meanwhile is not slept through; the
                # other waiters' reads do not count as news (they would chain one another).
                if advanced.await_news(batches, None, min(remaining, LOOK_AGAIN)):
                    since = advanced.batched_at
                else:
                    since = time.monotonic()

    def _look(self, deadline: float) -> int | None:
        """The views' position, read by this waiter, or None while another waiter's read is
        under way (its result is shared, and wakes the others when it comes): after a batch
        the waiters it served do not each read the positions again."""
        advanced = self._advanced
        with advanced:
            if advanced.reading:
                return None
            advanced.reading = True
        looked_at, reached = time.monotonic(), None
        try:
            reached = self.position(max(0.1, deadline - looked_at))
        finally:
            with advanced:
                advanced.reading = False
                if reached is not None:
                    advanced.looked = max(advanced.looked, (looked_at, reached))
                advanced.read_done()
        return reached

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
                self._work(leadership)
                self._wake.wait(poll_interval if leadership.held else STANDBY_POLL)
                self._wake.clear()
        finally:
            leadership.release()

    def _work(self, leadership: Leadership) -> int:
        """Applies batches until one comes back short (the log held no more when it was
        read); returns how many events were applied. An event committed after that read
        announces itself (`wake`), so the worker does not read again to find the log empty:
        that empty batch cost about half a one-event batch, after every batch."""
        try:
            if not leadership.try_acquire():
                return 0
            applied = 0
            # Asked to stop (SIGTERM), the worker ends after the batch it is applying: each
            # batch commits with its positions, so the next leader resumes right there.
            while not self._stop.is_set():
                count = self.process_batch()
                applied += count
                if count < self.batch_size:
                    break
            for hook in self.after_catch_up:
                hook()
        except UNAVAILABLE as error:
            # The database went away: let go, wait, and take up again from the stored positions.
            log.warning("projector paused: %s", error)
            leadership.release()
            return 0
        except Exception as error:
            # Not one event's fault (those are set aside): the worker lives on and tries again;
            # meanwhile the views stand still, which readiness reports once it lasts.
            log.error("projector: %s", set_aside.describe(error), exc_info=True)
            leadership.release()
            return 0
        return applied

    def wake(self) -> None:
        self._wake.set()

    def _announce(self, tx: Tx, position: int) -> None:
        if self.views_channel is not None:
            tx.execute("SELECT pg_notify(?, ?)", (self.views_channel, f"{self._me} {position}"))

    def views_announced(self, payload: str) -> None:
        """Another process's projector has committed a batch: this one's waiters take the
        position it announced (sent in the batch's transaction, so delivered once committed)
        instead of each reading the views' positions again. Its own batches woke them already."""
        sender, _, position = payload.partition(" ")
        if sender != self._me:
            with self._advanced:
                self._advanced.notify_all(reached=int(position) if position.isdigit() else None)

    def request_stop(self) -> None:
        """Asks the worker to end after its batch, waiting for nothing: what a signal handler
        may call. A handler runs in the thread it interrupts, mid-batch perhaps, holding what
        the read-ahead needs; waiting there for the read-ahead would wait forever."""
        self._stop.set()
        self._wake.set()

    def stop(self) -> bool:
        """Stops the worker after its batch; True once it and its read-ahead have finished
        (the stores may then close)."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
        stopped = self._thread is None or not self._thread.is_alive()
        reader, self._reader, self._ahead = self._reader, None, None
        if reader is not None:
            # A read ahead reads the log: it must be over before the log's store closes.
            reader.shutdown(wait=stopped, cancel_futures=True)
        return stopped

    def _read(self, start: int) -> Read:
        """The notifications after `start`, each with its domain event: those read ahead, if
        they start there."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == start:
            return ahead[1].result()
        return self._decoded(start)

    def _decoded(self, start: int) -> Read:
        notifications, tags = self._notifications(start)
        prefetch_keys = getattr(self.app, "prefetch_keys", None)
        if prefetch_keys is not None:
            prefetch_keys(notifications)
        decode = self.app.mapper.to_domain_event
        try:
            read = Read((notification, decode(notification)) for notification in notifications)
        except UNAVAILABLE:
            raise
        except Exception:  # one of them cannot be decoded: each on its own, to set it aside
            read = Read(
                (notification, _decode(self.app, notification)) for notification in notifications
            )
        read.tags = tags
        return read

    def _notifications(self, start: int) -> tuple[Sequence[Any], Mapping[int, str | None] | None]:
        """The next batch's notifications, with their stored tags where the log reads them in
        the same statement (else None: the admission checks read them apart)."""
        tagged = getattr(self.app, "tagged_notifications_after", None)
        if tagged is not None:
            notifications, tags = tagged(start, self.batch_size)
            return notifications, tags
        read = getattr(self.app, "notifications_after", None)
        if read is not None:
            return read(start, self.batch_size), None
        return self.app.recorder.select_notifications(
            start=start, limit=self.batch_size, inclusive_of_start=False
        ), None

    def _read_ahead(self, start: int) -> None:
        """After a full batch (more to come: catching up, rebuilding), the next batch's events
        are read from the log and decoded in a thread while this one is applied (and while it
        waits for the database). The log is append-only, so they are what the next batch would
        read, if it starts there (another projector may have taken it: then they are dropped).
        PostgreSQL only."""
        if self.store.dialect != "postgresql":
            return
        if self._reader is None:
            self._reader = ThreadPoolExecutor(1, thread_name_prefix="projector-read")
        self._ahead = (start, self._reader.submit(self._decoded, start))

    def first_event(self) -> str | None:
        """Which log this is: its first event's identity (None while the log is empty)."""
        first = self.app.recorder.select_notifications(start=0, limit=1, inclusive_of_start=False)
        return log_identity(first[0]) if first else None

    @staticmethod
    def _remember_log(direct: Tx, positions: dict[str, int], first: Any) -> None:
        """With the views' first batch (read from the start of the log): which log it is."""
        if min(positions.values()) == 0:
            direct.execute(
                "INSERT INTO projection_log VALUES (1, ?) ON CONFLICT (singleton) DO NOTHING",
                (log_identity(first),),
            )

    def _positions(self, tx: Tx, *, lock: bool) -> dict[str, int]:
        lock_clause = " FOR UPDATE" if lock and tx.dialect == "postgresql" else ""
        rows = tx.all(f"SELECT view, position FROM projection_tracking{lock_clause}")
        known = {row["view"]: int(row["position"]) for row in rows}
        return {view.name: known.get(view.name, 0) for view in self.views}

    def _advance(self, tx: Tx, position: int) -> None:
        moment = time.time()
        tx.execute(
            "INSERT INTO projection_tracking VALUES "
            + ", ".join(["(?, ?, ?)"] * len(self.views))
            + " ON CONFLICT (view) DO UPDATE SET position = excluded.position,"
            " updated_at = excluded.updated_at"
            " WHERE projection_tracking.position < excluded.position",
            [value for view in self.views for value in (view.name, position, moment)],
        )


def log_identity(notification: Any) -> str:
    return f"{notification.id}:{notification.originator_id}:{notification.originator_version}"


@contextmanager
def _rare_collections() -> Iterator[None]:
    """A rebuild allocates millions of short-lived objects (decoded events, held rows) and frees
    them by reference counting; the cyclic collector, run every 700 allocations, would scan the
    process's whole heap again and again meanwhile (15-25% of a rebuild's CPU). The heap as it
    is when the rebuild starts is set aside (frozen) and young objects are looked at far less
    often; both are undone at the end."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(REBUILD_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen:  # someone else's frozen heap stays frozen (unfreeze takes everything)
            gc.unfreeze()


Route = tuple[Callable[[Any, Tx], None], str, int]


class Routes:
    """Per event class, what to call in each view that takes it (and the view's position): its
    handler straight away for a plain view fed domain events, else the view's `apply`; views
    without a handler for the class are left out. Built for each class on first sight."""

    def __init__(self, views: Sequence[View], positions: dict[str, int]) -> None:
        self.views = views
        self.positions = positions
        self._routes: dict[type, list[Route]] = {}

    def of(self, event_class: type) -> list[Route]:
        routes = self._routes.get(event_class)
        if routes is None:
            routes = self._routes[event_class] = list(self._build(event_class))
        return routes

    def _build(self, event_class: type) -> Iterator[Route]:
        for view in self.views:
            reached = self.positions[view.name]
            plain = "apply" not in vars(view) and type(view).apply is View.apply
            if plain and view.feed == "event":
                handler = view.handlers.get(event_class)
                if handler is not None:
                    yield handler.__get__(view), "event", reached
            else:
                yield view.apply, view.feed, reached


class Undecodable:
    """In place of an event the mapper could not decode: it is set aside."""

    def __init__(self, error: BaseException) -> None:
        self.error = set_aside.describe(error)


def _decode(app: Application[Any], notification: Any) -> Any:
    try:
        return app.mapper.to_domain_event(notification)
    except UNAVAILABLE:
        raise
    except Exception as error:
        return Undecodable(error)


def _fed(feed: str, notification: Any, event: Any) -> Any:
    """What a view fed `feed` takes: the domain event, the stored one, or both."""
    if feed == "event":
        return event
    return notification if feed == "stored" else (notification, event)


class Read(list[tuple[Any, Any]]):
    """A batch's notifications as read, each with its domain event; `tags`: their stored
    authenticity tags, when read in the same statement (None: not read)."""

    tags: Mapping[int, str | None] | None = None


class _Batches(threading.Condition):
    """Notified after each batch this process's projector commits, and after each waiter's read
    of the positions, counting both, so that a waiter (`Projector.wait_for`) can tell whether
    one came while it was looking and need not sleep through it."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0
        self.batched_at = 0.0  # when the latest batch was announced (after its commit)
        self.reads = 0
        self.reading = False  # a waiter is reading the views' position
        self.looked: tuple[float, int] = (0.0, 0)  # the latest such read: when begun, what

    def reached_since(self, since: float) -> int | None:
        """The position the latest read saw, if it began at or after `since` (as good as the
        caller's own read then; an earlier one may predate a batch, or a rebuild)."""
        looked_at, reached = self.looked
        return reached if looked_at >= since else None

    def notify_all(self, reached: int | None = None) -> None:
        """A batch has committed; `reached`, when known, is where it left every view: as good
        as a read of the positions begun now."""
        self.batched_at = time.monotonic()
        self.batches += 1
        if reached is not None:
            self.looked = max(self.looked, (self.batched_at, reached))
        super().notify_all()

    def await_news(self, batches: int, reads: int | None, timeout: float) -> bool:
        """Waits (the lock held) until a batch has come since `batches` was noted, or a read
        has ended since `reads` was (None: reads do not count); False when the time ran out."""
        return self.wait_for(
            lambda: self.batches != batches or (reads is not None and self.reads != reads),
            timeout,
        )

    def read_done(self) -> None:
        """A waiter's read of the position has ended (the lock held): wakes the others."""
        self.reads += 1
        super().notify_all()
