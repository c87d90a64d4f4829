"""The annual participation report (委员履职年度报告) as an Excel workbook: sheet 汇总, one row
per member (姓名, 界别, 协商议事平台, each kind's count, 积分), and a sheet per member listing the
year's entries (日期, 类别, 事项, 积分). Every text a string cell through cells.put (never a
formula); the same figures as GraphQL's memberRecords, read by the same function."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.vocabulary import ParticipationKind
from interfaces.export.cells import put
from projections.reads.members import MemberFilter, MemberRecord, member_records
from projections.store import ViewStore

SUMMARY = "汇总"
SHEET_NAME_LIMIT = 31  # Excel's
NOT_IN_A_SHEET_NAME = str.maketrans(dict.fromkeys("[]:*?/\\'", "_"))
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
ENTRY_COLUMNS = ("日期", "类别", "事项", "积分")


def member_report(
    store: ViewStore, year: int, platform_id: str | None, *, restricted_content: bool = False
) -> list[MemberRecord]:
    """The year's records with their entries, by name (the members a reader may read; a
    restricted matter's title in clear only for those cleared for it)."""
    where = MemberFilter(
        year=year, platform_id=platform_id, order="name", restricted_content=restricted_content
    )
    return member_records(store, where, entries=True)


def members_workbook(records: list[MemberRecord], year: int) -> bytes:
    book = Workbook()
    summary = book.active
    assert isinstance(summary, Worksheet)
    summary.title = SUMMARY
    _summary(summary, records, year)
    taken = {SUMMARY}
    for record in records:
        sheet = book.create_sheet(_sheet_name(record.name or record.id, taken))
        _entries(sheet, record)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(sheet: Worksheet, records: list[MemberRecord], year: int) -> None:
    put(sheet, 1, 1, f"{year}年度委员履职情况汇总").font = Font(bold=True, size=14)
    header = ("姓名", "界别", "协商议事平台", *(k.label for k in ParticipationKind), "积分")
    for column, name in enumerate(header, start=1):
        put(sheet, 2, column, name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 16 if column < 4 else 10
    for row, record in enumerate(records, start=3):
        values = (
            record.name,
            record.sector,
            record.platform_name,
            *(record.counts[k.code] for k in ParticipationKind),
            record.points,
        )
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)


def _entries(sheet: Worksheet, record: MemberRecord) -> None:
    put(sheet, 1, 1, f"{record.name}({record.sector},{record.platform_name})").font = Font(
        bold=True
    )
    for column, (name, width) in enumerate(zip(ENTRY_COLUMNS, (14, 12, 48, 8), strict=True), 1):
        put(sheet, 2, column, name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    entries = record.entries or []
    for row, entry in enumerate(entries, start=3):
        put(sheet, row, 1, date.fromisoformat(entry.day)).number_format = DATE_FORMAT
        put(sheet, row, 2, ParticipationKind.parse(entry.kind).label)
        put(sheet, row, 3, entry.title)
        put(sheet, row, 4, entry.points)
    total = 3 + len(entries)
    put(sheet, total, 3, "合计").font = Font(bold=True)
    put(sheet, total, 4, record.points).font = Font(bold=True)


def _sheet_name(name: str, taken: set[str]) -> str:
    """The member's name as a sheet's (no character Excel forbids there, at most 31), made
    unique with a number where two members share a name."""
    base = name.translate(NOT_IN_A_SHEET_NAME).strip() or "委员"
    candidate, number = base[:SHEET_NAME_LIMIT], 1
    while candidate in taken:
        number += 1
        suffix = f"({number})"
        candidate = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    taken.add(candidate)
    return candidate
