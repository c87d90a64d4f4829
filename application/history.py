"""Time travel: any record exactly as it stood at a past instant, rebuilt from the log itself
(not from a view, and never from a stored snapshot), with the decisions that existed then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import takewhile
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate

from application.core import Core
from application.events import event_type
from application.publishing.catalogue import DECISIONS
from domain.base import Record


@dataclass(frozen=True)
class PastState:
    record: Record
    version: int
    recorded_at: datetime
    decisions: list[Any]


class HistoryQueries(Core):
    def state_as_of(self, aggregate_id: UUID, at: datetime) -> PastState | None:
        """The record as it was at `at`: None if it did not exist yet (or never existed).

        Rebuilt from its events alone, every time: a stored snapshot is never read here, so a
        snapshot rewritten in the database is not served as the past (the events are what the
        ledger vouches for; snapshots are only a cache for commands)."""
        # The versions up to the first one recorded after `at`: a later version backdated
        # (an import) must not pull its predecessors, recorded after `at`, into the past.
        events: list[Any] = list(takewhile(lambda e: _time(e) <= at, self.events.get(aggregate_id)))
        if not events:
            return None
        version = events[-1].originator_version
        record = project_aggregate(None, events)
        if not isinstance(record, Record):
            return None
        decisions = [e for e in events if event_type(e) in DECISIONS]
        return PastState(record, version, events[-1].timestamp, decisions)


def _time(event: Any) -> datetime:
    moment: datetime = event.timestamp
    return moment
