"""The form as CSV: UTF-8 with a byte-order mark so that Excel opens the Chinese correctly;
the title line, the ten columns, the rows and the footer, as on paper; no cell read as a
formula."""

from __future__ import annotations

from interfaces.export.cells import csv_bytes_of
from interfaces.export.form import COLUMNS, SupervisionForm


def csv_bytes(form: SupervisionForm) -> bytes:
    return csv_bytes_of(
        [
            [form.title],
            COLUMNS,
            *(row.cells() for row in form.rows),
            form.footer,
        ]
    )
