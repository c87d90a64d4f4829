"""What a work-order file may be before it is read, and the refusal of a whole file: a file
comes from another system (or from anyone with a spreadsheet), so its sizes are checked before
any of it is parsed, and every refusal names a stable code and says why in 中文 and English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from application.settings import Settings


class UnreadableFile(Exception):
    """The whole file is refused (format, size, encoding, missing columns): nothing is imported."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code = code
        self.message = f"{zh} ({en})"
        super().__init__(self.message)


def _default(name: str) -> int:
    return int(Settings.model_fields[f"import_{name}"].default)


@dataclass(frozen=True)
class ImportLimits:
    max_file_bytes: int = _default("max_file_bytes")
    max_unpacked_bytes: int = _default("max_unpacked_bytes")
    max_ratio: int = _default("max_ratio")
    max_parts: int = _default("max_parts")
    max_rows: int = _default("max_rows")
    max_columns: int = _default("max_columns")

    @classmethod
    def of(cls, settings: Settings) -> ImportLimits:
        return cls(
            max_file_bytes=settings.import_max_file_bytes,
            max_unpacked_bytes=settings.import_max_unpacked_bytes,
            max_ratio=settings.import_max_ratio,
            max_parts=settings.import_max_parts,
            max_rows=settings.import_max_rows,
            max_columns=settings.import_max_columns,
        )

    def read(self, path: Path) -> bytes:
        """The file's bytes, never more than the limit allows (a size may be unknown: a pipe)."""
        with path.open("rb") as file:
            raw = file.read(self.max_file_bytes + 1)
        self.check_file_size(len(raw))
        return raw

    def check_file_size(self, size: int) -> None:
        if size > self.max_file_bytes:
            raise UnreadableFile(
                "FILE_TOO_LARGE",
                f"文件过大,上限 {self.max_file_bytes} 字节",
                f"the file is over the limit of {self.max_file_bytes} bytes",
            )

    def check_row(self, number: int, values: list[object]) -> None:
        """`number` counts every row of the file from 1, the header included."""
        if number > self.max_rows:
            raise UnreadableFile(
                "TOO_MANY_ROWS",
                f"文件超过 {self.max_rows} 行（含表头和空行）",
                f"the file has more than {self.max_rows} rows, header and blank rows included",
            )
        width = filled_width(values)
        if width > self.max_columns:
            raise UnreadableFile(
                "TOO_MANY_COLUMNS",
                f"第{number}行有 {width} 列,上限 {self.max_columns} 列",
                f"row {number} has {width} columns, over the limit of {self.max_columns}",
            )


def filled_width(values: list[object]) -> int:
    """The columns up to the last filled cell (formatted, empty cells beyond it do not count)."""
    for index in range(len(values) - 1, -1, -1):
        if str(values[index] if values[index] is not None else "").strip():
            return index + 1
    return 0
