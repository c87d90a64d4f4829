"""The forms of the workbench, at 1366×768 and on a phone: required fields named beside them
before anything is sent, the server's refusals shown beside the field they concern, in
Chinese; and what a role may not do is not offered at all."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SIZES, OpenPage
from tests.browser.pages import field, go, sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PROPOSE = """mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }"""
VERIFY = """mutation($input: VerifyTopicInput!) { verifyTopic(input: $input) { id } }"""


def proposed_matter(server: DemoServer) -> str:
    """A fresh matter on 永顺镇委员工作站's board, proposed by its designated person."""
    matter = {
        "title": f"社区路灯损坏-{uuid4().hex[:6]}",
        "content": "小区内多处路灯损坏,夜间出行不便。",
        "channel": "MASSES",
        "category": "LIVELIHOOD",
        "platformId": server.scope_of("staff:ys"),
        "proposer": {"name": "钱居民"},
    }
    return str(server.act("staff:ys", PROPOSE, input=matter)["proposeTopic"]["id"])


def mutations_sent(page: Any) -> list[str]:
    sent: list[str] = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.post_data or "")
            if r.url.endswith("/graphql") and "mutation" in (r.post_data or "")
            else None
        ),
    )
    return sent


@SIZES
def test_required_fields_are_named_beside_them_and_nothing_is_sent(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    go(page, server, "/topics/new")
    sent = mutations_sent(page)
    page.get_by_role("button", name="提出事项").click()
    expect(field(page, "title").locator(".field-error")).to_have_text("请填写“事项标题”")
    expect(field(page, "channel").locator(".field-error")).to_have_text("请选择“来源渠道”")
    expect(field(page, "proposer.name").locator(".field-error")).to_have_text("请填写“提出人姓名”")
    expect(field(page, "proposer.phone").locator(".field-error")).to_be_hidden()
    expect(page.get_by_label("事项标题")).to_be_focused()
    assert sent == []


@SIZES
def test_the_servers_refusal_is_shown_beside_the_field_it_names(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    topic_id = proposed_matter(server)
    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    go(page, server, f"/topic/{topic_id}")
    page.get_by_role("button", name="不纳入协商", exact=True).click()
    field(page, "ground").get_by_label("8. 其他不宜纳入协商范围的事项").check()
    page.get_by_role("button", name="确认不纳入协商").click()
    error = field(page, "reason").locator(".field-error")
    expect(error).to_contain_text("以“其他不宜纳入”为由不纳入时须书面说明")
    expect(error).to_contain_text("输入有误")
    expect(page.locator(".badge.large")).to_have_text("已提出")


@SIZES
def test_a_change_made_meanwhile_is_a_conflict_explained_in_chinese(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    topic_id = proposed_matter(server)
    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    go(page, server, f"/topic/{topic_id}")
    page.get_by_role("button", name="核实", exact=True).click()
    page.get_by_label("基本情况").fill("涉及两个小区约600户。")
    situation = {"topicId": topic_id, "basicSituation": "同事已核实。"}
    server.act("staff:ys", VERIFY, input=situation)
    page.get_by_role("button", name="确认核实").click()
    expect(page.locator(".form-error")).to_contain_text("与当前状态冲突")
    expect(page.locator(".form-error")).to_contain_text("请刷新后重试")


@SIZES
def test_a_role_is_offered_only_what_it_may_do(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    topic_id = proposed_matter(server)
    staff, committee, leader = open_page(viewport), open_page(viewport), open_page(viewport)
    sign_in(staff, server, "staff:ys")
    go(staff, server, f"/topic/{topic_id}")
    actions = staff.locator(".actions button.action")
    expect(actions).to_have_text(["核实", "不纳入协商"])

    sign_in(committee, server, "committee:shfz")
    go(committee, server, f"/topic/{topic_id}")
    expect(committee.locator("#topic-title")).to_be_visible()
    expect(committee.locator(".actions")).to_have_count(0)
    expect(committee.get_by_role("link", name="审计")).to_have_count(0)

    sign_in(leader, server, "leader")
    go(leader, server, "/topics")
    expect(leader.locator("#propose")).to_have_count(0)


@SIZES
def test_a_refused_read_is_explained_in_chinese(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    expect(page.get_by_role("link", name="审计")).to_have_count(0)
    go(page, server, "/audit")
    refusal = page.locator(".notice.error")
    expect(refusal).to_contain_text("无权限")
    expect(refusal).to_contain_text("“协商议事平台专人”无权查看账本")


@SIZES
def test_signing_out_forgets_the_token(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)
    sign_in(page, server, "leader")
    page.locator("#sign-out").click()
    expect(page).to_have_url(f"{server.app_url}#/signin")
    assert page.evaluate("sessionStorage.getItem('yishiting.token')") is None
    page.goto(f"{server.app_url}#/dashboard")
    expect(page).to_have_url(f"{server.app_url}#/signin")
