"""Personal data protection by crypto-shredding: each data subject's personal fields are sealed
in the log with the subject's own key; erasing the subject destroys the key, after which their
data reads as 已删除 everywhere while the log itself stays untouched (and verifiable).

On PostgreSQL a subject first named by a save gets its key in that save's own transaction (the
log's recorder writes it beside the events, `KeysInTheAppend`): no commit of its own, and no
key without the events it sealed, nor events sealed with a key that was not stored."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
import psycopg
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.utils import retry
from psycopg import Connection, Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed, Identifier

from application.erasure_watch import EVERY_SUBJECT
from application.fences.eventsourcing_internals import PostgresAppend, notifications_from_rows
from application.key_tables import (
    KEYS_TABLE,
    KeyTable,
    MemoryKeyTable,
    PostgresKeyTable,
    SQLiteKeyTable,
)
from application.ledger.recorders import tag_rows
from application.ledger.tags import TAGS_TABLE, EventKey
from application.sealing import KeyWrap, new_subject_key, open_fields, seal_fields
from application.storage import Database

CACHE_SECONDS = 30.0


def key_table_for(database: Database) -> KeyTable:
    if database.engine == "sqlite":
        return SQLiteKeyTable(database.path)
    if database.engine == "postgresql":
        return PostgresKeyTable(database)
    return MemoryKeyTable()


class SubjectKeys:
    """Each subject's data key, wrapped with the deployment's master key when one is set."""

    def __init__(
        self, table: KeyTable, master_key: bytes | None = None, suite: str = "international"
    ) -> None:
        self.table = table
        # New keys, and their wrapping, follow the suite (SM4-GCM under gm); keys made under
        # either are read under both (application/sealing.py).
        self.suite = suite
        # The master key also seals the second factor's secrets (accounts.py, SecretBox).
        self.master_key = master_key
        self.wrapping = KeyWrap(master_key, suite) if master_key else None
        self._cache: dict[str, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()
        # Raised whenever keys are forgotten: a key read from the table before an erasure was
        # heard is then not cached after it.
        self._epoch = 0
        self.watch = table.watch(self._forget_erased)
        # Keys made during the save running in this thread, to be stored by its append.
        self._local = threading.local()

    def key_for_sealing(self, subject_id: str) -> bytes | None:
        """The subject's key, made on first use; None once the subject has been erased.
        Inside `creating()` a new key is only kept for the save's own append to store."""
        new: dict[str, tuple[bytes, bytes]] | None = getattr(self._local, "new", None)
        if new is not None and subject_id in new:
            return new[subject_id][0]
        key, erased = self._lookup(subject_id)
        if key is not None or erased:
            return key
        key = new_subject_key(self.suite)
        if new is not None:
            new[subject_id] = (key, self._wrap(key))
            return key
        if self.table.insert(subject_id, self._wrap(key)):
            self._remember(subject_id, key)
            return key
        self._forget(subject_id)  # made meanwhile elsewhere (or erased): theirs counts
        return self._lookup(subject_id)[0]

    @contextmanager
    def creating(self) -> Iterator[None]:
        """For one save in this thread: the keys of subjects it names first are made here and
        written by the append itself (`new_keys`, then `stored` once it has committed); if the
        save fails they are forgotten, as the rolled-back append never stored them."""
        if getattr(self._local, "new", None) is not None:  # already inside a save
            yield
            return
        self._local.new = {}
        try:
            yield
        finally:
            self._local.new = None

    def new_keys(self) -> list[tuple[str, bytes]]:
        """The (subject id, wrapped key) rows the append running in this thread must write."""
        new: dict[str, tuple[bytes, bytes]] | None = getattr(self._local, "new", None)
        return [(subject_id, wrapped) for subject_id, (_, wrapped) in (new or {}).items()]

    def stored(self) -> None:
        """The append of this thread's save has committed, with its new keys."""
        new: dict[str, tuple[bytes, bytes]] | None = getattr(self._local, "new", None)
        if not new:
            return
        for subject_id, (key, _) in new.items():
            self._remember(subject_id, key)
        new.clear()

    def prepare(self, subject_ids: list[str]) -> None:
        """Keys for many new subjects in one write (bulk intake), kept at hand for sealing.
        Only for ids just generated (uuid4): an existing subject's key is never replaced."""
        keys = {subject_id: new_subject_key(self.suite) for subject_id in subject_ids}
        self.table.insert_many([(s, self._wrap(key)) for s, key in keys.items()])
        with self._lock:
            for subject_id, key in keys.items():
                self._cache[subject_id] = (time.monotonic(), key)

    def key_for_opening(self, subject_id: str) -> bytes | None:
        return self._lookup(subject_id)[0]

    def prefetch(self, subject_ids: Iterable[str]) -> None:
        """The keys of many subjects about to be opened (a batch of the log being projected),
        read in one query instead of one each; the cache then answers their lookups."""
        now = time.monotonic()
        current = self.watch.cache_is_current()
        with self._lock:
            epoch = self._epoch
            wanted = sorted({s for s in subject_ids if not current or not self._cached(s, now)})
        if not wanted:
            return
        found = self.table.fetch_many(wanted)
        opened = {s: self._unwrap(w) if w is not None else None for s, w in found.items()}
        with self._lock:
            if epoch == self._epoch:
                self._cache.update((s, (now, key)) for s, key in opened.items())

    def close(self) -> None:
        self.watch.close()
        close = getattr(self.table, "close", None)
        if close is not None:
            close()

    def erase(self, subject_id: str) -> bool:
        """Destroys the subject's key (KeyStillInUse when another session holds it)."""
        try:
            return self.table.destroy(subject_id)
        finally:
            self._forget_erased(subject_id)

    def unfinished(self, subject_ids: list[str]) -> list[str]:
        """Those of the subjects whose key has not been destroyed (read from the table)."""
        return self.table.unfinished(subject_ids)

    def erasure_complete(self, subject_id: str) -> bool:
        """The subject's key destroyed, and no destroyed key's bytes left in the table."""
        return not self.table.unfinished([subject_id]) and not self.table.shredding_pending()

    def finish_shredding(self) -> None:
        if self.table.shredding_pending():
            self.table.shred()

    def _lookup(self, subject_id: str) -> tuple[bytes | None, bool]:
        current = self.watch.cache_is_current()
        with self._lock:
            epoch = self._epoch
            cached = self._cached(subject_id, time.monotonic()) if current else None
        if cached is not None:
            return cached[1], cached[1] is None
        wrapped, erased = self.table.fetch(subject_id)
        key = self._unwrap(wrapped) if wrapped is not None else None
        if key is not None or erased:
            with self._lock:
                if epoch == self._epoch:
                    self._cache[subject_id] = (time.monotonic(), key)
        return key, erased

    def _cached(self, subject_id: str, now: float) -> tuple[float, bytes | None] | None:
        """The subject's cache entry while it is fresh (the lock held)."""
        cached = self._cache.get(subject_id)
        return cached if cached is not None and now - cached[0] < CACHE_SECONDS else None

    def _forget_erased(self, subject_id: str) -> None:
        """An erasure was heard of (every subject's, for EVERY_SUBJECT)."""
        with self._lock:
            self._epoch += 1
            if subject_id == EVERY_SUBJECT:
                self._cache.clear()
            else:
                self._cache.pop(subject_id, None)

    def _remember(self, subject_id: str, key: bytes) -> None:
        with self._lock:
            self._cache[subject_id] = (time.monotonic(), key)

    def _forget(self, subject_id: str) -> None:
        with self._lock:
            self._cache.pop(subject_id, None)

    def _wrap(self, key: bytes) -> bytes:
        if self.wrapping is None:
            return key
        return self.wrapping.wrap(key)

    def _unwrap(self, wrapped: bytes) -> bytes:
        if self.wrapping is None:
            return wrapped
        return self.wrapping.unwrap(wrapped)

    def rewrap(self) -> tuple[int, int, int]:
        """Every stored subject key wrapped with SM4-GCM (`yishiting seal rewrap`): the keys
        themselves, and so everything sealed with them, stay as they are. Returns (moved,
        already SM4, erased); a key erased meanwhile is left erased (compare-and-swap)."""
        if self.wrapping is None:
            raise ValueError(
                "没有主密钥, 数据主体密钥未加封装 (no YISHITING_PERSONAL_DATA_KEY: subject keys "
                "are stored unwrapped, there is nothing to rewrap)"
            )
        moved = already = erased = 0
        for subject_id, wrapped in self.table.every_key():
            if wrapped is None:
                erased += 1
                continue
            rewrapped = self.wrapping.rewrapped_with_sm4(wrapped)
            if rewrapped is None:
                already += 1
            elif self.table.replace(subject_id, wrapped, rewrapped):
                moved += 1
            else:
                erased += 1  # destroyed while being rewrapped: it stays destroyed
        return moved, already, erased


class KeysInTheAppend(PostgresAppend):
    """The log's recorder on PostgreSQL: an append also writes the keys of the subjects its
    events name first (`SubjectKeys.creating`), in its own transaction. A subject whose key
    another process stored meanwhile makes the append fail (unique key: IntegrityError), so
    nothing is ever sealed with a key that was not stored.

    The append also writes each event's authenticity tag (application/ledger/tags.py) in the
    same transaction: no event is stored untagged, and no tag without its event."""

    subject_keys: SubjectKeys | None = None
    event_key: EventKey | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {}.{} (originator_id uuid NOT NULL,"
                " originator_version bigint NOT NULL, tag text NOT NULL,"
                " PRIMARY KEY (originator_id, originator_version))"
            ).format(Identifier(self.datastore.schema), Identifier(TAGS_TABLE))
        )

    @retry((psycopg.InterfaceError, psycopg.OperationalError), max_attempts=10, wait=0.2)
    def tags_between(self, first: int, last: int) -> dict[int, str | None]:
        """Each event at a position in [first, last], with its stored tag (None: untagged)."""
        statement = self._events_with_tags(
            "e.notification_id, t.tag", "e.notification_id BETWEEN %s AND %s"
        )
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (first, last))
            return {int(position): tag for position, tag in curs.fetchall()}

    def _events_with_tags(self, columns: str, where: str) -> Composed:
        """SELECT `columns` of the events (e) beside their stored tags (t, NULL when untagged)
        WHERE `where` — written here only, not in user input."""
        return SQL(
            f"SELECT {columns} FROM {{schema}}.{{events}} e LEFT JOIN {{schema}}.{{tags}} t"
            " ON t.originator_id = e.originator_id AND t.originator_version = e.originator_version"
            f" WHERE {where}"
        ).format(
            schema=Identifier(self.datastore.schema),
            events=Identifier(self.events_table_name),
            tags=Identifier(TAGS_TABLE),
        )

    @retry((psycopg.InterfaceError, psycopg.OperationalError), max_attempts=10, wait=0.2)
    def position_of(self, originator_id: Any, version: int) -> int | None:
        """The log position (notification id) of one stored event, None if there is none."""
        statement = SQL(
            "SELECT notification_id FROM {}.{} WHERE originator_id = %s AND originator_version = %s"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (originator_id, version))
            row = curs.fetchone()
        return None if row is None else int(row[0])

    @retry((psycopg.InterfaceError, psycopg.OperationalError), max_attempts=10, wait=0.2)
    def notifications_after(self, start: int, limit: int) -> list[Notification]:
        """`select_notifications(start, limit, inclusive_of_start=False)` in half its Python:
        the rows read as tuples, and each notification made without its dataclass __init__
        (frozen, a setattr per field). The projector reads the whole log this way."""
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM {}.{} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (start, limit), prepare=True)
            rows = curs.fetchall()
        return notifications_from_rows(rows)

    @retry((psycopg.InterfaceError, psycopg.OperationalError), max_attempts=10, wait=0.2)
    def tagged_notifications_after(
        self, start: int, limit: int
    ) -> tuple[list[Notification], dict[int, str | None]]:
        """`notifications_after` and each one's stored authenticity tag (None: untagged), in
        one statement: the projector checks every event it applies, and reading the tags
        apart was a round trip more for every batch."""
        statement = self._events_with_tags(
            "e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, t.tag",
            "e.notification_id > %s ORDER BY e.notification_id LIMIT %s",
        )
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (start, limit), prepare=True)
            rows = curs.fetchall()
        return notifications_from_rows(row[:5] for row in rows), {row[0]: row[5] for row in rows}

    @retry((psycopg.InterfaceError, psycopg.OperationalError), max_attempts=10, wait=0.2)
    def tagged_notifications(
        self, start: int, limit: int, stop: int, topics: Sequence[str]
    ) -> tuple[list[Notification], dict[int, str | None]]:
        """`select_notifications(start, limit, stop, topics, inclusive_of_start=False)` and
        each one's stored authenticity tag (None: untagged), in one statement: a feed's scan
        checks every event it serves, and a second round trip for the tags was most of a live
        subscriber's page."""
        statement = self._events_with_tags(
            "e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, t.tag",
            "e.notification_id > %s AND e.notification_id <= %s AND e.topic = ANY(%s)"
            " ORDER BY e.notification_id LIMIT %s",
        )
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (start, stop, list(topics), limit), prepare=True)
            rows = curs.fetchall()
        return notifications_from_rows(row[:5] for row in rows), {row[0]: row[5] for row in rows}

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        assert not self.datastore.enable_db_functions, "the keys are written in before_events"
        notification_ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
        if self.subject_keys is not None:
            self.subject_keys.stored()
        return notification_ids

    def before_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],  # noqa: ARG002 (the hook's)
    ) -> None:
        rows = self.subject_keys.new_keys() if self.subject_keys is not None else []
        if not rows:
            return
        now = time.time()
        # In a pipeline of its own, whose end syncs: a key another process stored meanwhile is
        # refused here, as the IntegrityError it is. Left to the append's later sync, the
        # refusal could reach a later statement first, fail the commit as an OperationalError
        # and be retried by the recorder (up to ten tries, 0.2 s apart).
        with curs.connection.pipeline():
            curs.executemany(
                SQL("INSERT INTO {}.{} VALUES (%s, %s, %s, NULL)").format(
                    Identifier(self.datastore.schema), Identifier(KEYS_TABLE)
                ),
                [(subject_id, wrapped, now) for subject_id, wrapped in rows],
            )

    def after_events(self, conn: Connection[DictRow], stored_events: Sequence[StoredEvent]) -> None:
        tags = tag_rows(self.event_key, stored_events)
        if not tags:
            return
        # After the pipeline's sync that stored the events, still under the table's lock and in
        # the append's transaction (committed with it). Before that sync, an earlier statement's
        # error (two commands on one record) could reach this statement first and leave the
        # pipeline aborted: the commit then failed as an OperationalError, which the recorder
        # retries, so a plain conflict cost up to five retries and as many positions.
        # A row left by an event deleted behind the application's back must not block an append.
        with conn.cursor() as tagging:
            tagging.executemany(
                SQL(
                    "INSERT INTO {}.{} VALUES (%s, %s, %s) ON CONFLICT"
                    " (originator_id, originator_version) DO UPDATE SET tag = excluded.tag"
                ).format(Identifier(self.datastore.schema), Identifier(TAGS_TABLE)),
                tags,
            )


class Sealer:
    """Seals and opens a subject's personal fields, bound to the subject id: AES-256-GCM, or
    SM4-GCM for a subject keyed under the gm suite (the sealed value names it)."""

    def __init__(self, keys: SubjectKeys) -> None:
        self.keys = keys

    def seal(self, subject_id: str, fields: dict[str, str]) -> str:
        key = self.keys.key_for_sealing(subject_id)
        if key is None:
            return ""
        plain = json.dumps(fields, ensure_ascii=False).encode()
        return seal_fields(key, plain, subject_id.encode())

    def open(self, subject_id: str, sealed: str) -> dict[str, str] | None:
        """The fields, or None when the subject has been erased."""
        key = self.keys.key_for_opening(subject_id)
        if key is None or not sealed:
            return None
        try:
            plain = open_fields(key, sealed, subject_id.encode())
        except InvalidTag:
            return None
        fields: dict[str, str] = orjson.loads(plain)  # what `seal` wrote with json.dumps
        return fields


def master_key_from(setting: str) -> bytes | None:
    if not setting:
        return None
    key = base64.urlsafe_b64decode(setting + "=" * (-len(setting) % 4))
    if len(key) != 32:
        raise ValueError("YISHITING_PERSONAL_DATA_KEY must be 32 bytes, base64url-encoded")
    return key
