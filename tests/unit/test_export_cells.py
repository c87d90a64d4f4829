"""A cell a spreadsheet would read as a formula goes out as text, in both renderings of the form:
the CSV puts an apostrophe before it, the xlsx writes a string cell with the quote prefix. The
form is built by hand here so that every trigger is covered, tab and CR included (the domain
trims those from the ends of what is entered; the renderers must not rely on it)."""

from __future__ import annotations

import csv
from datetime import date
from io import BytesIO, StringIO

import pytest
from openpyxl import load_workbook

from interfaces.export.cells import FORMULA_TRIGGERS, csv_cell
from interfaces.export.csv_file import csv_bytes
from interfaces.export.form import FormRow, SupervisionForm
from interfaces.export.xlsx import workbook_bytes

HOSTILE = {
    "=": '=HYPERLINK("http://x.example/","点此查看")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def form_with(text: str, department: str = "区政协社法委") -> SupervisionForm:
    row = FormRow(
        number=1,
        consultation_date=date(2026, 3, 2),
        subject=text,
        suggestion=text,
        unit="区交通委",
        committee="社会和法制委员会",
        supervisor="刘督办",
        progress=f"进展:{text}",
        problems=text,
        approach=text,
        remarks="办理状态:办理中",
    )
    return SupervisionForm(title=text, rows=[row], department=department, filled_on=date.today())


def test_every_trigger_is_covered() -> None:
    assert set(HOSTILE) == set(FORMULA_TRIGGERS)


@pytest.mark.parametrize("trigger", list(HOSTILE))
def test_the_csv_writes_a_would_be_formula_behind_an_apostrophe(trigger: str) -> None:
    text = HOSTILE[trigger]
    rows = list(csv.reader(StringIO(csv_bytes(form_with(text)).decode("utf-8-sig"))))
    title, _, (number, day, subject, suggestion, *rest), _ = rows
    assert title == ["'" + text]
    assert (number, day) == ("1", "2026-03-02")
    assert [subject, suggestion, rest[-3], rest[-2]] == ["'" + text] * 4
    assert rest[3] == f"进展:{text}", "text that does not begin with a trigger is as entered"
    assert rest[-1] == "办理状态:办理中"


@pytest.mark.parametrize("trigger", list(HOSTILE))
def test_the_xlsx_writes_a_would_be_formula_as_a_string_cell(trigger: str) -> None:
    text = HOSTILE[trigger]
    sheet = load_workbook(BytesIO(workbook_bytes(form_with(text)))).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    as_read = text.replace("\r", "\n")  # XML reads a raw CR as a line feed
    hostile = [c for c in cells if c.value == as_read]
    assert [c.coordinate for c in hostile] == ["A1", "C3", "D3", "I3", "J3"]
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    assert sheet["H3"].value == f"进展:{as_read}"
    assert not sheet["H3"].quotePrefix


def test_plain_text_numbers_and_days_are_written_as_they_are() -> None:
    assert [csv_cell(v) for v in ("周委员", 12, date(2026, 3, 2), "a=b", " =1")] == [
        "周委员",
        "12",
        "2026-03-02",
        "a=b",
        " =1",
    ]
    sheet = load_workbook(BytesIO(workbook_bytes(form_with("增设公交站")))).active
    assert sheet is not None
    assert (sheet["A3"].data_type, sheet["A3"].value) == ("n", 1)
    assert sheet["D3"].data_type == "s"
    assert not sheet["D3"].quotePrefix
    assert sheet["B3"].is_date
    assert sheet["B3"].number_format == 'yyyy"年"m"月"d"日"'
    assert sheet["K2"].value == "备注"


def test_control_characters_an_xlsx_cannot_hold_are_replaced_not_fatal() -> None:
    sheet = load_workbook(BytesIO(workbook_bytes(form_with("停车\x00难\x07")))).active
    assert sheet is not None
    assert sheet["D3"].value == "停车\ufffd难\ufffd"
