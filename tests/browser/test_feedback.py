"""What the page says back (issue 19, Feedback): a confirmation after each action; after a
conflict, the record as it is now with what was typed kept; offline, a page of its own in
Chinese instead of the browser's module error; a skip link to the content."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.pages import field, go, sign_in
from tests.browser.server import DemoServer
from tests.browser.test_procedure import verified_matter

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SUBMIT = """mutation($input: SubmitTopicInput!) { submitTopic(input: $input) { id } }"""
APPROVE = """mutation($input: TopicReasonInput!) { approveTopic(input: $input) { id } }"""
RESEARCH = """mutation($input: RecordResearchInput!) { recordResearch(input: $input) { id } }"""


def approved_topic(server: DemoServer) -> str:
    topic_id = verified_matter(server, f"小区加装电梯-{uuid4().hex[:6]}")
    drafted = {"topicId": topic_id, "draftedTitle": "关于加装电梯的协商"}
    committee = server.scope_of("committee:shfz")
    server.act("staff:ys", SUBMIT, input={**drafted, "committeeId": committee})
    server.act("committee:shfz", APPROVE, input={"topicId": topic_id, "reason": "同意协商。"})
    return topic_id


def test_an_action_done_is_confirmed(open_page: OpenPage, server: DemoServer) -> None:
    topic_id = approved_topic(server)
    page = open_page()
    sign_in(page, server, "staff:ys")
    go(page, server, f"/topic/{topic_id}")
    page.get_by_role("button", name="记录调研情况", exact=True).click()
    field(page, "findings").locator("textarea").fill("走访三个小区,居民意见基本一致。")
    page.get_by_role("button", name="确认记录调研情况").click()
    expect(page.locator("#announce")).to_have_text("「记录调研情况」已完成")
    expect(page.locator("#announce")).to_have_attribute("role", "status")


def test_after_a_conflict_the_record_is_reloaded_and_the_text_kept(
    open_page: OpenPage, server: DemoServer
) -> None:
    topic_id = approved_topic(server)
    page = open_page()
    sign_in(page, server, "staff:ys")
    go(page, server, f"/topic/{topic_id}")
    page.get_by_role("button", name="记录调研情况", exact=True).click()
    mine = "座谈会上居民提出资金分摊方案。"
    field(page, "findings").locator("textarea").fill(mine)
    theirs = {"topicId": topic_id, "findings": "同事先录入的调研情况。"}
    server.act("staff:ys", RESEARCH, input=theirs)  # the record moves on behind the page

    page.get_by_role("button", name="确认记录调研情况").click()
    refusal = page.locator(".form-error")
    expect(page.get_by_role("cell", name="记录调研情况", exact=True)).to_have_count(0)
    expect(refusal).to_contain_text("冲突")
    assert not re.search("[A-Za-z]{3,}", refusal.inner_text()), "the page speaks Chinese only"
    refusal.get_by_role("button", name="载入最新内容(保留已填写的文字)").click()

    research_done = page.get_by_role("cell", name="记录调研情况", exact=True)
    expect(research_done).to_have_count(1)  # theirs, in the record's history as it is now
    expect(page.get_by_text("已载入他人修改后的最新内容")).to_be_visible()
    expect(field(page, "findings").locator("textarea")).to_have_value(mine)
    page.get_by_role("button", name="确认记录调研情况").click()
    expect(page.locator("#announce")).to_have_text("「记录调研情况」已完成")
    expect(research_done).to_have_count(2)


def test_offline_the_page_says_so_in_chinese_and_tries_again(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    sign_in(page, server, "staff:ys")
    page.context.set_offline(True)
    go(page, server, "/audit")  # a page whose code this browser has not fetched yet
    expect(page.get_by_role("heading", name="网络已断开")).to_be_visible()
    assert "module" not in page.locator("#view").inner_text()
    page.context.set_offline(False)
    page.get_by_role("button", name="重试").click()
    expect(page.get_by_role("heading", name="网络已断开")).to_have_count(0)


def test_the_skip_link_takes_the_keyboard_to_the_content(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    sign_in(page, server, "staff:ys")
    page.reload()  # as a page is first met: nothing focused yet
    page.locator("#sign-out").wait_for()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#view")).to_be_focused()
    assert "#view" not in page.url
