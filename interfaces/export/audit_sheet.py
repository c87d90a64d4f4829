"""The audit trail as a workbook for the discipline office: the rows the caller may read under
the page's filters, in the page's order, one sheet, columns in Chinese; every text through
`put` (never a formula, no control character), records by their title, never by their id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from application.calendar import DISTRICT_TIME
from application.permissions import Visibility
from application.publishing.catalogue import NAMED
from domain.vocabulary import ExclusionGround, Role
from interfaces.export.cells import put
from projections.reads.audit import AuditFilter, AuditQueries
from projections.store import Row, ViewStore

SHEET = "审计轨迹"
COLUMNS = ("时间", "事件", "操作人", "角色", "对象", "内容", "理由/说明", "不纳入理由", "日志位置")
WIDTHS = (18, 18, 14, 16, 30, 48, 30, 20, 10)
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
PAGE = 500
# What each kind of record is called, for the 对象 column (a record without a name shows this).
KINDS = {
    "Topic": "议题",
    "Consultation": "协商活动",
    "SupervisionItem": "督办事项",
    "Attachment": "附件",
    "Platform": "协商议事平台",
    "Committee": "区政协专委会",
    "Unit": "交办单位",
    "Person": "人员",
    "Erasure": "个人信息删除",
    "Webhook": "事件订阅",
    "HotlineTicket": "12345 工单",
    "CommandReceipt": "指令回执",
    "Account": "账户",
}


@dataclass(frozen=True)
class TrailSelection:
    """What the page filters by; the period is of days in the district, both ends included
    (already turned into instants: `where.occurred_from` / `occurred_to`)."""

    where: AuditFilter
    newest_first: bool = True


class TooManyRows(Exception):
    def __init__(self, total: int) -> None:
        super().__init__(total)
        self.total = total


def trail_rows(
    store: ViewStore, selection: TrailSelection, seen_by: Visibility, limit: int
) -> list[Row]:
    """Every row of the selection the reader may read, in its order; more than `limit` is
    refused at the first page (TooManyRows), before the rest is read."""
    queries = AuditQueries(store)
    rows: list[Row] = []
    after: str | None = None
    while True:
        page = queries.trail(selection.where, PAGE, after, seen_by, selection.newest_first)
        if page.total > limit:
            raise TooManyRows(page.total)
        rows.extend(page.rows)
        if not page.has_next:
            return rows
        after = page.end_cursor


def sheet_row(row: Row) -> tuple[object, ...]:
    entry = NAMED.get(row["event_type"])
    role = Role.parse(row["actor_role"]).label if row["actor_role"] else ""
    ground = ExclusionGround.parse(row["ground"]).label if row.get("ground") else ""
    return (
        _district_time(row["occurred_at"]),
        entry.name_zh if entry and entry.name_zh else "其他事件",
        row["actor_name"] or "系统",
        role,
        record_name(row),
        row["summary"],
        row["reason"],
        ground,
        row["position"],
    )


def record_name(row: Row) -> str:
    """议题:关于… — the record by its kind and title; its kind alone if it has no name."""
    kind = KINDS.get(row["aggregate_type"], "记录")
    title = row.get("record_title")
    return f"{kind}:{title}" if title else kind


def _district_time(stored: str) -> datetime:
    """The moment in Beijing time, as the spreadsheet's own (zone-less) date and time."""
    return datetime.fromisoformat(stored).astimezone(DISTRICT_TIME).replace(tzinfo=None)


def trail_workbook(rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    for column, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = put(sheet, 1, column, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(sheet_row(row), start=1):
            cell = put(sheet, number, column, value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, datetime):
                cell.number_format = TIME_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 1)}"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
