"""Reads a work-order file, CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it in
China) or xlsx (the first sheet), into rows keyed by the canonical column names."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from openpyxl import load_workbook

from interfaces.intake.columns import canonical, missing

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class FileRow:
    line: int  # the row's number in the file, the header being row 1
    values: dict[str, object]


class UnreadableFile(Exception):
    """The whole file is refused (unknown format, missing columns): nothing is imported."""


def read_rows(path: Path, format: str | None = None) -> list[FileRow]:
    kind = (format or path.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise UnreadableFile(f"不支持的文件格式:{kind} (use csv or xlsx)")
    table = _xlsx_table(path) if kind == "xlsx" else _csv_table(path)
    header = next(table, None)
    if header is None:
        raise UnreadableFile("文件为空 (the file is empty)")
    names = [canonical(h) for h in header]
    if absent := missing(names):
        raise UnreadableFile(f"缺少必需的列:{'、'.join(absent)} (missing columns)")
    return [
        FileRow(line, dict(zip(names, values, strict=False)))
        for line, values in enumerate(table, start=2)
        if any(str(v or "").strip() for v in values)
    ]


def _csv_table(path: Path) -> Iterator[list[object]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    yield from csv.reader(StringIO(text))


def _xlsx_table(path: Path) -> Iterator[list[object]]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()
