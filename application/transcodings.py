"""How domain values are stored in the log's JSON: stable names, plain fields."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import vocabulary
from domain.base import Actor
from domain.consultation import OnlineOpinion, Report
from domain.people import Participant, Proposer
from domain.supervision import ProgressReport


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


class ActorAsFields(Transcoding):
    type = Actor
    name = "Actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return obj.as_dict()

    def decode(self, data: dict[str, str]) -> Actor:
        return Actor.from_dict(data)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


VOCABULARIES = [
    cls
    for cls in vars(vocabulary).values()
    if isinstance(cls, type)
    and issubclass(cls, vocabulary.Vocabulary)
    and cls is not vocabulary.Vocabulary
]
VALUES = [Proposer, Participant, OnlineOpinion, Report, ProgressReport]


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(ActorAsFields())
    transcoder.register(DateAsISO())
    for cls in VOCABULARIES:
        transcoder.register(VocabularyAsCode(cls))
    for value in VALUES:
        transcoder.register(ValueAsFields(value))
