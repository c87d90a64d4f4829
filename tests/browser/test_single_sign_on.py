"""Single sign-on in Chromium (issue 18): the sign-in page offers 统一身份认证; the browser goes
to a real OpenID provider (npm `oidc-provider` under Node.js, tests/support/oidc.py), signs in on
its own pages, and comes back signed in here as the account the provider's username names; a
username with no account here comes back to the sign-in page with the reason in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.server import DemoServer, start_demo_server
from tests.support.oidc import OidcProvider, running_provider
from tests.support.servers import free_port

PEOPLE = {
    "wangli": {"preferred_username": "wangli", "name": "王丽"},
    "stranger": {"preferred_username": "no.such.account", "name": "路人"},
}


@pytest.fixture(scope="module")
def provider_and_server(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[OidcProvider, DemoServer]]:
    port = free_port()
    callback = f"http://127.0.0.1:{port}/auth/sso/callback"
    with running_provider(callback, PEOPLE) as provider:
        served = start_demo_server(
            tmp_path_factory.mktemp("sso-browser"),
            port=port,
            YISHITING_OIDC_ISSUER=provider.issuer,
            YISHITING_OIDC_CLIENT_ID=provider.client_id,
            YISHITING_OIDC_CLIENT_SECRET=provider.client_secret,
            YISHITING_PUBLIC_URL=f"http://127.0.0.1:{port}",
        )
        try:
            yield provider, served
        finally:
            served.stop()


def through_the_provider(page: Any, served: DemoServer, login: str) -> None:
    page.goto(f"{served.app_url}#/signin")
    page.get_by_role("link", name="统一身份认证登录").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")  # devInteractions checks none
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # the consent page: 'Continue'


def test_signing_in_at_the_identity_service(
    open_page: OpenPage,
    provider_and_server: tuple[OidcProvider, DemoServer],
    artifacts: Path,
) -> None:
    _, served = provider_and_server
    page = open_page()
    through_the_provider(page, served, "wangli")
    expect(page.locator("#who")).to_contain_text("王丽")
    expect(page.locator("#sign-out")).to_be_visible()
    assert page.url.startswith(served.app_url)
    expect(page.locator("#view h1")).to_be_visible()  # the role's home page, loaded
    page.screenshot(path=str(artifacts / "single-sign-on.png"), full_page=True)


def test_an_account_unknown_here_comes_back_with_the_reason(
    open_page: OpenPage, provider_and_server: tuple[OidcProvider, DemoServer]
) -> None:
    _, served = provider_and_server
    page = open_page()
    through_the_provider(page, served, "stranger")
    expect(page.locator(".notice.warning")).to_contain_text("没有对应账号")
    expect(page.locator("#sign-out")).to_have_count(0)
