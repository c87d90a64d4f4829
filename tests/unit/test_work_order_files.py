"""Hostile and broken work-order files, each refused whole with a stable code and a message in
中文 then English, before it can cost much: a zip bomb from its zip directory alone, with memory
kept small; an XML bomb by the XML parser openpyxl is given (defusedxml); UTF-16 and bad UTF-8;
rows and columns over the limits — counted as read, so an xlsx whose <dimension> understates its
rows is read whole. Real files, written here and read by the importer's reader."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest
from openpyxl import load_workbook

from interfaces.intake.reader import FileRow, ImportLimits, UnreadableFile, read_rows
from tests.support.hostile_files import (
    MB,
    SHEET,
    billion_laughs,
    orders_xlsx,
    rewritten,
    undeclared,
    xml_bomb,
    zip_bomb,
)
from tests.support.work_orders import HEADERS, order, write_csv, write_xlsx

EXPLAINED = re.compile(r"^.*[\u4e00-\u9fff].* \([^\u4e00-\u9fff]*[a-z]{3,}[^\u4e00-\u9fff]*\)$")


def refused(path: Path, code: str, limits: ImportLimits | None = None) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_rows(path, limits=limits)
    assert caught.value.code == code, caught.value.message
    assert EXPLAINED.match(caught.value.message), "中文 first, English beside it"
    return caught.value


def test_a_zip_bomb_is_refused_from_its_directory_with_memory_kept_small(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path, 200 * MB)
    assert bomb.stat().st_size < 400_000, "a few hundred kB…"
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo(SHEET).file_size > 200 * MB, "…that inflates to 200 MB"

    tracemalloc.start()
    try:
        refusal = refused(bomb, "UNPACKED_TOO_LARGE")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB, f"peak {peak} bytes while refusing"
    assert str(ImportLimits().max_unpacked_bytes) in refusal.message


def test_a_part_packed_far_too_well_is_refused_even_under_the_size_limit(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path, 20 * MB)
    refused(bomb, "COMPRESSION_RATIO")
    allowing = ImportLimits(max_ratio=10_000)
    assert [row.values["工单编号"] for row in read_rows(bomb, limits=allowing)] == [
        f"GD2026{n:08d}" for n in range(3)
    ], "whitespace is harmless once the limits allow it: the limit is what refused it"


def test_a_directory_that_understates_a_part_cannot_smuggle_it_in(tmp_path: Path) -> None:
    honest = orders_xlsx(tmp_path, 2_000)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(honest) as archive:
        declared = archive.getinfo(SHEET).file_size
    data = bytearray(honest.read_bytes())
    entry = central_directory_entry(data, SHEET)
    assert int.from_bytes(data[entry + 24 : entry + 28], "little") == declared
    data[entry + 24 : entry + 28] = (4096).to_bytes(4, "little")  # the central directory lies
    lying.write_bytes(bytes(data))
    with zipfile.ZipFile(lying) as archive:
        assert archive.getinfo(SHEET).file_size == 4096

    refused(lying, "NOT_XLSX")


def central_directory_entry(data: bytearray, name: str) -> int:
    entry = -1
    while True:
        entry = data.index(b"PK\x01\x02", entry + 1)
        length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + length] == name.encode():
            return entry


def test_an_xml_bomb_inside_the_workbook_is_refused(tmp_path: Path) -> None:
    assert openpyxl.xml.DEFUSEDXML, "openpyxl parses through defusedxml"
    refused(xml_bomb(tmp_path), "XML_FORBIDDEN")

    def in_the_workbook_part(name: str, data: bytes) -> bytes:
        return billion_laughs() + undeclared(data) if name == "xl/workbook.xml" else data

    workbook = rewritten(orders_xlsx(tmp_path, 3), tmp_path / "workbook.xlsx", in_the_workbook_part)
    refused(workbook, "XML_FORBIDDEN")


def test_an_understated_dimension_does_not_hide_rows(tmp_path: Path) -> None:
    source = orders_xlsx(tmp_path, 30)

    def understated(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        return data.replace(b'<dimension ref="A1:J31"', b'<dimension ref="A1:J3"')

    lying = rewritten(source, tmp_path / "understated.xlsx", understated)
    trusting = load_workbook(lying, read_only=True).worksheets[0]
    assert trusting.max_row == 3, "the file does understate its rows"

    rows = read_rows(lying)
    assert [row.line for row in rows] == list(range(2, 32))
    assert rows[-1].values["工单编号"] == "GD202600000029"
    refused(lying, "TOO_MANY_ROWS", ImportLimits(max_rows=10))


def test_rows_and_columns_over_the_limits_are_refused(tmp_path: Path) -> None:
    rows = [order(n) for n in range(20)]
    limits = ImportLimits(max_rows=20, max_columns=12)
    refused(write_csv(tmp_path / "rows.csv", rows), "TOO_MANY_ROWS", limits)
    refused(write_xlsx(tmp_path / "rows.xlsx", rows), "TOO_MANY_ROWS", limits)
    assert len(read_rows(write_csv(tmp_path / "fits.csv", rows[:19]), limits=limits)) == 19

    wide = [*HEADERS, "备注1", "备注2", "备注3"]
    wider = [{**order(1), "备注3": "多出的列"}]
    refused(write_csv(tmp_path / "wide.csv", wider, headers=wide), "TOO_MANY_COLUMNS", limits)
    blank_beyond = tmp_path / "blank.csv"
    text = write_csv(tmp_path / "fits.csv", [order(1)]).read_text("utf-8-sig")
    blank_beyond.write_text(text.replace("\n", ",,,,,,,,\n"), "utf-8")
    assert len(read_rows(blank_beyond, limits=limits)) == 1, "empty cells beyond do not count"


def test_files_over_the_size_limits_are_refused_unread(tmp_path: Path) -> None:
    rows = [order(n) for n in range(50)]
    small = ImportLimits(max_file_bytes=2048)
    refused(write_csv(tmp_path / "big.csv", rows), "FILE_TOO_LARGE", small)
    refused(write_xlsx(tmp_path / "big.xlsx", rows), "FILE_TOO_LARGE", small)
    few_parts = ImportLimits(max_parts=5)
    refused(write_xlsx(tmp_path / "parts.xlsx", rows), "TOO_MANY_PARTS", few_parts)
    refused(zip_bomb(tmp_path, 2 * MB), "UNPACKED_TOO_LARGE", ImportLimits(max_unpacked_bytes=MB))


@pytest.mark.parametrize(
    ("encoding", "code"),
    [
        ("utf-16", "UTF16_NOT_SUPPORTED"),  # with its byte-order mark, as Excel saves it
        ("utf-32", "UTF16_NOT_SUPPORTED"),
        ("utf-16-le", "UTF16_NOT_SUPPORTED"),  # no mark: the header's commas have NULs
        ("utf-16-be", "UTF16_NOT_SUPPORTED"),
    ],
)
def test_a_utf16_csv_is_refused_with_a_hint(tmp_path: Path, encoding: str, code: str) -> None:
    text = write_csv(tmp_path / "orders.csv", [order(1)]).read_text("utf-8-sig")
    path = tmp_path / "unicode.csv"
    path.write_bytes(text.encode(encoding))
    refused(path, code)


def test_bad_utf8_is_refused_naming_its_line_and_gb18030_is_read(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "orders.csv", [order(n) for n in range(3)]).read_bytes()
    lines = good.split(b"\n")
    lines[2] = lines[2].replace("诉求1".encode(), b"\xe8\xaf\x89\xff", 1)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\n".join(lines))
    assert "line 3" in refused(broken, "BAD_ENCODING").message

    no_mark = tmp_path / "no-mark.csv"
    no_mark.write_bytes(b"\n".join(lines)[3:])
    assert "line 3" in refused(no_mark, "BAD_ENCODING").message

    chinese = tmp_path / "gb18030.csv"
    chinese.write_bytes(good[3:].decode("utf-8").encode("gb18030"))
    assert [row.values["诉求标题"] for row in read_rows(chinese)] == ["诉求0", "诉求1", "诉求2"]


def test_a_file_that_is_no_spreadsheet_is_refused_not_a_traceback(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    refused(fake, "NOT_XLSX")
    torn = rewritten(
        orders_xlsx(tmp_path, 1), tmp_path / "torn.xlsx", lambda n, d: d[:200] if n == SHEET else d
    )
    refused(torn, "NOT_XLSX")
    long_field = tmp_path / "long.csv"
    long_field.write_text("工单编号,诉求内容\nGD1," + "长" * 200_000 + "\n", encoding="utf-8")
    refused(long_field, "MALFORMED_CSV")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    refused(empty, "EMPTY_FILE")
    refused(write_csv(tmp_path / "cols.csv", [order(1)], headers=("工单编号",)), "MISSING_COLUMNS")
    with pytest.raises(UnreadableFile) as caught:
        read_rows(tmp_path / "orders.ods", format="ods")
    assert caught.value.code == "UNKNOWN_FORMAT"


def test_control_characters_in_a_csv_reach_the_rows_for_the_domain_to_refuse(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "nul.csv", [order(1, 诉求内容="路灯\x00不亮"), order(2)])
    rows: list[FileRow] = read_rows(path)
    assert [row.values["诉求内容"] for row in rows] == ["路灯\x00不亮", order(2)["诉求内容"]]


def test_a_lone_cell_at_the_sheets_far_corner_is_refused_without_reading_a_million_rows(
    tmp_path: Path,
) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'

    def far_corner(name: str, data: bytes) -> bytes:
        return data.replace(b"</sheetData>", far + b"</sheetData>") if name == SHEET else data

    corner = rewritten(orders_xlsx(tmp_path, 3), tmp_path / "corner.xlsx", far_corner)
    tracemalloc.start()
    try:
        refused(corner, "TOO_MANY_ROWS")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB, f"peak {peak} bytes while refusing"
    refused(corner, "TOO_MANY_COLUMNS", ImportLimits(max_rows=2_000_000))


def many_parts(tmp_path: Path, count: int) -> Path:
    """A real workbook with `count` empty parts added."""
    path = orders_xlsx(tmp_path, 1)
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(count):
            archive.writestr(f"customXml/item{n}.xml", b"")
    return path


def test_a_zip_listing_thousands_of_parts_is_refused_before_its_directory_is_read(
    tmp_path: Path,
) -> None:
    crowded = many_parts(tmp_path, 5_000)
    tracemalloc.start()
    try:
        refused(crowded, "TOO_MANY_PARTS")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MB // 2, f"peak {peak} bytes: the directory's 5,000 entries were not read"

    data = bytearray(crowded.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # the end record claims one part
    lying = tmp_path / "lying-count.xlsx"
    lying.write_bytes(bytes(data))
    refused(lying, "TOO_MANY_PARTS")
    fits = tmp_path / "fits"
    fits.mkdir()
    assert len(read_rows(many_parts(fits, 150))) == 1, "an xlsx of 150 parts is read"


def test_a_part_packed_other_than_excel_packs_is_refused_unread(tmp_path: Path) -> None:
    """zipfile unpacks an LZMA or bzip2 part with no bound on what each chunk becomes: such a
    part is never opened."""
    source = orders_xlsx(tmp_path, 1)
    packed = tmp_path / "lzma.xlsx"
    with zipfile.ZipFile(source) as real, zipfile.ZipFile(packed, "w") as out:
        for part in real.infolist():
            method = zipfile.ZIP_LZMA if part.filename == SHEET else zipfile.ZIP_DEFLATED
            out.writestr(part.filename, real.read(part.filename), compress_type=method)
    assert SHEET in refused(packed, "UNSUPPORTED_XLSX").message
