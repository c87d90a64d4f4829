"""eventsourcing's (and its pool's) internals that yishiting uses, behind named functions and
named hooks: nothing else in the project overrides a private method of eventsourcing or reads a
private name of it. Each is pinned by tests/unit/test_library_hooks.py.

The recorders below give the append's transaction named moments (`before_events`,
`after_events`) that the project's recorders fill (subject keys and event tags: application/
personal_data.py, application/ledger/recorders.py), so only this module knows which private
methods of eventsourcing's recorders run inside that transaction and in what order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Notification, StoredEvent
from eventsourcing.popo import POPOAggregateRecorder, POPOApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Connection, Cursor
from psycopg.rows import DictRow

NotificationRow = tuple[int, Any, int, str, Any]


def notifications_from_rows(rows: Iterable[NotificationRow]) -> list[Notification]:
    """Notifications made without their frozen dataclass's __init__ (a setattr per field):
    the projector reads the whole log this way. Relies on Notification being a plain
    dataclass of these five fields."""
    made = []
    new = object.__new__
    for position, originator_id, version, topic, state in rows:
        notification = new(Notification)
        notification.__dict__.update(
            originator_id=originator_id,
            originator_version=version,
            topic=topic,
            state=bytes(state),
            id=position,
        )
        made.append(notification)
    return made


def decode_by_library(transcoder: JSONTranscoder, value: dict[str, Any]) -> Any:
    """The library's own decoding of a wrapped value (for its error on an unknown type)."""
    return transcoder._decode_obj(value)


def bound_pool_wait(recorder: object, seconds: float) -> None:
    """Makes the PostgreSQL recorder's connection pool give up after `seconds`: the pool reads
    its `timeout` attribute on each checkout, and eventsourcing offers no setting for it."""
    pool = getattr(getattr(recorder, "datastore", None), "pool", None)
    if pool is not None:
        pool.timeout = seconds


class PostgresAppend(PostgresApplicationRecorder):
    """PostgreSQL's recorder with the two moments of its append's transaction named:
    `before_events` runs before the table lock and the events' insert (in the same pipeline),
    `after_events` once the pipeline's sync has stored them (a conflict already reported as
    the IntegrityError it is), before the commit. Only without the database functions."""

    def before_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent]) -> None:
        """Rows to write in the append's transaction, before its events."""

    def after_events(self, conn: Connection[DictRow], stored_events: Sequence[StoredEvent]) -> None:
        """Rows to write in the append's transaction, after its events are stored."""

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        self.before_events(curs, stored_events)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions: Sequence[int] | None = super()._fetch_ids_after_insert_events(
            curs, stored_events, **kwargs
        )
        self.after_events(curs.connection, stored_events)
        return positions


class SQLiteAppend(SQLiteApplicationRecorder):
    """SQLite's recorder with `after_events`: rows written in the append's transaction, once
    its events are inserted."""

    def after_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> None:
        """Rows to write in the append's transaction, after its events."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        self.after_events(c, stored_events)
        return positions


class MemoryAppend(POPOApplicationRecorder):
    """The in-memory recorder with `after_events`, run under its lock once the events are in."""

    def after_events(self, stored_events: Sequence[StoredEvent]) -> None:
        """What to keep beside the events, under the same lock."""

    def _update_table(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._update_table(stored_events, **kwargs)
        self.after_events(stored_events)
        return positions

    def stored_between(self, first: int, last: int) -> list[tuple[int, StoredEvent]]:
        """The events at positions first…last (1-based, as notifications number them), read
        under the recorder's lock: the in-memory log has no public listing by position."""
        with self._database_lock:
            events = self._stored_events
            return [(p, events[p - 1]) for p in range(max(first, 1), min(last, len(events)) + 1)]

    def position_of(self, originator_id: object, version: int) -> int | None:
        """The log position of one stored event (1-based), read under the recorder's lock: the
        index maps an originator's versions to places in `_stored_events`."""
        with self._database_lock:
            place = self._stored_events_index.get(str(originator_id), {}).get(version)
            return None if place is None else place + 1


def memory_snapshots(recorder: POPOAggregateRecorder) -> list[StoredEvent]:
    """Every snapshot an in-memory snapshot store holds (no public listing of them)."""
    return list(recorder._stored_events)


# What eventsourcing keeps on an aggregate besides its state: its unsaved events.
AGGREGATE_BOOKKEEPING = frozenset({"_pending_events"})


def record_state(record: object) -> dict[str, Any]:
    """An aggregate's own state: its attributes, without the library's bookkeeping."""
    return {k: v for k, v in vars(record).items() if k not in AGGREGATE_BOOKKEEPING}


class EveryEventProjection(Projection[Any]):
    """A projection that is given every event: eventsourcing's `topics` class attribute left
    empty for each subclass (the projection picks its events by its own handlers)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.topics = ()
