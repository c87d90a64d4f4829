"""The dashboard's live updates: over the `events` subscription when it can be opened; when it
cannot, a refresh every 10 seconds, and the page says which."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SIZES, OpenPage
from tests.browser.pages import sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@SIZES
def test_without_the_subscription_the_dashboard_says_it_polls(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)
    refused: list[Any] = []

    def refuse(socket: Any) -> None:
        refused.append(socket.url)
        socket.close()

    page.route_web_socket("**/graphql", refuse)
    sign_in(page, server, "leader")
    live = page.locator("#live-mode")
    expect(live).to_have_attribute("data-mode", "polling")
    expect(live).to_have_text("实时更新:事件订阅暂不可用,每10秒自动刷新")
    assert refused, "the dashboard tried to subscribe first"
