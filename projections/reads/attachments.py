"""Who may read an attached file: whoever may read the record it belongs to, by the same rule
(a restricted matter's files are restricted too: listed without their names, never served);
a personal-data file is served only to those cleared for the holding platform's personal data."""

from __future__ import annotations

from dataclasses import dataclass

from application.permissions import RESTRICTED_TEXT, Visibility, sees_personal_data, visibility
from domain.base import Actor
from projections.reads.queries import ViewQueries
from projections.store import Row
from projections.views.attachments import OWNER_TABLES


@dataclass(frozen=True)
class AttachmentReads:
    queries: ViewQueries

    def of_owner(self, owner_id: str, actor: Actor) -> list[Row]:
        """The files attached (and not withdrawn) to a record the actor may read, oldest
        first, each with `restricted` and `servable` (whether it may be downloaded)."""
        with self.queries.store.reading() as tx:
            rows = tx.all(
                "SELECT * FROM attachments WHERE owner_id = ? AND status = 'attached'"
                " ORDER BY added_at, id",
                (owner_id,),
            )
        if not rows:
            return []
        owner = self._owner(rows[0], visibility(actor))
        if owner is None:
            return []
        return [_as_read(row, owner, actor) for row in rows]

    def one(self, attachment_id: str, actor: Actor) -> Row | None:
        """The file's row as the actor may read it; None when the actor may not read the
        record it belongs to, or there is no such file (the same answer)."""
        with self.queries.store.reading() as tx:
            row = tx.one("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
        if row is None:
            return None
        owner = self._owner(row, visibility(actor))
        return None if owner is None else _as_read(row, owner, actor)

    def _owner(self, row: Row, seen_by: Visibility) -> Row | None:
        table = OWNER_TABLES[row["owner_kind"]]
        return self.queries.by_ids(table, [row["owner_id"]], seen_by).get(row["owner_id"])


def _as_read(row: Row, owner: Row, actor: Actor) -> Row:
    restricted = bool(owner.get("restricted"))
    cleared = not row["personal_data"] or sees_personal_data(actor, owner["platform_id"])
    shown = {**row, "restricted": restricted, "servable": not restricted and cleared}
    if row["status"] != "attached":
        shown["servable"] = False
    if restricted:
        shown["file_name"] = RESTRICTED_TEXT
    return shown
