"""The main flow by keyboard alone (issue 19, accessibility basics): signing in, the to-do list
leading to a matter, and its 核实 step opened, filled in and confirmed — no mouse, only Tab,
typing and Enter."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from interfaces.cli.demo_accounts import DEMO_PASSWORD
from tests.browser.conftest import OpenPage
from tests.browser.pages import USERNAMES, go
from tests.browser.server import DemoServer
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
    title = f"楼道灯不亮-{uuid4().hex[:6]}"
    matter = {
        "title": title,
        "content": "三号楼楼道灯损坏两周。",
        "channel": "HOTLINE_12345",
        "category": "GOVERNANCE",
        "platformId": server.scope_of("staff:ys"),
        "proposer": {"name": "12345热线"},
        "hotlineTickets": [f"GD{uuid4().hex[:10]}"],
    }
    server.act("staff:ys", PROPOSE, input=matter)
    page = open_page()
    go(page, server, "/signin")
    expect(page.get_by_label("用户名")).to_be_focused()  # the form starts where typing does
    page.keyboard.type(USERNAMES["staff:ys"])
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
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
