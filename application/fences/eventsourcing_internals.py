"""eventsourcing's (and its pool's) internals that yishiting uses, behind named functions.

The recorders' `_insert_events` / `_fetch_ids_after_insert_events` overrides stay on the recorders
(application/ledger/recorders.py, application/personal_data.py): they are subclass hooks, pinned
by tests/unit/test_library_hooks.py like the functions here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Notification

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
