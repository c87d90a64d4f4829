"""Checks for refused commands: the right error, its stable code, and nothing lost or stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from application.app import Yishiting
from domain.base import Record
from domain.errors import DomainError

E = TypeVar("E", bound=DomainError)


class Caught:
    """What a refusal said, for a test to look at after the `with` block."""

    error: DomainError


@contextmanager
def refused(error: type[DomainError], code: str) -> Iterator[Caught]:
    """The block is refused with `error` carrying the stable `code`."""
    caught = Caught()
    with pytest.raises(error) as info:
        yield caught
    assert info.value.code == code, info.value
    assert info.value.message_zh, "a refusal explains itself in Chinese"
    assert info.value.message_en, "and in English"
    caught.error = info.value


@contextmanager
def refused_untouched(record: Record, error: type[DomainError], code: str) -> Iterator[Caught]:
    """Refused, and the aggregate neither changed version nor gained a pending event."""
    version, pending = record.version, len(record.pending_events)
    with refused(error, code) as caught:
        yield caught
    assert record.version == version
    assert len(record.pending_events) == pending


@contextmanager
def refused_storing_nothing(
    app: Yishiting, error: type[DomainError], code: str
) -> Iterator[Caught]:
    """Refused through the application, and the log is exactly as long as before."""
    position = app.position()
    with refused(error, code) as caught:
        yield caught
    assert app.position() == position, "a refused command stores nothing"


def event_names(app: Yishiting, aggregate_id: object) -> list[str]:
    """The aggregate's stored events, oldest first, by class name."""
    return [type(e).__name__ for e in app.events.get(aggregate_id)]  # type: ignore[arg-type]


def stored_after(app: Yishiting, position: int) -> int:
    """How many events were stored after `position`. PostgreSQL's log positions may have gaps
    (a transaction that lost a race still used up its numbers), so count rather than subtract."""
    return len(app.recorder.select_notifications(start=position + 1, limit=10_000))
