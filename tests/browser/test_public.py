"""The public page (开放性), without signing in: approved topics, consultations and their
outcomes, exclusions counted by ground — and no personal data."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PROPOSERS = """{ topics(first: 100) { nodes { proposerName } } }"""
GROUNDS = 8


def test_anyone_sees_what_was_decided_and_no_one_s_personal_data(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    signed = []
    page.on("request", lambda r: signed.append(r) if "authorization" in r.headers else None)
    page.goto(server.base_url)  # the root sends a visitor to the front end
    expect(page.get_by_role("heading", name="公开信息")).to_be_visible()
    expect(page.get_by_role("heading", name="最近确定的协商议题")).to_be_visible()
    expect(page.get_by_role("heading", name="最近的协商活动及成果")).to_be_visible()
    expect(page.locator(".ground-list li")).to_have_count(GROUNDS)
    expect(page.locator(".ground-list li").nth(4)).to_contain_text("实名举报的")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    expect(page.get_by_role("link", name="领导驾驶舱")).to_have_count(0)

    text = page.locator("#view").inner_text()
    names = {t["proposerName"] for t in server.query(PROPOSERS)["topics"]["nodes"]}
    assert names, "the demo district has proposers"
    assert [n for n in names if n and n in text] == []
    assert signed == []
