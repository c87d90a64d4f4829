"""The audit trail: every decision and step in the log, who took it, in what role, when, why,
and where it belongs (platform, committee, unit) — the discipline office's view."""

from __future__ import annotations

from typing import Any

from application.events import aggregate_type, event_id_text, event_type, is_internal
from projections.store import Row, Tx, direct, pending_of
from projections.views.base import View, id_text, iso
from projections.views.summaries import reason, summary

OWNER_TABLES = {
    "Topic": "topic_board",
    "Consultation": "consultation_calendar",
    "SupervisionItem": "supervision_ledger",
    "Attachment": "attachments",
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

    def apply(self, event: Any, tx: Tx) -> None:
        notification, domain_event = event
        if is_internal(domain_event):
            return
        kind, ident = aggregate_type(domain_event), id_text(domain_event.originator_id)
        actor = getattr(domain_event, "actor", None)
        ground = getattr(domain_event, "ground", None)
        name = event_type(domain_event)
        values = (
            notification.id,
            event_id_text(ident, domain_event.originator_version),
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
        )
        from_event = _from_event(kind, ident, domain_event)
        table = OWNER_TABLES.get(kind)
        pending = pending_of(tx)
        if pending is not None:
            owner = pending.row(table, ident) if table is not None else None
            if table is None or owner is not None:
                # Where the record belongs, from its view row as the batch holds it now.
                pending.add(
                    "audit_trail",
                    dict(
                        zip(
                            COLUMNS,
                            (
                                *values,
                                *_owned(table, owner, from_event),
                                summary(domain_event, name),
                            ),
                            strict=True,
                        )
                    ),
                )
                return
        owner_columns, owner_join = _owner_sql(kind)
        # One statement, no reply awaited: where the record belongs is read by the database
        # itself from the record's view row (written earlier: the batch does not hold it).
        direct(tx).execute(
            "INSERT INTO audit_trail SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            f" {owner_columns}, ? FROM (SELECT 1 AS one) AS here{owner_join}",
            (
                *values,
                *from_event,
                summary(domain_event, name),
                *([ident] if owner_join else []),
            ),
        )


COLUMNS = (
    "position",
    "id",
    "aggregate_id",
    "aggregate_type",
    "event_type",
    "version",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_scope",
    "reason",
    "ground",
    "platform_id",
    "committee_id",
    "unit_id",
    "supervisor_id",
    "topic_id",
    "summary",
)


# Per kind of record: platform, committee, unit, supervisor and topic, from its view row
# (`o`) or, where the row has no such column, from the event (the `?` placeholders).
OWNER_COLUMNS = {
    "topic_board": "COALESCE(o.platform_id, ?), o.committee_id, NULL, NULL, ?",
    "consultation_calendar": "COALESCE(o.platform_id, ?), NULL, NULL, NULL,"
    " COALESCE(o.topic_id, ?)",
    "supervision_ledger": "COALESCE(o.platform_id, ?), o.committee_id, o.unit_id,"
    " o.supervisor_id, COALESCE(o.topic_id, ?)",
    "attachments": "COALESCE(o.platform_id, ?), o.committee_id, o.unit_id,"
    " o.supervisor_id, COALESCE(o.topic_id, ?)",
}
FROM_EVENT = "?, ?, NULL, NULL, ?"


def _owner_sql(kind: str) -> tuple[str, str]:
    table = OWNER_TABLES.get(kind)
    if table is None:
        return FROM_EVENT, ""
    return OWNER_COLUMNS[table], f" LEFT JOIN {table} o ON o.id = ?"


def _owned(table: str | None, o: Row | None, from_event: list[Any]) -> tuple[Any, ...]:
    """OWNER_COLUMNS in Python, on a held view row `o`: platform, committee, unit, supervisor,
    topic."""
    if table is None or o is None:
        platform, committee, topic = from_event
        return (platform, committee, None, None, topic)
    platform, topic = from_event
    platform = o["platform_id"] if o["platform_id"] is not None else platform
    if table == "topic_board":
        return (platform, o["committee_id"], None, None, topic)
    topic = o["topic_id"] if o["topic_id"] is not None else topic
    if table == "consultation_calendar":
        return (platform, None, None, None, topic)
    return (platform, o["committee_id"], o["unit_id"], o["supervisor_id"], topic)


def _from_event(kind: str, ident: str, event: Any) -> list[Any]:
    """The values the statement takes from the event itself, in its placeholders' order."""
    platform = ident if kind == "Platform" else _text(getattr(event, "platform_id", None))
    topic = ident if kind == "Topic" else _text(getattr(event, "topic_id", None))
    if kind in OWNER_TABLES:
        return [platform, topic]
    committee = _text(getattr(event, "committee_id", None)) if kind == "Platform" else None
    return [platform, committee, topic]


def _text(value: Any) -> str | None:
    return id_text(value) if value else None
