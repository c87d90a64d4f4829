"""Which rows of each view an actor may read, as SQL: the read side of the permissions the
application defines (application.permissions.visibility)."""

from __future__ import annotations

from typing import Any

from application.permissions import Visibility

# What the system itself reads (the CLI, the projector): every row, nothing withheld.
EVERYTHING = Visibility(
    everything=True, restricted_content=True, administrative=True, security=True
)
NOTHING = ("1 = 0", [])
GUIDED = "platform_id IN (SELECT id FROM ref_platforms WHERE committee_id = ?)"
ITEM_LIKE = ("supervision_ledger", "audit_trail", "attachments")
SCOPED = ("topic_board", "consultation_calendar", *ITEM_LIKE)
OF_CONSULTATIONS = (
    "consultation_participants",
    "consultation_notes",
    "consultation_online_opinions",
    "participant_links",
)
OF_ITEMS = ("supervision_reports",)


def row_scope(table: str, seen_by: Visibility) -> tuple[str, list[Any]]:
    """A WHERE clause (and its parameters) limiting `table` to what `seen_by` may read."""
    if seen_by.everything or table.startswith("ref_"):
        return "", []
    if table in OF_CONSULTATIONS:
        inner, params = row_scope("consultation_calendar", seen_by)
        return f"consultation_id IN (SELECT id FROM consultation_calendar WHERE {inner})", params
    if table in OF_ITEMS:
        inner, params = row_scope("supervision_ledger", seen_by)
        return f"item_id IN (SELECT id FROM supervision_ledger WHERE {inner})", params
    if table not in SCOPED:
        return NOTHING
    if seen_by.platform_id:
        return "platform_id = ?", [seen_by.platform_id]
    if seen_by.committee_id:
        return _committee(table, seen_by.committee_id)
    if table in ITEM_LIKE and seen_by.unit_id:
        return "unit_id = ?", [seen_by.unit_id]
    if table in ITEM_LIKE and seen_by.supervisor_id:
        return "supervisor_id = ?", [seen_by.supervisor_id]
    return NOTHING


def _committee(table: str, committee_id: str) -> tuple[str, list[Any]]:
    if table == "consultation_calendar":
        return GUIDED, [committee_id]
    return f"(committee_id = ? OR {GUIDED})", [committee_id, committee_id]
