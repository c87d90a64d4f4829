"""Attached files by the record they belong to: their metadata (never their bytes) and where
the owning record belonged when the file was attached (platform, committee, unit, supervisor,
matter), which the audit trail reads. Who may read a file is decided at read time from the
owning record's current row (projections/reads/attachments.py)."""

from __future__ import annotations

from typing import Any

from domain.attachment import Attachment
from domain.vocabulary import AttachmentOwner
from projections.store import Row, Tx, direct
from projections.views.base import View, handles, held_row, id_text, insert, iso, update

OWNER_TABLES = {
    AttachmentOwner.MATTER.code: "topic_board",
    AttachmentOwner.CONSULTATION.code: "consultation_calendar",
    AttachmentOwner.REPORT.code: "consultation_calendar",
    AttachmentOwner.PROGRESS_REPORT.code: "supervision_ledger",
}
PLACE = ("platform_id", "committee_id", "unit_id", "supervisor_id", "topic_id")


class Attachments(View):
    name = "attachments"
    tables = (
        "CREATE TABLE IF NOT EXISTS attachments (id TEXT PRIMARY KEY, owner_kind TEXT NOT NULL,"
        " owner_id TEXT NOT NULL, platform_id TEXT, committee_id TEXT, unit_id TEXT,"
        " supervisor_id TEXT, topic_id TEXT, sha256 TEXT NOT NULL, size BIGINT NOT NULL,"
        " media_type TEXT NOT NULL, file_name TEXT NOT NULL, personal_data INTEGER NOT NULL,"
        " data_subject_id TEXT NOT NULL, thumbnail_sha256 TEXT NOT NULL, status TEXT NOT NULL,"
        " added_at TEXT NOT NULL, added_by_id TEXT NOT NULL, added_by_name TEXT NOT NULL,"
        " added_by_role TEXT NOT NULL, withdrawn_at TEXT, withdrawal_reason TEXT NOT NULL)",
    )
    indexes = ("CREATE INDEX IF NOT EXISTS attachments_owner ON attachments (owner_id, added_at)",)

    @handles(Attachment.AttachmentAdded)  # type: ignore[attr-defined]
    def added(self, e: Any, tx: Tx) -> None:
        ident, owner_id = id_text(e.originator_id), id_text(e.owner_id)
        place = _place(tx, OWNER_TABLES[e.owner_kind.code], owner_id)
        row = {
            "id": ident,
            "owner_kind": e.owner_kind.code,
            "owner_id": owner_id,
            **place,
            "sha256": e.sha256,
            "size": e.size,
            "media_type": e.media_type.code,
            "file_name": e.file_name,
            "personal_data": int(e.personal_data),
            "data_subject_id": e.data_subject_id,
            "thumbnail_sha256": e.thumbnail_sha256,
            "status": "attached",
            "added_at": iso(e.timestamp),
            "added_by_id": e.actor.id,
            "added_by_name": e.actor.name,
            "added_by_role": e.actor.role.code,
            "withdrawn_at": None,
            "withdrawal_reason": "",
        }
        insert(tx, "attachments", row, ident)

    @handles(Attachment.AttachmentWithdrawn)  # type: ignore[attr-defined]
    def withdrawn(self, e: Any, tx: Tx) -> None:
        update(
            tx,
            "attachments",
            id_text(e.originator_id),
            {
                "status": "withdrawn",
                "withdrawn_at": iso(e.timestamp),
                "withdrawal_reason": e.reason,
            },
        )


def _place(tx: Tx, table: str, owner_id: str) -> dict[str, Any]:
    """Where the owning record belongs, from its row as the batch holds it, or the view's."""
    owner: Row | None = held_row(tx, table, owner_id)
    if owner is None:
        owner = direct(tx).one(f"SELECT * FROM {table} WHERE id = ?", (owner_id,))
    owner = owner or {}
    place = {column: owner.get(column) for column in PLACE}
    if table == "topic_board":
        place["topic_id"] = owner_id
    return place
