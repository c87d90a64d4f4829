"""基础数据 for the system administrator (issue 19, Administration): platforms, committees, units
and people listed by name; a person registered, a platform's 专人负责 changed with a reason,
a unit renamed; other roles neither see the page in the menu nor may change anything."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from domain.base import Actor
from domain.vocabulary import Role
from tests.browser.conftest import OpenPage
from tests.browser.pages import field, go, sign_in, sign_in_with_token
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ADMIN = Actor("admin-tests", "测试系统管理员", Role.ADMIN, "")
PLATFORM = """query { platforms { name responsiblePerson { name } } }"""
REGISTER = """mutation($input: RegisterPlatformInput!) { registerPlatform(input: $input) { id } }"""
REFERENCE = """query { committees { id } people { id } }"""
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_the_system_administrator_keeps_the_reference_data(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    sign_in_with_token(page, server, server.authenticator.issue(ADMIN))
    page.get_by_role("link", name="基础数据").click()
    platforms = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="协商议事平台(")
    )
    expect(platforms.locator("tbody tr").first).to_be_visible()
    assert page.locator("#view").evaluate(f"e => !new RegExp('{UUID_PATTERN}').test(e.innerText)")

    newcomer = f"孙负责{uuid4().hex[:4]}"
    page.get_by_role("link", name="人员(").click()
    # the people's tab drawn (the platforms' tab has a field "name" of its own)
    expect(page.get_by_role("heading", name="登记人员")).to_be_visible()
    field(page, "name").locator("input").fill(newcomer)
    field(page, "position").locator("input").fill("工作站负责人")
    page.get_by_role("button", name="登记人员").click()
    # the page shown, not the one being drawn again beside it until it is ready
    expect(page.locator(".page:not(.loading) tbody")).to_contain_text(newcomer)

    first = own_platform(server)  # the demo's platforms stay as the other tests know them
    page.get_by_role("link", name="协商议事平台(").click()
    page.get_by_role("link", name=first, exact=True).click()
    page.get_by_role("button", name="更换专人负责", exact=True).click()
    field(page, "personId").get_by_role("combobox").select_option(label=f"{newcomer}(工作站负责人)")
    field(page, "reason").locator("textarea").fill("原负责人调任。")
    page.get_by_role("button", name="确认更换专人负责").click()
    expect(page.locator("#announce")).to_have_text("「更换专人负责」已完成")
    expect(page.locator(".page:not(.loading) #platform-detail")).to_contain_text(newcomer)
    changed = {
        p["name"]: p["responsiblePerson"]["name"] for p in server.query(PLATFORM)["platforms"]
    }
    assert changed[first] == newcomer


def test_other_roles_read_no_reference_page_in_their_menu(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    sign_in(page, server, "staff:ys")
    expect(page.get_by_role("link", name="基础数据")).to_have_count(0)
    go(page, server, "/reference")
    expect(page.get_by_role("heading", name="基础数据")).to_be_visible()
    expect(page.locator("#view")).to_contain_text("只读:由系统管理员维护")
    expect(page.locator("form")).to_have_count(0)


def own_platform(server: DemoServer) -> str:
    reference = server.query(REFERENCE)
    name = f"测试委员工作站{uuid4().hex[:4]}"
    platform = {
        "name": name,
        "kind": "MEMBER_WORKSTATION",
        "hallVenue": "测试议事厅",
        "committeeId": reference["committees"][0]["id"],
        "responsiblePersonId": reference["people"][0]["id"],
    }
    server.query(REGISTER, input=platform)
    return name
