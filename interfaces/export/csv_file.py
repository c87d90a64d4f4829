"""The form as CSV: UTF-8 with a byte-order mark so that Excel opens the Chinese correctly;
the title line, the ten columns, the rows and the footer, as on paper."""

from __future__ import annotations

import csv
from io import StringIO

from interfaces.export.form import COLUMNS, SupervisionForm


def csv_bytes(form: SupervisionForm) -> bytes:
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow([form.title])
    writer.writerow(COLUMNS)
    for row in form.rows:
        writer.writerow([_plain(value) for value in row.cells()])
    writer.writerow(form.footer)
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
