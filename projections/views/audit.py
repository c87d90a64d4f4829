"""The audit trail: every decision and step in the log, who took it, in what role, when, why,
and where it belongs (platform, committee, unit) — the discipline office's view."""

from __future__ import annotations

from typing import Any

from application.events import aggregate_type, event_id, event_type, is_internal
from projections.store import Tx
from projections.summaries import reason, summary
from projections.views.base import View, iso

OWNER_TABLES = {
    "Topic": "topic_board",
    "Consultation": "consultation_calendar",
    "SupervisionItem": "supervision_ledger",
}


class AuditTrail(View):
    name = "audit_trail"
    tables = (
        "CREATE TABLE IF NOT EXISTS audit_trail (position INTEGER PRIMARY KEY,"
        " id TEXT NOT NULL, aggregate_id TEXT NOT NULL, aggregate_type TEXT NOT NULL,"
        " event_type TEXT NOT NULL, version INTEGER NOT NULL, occurred_at TEXT NOT NULL,"
        " actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, actor_role TEXT NOT NULL,"
        " actor_scope TEXT NOT NULL, reason TEXT NOT NULL, ground TEXT, platform_id TEXT,"
        " committee_id TEXT, unit_id TEXT, supervisor_id TEXT, topic_id TEXT,"
        " summary TEXT NOT NULL)",
    )
    indexes = (
        "CREATE INDEX IF NOT EXISTS audit_aggregate ON audit_trail (aggregate_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_actor ON audit_trail (actor_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_type ON audit_trail (event_type, position)",
        "CREATE INDEX IF NOT EXISTS audit_time ON audit_trail (occurred_at)",
        "CREATE INDEX IF NOT EXISTS audit_topic ON audit_trail (topic_id, position)",
    )
    feed = "both"

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)

    def apply(self, event: Any, tx: Tx) -> None:
        notification, domain_event = event
        if is_internal(domain_event):
            return
        kind, ident = aggregate_type(domain_event), str(domain_event.originator_id)
        owner = _owner(tx, kind, ident, domain_event)
        actor = getattr(domain_event, "actor", None)
        ground = getattr(domain_event, "ground", None)
        name = event_type(domain_event)
        tx.execute(
            "INSERT INTO audit_trail VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?)",
            (
                notification.id,
                str(event_id(ident, domain_event.originator_version)),
                ident,
                kind,
                name,
                domain_event.originator_version,
                iso(domain_event.timestamp),
                actor.id if actor else "",
                actor.name if actor else "",
                actor.role.code if actor else "",
                actor.scope if actor else "",
                reason(domain_event),
                ground.code if ground else None,
                owner.get("platform_id"),
                owner.get("committee_id"),
                owner.get("unit_id"),
                owner.get("supervisor_id"),
                owner.get("topic_id"),
                summary(domain_event, name),
            ),
        )


def _owner(tx: Tx, kind: str, ident: str, event: Any) -> dict[str, Any]:
    """Where the event's record belongs, from the event itself or the record's view row."""
    table = OWNER_TABLES.get(kind)
    row: dict[str, Any] = {}
    if table is not None:
        row = tx.one(f"SELECT * FROM {table} WHERE id = ?", (ident,)) or {}
    if kind == "Platform":
        row = {
            "platform_id": ident,
            "committee_id": str(getattr(event, "committee_id", "")) or None,
        }
    found = {k: row.get(k) for k in ("platform_id", "committee_id", "unit_id", "supervisor_id")}
    found["platform_id"] = found["platform_id"] or _text(getattr(event, "platform_id", None))
    found["topic_id"] = (
        ident if kind == "Topic" else row.get("topic_id") or _text(getattr(event, "topic_id", None))
    )
    return found


def _text(value: Any) -> str | None:
    return str(value) if value else None
