"""How domain values are stored in the log's JSON: stable names, plain fields."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding

from application.fences.eventsourcing_internals import decode_by_library
from application.memo import Memo
from application.personal_data import Sealer
from domain import vocabulary
from domain.accounts import Grant
from domain.base import Actor
from domain.consultation import OnlineOpinion, Report
from domain.holidays import Holiday
from domain.hotline import HotlineOrder
from domain.people import ERASED, Participant, Proposer
from domain.reminders import DeadlineReminder
from domain.supervision import ProgressReport

RECURRING_LIMIT = 20_000  # distinct values kept per kind; beyond that the cache starts again


class LogTranscoder(JSONTranscoder):
    """eventsourcing's JSON transcoder, reading stored events with orjson: the same values, in
    about a quarter of the parsing time (a rebuild decodes every event of the log). Custom types
    are then revived bottom-up exactly as the standard decoder's object hook does. Anything
    orjson declines or would read differently (NaN, an integer beyond 64 bits, which orjson
    turns into a float) is read the standard way. Encoding is eventsourcing's own, so what is
    stored does not change."""

    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
            kind = type(parsed)
            if kind is dict or kind is list:
                return self._revive(parsed)
            return _exact(parsed) if kind is float else parsed
        except (orjson.JSONDecodeError, _Inexact):
            return super().decode(data)

    def _revive(self, value: Any) -> Any:
        """`value` as the standard decoder's object hook leaves it: every dict, innermost
        first, given to the hook, which turns a custom type's wrapper (`{"_type_": name,
        "_data_": data}`, by far the commonest dict) into the value."""
        if type(value) is list:
            for index, item in enumerate(value):
                kind = type(item)
                if kind is dict or kind is list:
                    value[index] = self._revive(item)
                elif kind is float:
                    _exact(item)
            return value
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            # The wrapper's transcoding called here rather than through the hook (its lookups,
            # one call fewer); an unknown name still goes to the hook, for its error.
            data = value["_data_"]
            kind = type(data)
            if kind is dict or kind is list:
                data = value["_data_"] = self._revive(data)
            elif kind is float:
                _exact(data)
            transcoding = self.names.get(value["_type_"])
            if transcoding is None:
                return decode_by_library(self, value)
            return transcoding.decode(data)
        for key, item in value.items():
            kind = type(item)
            if kind is dict or kind is list:
                value[key] = self._revive(item)
            elif kind is float:
                _exact(item)
        return value


class _Inexact(Exception):
    """orjson read a number that the standard decoder reads differently."""


BEYOND_64_BITS = 2.0**63  # orjson reads an integer outside [-2**63, 2**64) as a float


def _exact(number: float) -> float:
    """`number`, unless it may have been an integer too long for orjson (a float that large
    written by the encoder is read the standard way too: the same value, only slower)."""
    if -BEYOND_64_BITS < number < BEYOND_64_BITS:
        return number
    raise _Inexact


class VocabularyAsCode(Transcoding):
    def __init__(self, cls: type[vocabulary.Vocabulary]) -> None:
        self.type = self.vocabulary = cls
        self.name = cls.__name__

    def encode(self, obj: vocabulary.Vocabulary) -> str:
        return obj.code

    def decode(self, data: str) -> vocabulary.Vocabulary:
        return self.vocabulary.parse(data)


class ValueAsFields(Transcoding):
    """A frozen dataclass stored as its fields (nested values are transcoded in turn)."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


class Recurring:
    """Immutable values that recur across the log (an aggregate's id on each of its events, the
    same member of staff on hundreds), made once per distinct stored form and shared: reading
    the log back (a rebuild, a catch-up) otherwise builds a new one each time, in Python."""

    def __init__(self, limit: int = RECURRING_LIMIT) -> None:
        self.made: Memo[Any, Any] = Memo(limit)

    def get(self, key: Any, make: Callable[[Any], Any]) -> Any:
        value = self.made.get(key)
        if value is None:
            value = self.made.keep(key, make(key))
        return value


class UUIDAsHex(Transcoding):
    """eventsourcing's own `uuid_hex` (the same stored form), with decoded ids shared."""

    type = UUID
    name = "uuid_hex"

    def __init__(self) -> None:
        self.recurring = Recurring()

    def encode(self, obj: UUID) -> str:
        return obj.hex

    def decode(self, data: str) -> UUID:
        made = self.recurring.made.get(data)  # Recurring.get, inlined: several ids per event
        return made if made is not None else cast(UUID, self.recurring.get(data, UUID))


class ActorAsFields(Transcoding):
    type = Actor
    name = "Actor"

    def __init__(self) -> None:
        self.recurring = Recurring()

    def encode(self, obj: Actor) -> dict[str, str]:
        return obj.as_dict()

    def decode(self, data: dict[str, str]) -> Actor:
        key = (data["id"], data["name"], data["role"], data.get("scope", ""))
        return cast(Actor, self.recurring.get(key, lambda _: Actor.from_dict(data)))


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class SealedProposer(Transcoding):
    """A proposer's personal fields sealed with their subject's key."""

    type = Proposer
    name = "Proposer"

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    def encode(self, obj: Proposer) -> dict[str, str]:
        fields = {
            "name": obj.name,
            "phone": obj.phone,
            "id_number": obj.id_number,
            "organisation": obj.organisation,
        }
        encoded = {"subject_id": obj.subject_id, "sealed": self.sealer.seal(obj.subject_id, fields)}
        # Picked from the roster: the registered person's record id, in clear (as a
        # participant's): it names a record, not the person's data.
        return {**encoded, "person_id": obj.person_id} if obj.person_id else encoded

    def decode(self, data: dict[str, str]) -> Proposer:
        fields = self.sealer.open(data["subject_id"], data["sealed"])
        person_id = data.get("person_id", "")
        if fields is None:
            return Proposer(name=ERASED, subject_id=data["subject_id"], person_id=person_id)
        return Proposer(subject_id=data["subject_id"], person_id=person_id, **fields)


class SealedParticipant(Transcoding):
    type = Participant
    name = "Participant"

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    def encode(self, obj: Participant) -> dict[str, Any]:
        fields = {"name": obj.name, "organisation": obj.organisation}
        encoded = {
            "id": obj.id,
            "kind": obj.kind,
            "subject_id": obj.subject_id,
            "sealed": self.sealer.seal(obj.subject_id, fields),
        }
        # The roster's record ids, in clear: they name a record, not the person's data.
        links = {"person_id": obj.person_id, "unit_id": obj.unit_id}
        return {**encoded, **{key: value for key, value in links.items() if value}}

    def decode(self, data: dict[str, Any]) -> Participant:
        fields = self.sealer.open(data["subject_id"], data["sealed"]) or {"name": ERASED}
        return Participant(
            kind=data["kind"],
            id=data["id"],
            subject_id=data["subject_id"],
            name=fields["name"],
            organisation=fields.get("organisation", ""),
            person_id=data.get("person_id", ""),
            unit_id=data.get("unit_id", ""),
        )


class SealedHotlineOrder(Transcoding):
    """A work order's address sealed with its caller's key; the rest is not personal."""

    type = HotlineOrder
    name = "HotlineOrder"

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    def encode(self, obj: HotlineOrder) -> dict[str, Any]:
        fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        address = fields.pop("address")
        fields["sealed"] = self.sealer.seal(obj.subject_id, {"address": address})
        return fields

    def decode(self, data: dict[str, Any]) -> HotlineOrder:
        fields = dict(data)
        opened = self.sealer.open(fields["subject_id"], fields.pop("sealed"))
        return HotlineOrder(**fields, address=opened["address"] if opened else ERASED)


VOCABULARIES = [
    cls
    for cls in vars(vocabulary).values()
    if isinstance(cls, type)
    and issubclass(cls, vocabulary.Vocabulary)
    and cls is not vocabulary.Vocabulary
]
VALUES = [OnlineOpinion, Report, ProgressReport, DeadlineReminder, Holiday, Grant]


def register_domain_transcodings(transcoder: JSONTranscoder, sealer: Sealer) -> None:
    transcoder.register(UUIDAsHex())  # in place of eventsourcing's: the same name and form
    transcoder.register(ActorAsFields())
    transcoder.register(DateAsISO())
    for cls in VOCABULARIES:
        transcoder.register(VocabularyAsCode(cls))
    transcoder.register(SealedProposer(sealer))
    transcoder.register(SealedParticipant(sealer))
    transcoder.register(SealedHotlineOrder(sealer))
    for value in VALUES:
        transcoder.register(ValueAsFields(value))
