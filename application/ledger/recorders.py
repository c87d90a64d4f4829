"""The log's recorders that tag every event they append, in the append's own transaction: a
row per event in `yishiting_event_tags`, keyed by the event (originator, version). Every
write path goes through a recorder's append (saves, group commit, imports, the demo), so
every stored event is tagged, and a rolled-back append leaves no tag behind.

PostgreSQL's recorder (`KeysInTheAppend`, personal_data.py) writes the tags the same way."""

from __future__ import annotations

import hmac
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

from application.fences.eventsourcing_internals import MemoryAppend, SQLiteAppend
from application.ledger.tags import TAGS_TABLE, EventKey


def tag_rows(key: EventKey | None, stored_events: Sequence[StoredEvent]) -> list[tuple[Any, ...]]:
    """(originator id, version, tag) for each event; none without a key."""
    if key is None:
        return []
    return [(s.originator_id, s.originator_version, key.tag(*_fields(s))) for s in stored_events]


def _fields(s: StoredEvent) -> tuple[Any, int, str, bytes]:
    return s.originator_id, s.originator_version, s.topic, s.state


class TaggedSQLiteRecorder(SQLiteAppend):
    event_key: EventKey | None = None

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {TAGS_TABLE} (originator_id TEXT NOT NULL,"
            " originator_version INTEGER NOT NULL, tag TEXT NOT NULL,"
            " PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID",
        ]

    def after_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> None:
        rows = tag_rows(self.event_key, stored_events)
        if rows:
            # The table spells originators as the events table does (hex). A row left by an
            # event deleted behind the application's back must not block a new append.
            c.executemany(
                f"INSERT OR REPLACE INTO {TAGS_TABLE} VALUES (?, ?, ?)",
                [(_hex(o), v, t) for o, v, t in rows],
            )

    def tags_between(self, first: int, last: int) -> dict[int, str | None]:
        """Each event at a position in [first, last], with its stored tag (None: untagged)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT e.rowid AS position, t.tag FROM {self.events_table_name} e"
                f" LEFT JOIN {TAGS_TABLE} t ON t.originator_id = e.originator_id"
                " AND t.originator_version = e.originator_version"
                " WHERE e.rowid BETWEEN ? AND ?",
                (first, last),
            )
            return {int(row["position"]): row["tag"] for row in c.fetchall()}

    def position_of(self, originator_id: Any, version: int) -> int | None:
        """The log position (rowid) of one stored event, None if there is none."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid FROM {self.events_table_name}"
                " WHERE originator_id = ? AND originator_version = ?",
                (_hex(originator_id), version),
            )
            row = c.fetchone()
            return None if row is None else int(row[0])


class TaggedMemoryRecorder(MemoryAppend):
    """memory://: the tags beside the events, in the same lock."""

    event_key: EventKey | None = None

    def __init__(self) -> None:
        super().__init__()
        self._tags: dict[tuple[str, int], str] = {}

    def after_events(self, stored_events: Sequence[StoredEvent]) -> None:
        for originator_id, version, tag in tag_rows(self.event_key, stored_events):
            self._tags[(str(originator_id), version)] = tag

    def tags_between(self, first: int, last: int) -> dict[int, str | None]:
        return {
            position: self._tags.get((str(s.originator_id), s.originator_version))
            for position, s in self.stored_between(first, last)
        }


def _hex(originator_id: Any) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


SNAPSHOT_TAGS_TABLE = "yishiting_snapshot_tags"


class TaggedSnapshots(AggregateRecorder):
    """The snapshot store's recorder, wrapped: each snapshot written is tagged (as a snapshot:
    its tag can never pass for an event's), and a snapshot read whose tag is missing or wrong
    is not used — the record is then rebuilt from its events. A snapshot rewritten in the
    database (or one stored before snapshots were tagged) is never trusted over the events.

    The tag is written after the snapshot, on its own: a process stopped between the two
    leaves an untagged snapshot, which is merely not used."""

    def __init__(self, inner: Any, key: EventKey) -> None:
        self.inner = inner
        self.key = key
        self.tags = _snapshot_tag_table(inner)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        positions = self.inner.insert_events(stored_events, **kwargs)
        self.tags.put(
            [(str(s.originator_id), s.originator_version, self._tag(s)) for s in stored_events]
        )
        return positions

    def select_events(self, originator_id: Any, **kwargs: Any) -> Sequence[StoredEvent]:
        tagged = self.tags.select_tagged(self.inner, originator_id, **kwargs)
        return [s for s, tag in tagged if self.authentic(s, tag)]

    def authentic(self, snapshot: StoredEvent, tag: str | None) -> bool:
        return tag is not None and hmac.compare_digest(tag, self._tag(snapshot))

    def _tag(self, s: StoredEvent) -> str:
        return self.key.tag(s.originator_id, s.originator_version, SNAPSHOT + s.topic, s.state)


# Prefixed to a snapshot's topic in what its tag covers: no event's topic begins so.
SNAPSHOT = "snapshot:"


class _TagsReadApart(ABC):
    """Snapshots read by their recorder, then their tags: where a second read costs no round
    trip (SQLite, memory)."""

    @abstractmethod
    def get(self, originator_id: str, versions: list[int]) -> dict[int, str]:
        """The tags of these versions of one record's snapshots (a version without one absent)."""

    def select_tagged(
        self, snapshots: Any, originator_id: Any, **kwargs: Any
    ) -> list[tuple[StoredEvent, str | None]]:
        found: Sequence[StoredEvent] = snapshots.select_events(originator_id, **kwargs)
        if not found:
            return []
        tags = self.get(str(originator_id), [s.originator_version for s in found])
        return [(s, tags.get(s.originator_version)) for s in found]


class _MemorySnapshotTags(_TagsReadApart):
    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], str] = {}

    def put(self, rows: list[tuple[str, int, str]]) -> None:
        self.rows.update(((o, v), t) for o, v, t in rows)

    def get(self, originator_id: str, versions: list[int]) -> dict[int, str]:
        return {
            v: self.rows[(originator_id, v)] for v in versions if (originator_id, v) in self.rows
        }


class _SQLiteSnapshotTags(_TagsReadApart):
    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        with datastore.transaction(commit=True) as c:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {SNAPSHOT_TAGS_TABLE} (originator_id TEXT NOT NULL,"
                " originator_version INTEGER NOT NULL, tag TEXT NOT NULL,"
                " PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID"
            )

    def put(self, rows: list[tuple[str, int, str]]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(f"INSERT OR REPLACE INTO {SNAPSHOT_TAGS_TABLE} VALUES (?, ?, ?)", rows)

    def get(self, originator_id: str, versions: list[int]) -> dict[int, str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT originator_version, tag FROM {SNAPSHOT_TAGS_TABLE}"
                f" WHERE originator_id = ? AND originator_version IN"
                f" ({', '.join('?' * len(versions))})",
                (originator_id, *versions),
            )
            return {int(r["originator_version"]): str(r["tag"]) for r in c.fetchall()}


class _PostgresSnapshotTags:
    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.table = SQL("{}.{}").format(
            Identifier(datastore.schema), Identifier(SNAPSHOT_TAGS_TABLE)
        )
        with datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (originator_id text NOT NULL,"
                    " originator_version bigint NOT NULL, tag text NOT NULL,"
                    " PRIMARY KEY (originator_id, originator_version))"
                ).format(self.table)
            )

    def put(self, rows: list[tuple[str, int, str]]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.executemany(
                SQL(
                    "INSERT INTO {} VALUES (%s, %s, %s) ON CONFLICT"
                    " (originator_id, originator_version) DO UPDATE SET tag = excluded.tag"
                ).format(self.table),
                rows,
            )

    def select_tagged(
        self,
        snapshots: PostgresAggregateRecorder,
        originator_id: Any,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[tuple[StoredEvent, str | None]]:
        """The snapshots `snapshots.select_events` would return, each with its tag (None when
        it has none), in one statement."""
        statement = SQL(
            "SELECT s.originator_id, s.originator_version, s.topic, s.state, t.tag FROM {} s"
            " LEFT JOIN {} t ON t.originator_id = s.originator_id::text"
            " AND t.originator_version = s.originator_version WHERE s.originator_id = %s"
        ).format(
            SQL("{}.{}").format(
                Identifier(self.datastore.schema), Identifier(snapshots.events_table_name)
            ),
            self.table,
        )
        params: list[Any] = [originator_id]
        if gt is not None:
            statement += SQL(" AND s.originator_version > %s")
            params.append(gt)
        if lte is not None:
            statement += SQL(" AND s.originator_version <= %s")
            params.append(lte)
        statement += SQL(
            " ORDER BY s.originator_version DESC" if desc else " ORDER BY s.originator_version"
        )
        if limit is not None:
            statement += SQL(" LIMIT %s")
            params.append(limit)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return [
                (
                    StoredEvent(
                        originator_id=row["originator_id"],
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=bytes(row["state"]),
                    ),
                    row["tag"],
                )
                for row in curs.fetchall()
            ]


def _snapshot_tag_table(recorder: Any) -> Any:
    if isinstance(recorder, SQLiteAggregateRecorder):
        return _SQLiteSnapshotTags(recorder.datastore)
    if isinstance(recorder, PostgresAggregateRecorder):
        return _PostgresSnapshotTags(recorder.datastore)
    return _MemorySnapshotTags()
