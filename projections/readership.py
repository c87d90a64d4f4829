"""Which published events an actor may read, and how much personal data in them: the same
rules as the views (application.permissions), applied to the log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from application.permissions import READS_EVERYTHING, sees_personal_data, visibility
from application.publishing.catalogue import BY_TOPIC
from application.publishing.payload import Disclosure
from domain.base import Actor
from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import Role
from projections.queries import ViewQueries

SCOPED_TABLES: dict[type, str] = {
    Topic: "topic_board",
    Consultation: "consultation_calendar",
    SupervisionItem: "supervision_ledger",
}


@dataclass(frozen=True)
class Readership:
    """An actor reading the log. Roles reading everything (and integration, public fields
    only) read it all; scoped roles read the events of the objects the views show them."""

    actor: Actor

    @property
    def reads_everything(self) -> bool:
        return self.actor.role in READS_EVERYTHING or self.actor.role is Role.INTEGRATION

    def whole(self) -> Disclosure:
        cleared = sees_personal_data(self.actor, None)
        return Disclosure(cleared, cleared or self.actor.role is Role.ADMIN)

    def disclosures(
        self, notifications: Sequence[Any], queries: ViewQueries
    ) -> dict[int, Disclosure]:
        """For each readable notification (by id), what of its personal data may be shown."""
        if self.reads_everything:
            return {n.id: self.whole() for n in notifications}
        by_table: dict[str, list[Any]] = defaultdict(list)
        shown: dict[int, Disclosure] = {}
        for n in notifications:
            aggregate = BY_TOPIC[n.topic].aggregate
            if aggregate in SCOPED_TABLES:
                by_table[SCOPED_TABLES[aggregate]].append(n)
            elif aggregate is not Erasure:
                shown[n.id] = Disclosure()
        for table, pending in by_table.items():
            ids = sorted({str(n.originator_id) for n in pending})
            rows = queries.by_ids(table, ids, visibility(self.actor))
            for n in pending:
                row = rows.get(str(n.originator_id))
                if row is not None:
                    cleared = sees_personal_data(self.actor, row["platform_id"])
                    shown[n.id] = Disclosure(cleared, cleared)
        return shown
