"""A feed's cursor and filters, checked the same way for GET /events and the `events`
subscription: a refusal names what was wrong."""

from __future__ import annotations

from uuid import UUID

from application.publishing.catalogue import UnknownEventType, published
from application.publishing.envelope import InvalidEventCursor, position_of
from interfaces.edge.errors import bad_input, from_domain
from projections.outbound.feed import FeedQuery

PAGE = 100


def feed_query(
    after: str | None, types: list[str] | None, subjects: list[str] | None, limit: int = PAGE
) -> FeedQuery:
    """The caller's cursor and filters, checked: a refusal names what was wrong."""
    try:
        start = position_of(after)
    except InvalidEventCursor as error:
        raise from_domain(error) from None
    try:
        cloud_types = frozenset(p.cloud_type for p in published(types or []))
    except UnknownEventType as error:
        raise from_domain(error) from None
    return FeedQuery(after=start, limit=limit, types=cloud_types, subjects=_subjects(subjects))


def _subjects(subjects: list[str] | None) -> frozenset[str]:
    try:
        return frozenset(str(UUID(str(s))) for s in subjects or [])
    except ValueError:
        raise bad_input(
            "无效的对象编号", "'subjects' must be record ids", reason="INVALID_ID", field="subjects"
        ) from None
