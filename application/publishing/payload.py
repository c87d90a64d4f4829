"""An event's public fields as plain JSON: codes for vocabularies, ISO text for times, and
personal data (proposers, participants) only for callers cleared to see it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from application.permissions import RESTRICTED_TEXT, RESTRICTED_TEXT_EN
from domain.base import Actor
from domain.hotline import HotlineOrder
from domain.people import Participant, Proposer

ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic"}
)


@dataclass(frozen=True)
class Disclosure:
    """How much personal data a caller may see: the fields in clear, or only the subject's id
    (administrators, to erase it), or neither."""

    personal_data: bool = False
    subject_ids: bool = False
    content: bool = True
    """False for a restricted matter's event read by someone without the need to know: its
    texts are replaced by the placeholder, and the data says `restricted: true`."""


HIDDEN = Disclosure()
# The texts of a matter's events (titles, content, situation, explanations, decisions) and of
# its 12345 order, withheld from a restricted matter's events: what remains is its ground,
# dates, status and ids.
RESTRICTED_FIELDS = frozenset(
    {
        "title",
        "content",
        "basic_situation",
        "explanation",
        "drafted_title",
        "reason",
        "findings",
        "file_name",
    }
)
RESTRICTED_ORDER_FIELDS = ("category", "street", "agency")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def event_data(event: object, disclosure: Disclosure = HIDDEN) -> dict[str, Any]:
    """The event's own fields (identity, version and time travel in the envelope)."""
    assert dataclasses.is_dataclass(event)
    data = {
        camel(f.name): _field(f.name, getattr(event, f.name), disclosure)
        for f in dataclasses.fields(event)
        if f.name not in ENVELOPE_FIELDS
    }
    if not disclosure.content:
        data["restricted"] = {"zh": RESTRICTED_TEXT, "en": RESTRICTED_TEXT_EN}
    return data


def _field(name: str, value: object, disclosure: Disclosure) -> Any:
    if not disclosure.content and name in RESTRICTED_FIELDS and value:
        return RESTRICTED_TEXT
    if name == "data_subject_id":  # an attached file's data subject, as a person's
        return _subject(str(value), disclosure) if value else value
    return plain(value, disclosure)


def plain(value: object, disclosure: Disclosure) -> Any:
    match value:
        case None | bool() | int() | float() | str():
            return value
        case Enum():
            return value.value
        case UUID():
            return str(value)
        case datetime():
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        case date():
            return value.isoformat()
        case Actor():
            return value.as_dict()
        case Proposer():
            return _proposer(value, disclosure)
        case Participant():
            return _participant(value, disclosure)
        case HotlineOrder():
            return _hotline_order(value, disclosure)
        case list() | tuple():
            return [plain(v, disclosure) for v in value]
        case _ if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = dataclasses.fields(value)
            return {camel(f.name): plain(getattr(value, f.name), disclosure) for f in fields}
    raise TypeError(f"cannot publish {type(value).__name__}")


def _subject(subject_id: str, disclosure: Disclosure) -> str | None:
    return subject_id if disclosure.personal_data or disclosure.subject_ids else None


def _proposer(proposer: Proposer, disclosure: Disclosure) -> dict[str, Any]:
    clear = disclosure.personal_data
    return {
        "name": proposer.name if clear else None,
        "phone": proposer.phone if clear else None,
        "idNumber": proposer.id_number if clear else None,
        "organisation": proposer.organisation if clear else None,
        "subjectId": _subject(proposer.subject_id, disclosure),
    }


def _participant(participant: Participant, disclosure: Disclosure) -> dict[str, Any]:
    clear = disclosure.personal_data
    return {
        "id": participant.id,
        "kind": participant.kind.value,
        "name": participant.name if clear else None,
        "organisation": participant.organisation if clear else None,
        "subjectId": _subject(participant.subject_id, disclosure),
    }


def _hotline_order(order: HotlineOrder, disclosure: Disclosure) -> dict[str, Any]:
    """A 12345 order's address may point at the caller's home: personal data like the caller."""
    shown = {
        "ticket": order.ticket,
        "category": order.category,
        "street": order.street,
        "address": order.address if disclosure.personal_data else None,
        "receivedAt": plain(order.received_at, disclosure),
        "agency": order.agency,
        "subjectId": _subject(order.subject_id, disclosure),
    }
    if not disclosure.content:
        shown.update((name, RESTRICTED_TEXT) for name in RESTRICTED_ORDER_FIELDS if shown[name])
    return shown
