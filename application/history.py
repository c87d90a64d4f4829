"""Time travel: any record exactly as it stood at a past instant, rebuilt from the log itself
(not from a view), with the decisions that existed then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import takewhile
from typing import Any
from uuid import UUID

from application.core import Core
from application.events import event_type
from domain.base import Record

DECISIONS = frozenset(
    {
        "TopicExcluded",
        "TopicExclusionReversed",
        "TopicApproved",
        "TopicReturned",
        "ConsultationCancelled",
        "ItemAssigned",
        "ItemResolved",
        "ItemReopened",
        "PersonalDataErased",
        "PlatformResponsiblePersonChanged",
    }
)


@dataclass(frozen=True)
class PastState:
    record: Record
    version: int
    recorded_at: datetime
    decisions: list[Any]


class HistoryQueries(Core):
    def state_as_of(self, aggregate_id: UUID, at: datetime) -> PastState | None:
        """The record as it was at `at`: None if it did not exist yet (or never existed)."""
        # The versions up to the first one recorded after `at`: a later version backdated
        # (an import) must not pull its predecessors, recorded after `at`, into the past.
        events: list[Any] = list(takewhile(lambda e: _time(e) <= at, self.events.get(aggregate_id)))
        if not events:
            return None
        version = events[-1].originator_version
        record: Record = self.repository.get(aggregate_id, version=version)
        decisions = [e for e in events if event_type(e) in DECISIONS]
        return PastState(record, version, events[-1].timestamp, decisions)


def _time(event: Any) -> datetime:
    moment: datetime = event.timestamp
    return moment
