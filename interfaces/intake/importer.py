"""Imports a 12345 work-order file into a platform: rows in chunks, each row taken in or refused
on its own (bad rows do not stop good ones; no row is ever half-imported), with a report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from application.app import Yishiting
from application.receipts import Command
from application.work_orders import Intake, WorkOrder
from domain.base import Actor
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.export.cells import csv_bytes_of
from interfaces.intake.orders import RowError, work_order
from interfaces.intake.reader import FileRow, ImportLimits, read_rows

HOTLINE_IMPORT = Actor("hotline-12345", "12345热线工单导入", Role.INTEGRATION)
CHUNK = 200
REPORT_COLUMNS = ("行号", "工单编号", "代码", "原因")
CREATED, REPEATED, REFUSED = "created", "repeated", "refused"

Advance = Callable[[int, int], None]


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: taken in (as which matter), already there, or refused (why)."""

    line: int
    ticket: str
    outcome: str  # CREATED, REPEATED or REFUSED
    topic_id: UUID | None = None
    code: str = ""
    message: str = ""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    repeated: int = 0
    errors: list[RowError] = field(default_factory=list)
    last_position: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"共 {self.rows} 行 rows: 新导入 imported {self.created},"
            f" 已存在 already there {self.repeated}, 出错 refused {len(self.errors)}"
        )

    def errors_csv(self) -> bytes:
        """The refused rows as CSV; a ticket or reason quoting the file is never a formula."""
        return csv_bytes_of(
            [REPORT_COLUMNS, *((e.line, e.ticket, e.code, e.message) for e in self.errors)]
        )


def import_file(
    app: Yishiting,
    path: Path,
    platform_id: UUID,
    format: str | None = None,
    advance: Advance | None = None,
    actor: Actor = HOTLINE_IMPORT,
    limits: ImportLimits | None = None,
) -> ImportReport:
    rows = read_rows(path, format, limits)
    report = ImportReport(rows=len(rows))
    for start in range(0, len(rows), CHUNK):
        _import_chunk(app, Command(actor), platform_id, rows[start : start + CHUNK], report)
        if advance:
            advance(min(start + CHUNK, len(rows)), len(rows))
    report.errors.sort(key=lambda e: e.line)
    report.outcomes.sort(key=lambda o: o.line)
    return report


def _import_chunk(
    app: Yishiting, command: Command, platform_id: UUID, rows: list[FileRow], report: ImportReport
) -> None:
    readable: list[tuple[FileRow, WorkOrder]] = []
    for row in rows:
        try:
            readable.append((row, work_order(row)))
        except DomainError as error:
            _refused(report, row, str(row.values.get("工单编号") or ""), error)
    orders = [order for _, order in readable]
    taken = app.take_hotline_orders(command, platform_id=platform_id, orders=orders)
    for (row, order), outcome in zip(readable, taken, strict=True):
        if isinstance(outcome, Intake):
            report.created += not outcome.repeated
            report.repeated += outcome.repeated
            report.last_position = max(report.last_position, outcome.position or 0)
            taken = REPEATED if outcome.repeated else CREATED
            report.outcomes.append(RowOutcome(row.line, order.ticket_key, taken, outcome.topic_id))
        else:
            _refused(report, row, order.ticket, outcome)


def _refused(report: ImportReport, row: FileRow, ticket: str, error: DomainError) -> None:
    refused = RowError(row.line, ticket.strip(), error.code, error.message)
    report.errors.append(refused)
    report.outcomes.append(
        RowOutcome(row.line, refused.ticket, REFUSED, code=error.code, message=error.message)
    )
