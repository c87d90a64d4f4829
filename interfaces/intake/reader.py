"""Reads a work-order file, CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it in
China) or xlsx (the first sheet), into rows keyed by the canonical column names. Sizes are
checked before parsing, rows and columns while reading; a file over a limit is refused whole."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from interfaces.intake.archive import check_xlsx_archive, not_xlsx
from interfaces.intake.columns import canonical, missing
from interfaces.intake.encoding import csv_text
from interfaces.intake.limits import ImportLimits, UnreadableFile

FORMATS = ("csv", "xlsx")

__all__ = ["FileRow", "ImportLimits", "UnreadableFile", "read_rows"]


@dataclass(frozen=True)
class FileRow:
    line: int  # the row's number in the file, the header being row 1
    values: dict[str, object]


def read_rows(
    path: Path, format: str | None = None, limits: ImportLimits | None = None
) -> list[FileRow]:
    limits = limits or ImportLimits()
    kind = (format or path.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise UnreadableFile("UNKNOWN_FORMAT", f"不支持的文件格式:{kind[:20]}", "use csv or xlsx")
    table = _xlsx_table(path, limits) if kind == "xlsx" else _csv_table(path, limits)
    return _rows(_bounded(table, limits))


def _rows(table: Iterator[list[object]]) -> list[FileRow]:
    header = next(table, None)
    if header is None:
        raise UnreadableFile("EMPTY_FILE", "文件为空", "the file is empty")
    names = [canonical(h) for h in header]
    if absent := missing(names):
        raise UnreadableFile(
            "MISSING_COLUMNS", f"缺少必需的列:{'、'.join(absent)}", "missing columns"
        )
    return [
        FileRow(line, dict(zip(names, values, strict=False)))
        for line, values in enumerate(table, start=2)
        if any(str(v if v is not None else "").strip() for v in values)
    ]


def _bounded(table: Iterable[list[object]], limits: ImportLimits) -> Iterator[list[object]]:
    for number, values in enumerate(table, start=1):
        limits.check_row(number, values)
        yield values


def _csv_table(path: Path, limits: ImportLimits) -> Iterator[list[object]]:
    reader = csv.reader(StringIO(csv_text(limits.read(path))))
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableFile(
            "MALFORMED_CSV",
            f"第{reader.line_num}行无法按CSV读取",
            f"line {reader.line_num} is not valid CSV: {error}",
        ) from None


def _xlsx_table(path: Path, limits: ImportLimits) -> Iterator[list[object]]:
    check_xlsx_archive(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # its <dimension> may understate the rows: read them all
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        finally:
            book.close()
    except Exception as error:
        # openpyxl reports a malformed part with whatever its parser raised (KeyError,
        # ValueError, ParseError, BadZipFile, …), the XML guard's refusal wrapped in a ValueError
        raise (xml_forbidden() if _forbidden_xml(error) else not_xlsx()) from None


def _forbidden_xml(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def xml_forbidden() -> UnreadableFile:
    return UnreadableFile(
        "XML_FORBIDDEN",
        "xlsx文件含有不允许的XML实体或文档类型定义",
        "the xlsx holds XML entity or DTD declarations, which are not allowed",
    )
