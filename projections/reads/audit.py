"""The read side of accountability: one record's history, the trail across the log, and a
topic's decision timeline from proposal to the last item's resolution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.permissions import ADMINISTRATIVE_RECORDS, SECURITY_RECORDS, Visibility
from projections.reads.queries import Criteria, Ordering, Page
from projections.reads.restriction import audit_rows
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Row, ViewStore

TRAIL = Ordering("audit_trail", "position", descending=False, key_type=int)


@dataclass
class AuditFilter:
    actor_id: str | None = None
    actor_role: str | None = None
    event_types: list[str] | None = None
    aggregate_id: str | None = None
    aggregate_type: str | None = None
    platform_id: str | None = None
    committee_id: str | None = None
    ground: str | None = None
    occurred_from: str | None = None
    occurred_to: str | None = None

    def criteria(self) -> Criteria:
        criteria = (
            Criteria()
            .equal("actor_id", self.actor_id)
            .equal("actor_role", self.actor_role)
            .equal("aggregate_id", self.aggregate_id)
            .equal("aggregate_type", self.aggregate_type)
            .equal("platform_id", self.platform_id)
            .equal("committee_id", self.committee_id)
            .equal("ground", self.ground)
            .within("occurred_at", self.occurred_from, self.occurred_to)
        )
        if self.event_types:
            marks = ", ".join("?" * len(self.event_types))
            criteria.raw(f"event_type IN ({marks})", *self.event_types)
        return criteria


class AuditQueries:
    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def trail(
        self,
        where: AuditFilter,
        first: int,
        after: str | None = None,
        seen_by: Visibility = EVERYTHING,
    ) -> Page:
        criteria = _seen(where.criteria(), seen_by)
        with self.store.reading() as tx:
            page = TRAIL.page(tx, criteria, first, after)
            page.rows = audit_rows(tx, page.rows, seen_by)
        return page

    def of_record(self, aggregate_id: str, seen_by: Visibility = EVERYTHING) -> list[Row]:
        """Every step of one record, oldest first, as the reader may read them."""
        criteria = _seen(Criteria().raw("aggregate_id = ?", aggregate_id), seen_by)
        with self.store.reading() as tx:
            rows = tx.all(
                f"SELECT * FROM audit_trail{criteria.where} ORDER BY position", criteria.params
            )
            return audit_rows(tx, rows, seen_by)

    def timeline(self, topic_id: str, seen_by: Visibility = EVERYTHING) -> list[Row]:
        """Every step of the topic and of the consultations and items that came of it."""
        criteria = _seen(Criteria().raw("topic_id = ?", topic_id), seen_by)
        with self.store.reading() as tx:
            rows = tx.all(
                f"SELECT * FROM audit_trail{criteria.where} ORDER BY position", criteria.params
            )
            rows = audit_rows(tx, rows, seen_by)
        return _with_durations(rows)


def _seen(criteria: Criteria, seen_by: Visibility) -> Criteria:
    """The rows the reader may read: within its scope, and the system's own records (webhooks
    and their receivers, 12345 ticket links) for administrators only."""
    clause, params = row_scope("audit_trail", seen_by)
    if clause:
        criteria.raw(clause, *params)
    hidden = set() if seen_by.administrative else set(ADMINISTRATIVE_RECORDS)
    if not seen_by.security:
        hidden |= SECURITY_RECORDS
    if hidden:
        marks = ", ".join("?" * len(hidden))
        criteria.raw(f"aggregate_type NOT IN ({marks})", *sorted(hidden))
    return criteria


def _with_durations(rows: list[Row]) -> list[Row]:
    """Days since the proposal and since the previous step, for each step."""
    if not rows:
        return []
    start = previous = datetime.fromisoformat(rows[0]["occurred_at"])
    timed = []
    for row in rows:
        moment = datetime.fromisoformat(row["occurred_at"])
        timed.append(
            {
                **row,
                "days_since_start": _days(moment - start),
                "days_since_previous": _days(moment - previous),
            }
        )
        previous = moment
    return timed


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 2)
