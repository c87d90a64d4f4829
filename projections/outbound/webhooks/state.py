"""Operational state beside the views: each subscriber's delivered position, failures and
lease, and the delivery log. Not rebuilt from the log: it records what receivers answered."""

from __future__ import annotations

import dataclasses
import os
import socket
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from projections.store import Row, Tx, ViewStore

TABLES = (
    "CREATE TABLE IF NOT EXISTS webhook_positions (subscriber_id TEXT PRIMARY KEY,"
    " position INTEGER NOT NULL, failures INTEGER NOT NULL,"
    " next_attempt_at DOUBLE PRECISION NOT NULL,"
    " parked INTEGER NOT NULL, last_error TEXT NOT NULL, lease_owner TEXT,"
    " lease_until DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS webhook_deliveries (id TEXT PRIMARY KEY,"
    " subscriber_id TEXT NOT NULL, event_id TEXT NOT NULL, sequence TEXT NOT NULL,"
    " event_type TEXT NOT NULL, attempt INTEGER NOT NULL, outcome TEXT NOT NULL,"
    " http_status INTEGER, error TEXT NOT NULL, attempted_at TEXT NOT NULL,"
    " duration_ms DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_by_subscriber"
    " ON webhook_deliveries (subscriber_id, attempted_at)",
)
SUBSCRIBERS = (
    "SELECT s.*, p.position, p.failures, p.next_attempt_at, p.parked, p.last_error"
    " FROM webhook_subscribers s LEFT JOIN webhook_positions p ON p.subscriber_id = s.id"
)


@dataclass(frozen=True)
class Delivery:
    subscriber_id: str
    event_id: str
    sequence: str
    event_type: str
    attempt: int
    outcome: str
    http_status: int | None
    error: str
    attempted_at: str
    duration_ms: float


def new_owner() -> str:
    return f"{socket.gethostname()}/{os.getpid()}/{uuid4().hex[:8]}"


def _abandoned(owner: str | None) -> bool:
    """A lease held by a process of this host that has died (killed) is free at once."""
    if not owner:
        return True
    host, _, rest = owner.partition("/")
    pid = rest.partition("/")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class DeliveryState:
    def __init__(self, store: ViewStore) -> None:
        self.store = store
        with store.transaction() as tx:
            for statement in TABLES:
                tx.execute(statement)

    def subscribers(self, *, active_only: bool = True) -> list[Row]:
        where = " WHERE s.active = 1" if active_only else ""
        with self.store.reading() as tx:
            return tx.all(f"{SUBSCRIBERS}{where} ORDER BY s.registered_at, s.id")

    def subscriber(self, subscriber_id: str) -> Row | None:
        with self.store.reading() as tx:
            return tx.one(f"{SUBSCRIBERS} WHERE s.id = ?", (subscriber_id,))

    def claim(self, subscriber_id: str, start_after: int, owner: str, seconds: float) -> Row | None:
        """The subscriber's state, leased to `owner`; None while another live process has it."""
        now = time.time()
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO webhook_positions VALUES (?, ?, 0, 0, 0, '', NULL, 0, ?)"
                " ON CONFLICT (subscriber_id) DO NOTHING",
                (subscriber_id, start_after, now),
            )
            row = self._locked(tx, subscriber_id)
            holder = row["lease_owner"]
            if holder != owner and row["lease_until"] > now and not _abandoned(holder):
                return None
            tx.execute(
                "UPDATE webhook_positions SET lease_owner = ?, lease_until = ?"
                " WHERE subscriber_id = ?",
                (owner, now + seconds, subscriber_id),
            )
            return row

    def delivered(self, subscriber_id: str, position: int, owner: str, seconds: float) -> None:
        self._update(
            subscriber_id,
            owner,
            "position = ?, failures = 0, next_attempt_at = 0, last_error = '', lease_until = ?",
            position,
            time.time() + seconds,
        )

    def failed(
        self,
        subscriber_id: str,
        owner: str,
        failures: int,
        retry_at: float,
        parked: bool,
        error: str,
    ) -> None:
        self._update(
            subscriber_id,
            owner,
            "failures = ?, next_attempt_at = ?, parked = ?, last_error = ?",
            failures,
            retry_at,
            int(parked),
            error,
        )

    def release(self, subscriber_id: str, owner: str) -> None:
        self._update(subscriber_id, owner, "lease_owner = NULL, lease_until = 0")

    def resume(self, subscriber_id: str) -> bool:
        """Unparks a subscriber: deliveries start again from its position."""
        with self.store.transaction() as tx:
            return (
                tx.execute(
                    "UPDATE webhook_positions SET parked = 0, failures = 0, next_attempt_at = 0"
                    " WHERE subscriber_id = ?",
                    (subscriber_id,),
                )
                > 0
            )

    def record(self, delivery: Delivery) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO webhook_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (uuid4().hex, *dataclasses.astuple(delivery)),
            )

    def deliveries(self, subscriber_id: str, limit: int) -> list[Row]:
        with self.store.reading() as tx:
            return tx.all(
                "SELECT * FROM webhook_deliveries WHERE subscriber_id = ?"
                " ORDER BY attempted_at DESC, id DESC LIMIT ?",
                (subscriber_id, limit),
            )

    def _locked(self, tx: Tx, subscriber_id: str) -> Row:
        lock = " FOR UPDATE" if tx.dialect == "postgresql" else ""
        row = tx.one(
            f"SELECT * FROM webhook_positions WHERE subscriber_id = ?{lock}", (subscriber_id,)
        )
        assert row is not None
        return row

    def _update(self, subscriber_id: str, owner: str, assignments: str, *values: Any) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                f"UPDATE webhook_positions SET {assignments}, updated_at = ?"
                " WHERE subscriber_id = ? AND lease_owner = ?",
                (*values, time.time(), subscriber_id, owner),
            )
