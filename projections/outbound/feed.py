"""The log as a feed of CloudEvents for one reader: from a cursor, filtered by type and
subject, within what the reader may see. Shared by GET /events, the GraphQL subscription and
the webhook deliverer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from application.publishing.catalogue import CATALOGUE
from application.publishing.envelope import cloud_event
from domain.base import Actor
from projections.reads.queries import ViewQueries
from projections.reads.readership import EXCLUSION_TOPICS, Readership

Admission = Callable[[Mapping[int, str | None]], Callable[[Any], str | None]]
SCAN = 500
MAX_SCANS = 20  # per page: a narrow filter over a long log returns with a cursor to go on from
ALL_TOPICS = [p.topic for p in CATALOGUE.values()]


@dataclass(frozen=True)
class FeedQuery:
    after: int = 0
    limit: int = 100
    types: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()

    @property
    def topics(self) -> list[str]:
        if not self.types:
            return ALL_TOPICS
        return [CATALOGUE[t].topic for t in sorted(self.types)]


@dataclass
class FeedPage:
    events: list[dict[str, Any]] = field(default_factory=list)
    last: int = 0
    """The position read up to: the cursor to go on from (past events the filter skipped)."""
    head: int = 0
    """How far the log could be read for this reader when the page was taken."""

    @property
    def caught_up(self) -> bool:
        return self.last >= self.head


class EventFeed:
    def __init__(
        self,
        app: Any,
        queries: ViewQueries,
        views_position: Callable[[], int],
        *,
        source: str,
        base_url: str,
    ) -> None:
        self.app = app
        self.queries = queries
        self.views_position = views_position
        # Makes, for one scan, a check that refuses a stored event the projector would set
        # aside (a missing or wrong authenticity tag): never served nor delivered. Given the
        # tags read with the scan's events, when the recorder can read them together.
        self.admission: Admission | None = None
        self.source = source
        self.base_url = base_url

    def page(self, actor: Actor, query: FeedQuery) -> FeedPage:
        reader = Readership(actor)
        head = self.head(reader)
        page = FeedPage(last=query.after, head=head)
        # Read when a scanned batch first holds a matter's event, not for other records' pages.
        beyond = cache(lambda: self.exclusions_beyond_views(head))
        for _ in range(MAX_SCANS):
            if page.last >= head or len(page.events) >= query.limit:
                break
            self._scan(reader, query, page, beyond)
        return page

    def exclusions_beyond_views(self, head: int) -> dict[str, bool]:
        """Matters excluded on a sensitive ground (True) or whose exclusion was lifted (False)
        in the log between what the views hold and `head`: read before the views catch up, an
        earlier event of such a matter is restricted already (the views position is read
        first, so the views read after it hold at least as much)."""
        changed: dict[str, bool] = {}
        start = self.views_position()
        while start < head:
            batch = self.app.recorder.select_notifications(
                start=start,
                limit=SCAN,
                stop=head,
                topics=EXCLUSION_TOPICS,
                inclusive_of_start=False,
            )
            for n in batch:
                event = self.app.mapper.to_domain_event(n)
                ground = getattr(event, "ground", None)
                changed[str(n.originator_id)] = bool(ground and ground.content_is_sensitive)
            start = batch[-1].id if len(batch) == SCAN else head
        return changed

    def head(self, reader: Readership) -> int:
        """Scoped readers are limited by the views, which decide what they may see."""
        log = self.app.recorder.max_notification_id() or 0
        return log if reader.reads_everything else min(log, self.views_position())

    def _scan(
        self,
        reader: Readership,
        query: FeedQuery,
        page: FeedPage,
        beyond: Callable[[], Mapping[str, bool]],
    ) -> None:
        batch, tags = self._batch(page, query)
        admit = self.admission(tags) if self.admission is not None else None
        candidates = [
            n
            for n in batch
            if (not query.subjects or str(n.originator_id) in query.subjects)
            and (admit is None or admit(n) is None)
        ]
        shown = reader.disclosures(candidates, self.queries, beyond)
        for n in candidates:
            if n.id not in shown:
                continue
            if len(page.events) >= query.limit:
                return
            event = self.app.mapper.to_domain_event(n)
            page.events.append(
                cloud_event(event, n.id, shown[n.id], source=self.source, base_url=self.base_url)
            )
            page.last = n.id
        page.last = batch[-1].id if len(batch) == SCAN else page.head

    def _batch(self, page: FeedPage, query: FeedQuery) -> tuple[list[Any], dict[int, str | None]]:
        """The scan's events after the page's cursor, with their stored tags when the
        recorder reads both in one statement (PostgreSQL); else the tags are read apart."""
        recorder = self.app.recorder
        if self.admission is not None and hasattr(recorder, "tagged_notifications"):
            return recorder.tagged_notifications(page.last, SCAN, page.head, query.topics)
        events = recorder.select_notifications(
            start=page.last,
            limit=SCAN,
            stop=page.head,
            topics=query.topics,
            inclusive_of_start=False,
        )
        return list(events), {}
