"""Snapshots are not covered by the ledger (they are a cache of the log, not part of it), so
`verify` checks each one against the events: the record replayed from its events up to the
snapshot's version must be the record the snapshot restores. A snapshot rewritten in the
database (a changed status, a forged field) is named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.application import Application, project_aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOAggregateRecorder
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from application.fences.eventsourcing_internals import memory_snapshots, record_state
from application.ledger.verify import Divergence, Report

PAGE = 500


def check_snapshots(app: Application[Any], report: Report) -> None:
    """Adds to `report` a divergence for each stored snapshot that its events do not give."""
    for stored in stored_snapshots(app):
        divergence = _check(app, stored)
        report.snapshots_checked += 1
        if divergence is not None:
            report.add(divergence)


def _check(app: Application[Any], stored: StoredEvent) -> Divergence | None:
    subject = f"快照 snapshot {stored.originator_id} v{stored.originator_version}"
    try:
        restored = app.mapper.to_domain_event(stored).mutate(None)  # type: ignore[attr-defined]
    except Exception as unreadable:  # whatever a forged snapshot makes the decoder raise
        return Divergence(
            None,
            None,
            "快照无法读取(被改动?)",
            f"the snapshot cannot be read (altered?): {type(unreadable).__name__}",
            subject=subject,
        )
    try:
        replayed = project_aggregate(
            None, app.events.get(stored.originator_id, lte=stored.originator_version)
        )
    except Exception as unplayable:  # the events themselves altered: named by the walk too
        return Divergence(
            None,
            None,
            "快照对应的事件无法重放(事件被改动?)",
            f"the snapshot's events cannot be replayed (altered?): {type(unplayable).__name__}",
            subject=subject,
        )
    if replayed is None or _state(replayed) != _state(restored):
        return Divergence(
            None,
            None,
            "快照与事件重放的结果不符(快照被改动)",
            "the snapshot differs from its events replayed (snapshot altered)",
            subject=subject,
        )
    return None


def _state(record: Any) -> dict[str, Any]:
    return record_state(record)


def stored_snapshots(app: Application[Any]) -> Iterator[StoredEvent]:
    """Every stored snapshot, read straight from its table."""
    recorder = app.snapshots.recorder if app.snapshots is not None else None
    recorder = getattr(recorder, "inner", recorder)  # under its tagging
    if isinstance(recorder, POPOAggregateRecorder):
        yield from memory_snapshots(recorder)
    elif isinstance(recorder, SQLiteAggregateRecorder):
        yield from _sqlite(recorder)
    elif isinstance(recorder, PostgresAggregateRecorder):
        yield from _postgres(recorder)


def _sqlite(recorder: SQLiteAggregateRecorder) -> Iterator[StoredEvent]:
    after: tuple[str, int] = ("", -1)
    while True:
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT * FROM {recorder.events_table_name} WHERE (originator_id,"
                " originator_version) > (?, ?) ORDER BY originator_id, originator_version"
                " LIMIT ?",
                (*after, PAGE),
            )
            rows = c.fetchall()
        yield from (
            StoredEvent(
                recorder.convert_originator_id(r["originator_id"]),
                r["originator_version"],
                r["topic"],
                bytes(r["state"]),
            )
            for r in rows
        )
        if len(rows) < PAGE:
            return
        after = (rows[-1]["originator_id"], rows[-1]["originator_version"])


def _postgres(recorder: PostgresAggregateRecorder) -> Iterator[StoredEvent]:
    statement = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {}.{}"
        " WHERE (originator_id, originator_version) > (%s, %s)"
        " ORDER BY originator_id, originator_version LIMIT %s"
    ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    after: tuple[Any, int] = ("00000000-0000-0000-0000-000000000000", -1)
    while True:
        with (
            recorder.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row) as curs,
        ):
            curs.execute(statement, (*after, PAGE))
            rows = curs.fetchall()
        yield from (StoredEvent(o, v, t, bytes(s)) for o, v, t, s in rows)
        if len(rows) < PAGE:
            return
        after = (rows[-1][0], rows[-1][1])
