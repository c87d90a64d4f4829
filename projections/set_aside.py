"""Events set aside by the projector: one it could not apply (or that an admission check
refused) is recorded here, with its position and error, and the views move on past it. The log
is never changed; an operator lists them, tries one again, or acknowledges it with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from application.events import event_id_text
from projections.store import Row, Tx

TABLE = (
    "CREATE TABLE IF NOT EXISTS projection_set_aside (position BIGINT PRIMARY KEY,"
    " event_id TEXT NOT NULL, event_type TEXT NOT NULL, originator_id TEXT NOT NULL,"
    " originator_version BIGINT NOT NULL, views TEXT NOT NULL, error TEXT NOT NULL,"
    " set_aside_at TEXT NOT NULL, attempts INTEGER NOT NULL, status TEXT NOT NULL,"
    " acknowledged_by TEXT, acknowledged_reason TEXT, acknowledged_at TEXT)"
)
SET_ASIDE = "set_aside"
ACKNOWLEDGED = "acknowledged"
APPLIED = "applied"
ERROR_LIMIT = 1000
IN_LOG_ORDER = (
    "账本只按日志顺序记账,重试不补记 (the ledger seals events in log order only: a retry does"
    " not append one late)"
)
# Control characters (a NUL cannot be stored in PostgreSQL text; a newline forges log lines)
# and surrogate halves (not encodable): written as escapes instead.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def neutral(text: str, limit: int = ERROR_LIMIT) -> str:
    """`text` made safe for a table, a log line or a terminal: unsafe characters escaped, cut
    to `limit` characters. An error's text may quote the very value that made it."""
    safe = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def describe(error: BaseException) -> str:
    return neutral(f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class SetAsideEvent:
    position: int
    event_id: str
    event_type: str
    originator_id: str
    originator_version: int
    views: tuple[str, ...]
    error: str
    set_aside_at: str
    attempts: int
    status: str
    acknowledged_by: str | None = None
    acknowledged_reason: str | None = None
    acknowledged_at: str | None = None

    @classmethod
    def of(cls, row: Row) -> SetAsideEvent:
        return cls(**{**row, "views": tuple(row["views"].split(",")) if row["views"] else ()})

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "views": list(self.views)}


def record(tx: Tx, notification: Any, views: list[str], error: str) -> None:
    """Sets the event at `notification.id` aside for `views` (again, if it was: an acknowledged
    one stays acknowledged, one applied by a retry is set aside again)."""
    tx.execute(
        "INSERT INTO projection_set_aside (position, event_id, event_type, originator_id,"
        " originator_version, views, error, set_aside_at, attempts, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (position) DO UPDATE SET"
        " views = excluded.views, error = excluded.error, set_aside_at = excluded.set_aside_at,"
        " attempts = projection_set_aside.attempts + 1, status = CASE"
        f" WHEN projection_set_aside.status = '{ACKNOWLEDGED}' THEN '{ACKNOWLEDGED}'"
        f" ELSE '{SET_ASIDE}' END",
        (
            notification.id,
            event_id_text(notification.originator_id, notification.originator_version),
            neutral(str(notification.topic), 200),
            neutral(str(notification.originator_id), 100),
            notification.originator_version,
            ",".join(views),
            neutral(error),
            _now(),
            SET_ASIDE,
        ),
    )


def outstanding(tx: Tx) -> list[int]:
    """Positions of the events set aside and not yet acknowledged (nor applied by a retry)."""
    rows = tx.all(
        "SELECT position FROM projection_set_aside WHERE status = ? ORDER BY position",
        (SET_ASIDE,),
    )
    return [int(row["position"]) for row in rows]


def listing(tx: Tx, *, everything: bool = False) -> list[SetAsideEvent]:
    where = "" if everything else f" WHERE status = '{SET_ASIDE}'"
    rows = tx.all(f"SELECT * FROM projection_set_aside{where} ORDER BY position")
    return [SetAsideEvent.of(row) for row in rows]


def find(tx: Tx, position: int) -> SetAsideEvent | None:
    row = tx.one("SELECT * FROM projection_set_aside WHERE position = ?", (position,))
    return SetAsideEvent.of(row) if row is not None else None


def retried(tx: Tx, position: int, views: list[str], error: str | None) -> None:
    """The outcome of an operator's retry: applied everywhere, or still set aside for `views`."""
    if error is None:
        tx.execute(
            "UPDATE projection_set_aside SET status = ?, attempts = attempts + 1"
            " WHERE position = ?",
            (APPLIED, position),
        )
        return
    tx.execute(
        "UPDATE projection_set_aside SET views = ?, error = ?, attempts = attempts + 1"
        " WHERE position = ?",
        (",".join(views), neutral(error), position),
    )


def acknowledge(tx: Tx, position: int, reason: str, by: str) -> bool:
    """The operator has looked and accepts the views without this event; False if it is not
    set aside (unknown, already acknowledged or applied)."""
    return bool(
        tx.execute(
            "UPDATE projection_set_aside SET status = ?, acknowledged_by = ?,"
            " acknowledged_reason = ?, acknowledged_at = ? WHERE position = ? AND status = ?",
            (ACKNOWLEDGED, neutral(by, 200), neutral(reason), _now(), position, SET_ASIDE),
        )
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
