"""Need-to-know on the read side: a matter excluded on a sensitive ground (须保密, 实名举报,
纪检监察调查) shows its texts only to readers cleared for them (application.permissions);
everyone else reads that it exists, its ground, dates and status, and the placeholder.

Every read of the topic board, the audit trail, the event feed and time travel goes through
here. Restriction is decided at read time from the matter's current state in the views: an
event recorded before the exclusion is restricted once the exclusion is, and a reversal lifts it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from application.permissions import RESTRICTED_TEXT, SENSITIVE_GROUNDS, Visibility
from application.publishing.catalogue import BY_NAME
from domain.vocabulary import ExclusionGround
from projections.store import Row, Tx

MARKS = ", ".join(f"'{code}'" for code in SENSITIVE_GROUNDS)
RESTRICTED_SQL = f"exclusion_ground IN ({MARKS})"
UNRESTRICTED_SQL = f"(exclusion_ground IS NULL OR exclusion_ground NOT IN ({MARKS}))"
TOPIC_TEXTS = (
    "title",
    "drafted_title",
    "content",
    "basic_situation",
    "exclusion_explanation",
    "decision_reason",
)
# Ticket numbers identify an order; its texts do not travel with them.
SEARCHABLE_ALWAYS = ("hotline_tickets",)


def withheld(row: Row, seen_by: Visibility) -> bool:
    """Whether this topic board row's texts are withheld from the reader."""
    return row.get("exclusion_ground") in SENSITIVE_GROUNDS and not seen_by.restricted_content


def topic_row(row: Row, seen_by: Visibility) -> Row:
    """The row as the reader may read it, with `restricted` saying whether texts were withheld."""
    if not withheld(row, seen_by):
        return {**row, "restricted": False}
    masked = {column: RESTRICTED_TEXT for column in TOPIC_TEXTS if row.get(column)}
    return {**row, **masked, "title": RESTRICTED_TEXT, "restricted": True}


def searched_columns(columns: tuple[str, ...], seen_by: Visibility) -> list[tuple[str, str]]:
    """Each text column with the condition under which the reader may match on it: a word of
    a restricted text must find nothing for those who may not read it (no oracle)."""
    if seen_by.restricted_content:
        return [(column, "") for column in columns]
    return [(c, "" if c in SEARCHABLE_ALWAYS else UNRESTRICTED_SQL) for c in columns]


def restricted_topics(tx: Tx, topic_ids: Iterable[str]) -> dict[str, str]:
    """Of these topics, the ones restricted now, with the platform that holds each."""
    ids = sorted(set(topic_ids))
    if not ids:
        return {}
    rows = tx.all(
        f"SELECT id, platform_id FROM topic_board WHERE id IN ({', '.join('?' * len(ids))})"
        f" AND {RESTRICTED_SQL}",
        ids,
    )
    return {r["id"]: r["platform_id"] for r in rows}


def audit_rows(tx: Tx, rows: list[Row], seen_by: Visibility) -> list[Row]:
    """Audit rows of restricted matters with their texts (summary, reason) withheld."""
    if seen_by.restricted_content or not rows:
        return rows
    restricted = restricted_topics(tx, (_topic_of(r) for r in rows if _topic_of(r)))
    return [_audit_row(r) if _topic_of(r) in restricted else r for r in rows]


def _topic_of(row: Row) -> Any:
    return row["aggregate_id"] if row["aggregate_type"] == "Topic" else row.get("topic_id")


def _audit_row(row: Row) -> Row:
    summary = _withheld(row["event_type"])
    if row.get("ground"):
        ground = ExclusionGround.parse(row["ground"])
        summary += f",理由:第{ground.number}项“{ground.label}”"
    masked = {**row, "summary": f"{summary}({RESTRICTED_TEXT})", "restricted": True}
    if row["reason"]:
        masked["reason"] = RESTRICTED_TEXT
    return masked


def _withheld(event_type: str) -> str:
    """The catalogue's sentence for a restricted matter's step, its texts left out."""
    published = BY_NAME.get(event_type)
    withheld = published.entry.withheld if published else None
    return withheld or "协商事项的一步"


STATE_TEXTS = frozenset(
    {
        "title",
        "content",
        "basic_situation",
        "exclusion_explanation",
        "drafted_title",
        "decision_reason",
        "research",
    }
)
ORDER_TEXTS = ("category", "street", "agency")


def restricted_state(state: dict[str, Any]) -> dict[str, Any]:
    """A matter's past state (asOf, as JSON) with its texts withheld, marked `restricted`."""
    masked = {k: _placeholder(v) if k in STATE_TEXTS else v for k, v in state.items()}
    order = masked.get("hotline_order")
    if isinstance(order, dict):
        masked["hotline_order"] = {
            k: _placeholder(v) if k in ORDER_TEXTS else v for k, v in order.items()
        }
    return {**masked, "restricted": True}


def _placeholder(value: Any) -> Any:
    if isinstance(value, list):
        return [RESTRICTED_TEXT for _ in value]
    return RESTRICTED_TEXT if value else value
