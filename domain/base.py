"""What every aggregate shares: the acting person on each event, a replaceable clock, text rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from eventsourcing.domain import Aggregate

from domain.errors import FieldTooLong, InvalidText, MissingReason, RequiredField, WrongState
from domain.vocabulary import Role, Vocabulary

SHORT_TEXT = 200
LONG_TEXT = 20_000
# C0 controls but tab and newline (a NUL cannot even be stored in PostgreSQL text), and the
# surrogate halves, which are not characters (a lone one cannot be encoded in UTF-8).
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


_recorded_at: ContextVar[datetime | None] = ContextVar("recorded_at", default=None)
_clock: ContextVar[Clock] = ContextVar("clock", default=wall_clock)


def now() -> datetime:
    return _recorded_at.get() or _clock.get()()


@contextmanager
def clocked_by(clock: Clock) -> Iterator[None]:
    """Reads the time from `clock` (the application's, passed in by the composition root)."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Records events as of `moment`: for importing historical records and the demo district."""
    token = _recorded_at.set(moment)
    try:
        yield
    finally:
        _recorded_at.reset(token)


@dataclass(frozen=True)
class Actor:
    """The person (or system) who issued a command, as recorded on every event."""

    id: str
    name: str
    role: Role
    scope: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "role": self.role.code, "scope": self.scope}

    @classmethod
    def checked(cls, id: str, name: str, role: Role, scope: str = "") -> Actor:
        """An actor named from outside (a token's claims, the command line): recorded on every
        event it issues, so its texts are under the records' rule."""
        return cls(
            text(id, "sub", "主体编号"),
            text(name, "name", "姓名"),
            role,
            clean_text(scope, "scope", "范围").strip(),
        )

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Actor:
        return cls(data["id"], data["name"], Role.parse(data["role"]), data.get("scope", ""))


SYSTEM = Actor("system", "系统", Role.SYSTEM)


class Record(Aggregate):
    """Base of every aggregate here: its events carry the actor and use the domain clock."""

    class Event(Aggregate.Event):
        create_timestamp = staticmethod(now)

    class Created(Event, Aggregate.Created):
        pass


S = TypeVar("S", bound=Vocabulary)


class HasStatus(Generic[S]):
    """A record whose commands are each allowed in some of its statuses only."""

    status: S

    def _require(self, *allowed: S, what_zh: str, what_en: str) -> None:
        if self.status not in allowed:
            raise WrongState(what_zh, what_en, self.status.label, self.status.code)


def text(value: str | None, field: str, label: str, limit: int = SHORT_TEXT) -> str:
    """A required piece of text, trimmed, within its limit."""
    cleaned = optional_text(value, field, label, limit)
    if not cleaned:
        raise RequiredField(field, label)
    return cleaned


def optional_text(value: str | None, field: str, label: str, limit: int = LONG_TEXT) -> str:
    cleaned = clean_text(value, field, label).strip()
    if len(cleaned) > limit:
        raise FieldTooLong(field, label, limit)
    return cleaned


def clean_text(value: str | None, field: str, label: str) -> str:
    """The one rule for text entering a record (or a search): line ends as LF, no control
    character but tab and newline, valid Unicode, NFC. Refuses with InvalidText otherwise."""
    cleaned = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    wrong = NOT_TEXT.search(cleaned)
    if wrong is not None:
        raise InvalidText(field, label, wrong.group(), wrong.start())
    return unicodedata.normalize("NFC", cleaned)


def required_reason(value: str | None, what_zh: str, what_en: str) -> str:
    """The reason a decision must carry."""
    cleaned = optional_text(value, "reason", "理由")
    if not cleaned:
        raise MissingReason(what_zh, what_en)
    return cleaned
