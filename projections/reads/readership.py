"""Which published events an actor may read, and how much of them: personal data and a
restricted matter's texts by the same rules as the views (application.permissions), applied
to the log at read time (projections.reads.restriction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from application.permissions import READS_EVERYTHING, sees_personal_data, visibility
from application.publishing.catalogue import BY_CLASS, BY_TOPIC
from application.publishing.payload import Disclosure
from domain.attachment import Attachment
from domain.base import Actor
from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import Role
from projections.reads.queries import ViewQueries

SCOPED_TABLES: dict[type, str] = {
    Topic: "topic_board",
    Consultation: "consultation_calendar",
    SupervisionItem: "supervision_ledger",
    Attachment: "attachments",
}
EXCLUSION_TOPICS = [BY_CLASS[c].topic for c in (Topic.TopicExcluded, Topic.TopicExclusionReversed)]


@dataclass(frozen=True)
class Readership:
    """An actor reading the log. Roles reading everything (and integration, public fields
    only) read it all; scoped roles read the events of the objects the views show them. A
    restricted matter's texts are withheld from every reader without the need to know."""

    actor: Actor

    @property
    def reads_everything(self) -> bool:
        return self.actor.role in READS_EVERYTHING or self.actor.role is Role.INTEGRATION

    @property
    def needs_to_know(self) -> bool:
        """Whether restricted texts are withheld from this reader anywhere it reads."""
        return not visibility(self.actor).restricted_content

    def whole(self, platform_id: object = None) -> Disclosure:
        cleared = sees_personal_data(self.actor, platform_id)
        return Disclosure(cleared, cleared or self.actor.role is Role.ADMIN)

    def disclosures(
        self,
        notifications: Sequence[Any],
        queries: ViewQueries,
        beyond_views: Callable[[], Mapping[str, bool]] = dict,
    ) -> dict[int, Disclosure]:
        """For each readable notification (by id), what of it may be shown. `beyond_views`
        reads the matters excluded (True) or reversed (False) in the log past what the views
        hold; asked only when a matter's event is among these, and before the views are."""
        if self.reads_everything:
            shown = {n.id: self.whole() for n in notifications}
        else:
            shown = self._scoped(notifications, queries)
        if self.needs_to_know:
            self._withhold(notifications, queries, beyond_views, shown)
        return shown

    def _scoped(self, notifications: Sequence[Any], queries: ViewQueries) -> dict[int, Disclosure]:
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
                    shown[n.id] = self.whole(row["platform_id"])
        return shown

    @staticmethod
    def _withhold(
        notifications: Sequence[Any],
        queries: ViewQueries,
        beyond_views: Callable[[], Mapping[str, bool]],
        shown: dict[int, Disclosure],
    ) -> None:
        """Restriction from the matter's current state: the views', then the log beyond them
        (read first: the views read after their position hold at least as much)."""
        matter_of = {
            n.id: str(n.originator_id)
            for n in notifications
            if n.id in shown and BY_TOPIC[n.topic].aggregate is Topic
        }
        matter_of.update(_matters_of_attachments(notifications, queries, shown))
        if not matter_of:  # no matter's event, nothing to withhold: nothing to read
            return
        beyond = beyond_views()
        restricted = set(queries.restricted_topics(sorted(set(matter_of.values()))))
        for n in notifications:
            matter = matter_of.get(n.id)
            if matter is not None and beyond.get(matter, matter in restricted):
                before = shown[n.id]
                shown[n.id] = Disclosure(before.personal_data, before.subject_ids, content=False)


def _matters_of_attachments(
    notifications: Sequence[Any], queries: ViewQueries, shown: dict[int, Disclosure]
) -> dict[int, str]:
    """The matter each shown file of a matter belongs to: its restriction is the matter's."""
    files = [
        n for n in notifications if n.id in shown and BY_TOPIC[n.topic].aggregate is Attachment
    ]
    rows = queries.by_ids("attachments", sorted({str(n.originator_id) for n in files}))
    return {
        n.id: row["topic_id"]
        for n in files
        if (row := rows.get(str(n.originator_id))) and row["owner_kind"] == "matter"
    }
