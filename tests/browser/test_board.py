"""The topic board: twenty matters a page, 下一页 and 上一页, and filters that narrow it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.pages import go, sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PAGE_SIZE = 20
TOTAL = """query($platform: ID!) { topics(filter: { platformId: $platform }) { totalCount } }"""


def test_paging_and_filtering_the_board(open_page: OpenPage, server: DemoServer) -> None:
    total = server.query(TOTAL, platform=server.scope_of("staff:ys"))["topics"]["totalCount"]
    assert total > PAGE_SIZE, "the demo platform has more than a page of matters"
    page = open_page()
    sign_in(page, server, "staff:ys")
    go(page, server, "/topics")  # the staff land on 待办
    rows = page.locator("tbody tr")
    state = page.locator(".pager-state")
    expect(rows).to_have_count(PAGE_SIZE)
    expect(state).to_have_text(f"第 1 / 2 页 · 共 {total} 项")
    first_topic = rows.first.locator(".topic-link").inner_text()

    page.get_by_role("button", name="下一页").click()
    expect(state).to_have_text(f"第 2 / 2 页 · 共 {total} 项")
    expect(rows).to_have_count(total - PAGE_SIZE)
    expect(page.get_by_role("button", name="下一页")).to_be_disabled()
    page.get_by_role("button", name="上一页").click()
    expect(state).to_contain_text("第 1 / 2 页")
    expect(rows.first.locator(".topic-link")).to_have_text(first_topic)

    go(page, server, "/topics?channel=HOTLINE_12345&text=雨污")
    expect(page.get_by_label("来源渠道")).to_have_value("HOTLINE_12345")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("老旧小区雨污管网堵塞")
    expect(rows.first).to_contain_text("12345热线")
