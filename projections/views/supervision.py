"""The supervision ledger: one row per item, the columns of the seed's 督办落实情况 form
(序号 协商时间 协商议题 协商建议 交办单位 政协责任委室 督办负责人 进展情况 存在问题 解决思路,
填报部门 填报时间) plus status, due date, and dates of each step."""

from __future__ import annotations

from typing import Any

from domain.supervision import SupervisionItem
from projections.store import Tx
from projections.views.base import (
    Expr,
    Remembered,
    View,
    coalesce,
    day,
    days_between,
    handles,
    id_text,
    insert,
    iso,
    plus,
    update,
)


class SupervisionLedger(View):
    name = "supervision_ledger"
    tables = (
        "CREATE TABLE IF NOT EXISTS supervision_ledger (id TEXT PRIMARY KEY,"
        " seq_no INTEGER NOT NULL, consultation_time TEXT NOT NULL, subject TEXT NOT NULL,"
        " suggestion TEXT NOT NULL, unit_id TEXT, unit_name TEXT NOT NULL, committee_id TEXT,"
        " committee_name TEXT NOT NULL, supervisor_id TEXT, supervisor_name TEXT NOT NULL,"
        " progress TEXT NOT NULL, problems TEXT NOT NULL, approach TEXT NOT NULL,"
        " reporting_department TEXT NOT NULL, reported_on TEXT, status TEXT NOT NULL,"
        " due_on TEXT, platform_id TEXT NOT NULL, consultation_id TEXT NOT NULL, topic_id TEXT,"
        " progress_count INTEGER NOT NULL, outcome TEXT NOT NULL, opened_at TEXT NOT NULL,"
        " assigned_at TEXT, last_progress_at TEXT, resolved_at TEXT,"
        " days_to_resolve DOUBLE PRECISION, updated_at TEXT NOT NULL, version INTEGER NOT NULL)",
        # Every progress report, not only the latest the ledger's row shows: the item's timeline.
        "CREATE TABLE IF NOT EXISTS supervision_reports (id TEXT PRIMARY KEY,"
        " item_id TEXT NOT NULL, version INTEGER NOT NULL, progress TEXT NOT NULL,"
        " problems TEXT NOT NULL, approach TEXT NOT NULL, reporting_department TEXT NOT NULL,"
        " reported_on TEXT, reported_at TEXT NOT NULL)",
    )
    read_indexes = ("CREATE INDEX IF NOT EXISTS supervision_seq ON supervision_ledger (seq_no)",)
    indexes = (
        *read_indexes,
        "CREATE INDEX IF NOT EXISTS supervision_status ON supervision_ledger (status, due_on)",
        "CREATE INDEX IF NOT EXISTS supervision_unit ON supervision_ledger (unit_id, seq_no)",
        # The dashboard's overdue item of a unit: its earliest due day, then the first there.
        "CREATE INDEX IF NOT EXISTS supervision_unit_due ON supervision_ledger"
        " (unit_id, due_on, seq_no)",
        "CREATE INDEX IF NOT EXISTS reports_of ON supervision_reports (item_id, version)",
    )

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)
        self._names: dict[tuple[str, str], str] = {}
        self._next_seq: int | None = None
        self.opened_at = Remembered("supervision_ledger", "opened_at")

    def begin_batch(self, _tx: Tx) -> None:
        self._next_seq = None

    @handles(SupervisionItem.SupervisionItemOpened)
    def opened(self, e: Any, tx: Tx) -> None:
        ident, moment = id_text(e.originator_id), iso(e.timestamp)
        self.opened_at.remember(ident, moment)
        seq = self._next_seq or _max_seq(tx) + 1
        self._next_seq = seq + 1
        insert(
            tx,
            "supervision_ledger",
            {
                "id": ident,
                "seq_no": seq,
                "consultation_time": iso(e.consultation_time),
                "subject": e.subject,
                "suggestion": e.suggestion,
                "unit_id": None,
                "unit_name": "",
                "committee_id": None,
                "committee_name": "",
                "supervisor_id": None,
                "supervisor_name": "",
                "progress": "",
                "problems": "",
                "approach": "",
                "reporting_department": "",
                "reported_on": None,
                "status": "opened",
                "due_on": None,
                "platform_id": id_text(e.platform_id),
                "consultation_id": id_text(e.consultation_id),
                "topic_id": id_text(e.topic_id) if e.topic_id else None,
                "progress_count": 0,
                "outcome": "",
                "opened_at": moment,
                "assigned_at": None,
                "last_progress_at": None,
                "resolved_at": None,
                "days_to_resolve": None,
                "updated_at": moment,
                "version": e.originator_version,
            },
            ident,
        )

    @handles(SupervisionItem.ItemAssigned)
    def assigned(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        unit, committee = id_text(e.unit_id), id_text(e.committee_id)
        supervisor = id_text(e.supervisor_id)
        self._update(
            tx,
            e,
            moment,
            unit_id=unit,
            unit_name=self._name(tx, "ref_units", unit),
            committee_id=committee,
            committee_name=self._name(tx, "ref_committees", committee),
            supervisor_id=supervisor,
            supervisor_name=self._name(tx, "ref_people", supervisor),
            due_on=day(e.due_on),
            assigned_at=coalesce("assigned_at", moment),
            status=ASSIGNED,
        )

    @handles(SupervisionItem.ProgressReported)
    def progress_reported(self, e: Any, tx: Tx) -> None:
        r, moment = e.report, iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status="in_progress",
            progress=r.progress,
            problems=r.problems,
            approach=r.approach,
            reporting_department=r.reporting_department,
            reported_on=day(r.reported_on),
            last_progress_at=moment,
            progress_count=plus("progress_count"),
        )
        ident = id_text(e.originator_id)
        insert(
            tx,
            "supervision_reports",
            {
                "id": f"{ident}:{e.originator_version}",
                "item_id": ident,
                "version": e.originator_version,
                "progress": r.progress,
                "problems": r.problems,
                "approach": r.approach,
                "reporting_department": r.reporting_department,
                "reported_on": day(r.reported_on),
                "reported_at": moment,
            },
        )

    @handles(SupervisionItem.ItemResolved)
    def resolved(self, e: Any, tx: Tx) -> None:
        days = days_between(self.opened_at.recall(tx, id_text(e.originator_id)), e.timestamp)
        moment = iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status="resolved",
            outcome=e.outcome,
            resolved_at=moment,
            days_to_resolve=days,
        )

    @handles(SupervisionItem.ItemReopened)
    def reopened(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            iso(e.timestamp),
            status="reopened",
            outcome="",
            resolved_at=None,
            days_to_resolve=None,
        )

    def _name(self, tx: Tx, table: str, identifier: str) -> str:
        """Reference names never change (no event renames them): each is read once."""
        key = (table, identifier)
        if key not in self._names:
            row = tx.one(f"SELECT name FROM {table} WHERE id = ?", (key[1],))
            if row is None:
                return ""
            self._names[key] = str(row["name"])
        return self._names[key]

    @staticmethod
    def _update(tx: Tx, e: Any, moment: str | None, **sets: Any) -> None:
        sets.update(updated_at=moment, version=e.originator_version)
        update(tx, "supervision_ledger", id_text(e.originator_id), sets)


ASSIGNED = Expr(
    "CASE WHEN status = 'opened' THEN 'assigned' ELSE status END",
    (),
    lambda row: "assigned" if row["status"] == "opened" else row["status"],
)


def _max_seq(tx: Tx) -> int:
    row = tx.one("SELECT COALESCE(MAX(seq_no), 0) AS top FROM supervision_ledger")
    return int(row["top"]) if row else 0
