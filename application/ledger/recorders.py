"""The log's recorders that tag every event they append, in the append's own transaction: a
row per event in `yishiting_event_tags`, keyed by the event (originator, version). Every
write path goes through a recorder's append (saves, group commit, imports, the demo), so
every stored event is tagged, and a rolled-back append leaves no tag behind.

PostgreSQL's recorder (`KeysInTheAppend`, personal_data.py) writes the tags the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from application.ledger.tags import TAGS_TABLE, EventKey


def tag_rows(key: EventKey | None, stored_events: Sequence[StoredEvent]) -> list[tuple[Any, ...]]:
    """(originator id, version, tag) for each event; none without a key."""
    if key is None:
        return []
    return [(s.originator_id, s.originator_version, key.tag(*_fields(s))) for s in stored_events]


def _fields(s: StoredEvent) -> tuple[Any, int, str, bytes]:
    return s.originator_id, s.originator_version, s.topic, s.state


class TaggedSQLiteRecorder(SQLiteApplicationRecorder):
    event_key: EventKey | None = None

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {TAGS_TABLE} (originator_id TEXT NOT NULL,"
            " originator_version INTEGER NOT NULL, tag TEXT NOT NULL,"
            " PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        rows = tag_rows(self.event_key, stored_events)
        if rows:
            # The table spells originators as the events table does (hex). A row left by an
            # event deleted behind the application's back must not block a new append.
            c.executemany(
                f"INSERT OR REPLACE INTO {TAGS_TABLE} VALUES (?, ?, ?)",
                [(_hex(o), v, t) for o, v, t in rows],
            )
        return positions

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


class TaggedMemoryRecorder(POPOApplicationRecorder):
    """memory://: the tags beside the events, in the same lock."""

    event_key: EventKey | None = None

    def __init__(self) -> None:
        super().__init__()
        self._tags: dict[tuple[str, int], str] = {}

    def _update_table(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._update_table(stored_events, **kwargs)
        for originator_id, version, tag in tag_rows(self.event_key, stored_events):
            self._tags[(str(originator_id), version)] = tag
        return positions

    def tags_between(self, first: int, last: int) -> dict[int, str | None]:
        with self._database_lock:
            found = {}
            for position in range(max(first, 1), min(last, len(self._stored_events)) + 1):
                s = self._stored_events[position - 1]
                found[position] = self._tags.get((str(s.originator_id), s.originator_version))
            return found


def _hex(originator_id: Any) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)
