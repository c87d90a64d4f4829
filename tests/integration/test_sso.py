"""Single sign-on (issue 18) against a real OpenID provider (npm `oidc-provider` under Node.js,
tests/support/oidc.py): the authorization code flow with PKCE from /auth/sso/start to a session
here; the provider's username maps to an existing account whose roles are granted here; an
expired or forged state, an unknown account, a replayed code and an administrator are each
refused with their reason, and store nothing. SQLite."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.vocabulary import Role
from interfaces.doors import COOKIE
from interfaces.http.sso import STATE_COOKIE
from tests.support.oidc import OidcProvider, running_provider, sign_in_at_provider
from tests.support.scenarios import SECURITY_COMMAND
from tests.support.world import World, running

CALLBACK = "http://testserver/auth/sso/callback"
PEOPLE = {
    "zhangwei": {"preferred_username": "zhang.wei", "name": "张伟"},
    "lisi": {"preferred_username": "li.si", "name": "李四"},
    "qianan": {"preferred_username": "qian.an", "name": "钱安"},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with running_provider(CALLBACK, PEOPLE) as running_one:
        yield running_one


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, provider: OidcProvider) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("sso") / "yishiting.db"
    oidc = {
        "oidc_issuer": provider.issuer,
        "oidc_client_id": provider.client_id,
        "oidc_client_secret": provider.client_secret,
        "public_url": "http://testserver",
    }
    with running(f"sqlite:///{path}", **oidc) as running_world:
        app = running_world.system.app
        for username, role in (("zhang.wei", Role.LEADER), ("qian.an", Role.SECURITY_ADMIN)):
            made = app.create_account(SECURITY_COMMAND, username=username, display_name="某人").id
            app.grant_role(SECURITY_COMMAND, made, role=role, reason="任命")
        yield running_world


@pytest.fixture
def browser(world: World) -> TestClient:
    return TestClient(world.http.app, follow_redirects=False)  # type: ignore[arg-type]


def to_provider(browser: TestClient, next_page: str = "#/dashboard") -> str:
    started = browser.get("/auth/sso/start", params={"next": next_page})
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"]
    assert query["nonce"]
    return location


def back_from_provider(authorize: str, login: str) -> str:
    with httpx.Client() as at_provider:
        back = sign_in_at_provider(at_provider, authorize, login)
    assert back.startswith(CALLBACK), back
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def refused_with(answer: httpx.Response) -> str:
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/app/#/signin?sso="), location
    assert COOKIE not in answer.headers.get("set-cookie", "")
    return location.split("sso=", 1)[1]


def test_signing_in_at_the_identity_service_opens_a_session_here(
    world: World, browser: TestClient
) -> None:
    assert browser.get("/auth/sso").json() == {"enabled": True, "label": "统一身份认证登录"}
    callback = back_from_provider(to_provider(browser), "zhangwei")
    landed = browser.get(callback)
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"] == "/app/#/dashboard"
    assert f"{COOKIE}=" in landed.headers["set-cookie"]
    session = browser.get("/auth/session").json()
    assert session["actor"]["role"] == "leader"
    account = world.system.app.account_named("zhang.wei")
    assert account is not None
    events = [type(e).__name__ for e in world.system.app.repository.event_store.get(account.id)]
    assert events[-1] == "SignedInElsewhere"


def test_a_replayed_code_is_refused(world: World, browser: TestClient) -> None:
    callback = back_from_provider(to_provider(browser), "zhangwei")
    state = browser.cookies[STATE_COOKIE]
    assert browser.get(callback).status_code == 303
    replay = TestClient(world.http.app, follow_redirects=False)  # type: ignore[arg-type]
    replay.cookies.set(STATE_COOKIE, state, path="/auth/sso")
    assert refused_with(replay.get(callback)) == "SSO_CODE_REFUSED"


def test_an_account_unknown_here_is_not_opened(world: World, browser: TestClient) -> None:
    before = world.position()
    callback = back_from_provider(to_provider(browser), "lisi")
    assert refused_with(browser.get(callback)) == "SSO_ACCOUNT_UNKNOWN"
    assert world.system.app.account_named("li.si") is None
    assert world.position() == before


def test_an_administrator_signs_in_here_with_two_factors(world: World, browser: TestClient) -> None:
    callback = back_from_provider(to_provider(browser), "qianan")
    assert refused_with(browser.get(callback)) == "SSO_NOT_FOR_ADMINISTRATORS"


def test_an_expired_state_is_refused(world: World, browser: TestClient) -> None:
    callback = back_from_provider(to_provider(browser), "zhangwei")
    body, _, _ = browser.cookies[STATE_COOKIE].partition(".")
    kept = json.loads(base64.urlsafe_b64decode(body))
    old = base64.urlsafe_b64encode(json.dumps({**kept, "exp": time.time() - 1}).encode()).decode()
    sealed = f"{old}.{world.system.app.event_key.seal('sso-state', old)}"
    browser.cookies.set(STATE_COOKIE, sealed, path="/auth/sso")
    before = world.position()
    assert refused_with(browser.get(callback)) == "SSO_STATE_EXPIRED"
    assert world.position() == before


def test_a_missing_forged_or_other_state_is_refused(world: World, browser: TestClient) -> None:
    callback = back_from_provider(to_provider(browser), "zhangwei")
    sealed = browser.cookies[STATE_COOKIE]
    forged = sealed[:-4] + ("0000" if not sealed.endswith("0000") else "1111")
    before = world.position()
    browser.cookies.set(STATE_COOKIE, forged, path="/auth/sso")
    assert refused_with(browser.get(callback)) == "SSO_STATE_INVALID"
    browser.cookies.set(STATE_COOKIE, sealed, path="/auth/sso")
    other_state = callback.replace("state=", "state=x")
    assert refused_with(browser.get(other_state)) == "SSO_STATE_INVALID"
    browser.cookies.clear()
    assert refused_with(browser.get(callback)) == "SSO_STATE_EXPIRED"
    assert world.position() == before


def test_where_to_go_back_is_a_page_of_this_app_only(world: World, browser: TestClient) -> None:
    callback = back_from_provider(to_provider(browser, "https://evil.example/"), "zhangwei")
    assert browser.get(callback).headers["location"] == "/app/#/"


def test_without_a_provider_configured_single_sign_on_is_not_offered(
    tmp_path: Path,
) -> None:
    with running(f"sqlite:///{tmp_path}/y.db") as plain:
        client = TestClient(plain.http.app, follow_redirects=False)  # type: ignore[arg-type]
        assert client.get("/auth/sso").json()["enabled"] is False
        assert refused_with(client.get("/auth/sso/start")) == "SSO_NOT_CONFIGURED"
