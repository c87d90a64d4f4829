"""An xlsx is a zip: its directory says, before anything is unpacked, how many parts it has and
how large each is packed and unpacked. A file whose parts would unpack to too much, or far more
than their packed size (a zip bomb: 200 kB that inflates to 200 MB), is refused from the
directory alone. Python's zipfile never unpacks a part beyond the size the directory states (and
then fails its checksum), so a directory that understates a part cannot sneak it past."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from interfaces.intake.limits import ImportLimits, UnreadableFile

RATIO_FROM = 1_048_576  # smaller parts may compress however well they like
ENTRY_BYTES = 1024  # room in the directory per part: 46 bytes and a name, in an honest xlsx
UNPACKABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Excel and WPS write
ENCRYPTED = 0x1


def check_xlsx_archive(path: Path, limits: ImportLimits) -> None:
    limits.check_file_size(path.stat().st_size)
    _check_end_record(path, limits)
    parts = _directory(path)
    if len(parts) > limits.max_parts:
        raise too_many_parts(limits)
    _check_unpacked(sum(part.file_size for part in parts), limits)
    for part in parts:
        _check_part(part, limits)


def _check_end_record(path: Path, limits: ImportLimits) -> None:
    """The zip's end record says how many parts its directory lists and how long it is: checked
    before the directory is read, which costs time and memory for every entry (and zipfile
    reads the whole length, whatever count the record claims)."""
    # zipfile's own reader of the end record, private but there since Python 2; the tests of
    # tests/unit/test_work_order_files.py fail should an upgrade take it away
    try:
        with path.open("rb") as file:
            record = zipfile._EndRecData(file)  # type: ignore[attr-defined]
    except (zipfile.BadZipFile, OSError, struct.error):
        raise not_xlsx() from None
    if not record:
        raise not_xlsx()
    parts = record[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]
    length = record[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if parts > limits.max_parts or length > limits.max_parts * ENTRY_BYTES:
        raise too_many_parts(limits)


def too_many_parts(limits: ImportLimits) -> UnreadableFile:
    return UnreadableFile(
        "TOO_MANY_PARTS",
        f"xlsx文件的部件过多,上限 {limits.max_parts} 个",
        f"the xlsx has more parts than the limit of {limits.max_parts}",
    )


def _directory(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_xlsx() from None


def not_xlsx() -> UnreadableFile:
    return UnreadableFile(
        "NOT_XLSX",
        "不是可读取的xlsx文件（已损坏，或并非Excel工作簿）",
        "not a readable xlsx file: damaged, or not an Excel workbook",
    )


def _check_part(part: zipfile.ZipInfo, limits: ImportLimits) -> None:
    if part.compress_type not in UNPACKABLE or part.flag_bits & ENCRYPTED:
        raise UnreadableFile(
            "UNSUPPORTED_XLSX",
            f"xlsx部件 {shown(part.filename)} 经过加密或采用不支持的压缩方式",
            f"the xlsx part {shown(part.filename)} is encrypted or packed in an unsupported way",
        )
    _check_ratio(part, limits)


def _check_ratio(part: zipfile.ZipInfo, limits: ImportLimits) -> None:
    if part.file_size <= RATIO_FROM or part.file_size <= limits.max_ratio * part.compress_size:
        return
    ratio = part.file_size // max(part.compress_size, 1)
    name = shown(part.filename)
    raise UnreadableFile(
        "COMPRESSION_RATIO",
        f"xlsx部件 {name} 解压后是压缩时的 {ratio} 倍,超过 {limits.max_ratio} 倍（疑为压缩炸弹）",
        f"the xlsx part {name} unpacks to {ratio} times its packed size, over"
        f" {limits.max_ratio} (a zip bomb?)",
    )


def shown(name: str) -> str:
    """A part's name as a message may quote it: printable, and not too long."""
    return "".join(c if c.isprintable() else "?" for c in name[:80])


def _check_unpacked(total: int, limits: ImportLimits) -> None:
    if total > limits.max_unpacked_bytes:
        raise UnreadableFile(
            "UNPACKED_TOO_LARGE",
            f"xlsx文件解压后共 {total} 字节,上限 {limits.max_unpacked_bytes} 字节（疑为压缩炸弹）",
            f"the xlsx unpacks to {total} bytes, over the limit of {limits.max_unpacked_bytes}"
            " (a zip bomb?)",
        )
