"""Text made safe for a spreadsheet. Excel and WPS evaluate a cell whose text begins with `=`,
`+`, `-`, `@`, tab or CR as a formula (a `=HYPERLINK(…)` in a suggestion becomes a live link,
`=cmd|…` worse): such a cell goes out as text — behind an apostrophe in CSV, as an explicit
string cell with the quote-prefix style in xlsx. The record keeps what was entered."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from io import StringIO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
UNWRITABLE = "\ufffd"  # stands in for control characters an xlsx cannot hold


def reads_as_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value: object) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return QUOTE + text if reads_as_formula(text) else text


def csv_bytes_of(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as CSV, UTF-8 with a byte-order mark so that Excel opens the Chinese correctly."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def put(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Writes a value into a cell; text always as a string cell, never as a formula."""
    cell = sheet.cell(row, column)
    assert isinstance(cell, Cell), "the top-left cell of a merge, or an unmerged one"
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub(UNWRITABLE, value)
        cell.data_type = "s"
        cell.quotePrefix = reads_as_formula(value)
    else:
        cell.value = value
    return cell
