"""Moments and days as the API answers them: a moment is a `DateTime`, always in UTC to the
microsecond (`2026-03-01T01:40:00.000000+00:00`, the text the views, `/events` and webhooks
write, so that text order is time order); a day is a `Date` (`2026-03-01`). The views hold both
as ISO text: read back here, where the GraphQL objects are built."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import overload

from interfaces.fences.strawberry_internals import DATETIME_SCALAR


@overload
def moment(text: str) -> datetime: ...
@overload
def moment(text: None) -> None: ...
def moment(text: str | None) -> datetime | None:
    """A view's moment (ISO text, UTC); a text without a zone is UTC too, as the views write."""
    if not text:
        return None
    found = datetime.fromisoformat(text)
    return found.astimezone(UTC) if found.tzinfo else found.replace(tzinfo=UTC)


@overload
def moment_of_epoch(epoch: float) -> datetime: ...
@overload
def moment_of_epoch(epoch: None) -> None: ...
def moment_of_epoch(epoch: float | None) -> datetime | None:
    """A moment kept as seconds since the epoch (sessions, tokens, webhook deliveries)."""
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def day(text: str | None) -> date | None:
    """A view's day (`2026-03-01`)."""
    return date.fromisoformat(text) if text else None


def utc_text(value: datetime) -> str:
    """How a `DateTime` is written: UTC, to the microsecond, whatever zone it was built in."""
    if value.tzinfo is None:
        raise ValueError("a moment without a zone cannot be answered")  # a bug, not input
    return value.astimezone(UTC).isoformat(timespec="microseconds")


# strawberry's DateTime, parsing as before, answering in the one form above.
DATETIME = replace(
    DATETIME_SCALAR,
    description="日期时间,答复一律为UTC并精确到微秒,如 `2026-03-01T01:40:00.000000+00:00`;"
    "输入为ISO 8601,不带时区按北京时间 Date with time: answered in UTC to the microsecond; "
    "taken as ISO 8601, a time without a zone read as Beijing time (UTC+8)",
    serialize=utc_text,
)
