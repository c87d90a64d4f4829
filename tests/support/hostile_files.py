"""Hostile work-order files for import tests, built from a real workbook: a zip bomb (a sheet
padded with whitespace, packed to about a thousandth), an XML bomb (billion laughs), a
workbook with one part changed."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.support.work_orders import order, write_xlsx

SHEET = "xl/worksheets/sheet1.xml"
MB = 1_048_576


def rewritten(path: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """The xlsx again, each part passed through `change`."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            out.writestr(part.filename, change(part.filename, source.read(part.filename)))
    return target


def orders_xlsx(tmp_path: Path, count: int) -> Path:
    return write_xlsx(tmp_path / "orders.xlsx", [order(n) for n in range(count)])


def zip_bomb(tmp_path: Path, unpacked: int) -> Path:
    """A real workbook whose sheet is padded with whitespace: packed to about a thousandth."""
    source = orders_xlsx(tmp_path, 3)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as real, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for part in real.infolist():
            if part.filename != SHEET:
                out.writestr(part.filename, real.read(part.filename))
        sheet = real.read(SHEET)
        head, tail = sheet.split(b"<sheetData>")
        with out.open(SHEET, "w", force_zip64=True) as padded:
            padded.write(head + b"<sheetData>")
            for _ in range(unpacked // MB):
                padded.write(b" " * MB)
            padded.write(tail)
    return bomb


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'.encode()


def undeclared(part: bytes) -> bytes:
    """A part without its XML declaration, so that a DOCTYPE can go first."""
    return part.split(b"?>", 1)[1] if part.startswith(b"<?xml") else part


def xml_bomb(tmp_path: Path) -> Path:
    """A workbook whose first cell is a billion laughs."""

    def in_a_cell(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        return billion_laughs() + undeclared(data).replace(b"GD202600000000", b"&lol9;", 1)

    return rewritten(orders_xlsx(tmp_path, 3), tmp_path / "laughs.xlsx", in_a_cell)
