"""The public transparency view (the plan's 开放性 principle): what was decided and done,
never who raised it. Excluded matters appear only as counts by ground."""

from __future__ import annotations

from dataclasses import dataclass

from projections.store import Row, ViewStore

PUBLIC_TOPICS = (
    "SELECT t.id, t.drafted_title, t.category, t.approved_at, t.consultations_count,"
    " p.name AS platform_name FROM topic_board t JOIN ref_platforms p ON p.id = t.platform_id"
    " WHERE t.status = 'approved' ORDER BY t.approved_at DESC, t.id DESC LIMIT ?"
)
PUBLIC_CONSULTATIONS = (
    "SELECT c.id, c.form, c.subject, c.starts_at, c.status, c.report_kind, c.held_at,"
    " c.suggestions_count, p.name AS platform_name FROM consultation_calendar c"
    " JOIN ref_platforms p ON p.id = c.platform_id WHERE c.status <> 'cancelled'"
    " ORDER BY c.starts_at DESC, c.id DESC LIMIT ?"
)


@dataclass
class PublicOverview:
    approved_topics: list[Row]
    consultations: list[Row]
    exclusions_by_ground: dict[str, int]
    items_resolved: int
    items_open: int


def load_public_overview(store: ViewStore, limit: int) -> PublicOverview:
    with store.reading() as tx:
        grounds = tx.all(
            "SELECT exclusion_ground AS k, COUNT(*) AS n FROM topic_board"
            " WHERE status = 'excluded' GROUP BY exclusion_ground ORDER BY k"
        )
        items = tx.all(
            "SELECT status = 'resolved' AS done, COUNT(*) AS n"
            " FROM supervision_ledger GROUP BY status = 'resolved'"
        )
        resolved = sum(int(r["n"]) for r in items if r["done"])
        return PublicOverview(
            approved_topics=tx.all(PUBLIC_TOPICS, [limit]),
            consultations=tx.all(PUBLIC_CONSULTATIONS, [limit]),
            exclusions_by_ground={r["k"]: int(r["n"]) for r in grounds},
            items_resolved=resolved,
            items_open=sum(int(r["n"]) for r in items) - resolved,
        )
