"""Moments as the district gives them."""

from __future__ import annotations

from datetime import UTC, datetime

from application.calendar import DISTRICT_TIME


def moment(value: datetime) -> datetime:
    """A time as given; without a zone it is the district's local time (UTC+8)."""
    return value.replace(tzinfo=DISTRICT_TIME) if value.tzinfo is None else value.astimezone(UTC)
