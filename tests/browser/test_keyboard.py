"""The main flow by keyboard alone (issue 19, accessibility basics): signing in, the to-do list
leading to a matter, and its 核实 step opened, filled in and confirmed — no mouse, only Tab,
typing and Enter."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from domain.base import Actor
from domain.vocabulary import Role
from tests.browser.conftest import OpenPage
from tests.browser.pages import go
from tests.browser.server import NEW_PASSWORD, DemoServer
from tests.browser.test_procedure import PROPOSE, status

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FOCUSED_TEXT = "() => (document.activeElement?.innerText || '').trim()"
# Tab visits each focusable element once per round: a round is enough to reach any of them.
FOCUSABLE = "() => document.querySelectorAll('a[href], button, input, select, textarea').length"


def tab_to(page: Any, text: str) -> None:
    """Presses Tab until the focused element says `text` (a link or a button by its words)."""
    for _ in range(page.evaluate(FOCUSABLE) + 2):
        page.keyboard.press("Tab")
        if text in page.evaluate(FOCUSED_TEXT):
            return
    raise AssertionError(f"Tab never reached “{text}”")


def test_from_signing_in_to_a_verified_matter_by_keyboard_alone(
    open_page: OpenPage, server: DemoServer
) -> None:
    # A platform of its own, so that its staff's to-do list holds this matter alone (the demo
    # platform's grows with every other test on the shared server).
    platform_id = server.new_platform("键盘测试工作站")
    username = server.new_account("keys", "PLATFORM_STAFF", platform_id)
    title = f"楼道灯不亮-{uuid4().hex[:6]}"
    matter = {
        "title": title,
        "content": "三号楼楼道灯损坏两周。",
        "channel": "HOTLINE_12345",
        "category": "GOVERNANCE",
        "platformId": platform_id,
        "proposer": {"name": "12345热线"},
        "hotlineTickets": [f"GD{uuid4().hex[:10]}"],
    }
    staff = Actor("keys-staff", "测试专人", Role.PLATFORM_STAFF, platform_id)
    server.act_as(staff, PROPOSE, input=matter)
    page = open_page()
    go(page, server, "/signin")
    expect(page.get_by_label("用户名")).to_be_focused()  # the form starts where typing does
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#sign-out").wait_for()

    expect(page.get_by_role("link", name=title)).to_be_visible()  # on 待办, under 待核实
    tab_to(page, title)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=title)).to_be_visible()

    tab_to(page, "核实")
    page.keyboard.press("Enter")
    page.keyboard.type("已电话联系物业,确认三号楼一至六层灯具损坏。")  # the form's first field
    tab_to(page, "确认核实")
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("已核实")
