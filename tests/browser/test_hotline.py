"""12345工单 in the browser, at 1366×768 and on a phone: the platform's staff drop a file of
work orders with bad rows on the page, see each row's outcome (imported, or refused with the
reason in Chinese), download that report (its cells never formulas) and find the good orders
grouped as a common issue; then they choose three orders of a group and draft one topic from
them, and the three are shown, and recorded, as 已并入共性议题."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SIZES, OpenPage, size_of
from tests.browser.pages import go, lines, sign_in, sign_in_as
from tests.browser.server import NEW_PASSWORD, DemoServer
from tests.browser.test_attachments import drop, file
from tests.support.work_orders import HEADERS, order

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
STATUS = "query($id: ID!) { topic(id: $id) { status { code } } }"
FORMULA_TICKET = '=HYPERLINK("http://example.com")'


def orders_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(HEADERS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def common_orders(tag: str, numbers: range) -> list[dict[str, str]]:
    """Orders of one (fresh) category in 永顺镇: one common issue."""
    return [
        order(n, 工单编号=f"GD-{tag}-{n}", 所属街乡="永顺镇", 诉求分类=f"停车难{tag}")
        for n in numbers
    ]


def upload(page: Any, name: str, data: bytes) -> Any:
    card = page.locator("section.card").filter(has_text="导入工单文件")
    drop(page, card.locator("[data-dropzone]"), name, "text/csv", data)
    expect(card.locator(".picked-file")).to_contain_text(name)
    card.get_by_role("button", name="导入工单").click()
    return card


@SIZES
def test_an_upload_with_bad_rows_reports_them_and_imports_the_good_ones(
    open_page: OpenPage, server: DemoServer, artifacts: Path, viewport: dict[str, int]
) -> None:
    tag = uuid4().hex[:6]
    rows = common_orders(tag, range(1, 4))
    rows.insert(1, order(90, 工单编号="", 诉求内容="没有工单编号的一行"))
    rows.append(order(91, 工单编号=FORMULA_TICKET, 受理时间="三月五日上午"))
    staff = open_page(viewport)
    sign_in(staff, server, "staff:ys")
    staff.locator("#nav").get_by_role("link", name="12345工单").click()
    staff.wait_for_function("() => document.getElementById('view').dataset.route === '#/hotline'")

    card = upload(staff, f"工单-{tag}.csv", orders_csv(rows))

    summary = card.locator(".import-summary")
    expect(summary).to_contain_text("共 5 行:新导入 3 件,已存在 0 件,未导入 2 行")
    table = card.locator("table")
    assert lines(table.locator("caption")) == 1, "逐行导入结果 reads across"
    shown = [
        [cell.inner_text().strip() for cell in row.locator("td").all()[:3]]
        for row in table.locator("tbody tr").all()
    ]
    assert shown == [
        ["2", f"GD-{tag}-1", "已导入"],
        ["3", "—", "未导入"],
        ["4", f"GD-{tag}-2", "已导入"],
        ["5", f"GD-{tag}-3", "已导入"],
        ["6", FORMULA_TICKET, "未导入"],
    ]
    reasons = [row.locator("td").nth(3).inner_text() for row in table.locator("tbody tr").all()]
    assert reasons[1] == "工单编号不能为空", reasons
    assert reasons[4] == "受理时间无法识别:三月五日上午", reasons
    assert not any(re.search(r"[a-z]{4,}", r.replace(FORMULA_TICKET, "")) for r in reasons)
    staff.screenshot(
        path=str(artifacts / f"hotline-import-{size_of(viewport)}.png"), full_page=True
    )

    with staff.expect_download() as downloading:
        card.get_by_role("button", name="下载导入报告(CSV)").click()
    download = downloading.value
    assert download.suggested_filename == f"工单-{tag}-导入报告.csv"
    report = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert report[0] == ["行号", "工单编号", "结果", "代码", "原因"]
    assert [(r[0], r[1], r[2], r[3]) for r in report[1:]] == [
        ("2", f"GD-{tag}-1", "已导入", ""),
        ("3", "", "未导入", "FIELD_REQUIRED"),
        ("4", f"GD-{tag}-2", "已导入", ""),
        ("5", f"GD-{tag}-3", "已导入", ""),
        ("6", f"'{FORMULA_TICKET}", "未导入", "INVALID_INPUT"),  # never a formula
    ]

    group = staff.locator(".hotline-group").filter(has_text=f"停车难{tag} · 永顺镇")
    expect(group.locator("h3")).to_have_text(f"停车难{tag} · 永顺镇(3 件)")
    expect(group.locator(".order-choice")).to_have_count(3)

    # The same file again: nothing new, each good row already there.
    card = upload(staff, f"工单-{tag}.csv", orders_csv(rows))
    expect(card.locator(".import-summary")).to_contain_text("新导入 0 件,已存在 3 件,未导入 2 行")
    expect(group.locator(".order-choice")).to_have_count(3)
    assert not UUID.search(staff.locator("#view").inner_text())


@SIZES
def test_a_topic_drafted_from_three_orders_marks_them_merged(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    tag = uuid4().hex[:6]
    staff = open_page(viewport)
    sign_in(staff, server, "staff:ys")
    go(staff, server, "/hotline")
    card = staff.locator("section.card").filter(has_text="导入工单文件")
    card.get_by_label("选择文件").set_input_files(
        file(f"orders-{tag}.csv", "text/csv", orders_csv(common_orders(tag, range(1, 5))))
    )
    card.get_by_role("button", name="导入工单").click()
    expect(card.locator(".import-summary")).to_contain_text("新导入 4 件")

    group = staff.locator(".hotline-group").filter(has_text=f"停车难{tag} · 永顺镇")
    expect(group.locator("h3")).to_contain_text("(4 件)")
    chosen = [f"GD-{tag}-1", f"GD-{tag}-2", f"GD-{tag}-3"]
    ids = []
    for ticket in chosen:
        box = group.locator(".order-choice").filter(has_text=ticket).locator("input")
        box.check()
        ids.append(box.get_attribute("value"))
    group.get_by_label("共性议题标题").fill(f"永顺镇夜间停车难{tag}")
    group.get_by_label("共性问题说明").fill("3件工单反映同一小区夜间停车难。")
    group.get_by_role("button", name="由选中工单拟定共性议题").click()

    drafted = staff.locator(".drafted-topic")
    expect(drafted).to_contain_text(f"已拟定共性议题 永顺镇夜间停车难{tag}")
    merged = [li.inner_text() for li in drafted.locator(".merged-orders li").all()]
    assert [m.split(" ")[0] for m in merged] == chosen
    assert all(m.endswith("已并入共性议题") for m in merged), merged
    # The fourth order stays, alone, in its group; the three left it.
    expect(group.locator(".order-choice")).to_have_count(1)
    expect(group.locator(".order-choice")).to_contain_text(f"GD-{tag}-4")
    statuses = [server.query(STATUS, id=i)["topic"]["status"]["code"] for i in ids]
    assert statuses == ["MERGED"] * 3

    drafted.get_by_role("link", name=f"永顺镇夜间停车难{tag}").click()
    expect(staff.locator("#view h1")).to_contain_text(f"永顺镇夜间停车难{tag}")


def test_a_long_file_lists_its_refused_rows_first_and_downloads_every_row(
    open_page: OpenPage, server: DemoServer
) -> None:
    tag = uuid4().hex[:6]
    rows = [
        order(n, 工单编号=f"GL-{tag}-{n}", 所属街乡=f"测试街道{tag}", 诉求分类=f"长文件{n % 50}")
        for n in range(1, 1004)
    ]
    rows[1001] = order(1002, 工单编号=f"GL-{tag}-1002", 受理时间="下午")
    rows[1002] = order(1003, 工单编号="")
    # A platform of its own: a thousand matters on the demo platform would be a thousand
    # entries of its staff's to-do list, drawn at every later sign-in of the other tests.
    platform_id = server.new_platform("长文件测试工作站")
    staff = open_page()
    sign_in_as(
        staff, server, server.new_account("long", "PLATFORM_STAFF", platform_id), NEW_PASSWORD
    )
    go(staff, server, "/hotline")

    card = upload(staff, f"long-{tag}.csv", orders_csv(rows))

    # a thousand matters recorded in one request: its time is the server's, under whatever
    # else the machine runs (the 5 s default was passed in CI)
    expect(card.locator(".import-summary")).to_contain_text(
        "共 1003 行:新导入 1001 件", timeout=120_000
    )
    expect(card.locator("tbody tr")).to_have_count(1000)
    expect(card).to_contain_text("共 1003 行,此处列出其中 1000 行(未导入的行优先)")
    lines = [int(t) for t in card.locator("tbody tr td:first-child").all_inner_texts()]
    assert lines[-2:] == [1003, 1004], "the refused rows are listed"
    assert lines == sorted(lines)
    with staff.expect_download() as downloading:
        card.get_by_role("button", name="下载导入报告(CSV)").click()
    report = list(csv.reader(io.StringIO(Path(downloading.value.path()).read_text("utf-8-sig"))))
    assert len(report) == 1 + 1003
