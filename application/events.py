"""Facts about stored events shared by every reader of the log: their public identity and
which of them are the system's own bookkeeping rather than part of the record."""

from __future__ import annotations

from hashlib import sha1
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

EVENTS = uuid5(NAMESPACE_URL, "https://yishiting/events")
INTERNAL_TOPICS = ("application.receipts:CommandReceipt",)
_EVENTS_BYTES = EVENTS.bytes


def event_id(originator_id: object, originator_version: int) -> UUID:
    """A stable UUID for one event: the same from every reader, in every process."""
    return uuid5(EVENTS, f"{originator_id}:{originator_version}")


def event_id_text(originator_id: object, originator_version: int) -> str:
    """`str(event_id(...))`, written straight from uuid5's hash (its version and variant bits
    set as uuid5 sets them): the audit trail and the published envelope take one per event, and
    making the UUID object and its text cost more than the hash."""
    name = f"{originator_id}:{originator_version}".encode()
    digest = bytearray(sha1(_EVENTS_BYTES + name).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def is_internal(event: Any) -> bool:
    """Command receipts record idempotency, not decisions: they are never published."""
    return _kind(type(event))[2]


def aggregate_type(event: Any) -> str:
    return _kind(type(event))[0]


def event_type(event: Any) -> str:
    return _kind(type(event))[1]


_KINDS: dict[type, tuple[str, str, bool]] = {}


def _kind(cls: type) -> tuple[str, str, bool]:
    """A class of events: its aggregate's name, its own, and whether it is internal (read once
    per class: the projector asks for each event)."""
    kind = _KINDS.get(cls)
    if kind is None:
        names = cls.__qualname__.split(".")
        topic = f"{cls.__module__}:{cls.__qualname__}"
        kind = _KINDS[cls] = (names[0], names[-1], topic.startswith(INTERNAL_TOPICS))
    return kind
