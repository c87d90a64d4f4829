"""The form as CSV: UTF-8 with a byte-order mark so that Excel opens the Chinese correctly;
the title line, the plan's ten columns and 备注, the rows and the footer, as on paper; no
cell read as a formula; days as YYYY-MM-DD."""

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
