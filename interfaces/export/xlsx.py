"""The form as an Excel workbook ready to print: A4 landscape, one page wide, the header row
repeated on every page, wrapped text in set column widths, and the footer under the table;
every text a string cell, none a formula; every day a date cell (a number Excel sorts and
filters by, shown as 2026年3月2日)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from interfaces.export.cells import put
from interfaces.export.form import COLUMNS, SHEET, SupervisionForm

WIDTHS = (6, 14, 22, 28, 14, 14, 10, 32, 22, 22, 20)
LAST = len(COLUMNS)
LAST_LETTER = get_column_letter(LAST)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
FONT = "宋体"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
CENTERED = (1, 2, 5, 6, 7)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def workbook_bytes(form: SupervisionForm) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    _title(sheet, form.title)
    _header(sheet)
    _rows(sheet, form)
    _footer(sheet, form, FIRST_ROW + len(form.rows) + 1)
    _print_setup(sheet, FIRST_ROW + len(form.rows) + 1)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(sheet: Worksheet, title: str) -> None:
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=LAST)
    cell = put(sheet, TITLE_ROW, 1, title)
    cell.font = Font(name=FONT, size=16, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 36


def _header(sheet: Worksheet) -> None:
    for column, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = put(sheet, HEADER_ROW, column, name)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = BOX
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 30


def _rows(sheet: Worksheet, form: SupervisionForm) -> None:
    for offset, row in enumerate(form.rows):
        for column, value in enumerate(row.cells(), start=1):
            cell = put(sheet, FIRST_ROW + offset, column, value)
            cell.font = Font(name=FONT, size=10)
            cell.border = BOX
            horizontal = "center" if column in CENTERED else "left"
            cell.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT


def _footer(sheet: Worksheet, form: SupervisionForm, row: int) -> None:
    department, filled = form.footer
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    sheet.merge_cells(start_row=row, start_column=6, end_row=row, end_column=LAST)
    for column, text in ((1, department), (6, filled)):
        cell = put(sheet, row, column, text)
        cell.font = Font(name=FONT, size=11)
        cell.alignment = Alignment(horizontal="left" if column == 1 else "right")
    sheet.row_dimensions[row].height = 28


def _print_setup(sheet: Worksheet, last_row: int) -> None:
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{LAST_LETTER}{last_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页,共 &N 页"
    sheet.freeze_panes = f"A{FIRST_ROW}"
