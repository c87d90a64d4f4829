"""The plan's form 督办落实情况 from the problem list's page (督办台账), at 1366×768 and on a
phone: 导出 Excel and 导出 CSV download the form with the page's filters, as the signed-in
session (a bare link could not carry it); 打印 prints the whole filtered list as the form on A4
landscape, its title, columns and footer on every page and nothing of the page's menus or
buttons."""

from __future__ import annotations

import csv
import re
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import SIZES, OpenPage, size_of
from tests.browser.pages import go, sign_in, sign_in_with_token
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

COLUMNS = [
    "序号",
    "协商时间",
    "协商议题",
    "协商建议",
    "交办单位",
    "政协责任委室",
    "督办负责人",
    "进展情况",
    "存在问题",
    "解决思路",
    "备注",
]
FORM = "协商议事厅协商议事活动督办落实情况"
PLATFORM = "永顺镇委员工作站"
ITEMS = """query($filter: SupervisionItemFilter, $after: String) {
  supervisionItems(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { subject suggestion unitName committeeName supervisorName }
  }
}"""
# Words of the page's chrome: the menu, the filters, the buttons, the pager.
CHROME = [
    "协商议事记录系统",
    "退出",
    "督办台账",
    "查询",
    "重置",
    "导出",
    "打印",
    "下一页",
    "关键词",
]
SHOWN = ("subject", "suggestion", "unitName", "committeeName", "supervisorName")
A4_LANDSCAPE = (842, 595)  # points


def items(server: DemoServer, **filter: Any) -> list[dict[str, str]]:
    """The items the problem list holds under `filter`, in its order (as the admin)."""
    found: list[dict[str, str]] = []
    after = None
    while True:
        page = server.query(ITEMS, filter=filter, after=after)["supervisionItems"]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def suggestions(server: DemoServer, **filter: Any) -> list[str]:
    return [item["suggestion"] for item in items(server, **filter)]


def downloaded(page: Any, name: str) -> tuple[str, bytes]:
    with page.expect_download() as downloading:
        page.get_by_role("button", name=name).click()
    download = downloading.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@SIZES
def test_the_form_is_exported_with_the_pages_filters(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    platform = server.scope_of("staff:ys")
    every = suggestions(server, platformId=platform)
    in_progress = suggestions(server, platformId=platform, status="IN_PROGRESS")
    assert 0 < len(in_progress) < len(every), "the filter leaves some rows out"
    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    go(page, server, "/items")

    name, body = downloaded(page, "导出 Excel")
    assert re.fullmatch(r"督办落实情况-\d{4}-\d{2}-\d{2}\.xlsx", name), name
    sheet = load_workbook(BytesIO(body)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == PLATFORM + FORM
    assert rows[1] == COLUMNS
    assert [row[3] for row in rows[2:-2]] == every
    first = items(server, platformId=platform)[0]  # a known row: 协商议题 … 督办负责人
    assert rows[2][0] == 1
    assert rows[2][2:7] == [first[key] for key in SHOWN]
    assert rows[-1][0] == f"填报部门:{PLATFORM}"

    page.get_by_label("状态").select_option("IN_PROGRESS")
    expect(page.locator(".filters select")).to_have_value("IN_PROGRESS")
    page.wait_for_function(
        "() => (document.getElementById('view').dataset.route || '').includes('IN_PROGRESS')"
    )
    _, body = downloaded(page, "导出 Excel")
    rows = [[c.value for c in row] for row in load_workbook(BytesIO(body)).active.iter_rows()]
    assert [row[3] for row in rows[2:-2]] == in_progress
    assert all(row[10].startswith("办理状态:办理中") for row in rows[2:-2])

    name, body = downloaded(page, "导出 CSV")
    assert re.fullmatch(r"督办落实情况-\d{4}-\d{2}-\d{2}\.csv", name), name
    table = list(csv.reader(StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [PLATFORM + FORM]
    assert table[1] == COLUMNS
    assert [row[3] for row in table[2:-1]] == in_progress
    assert table[-1][0] == f"填报部门:{PLATFORM}"


@SIZES
def test_a_page_signed_in_by_a_pasted_token_downloads_the_form_too(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)
    sign_in_with_token(page, server, server.token("committee:shfz"))
    go(page, server, "/items?text=停车")
    shown = page.locator(".grid tbody td:nth-child(4)").all_inner_texts()
    assert 0 < len(shown) < 20, "the committee sees a page of items about parking"
    name, body = downloaded(page, "导出 CSV")
    assert name.endswith(".csv")
    table = list(csv.reader(StringIO(body.decode("utf-8-sig"))))
    assert [row[3] for row in table[2:-1]] == shown  # the rows the page lists, no other
    assert table[-1][0] == "填报部门:社会和法制委员会"


@SIZES
def test_the_form_prints_on_a4_landscape_with_its_head_and_foot_on_every_page(
    open_page: OpenPage, server: DemoServer, artifacts: Path, viewport: dict[str, int]
) -> None:
    every = suggestions(server)
    page = open_page(viewport)
    sign_in(page, server, "leader")
    go(page, server, "/items")
    # The print dialog itself is the browser's; the test takes the print as a PDF instead.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    page.wait_for_function("() => window.printed === 1")
    expect(page.locator(".print-form tbody tr")).to_have_count(len(every))
    expect(page.locator(".print-form")).to_be_hidden()  # on the screen, the list as it was

    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / f"supervision-form-{size_of(viewport)}.pdf").write_bytes(pdf)
    printed = PdfReader(BytesIO(pdf)).pages
    assert len(printed) >= 2, "enough items for two pages"
    texts = ["".join(p.extract_text().split()) for p in printed]  # CJK: no spaces between
    for number, (sheet, text) in enumerate(zip(printed, texts, strict=True), start=1):
        size = (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height)))
        assert size == A4_LANDSCAPE, (number, size)
        assert f"全区{FORM}" in text, number
        assert "".join(COLUMNS) in text, (number, text[:200])  # the header row, in order
        assert re.search(r"填报部门:\S*填报时间:\d{4}年\d{1,2}月\d{1,2}日$", text), text[-80:]
        assert [word for word in CHROME if word in text] == [], (number, text[:200])
    whole = "".join(texts)
    assert [s for s in every if "".join(s.split()) not in whole] == [], "every row printed"
