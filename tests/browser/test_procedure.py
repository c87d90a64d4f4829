"""七、工作流程 through the workbench's forms: the committee approves a drafted topic, the
platform schedules the consultation, names its participants, holds it, reports it and opens an
item from a suggestion; the item is assigned, its unit reports progress, and the committee
resolves it (办结)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.pages import field, go, sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PROPOSE = """mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }"""
VERIFY = """mutation($input: VerifyTopicInput!) { verifyTopic(input: $input) { id } }"""
SUGGESTION = "在学校周边增设临时停车泊位"


def verified_matter(server: DemoServer, title: str) -> str:
    matter = {
        "title": title,
        "content": "学校周边上下学时段停车难。",
        "channel": "HOTLINE_12345",
        "category": "GOVERNANCE",
        "platformId": server.scope_of("staff:ys"),
        "proposer": {"name": "12345热线"},
        "hotlineTickets": ["GD2026112601"],
    }
    topic_id = str(server.act("staff:ys", PROPOSE, input=matter)["proposeTopic"]["id"])
    situation = {"topicId": topic_id, "basicSituation": "涉及两所小学。"}
    server.act("staff:ys", VERIFY, input=situation)
    return topic_id


def step(page: Any, action: str, confirm: str | None = None, **fills: str) -> None:
    """Opens the step's form, fills text fields by their input name, and confirms."""
    page.get_by_role("button", name=action, exact=True).click()
    for name, value in fills.items():
        field(page, name).locator("input, textarea").first.fill(value)
    page.get_by_role("button", name=confirm or f"确认{action}").click()


def status(page: Any) -> Any:
    return page.locator(".page-head .badge.large").first


def test_from_a_drafted_topic_to_a_resolved_item(open_page: OpenPage, server: DemoServer) -> None:
    title = f"学校周边停车难-{uuid4().hex[:6]}"
    topic_id = verified_matter(server, title)
    staff, committee, unit = open_page(), open_page(), open_page()
    sign_in(staff, server, "staff:ys")
    go(staff, server, f"/topic/{topic_id}")
    step(staff, "拟定议题报专委会", draftedTitle=f"关于{title}的协商")
    expect(status(staff)).to_have_text("已报专委会")

    sign_in(committee, server, "committee:shfz")
    go(committee, server, f"/topic/{topic_id}")
    step(committee, "确定议题", reason="群众关切,切口小,同意协商。")
    expect(status(committee)).to_have_text("已确定议题")

    go(staff, server, f"/topic/{topic_id}")
    staff.get_by_role("button", name="安排协商活动", exact=True).click()
    field(staff, "form").get_by_role("combobox").select_option(label="建言献策")
    field(staff, "startsAt").locator("input").fill("2026-12-20T09:30")
    staff.get_by_role("button", name="确认安排协商活动").click()
    expect(status(staff)).to_have_text("已安排")

    staff.get_by_role("button", name="明确参加人员", exact=True).click()
    staff.get_by_role("button", name="+ 添加一人").click()
    people = staff.locator(".person")
    people.nth(0).get_by_label("类别").select_option(label="相关领域的政协委员")
    people.nth(0).get_by_label("姓名").fill("周委员")
    people.nth(1).get_by_label("姓名").fill("吴居民")
    staff.get_by_role("button", name="确认明确参加人员").click()
    expect(staff.locator("tbody tr").filter(has_text="周委员")).to_contain_text(
        "相关领域的政协委员"
    )

    step(staff, "开展协商并记录", record="交通委答复了停车位规划。", suggestions=SUGGESTION)
    expect(status(staff)).to_have_text("已开展")
    staff.get_by_role("button", name="情况报送", exact=True).click()
    field(staff, "kind").get_by_label("社情民意信息").check()
    field(staff, "summary").locator("textarea").fill("学校周边停车难问题。")
    staff.get_by_role("button", name="确认情况报送").click()
    expect(status(staff)).to_have_text("已报送")

    staff.get_by_role("button", name="建立督办事项", exact=True).click()
    field(staff, "suggestionId").get_by_label(SUGGESTION).check()
    staff.get_by_role("button", name="确认建立督办事项").click()
    expect(status(staff)).to_have_text("待交办")
    item_route = staff.url.split("#", 1)[1]

    staff.get_by_role("button", name="交办", exact=True).click()
    field(staff, "unitId").locator("select").select_option(label="区交通委")
    field(staff, "committeeId").locator("select").select_option(label="社会和法制委员会")
    field(staff, "supervisorId").locator("select").select_option(index=1)
    field(staff, "dueOn").locator("input").fill("2099-06-30")
    staff.get_by_role("button", name="确认交办").click()
    expect(status(staff)).to_have_text("已交办")

    sign_in(unit, server, "unit:jtw")
    go(unit, server, item_route)
    expect(unit.locator(".actions button.action")).to_have_text(["填报进展"])
    step(unit, "填报进展", progress="已施划临时泊位40个。", problems="高峰时段仍拥堵")
    expect(status(unit)).to_have_text("办理中")

    go(committee, server, item_route)
    step(committee, "办结", outcome="新增临时停车泊位40个,拥堵缓解。")
    expect(status(committee)).to_have_text("已办结")
    expect(committee.locator(".facts")).to_contain_text("新增临时停车泊位40个")
