"""Facts about stored events shared by every reader of the log: their public identity and
which of them are the system's own bookkeeping rather than part of the record."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

EVENTS = uuid5(NAMESPACE_URL, "https://yishiting/events")
INTERNAL_TOPICS = ("application.receipts:CommandReceipt",)


def event_id(originator_id: object, originator_version: int) -> UUID:
    """A stable UUID for one event: the same from every reader, in every process."""
    return uuid5(EVENTS, f"{originator_id}:{originator_version}")


def is_internal(event: Any) -> bool:
    """Command receipts record idempotency, not decisions: they are never published."""
    topic = f"{type(event).__module__}:{type(event).__qualname__}"
    return topic.startswith(INTERNAL_TOPICS)


def aggregate_type(event: Any) -> str:
    return type(event).__qualname__.split(".")[0]


def event_type(event: Any) -> str:
    return type(event).__qualname__.split(".")[-1]
