"""The read side of accountability: one record's history, the trail across the log, and a
topic's decision timeline from proposal to the last item's resolution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.permissions import (
    ADMINISTRATIVE_RECORDS,
    RESTRICTED_TEXT,
    SECURITY_RECORDS,
    Visibility,
)
from projections.reads.queries import Criteria, Ordering, Page
from projections.reads.restriction import audit_rows
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Row, Tx, ViewStore

TRAIL = Ordering("audit_trail", "position", descending=False, key_type=int)
NEWEST_FIRST = Ordering("audit_trail", "position", descending=True, key_type=int)
# Where each kind of record keeps the name a reader knows it by (its title, subject, name).
TITLES = {
    "Topic": ("topic_board", "title"),
    "Consultation": ("consultation_calendar", "subject"),
    "SupervisionItem": ("supervision_ledger", "subject"),
    "Attachment": ("attachments", "file_name"),
    "Platform": ("ref_platforms", "name"),
    "Committee": ("ref_committees", "name"),
    "Unit": ("ref_units", "name"),
    "Person": ("ref_people", "name"),
}


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
        newest_first: bool = False,
    ) -> Page:
        """A page of the trail, oldest first or newest first: a cursor continues the order it
        was read in (the position is the key, so a page never skips or repeats a row)."""
        criteria = _seen(where.criteria(), seen_by)
        order = NEWEST_FIRST if newest_first else TRAIL
        with self.store.reading() as tx:
            page = order.page(tx, criteria, first, after)
            page.rows = _titled(tx, audit_rows(tx, page.rows, seen_by))
        return page

    def of_record(self, aggregate_id: str, seen_by: Visibility = EVERYTHING) -> list[Row]:
        """Every step of one record, oldest first, as the reader may read them."""
        criteria = _seen(Criteria().raw("aggregate_id = ?", aggregate_id), seen_by)
        with self.store.reading() as tx:
            rows = tx.all(
                f"SELECT * FROM audit_trail{criteria.where} ORDER BY position", criteria.params
            )
            return audit_rows(tx, rows, seen_by)

    def actors(self, seen_by: Visibility = EVERYTHING) -> list[Row]:
        """Everyone who appears in the part of the trail the reader may read, each once, by
        the name of their latest step there (a name may have changed), ordered by name."""
        criteria = _seen(Criteria().raw("actor_id <> ?", ""), seen_by)
        with self.store.reading() as tx:
            return tx.all(
                "SELECT actor_id, actor_name, actor_role, position FROM audit_trail"
                f"{criteria.where} AND position IN (SELECT MAX(position) FROM audit_trail"
                f"{criteria.where} GROUP BY actor_id) ORDER BY actor_name, actor_id",
                [*criteria.params, *criteria.params],
            )

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


def _titled(tx: Tx, rows: list[Row]) -> list[Row]:
    """Each row with its record's title as the reader may read it (`record_title`): the
    placeholder for a restricted matter, None for a record that has no name to show."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row["aggregate_type"] in TITLES and not row.get("restricted"):
            wanted.setdefault(row["aggregate_type"], set()).add(row["aggregate_id"])
    names: dict[str, str] = {}
    for kind, ids in wanted.items():
        table, column = TITLES[kind]
        marks = ", ".join("?" * len(ids))
        found = tx.all(
            f"SELECT id, {column} AS title FROM {table} WHERE id IN ({marks})", sorted(ids)
        )
        names.update((r["id"], r["title"]) for r in found)
    return [
        {
            **row,
            "record_title": RESTRICTED_TEXT
            if row.get("restricted")
            else names.get(row["aggregate_id"]),
        }
        for row in rows
    ]


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
