"""What the export downloads share: their query parameters checked (a misspelt filter would
otherwise hand out every row, unfiltered) and their file named for the browser."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from urllib.parse import quote

from interfaces.http.callers import refusal


def refuse_unknown(params: dict[str, str], known: Collection[str]) -> None:
    """Refuses a parameter the download does not take, naming those it does."""
    unknown = sorted(set(params) - set(known))
    if unknown:
        named = ", ".join(unknown)[:120]
        raise refusal(
            400,
            f"未知的参数:{named},可用 {', '.join(known)}"
            f" (unknown parameter {named}; use {', '.join(known)})",
            "BAD_USER_INPUT",
            "UNKNOWN_PARAMETER",
        )


def day_param(params: dict[str, str], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refusal(
            400,
            f"日期格式应为 YYYY-MM-DD:{name} ('{name}' must be a date, YYYY-MM-DD)",
            "BAD_USER_INPUT",
            "INVALID_DATE",
        ) from None


def attachment(ascii_name: str, chinese_name: str) -> str:
    """The Content-Disposition of a download (RFC 5987): its Chinese name, and an ASCII one
    for older clients."""
    return f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(chinese_name)}"
