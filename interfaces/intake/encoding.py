"""The text of a CSV work-order file: UTF-8 (with or without a byte-order mark) or GB18030, as
Excel saves a CSV in China. UTF-16 (Excel's "Unicode text") is refused with a hint, and so is a
file that is neither: never guessed into mojibake, never a traceback."""

from __future__ import annotations

import codecs
import csv

from interfaces.intake.columns import canonical, missing
from interfaces.intake.limits import UnreadableFile

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32's begin the same way


def csv_text(raw: bytes) -> str:
    if raw.startswith(UTF16_BOMS) or b"\x00" in raw.split(b"\n", 1)[0]:
        raise utf16()  # a header's commas are NUL-padded in UTF-16, with or without a mark
    if raw.startswith(codecs.BOM_UTF8):
        return _utf8(raw[len(codecs.BOM_UTF8) :], also_gb18030=False)
    return _utf8(raw, also_gb18030=True)


def _utf8(raw: bytes, also_gb18030: bool) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if not also_gb18030:
            raise bad_utf8(raw, error) from None
        return _gb18030(raw, error)


def _gb18030(raw: bytes, utf8_error: UnicodeDecodeError) -> str:
    """Read as GB18030 only when its header then names the required columns: much UTF-8 with a
    stray byte also decodes as GB18030, into nonsense."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise bad_utf8(raw, utf8_error) from None
    header = next(csv.reader([text.split("\n", 1)[0]]), [])
    if missing([canonical(name) for name in header]):
        raise bad_utf8(raw, utf8_error)
    return text


def utf16() -> UnreadableFile:
    return UnreadableFile(
        "UTF16_NOT_SUPPORTED",
        "文件为UTF-16编码,请在Excel中另存为“CSV UTF-8（逗号分隔）”",
        "the file is UTF-16: save it from Excel as 'CSV UTF-8 (comma delimited)'",
    )


def bad_utf8(raw: bytes, error: UnicodeDecodeError) -> UnreadableFile:
    line = raw[: error.start].count(b"\n") + 1
    return UnreadableFile(
        "BAD_ENCODING",
        f"文件第{line}行含有无效的UTF-8字节,也不是GB18030编码,请另存为“CSV UTF-8”",
        f"line {line} holds bytes that are not valid UTF-8, and the file is not GB18030 either:"
        " save it as 'CSV UTF-8'",
    )
