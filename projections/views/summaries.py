"""A readable sentence in Chinese for each kind of event, for the audit trail: each event's
sentence is its entry in the catalogue (application/publishing/entries.py)."""

from __future__ import annotations

from typing import Any

from application.publishing.catalogue import NAMED

REASON_FIELDS = ("reason", "explanation", "outcome")


def summary(event: Any, event_type: str) -> str:
    entry = NAMED.get(event_type)
    return entry.summary(event) if entry else event_type


def reason(event: Any) -> str:
    for field in REASON_FIELDS:
        value = getattr(event, field, "")
        if isinstance(value, str) and value:
            return value
    return ""
