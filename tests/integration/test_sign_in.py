"""Signing in over HTTP (issue 18): the session cookie's attributes, CSRF on every change,
the second factor's enrolment and step, sessions that end (sign-out, idle, a role revoked —
with the open live stream), the forced change of a temporary password in production, named
API tokens, and hostile input at the door — each refusal with its code, nothing stored.
SQLite (the session table's PostgreSQL path: tests/application/test_sessions.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pyotp
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from application.session_tables import SESSIONS_TABLE
from application.sessions import digest
from domain.accounts import account_id
from interfaces.doors import COOKIE
from tests.support.graphql import CHINESE
from tests.support.off_the_loop import counted_off_the_loop
from tests.support.scenarios import SECURITY_COMMAND
from tests.support.world import World, running, running_in_production

PASSWORD = "Yongshun#2026-hall"
SECRET = "sign-in-tests-" + "x" * 40
VIEWER = "{ viewer { id name role { code } pending } }"
UTC_MICROSECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("sign-in") / "yishiting.db"
    with running(f"sqlite:///{path}") as running_world:
        yield running_world


@pytest.fixture
def browser(world: World) -> TestClient:
    """A second client on the same app (its lifespan is the world's): its own cookie jar."""
    return TestClient(world.http.app)  # type: ignore[arg-type]


def account(world: World, username: str, *roles: str, password: str = PASSWORD) -> UUID:
    app = world.system.app
    made = app.create_account(SECURITY_COMMAND, username=username, display_name="张伟").id
    app.reset_password(SECURITY_COMMAND, made, password=password)
    for role in roles:
        from domain.vocabulary import Role

        app.grant_role(SECURITY_COMMAND, made, role=Role.parse(role), reason="任命")
    return made


def sign_in(client: TestClient, username: str, password: str = PASSWORD, **more: str) -> Any:
    return client.post("/auth/sign-in", json={"username": username, "password": password, **more})


def graphql(client: TestClient, csrf: str | None, document: str, **variables: Any) -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    return client.post(
        "/graphql", json={"query": document, "variables": variables}, headers=headers
    )


def refusal(response: Any) -> tuple[int, str, str]:
    [error] = response.json()["errors"]
    assert CHINESE.search(error["message"]), error
    return response.status_code, error["extensions"]["code"], error["extensions"]["reason"]


def sessions_stored(world: World) -> int:
    [(count,)] = world.system.app.session_table._run(f"SELECT count(*) FROM {SESSIONS_TABLE}")  # type: ignore[attr-defined]
    return int(count)


def test_a_sign_in_sets_an_http_only_strict_cookie_and_the_page_sends_its_csrf_token(
    world: World, browser: TestClient
) -> None:
    account(world, "li.leader", "leader")
    answer = sign_in(browser, "Li.Leader")
    assert answer.status_code == 200, answer.text
    cookie = answer.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # development: plain http on loopback
    csrf = answer.json()["csrfToken"]
    assert answer.json()["actor"]["role"] == "leader"
    assert PASSWORD not in answer.text

    viewer = graphql(browser, csrf, VIEWER).json()["data"]["viewer"]
    assert (viewer["name"], viewer["role"]["code"], viewer["pending"]) == ("张伟", "LEADER", "")
    mine = graphql(
        browser,
        csrf,
        "{ viewer { account { username roles { role { code } } } sessions { current agent } } }",
    ).json()["data"]["viewer"]
    assert mine["account"] == {"username": "li.leader", "roles": [{"role": {"code": "LEADER"}}]}
    assert mine["sessions"] == [{"current": True, "agent": "testclient"}]
    assert browser.get("/auth/session").json()["csrfToken"] == csrf

    assert refusal(graphql(browser, None, VIEWER)) == (403, "FORBIDDEN", "CSRF_REJECTED")
    assert refusal(graphql(browser, "x" * 43, VIEWER)) == (403, "FORBIDDEN", "CSRF_REJECTED")
    elsewhere = browser.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert refusal(elsewhere) == (403, "FORBIDDEN", "CSRF_REJECTED")
    # a cross-site form cannot send JSON: its sign-in is refused before any check
    form = browser.post("/auth/sign-in", data={"username": "li.leader", "password": PASSWORD})
    assert refusal(form) == (415, "BAD_REQUEST", "NOT_JSON")

    assert browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert refusal(browser.get("/auth/session"))[1:] == ("UNAUTHENTICATED", "SESSION_INVALID")


def test_a_session_s_requests_are_told_from_memory_while_its_answer_holds(
    world: World, browser: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a session's cookie has been answered, its next requests are told on the event loop
    (no thread's round trip), with the same checks: another site's request is still refused,
    and once the session ends (the log moves) the next request is worked out again, and
    refused."""
    resolved_off_the_loop = counted_off_the_loop(monkeypatch)
    account(world, "zhao.memory", "leader")
    csrf = sign_in(browser, "zhao.memory").json()["csrfToken"]
    graphql(browser, csrf, VIEWER)  # the cookie's first answer, worked out on a thread
    resolved_off_the_loop.clear()
    for _ in range(3):
        assert graphql(browser, csrf, VIEWER).json()["data"]["viewer"]["name"] == "张伟"
    assert resolved_off_the_loop == []
    assert refusal(graphql(browser, None, VIEWER)) == (403, "FORBIDDEN", "CSRF_REJECTED")
    elsewhere = browser.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert refusal(elsewhere) == (403, "FORBIDDEN", "CSRF_REJECTED")
    assert resolved_off_the_loop == []

    kept = browser.cookies.get(COOKIE)  # as a stolen (or merely stale) cookie would be
    assert browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf}).status_code == 204
    resolved_off_the_loop.clear()
    replayed = TestClient(world.http.app)  # type: ignore[arg-type]
    replayed.cookies.set(COOKIE, kept)
    ended = graphql(replayed, csrf, VIEWER)
    assert refusal(ended)[1:] == ("UNAUTHENTICATED", "SESSION_ENDED")
    assert resolved_off_the_loop == ["caller"]


def test_signing_in_as_a_role_not_granted_is_refused_with_its_own_reason(
    world: World, browser: TestClient
) -> None:
    account(world, "wang.leader", "leader")
    before = sessions_stored(world)
    answer = sign_in(browser, "wang.leader", role="auditor")
    assert refusal(answer) == (403, "FORBIDDEN", "ROLE_NOT_GRANTED")
    assert COOKIE not in answer.headers.get("set-cookie", "")
    assert sessions_stored(world) == before


def test_sign_out_needs_the_csrf_token_and_is_recorded(world: World, browser: TestClient) -> None:
    made = account(world, "wang.out", "leader")
    csrf = sign_in(browser, "wang.out").json()["csrfToken"]
    assert refusal(browser.post("/auth/sign-out")) == (403, "FORBIDDEN", "CSRF_REJECTED")
    assert browser.get("/auth/session").status_code == 200  # still signed in
    assert browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf}).status_code == 204
    events = [type(e).__name__ for e in world.system.app.repository.event_store.get(made)]
    assert events[-2:] == ["SignedIn", "SignedOut"]


def test_an_administrator_enrols_a_second_factor_first_then_signs_in_with_it(
    world: World, browser: TestClient
) -> None:
    account(world, "zhao.security", "security_admin")
    first = sign_in(browser, "zhao.security").json()
    csrf = first["csrfToken"]
    assert first["pending"] == "second_factor"
    accounts = graphql(browser, csrf, "{ accounts { username } }")
    assert refusal(accounts)[1:] == ("FORBIDDEN", "SECOND_FACTOR_ENROLMENT_REQUIRED")

    begun = graphql(browser, csrf, "mutation { beginSecondFactor { secret uri qrSvg } }").json()
    enrolment = begun["data"]["beginSecondFactor"]
    assert enrolment["qrSvg"].startswith("<svg")
    assert enrolment["uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(enrolment["secret"])
    wrong = graphql(
        browser,
        csrf,
        "mutation($c: String!) { confirmSecondFactor(code: $c) { codes } }",
        c=wrong_code(totp),
    )
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    enrolled_with = totp.now()
    confirmed = graphql(
        browser,
        csrf,
        "mutation($c: String!) { confirmSecondFactor(code: $c) { codes } }",
        c=enrolled_with,
    ).json()["data"]["confirmSecondFactor"]["codes"]
    assert len(confirmed) == 10
    assert "errors" not in graphql(browser, csrf, "{ accounts { username } }").json()
    browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf})

    needs = sign_in(browser, "zhao.security")
    assert refusal(needs) == (401, "UNAUTHENTICATED", "SECOND_FACTOR_REQUIRED")
    replayed = sign_in(browser, "zhao.security", code=enrolled_with)  # taken by the enrolment
    assert refusal(replayed) == (401, "UNAUTHENTICATED", "SIGN_IN_REFUSED")
    recovered = sign_in(browser, "zhao.security", code=confirmed[0])
    assert recovered.status_code == 200, recovered.text
    assert recovered.json()["pending"] == ""
    again = sign_in(browser, "zhao.security", code=confirmed[0])  # a recovery code is good once
    assert refusal(again) == (401, "UNAUTHENTICATED", "SIGN_IN_REFUSED")


def wrong_code(totp: pyotp.TOTP) -> str:
    """A code no step around now accepts."""
    now = time.time()
    near = {totp.at(now + drift) for drift in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in near)


def test_an_idle_session_expires_and_the_page_is_told_so(world: World, browser: TestClient) -> None:
    account(world, "sun.idle", "leader")
    csrf = sign_in(browser, "sun.idle").json()["csrfToken"]
    secret = browser.cookies[COOKIE]
    world.system.app.session_table._run(  # type: ignore[attr-defined]
        f"UPDATE {SESSIONS_TABLE} SET last_seen = last_seen - 1801 WHERE key = ?",
        (digest(secret),),
    )
    assert refusal(graphql(browser, csrf, VIEWER)) == (401, "UNAUTHENTICATED", "SESSION_EXPIRED")
    answer = browser.get("/auth/session")
    assert refusal(answer) == (401, "UNAUTHENTICATED", "SESSION_EXPIRED")
    assert f'{COOKIE}=""' in answer.headers["set-cookie"]  # the browser forgets it


def test_revoking_the_role_ends_the_next_request_and_the_open_stream(
    world: World, browser: TestClient
) -> None:
    made = account(world, "zhou.leader", "leader")
    csrf = sign_in(browser, "zhou.leader").json()["csrfToken"]
    cursor = graphql(browser, csrf, "{ viewer { liveCursor } }").json()["data"]["viewer"]
    subscription = "subscription($a: String) { events(after: $a) { id type } }"
    with browser.websocket_connect(
        "/graphql",
        subprotocols=["graphql-transport-ws"],
        headers={"Origin": "http://testserver"},
    ) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": subscription, "variables": {"a": cursor["liveCursor"]}},
            }
        )
        revoked = world.mutate(
            "security_admin",
            "revokeRole",
            {"accountId": str(made), "role": "LEADER", "reason": "调离"},
        )
        assert not revoked.get("errors"), revoked
        message = ws.receive_json()
        while "errors" not in message["payload"]:  # events it may still read, then the end
            message = ws.receive_json()
        [error] = message["payload"]["errors"]
        assert error["extensions"]["reason"] == "SESSION_ENDED"
        assert "角色已被撤销" in error["message"]  # why, not only that it ended
        assert ws.receive_json()["type"] == "complete"
    assert refusal(graphql(browser, csrf, VIEWER)) == (401, "UNAUTHENTICATED", "SESSION_ENDED")


def test_a_websocket_from_another_site_is_refused(world: World, browser: TestClient) -> None:
    account(world, "qian.ws", "leader")
    sign_in(browser, "qian.ws")
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        browser.websocket_connect(
            "/graphql",
            subprotocols=["graphql-transport-ws"],
            headers={"Origin": "https://evil.example"},
        ),
    ):
        pass
    assert refused.value.code == 1008  # policy violation, before any message


def test_an_integration_accounts_token_works_until_revoked(world: World) -> None:
    made = account(world, "hotline.api", "integration")
    issued = world.execute(
        "security_admin",
        "mutation($i: IssueApiTokenInput!) { issueApiToken(input: $i) { tokenId token } }",
        {"i": {"accountId": str(made), "name": "12345 热线", "role": "INTEGRATION"}},
    )["data"]["issueApiToken"]
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    asked = world.http.post("/graphql", json={"query": VIEWER}, headers=bearer).json()
    assert asked["data"]["viewer"]["role"]["code"] == "INTEGRATION"
    assert world.http.get("/events", headers=bearer).status_code == 200
    listed = world.execute(
        "audit_admin",
        f'{{ apiTokens(accountId: "{made}") {{ id name createdAt lastUsedAt revokedAt }} }}',
    )
    [token] = listed["data"]["apiTokens"]
    assert token["name"] == "12345 热线"
    assert UTC_MICROSECONDS.fullmatch(token["createdAt"]), token  # as every DateTime
    assert UTC_MICROSECONDS.fullmatch(token["lastUsedAt"]), token
    assert token["revokedAt"] is None
    assert issued["token"] not in str(listed)

    world.execute(
        "security_admin",
        "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }",
        {"i": {"accountId": str(made), "tokenId": issued["tokenId"], "reason": "停止对接"}},
    )
    again = world.http.post("/graphql", json={"query": VIEWER}, headers=bearer)
    assert refusal(again) == (401, "UNAUTHENTICATED", "TOKEN_REVOKED")
    assert refusal(world.http.get("/events", headers=bearer))[1:] == (
        "UNAUTHENTICATED",
        "TOKEN_REVOKED",
    )


HOSTILE = {
    "empty": {"username": "", "password": ""},
    "huge username": {"username": "长" * 201, "password": PASSWORD},
    "huge password": {"username": "li.leader", "password": "x" * 1025},
    "control characters": {"username": "li\x00leader", "password": PASSWORD},
    "not text": {"username": ["li.leader"], "password": 12},
    "extra field": {"username": "li.leader", "password": PASSWORD, "role_override": "admin"},
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_sign_ins_are_refused_with_a_code_and_store_nothing(
    world: World, browser: TestClient, case: str
) -> None:
    before, rows = world.position(), sessions_stored(world)
    answer = browser.post("/auth/sign-in", json=HOSTILE[case])
    status, code, reason = refusal(answer)
    assert (status, code) in {(400, "BAD_USER_INPUT"), (401, "UNAUTHENTICATED")}, answer.text
    assert reason in {"INVALID_PARAMETER", "SIGN_IN_REFUSED"}
    assert COOKIE not in answer.headers.get("set-cookie", "")
    assert sessions_stored(world) == rows
    assert world.position() == before  # an unknown or malformed name reaches no account


RAW = {
    "not UTF-8": b'{"username": "\xff\xfe", "password": "x"}',
    "not JSON": b"[1,2",
    "a lone surrogate": b'{"username": "li.leader", "password": "\\udcffYongshun#2026-hall"}',
    "a list": b'["li.leader"]',
}


@pytest.mark.parametrize("case", sorted(RAW))
def test_bodies_that_are_no_sign_in_are_refused(
    world: World, browser: TestClient, case: str
) -> None:
    before = world.position()
    answer = browser.post(
        "/auth/sign-in", content=RAW[case], headers={"Content-Type": "application/json"}
    )
    assert refusal(answer)[:2] in {(400, "BAD_USER_INPUT"), (401, "UNAUTHENTICATED")}
    assert world.position() == before


@pytest.mark.parametrize("forged", ["forged", "x" * 5000, "%FF%FE", digest("guess")])
def test_a_forged_session_cookie_is_refused(world: World, forged: str) -> None:
    client = TestClient(world.http.app)  # type: ignore[arg-type]
    client.cookies.set(COOKIE, forged)
    answer = client.post("/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": "x"})
    assert refusal(answer) == (401, "UNAUTHENTICATED", "SESSION_INVALID")


def test_the_door_remembers_only_an_open_session_s_cookie_header(world: World) -> None:
    """Forged or padded Cookie headers must not fill the server's memory; a remembered header
    whose session has ended is refused as before."""
    doors = world.http.app.state.doors  # type: ignore[attr-defined]
    client = TestClient(world.http.app)  # type: ignore[arg-type]
    for n in range(50):
        client.cookies.set(COOKIE, f"forged-{n}")
        answer = client.post("/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": "x"})
        assert refusal(answer)[2] == "SESSION_INVALID"
    assert not [h for h in doors._cookie_secrets if "forged-" in h]
    account(world, "lu.kept", "leader")
    client.cookies.clear()
    csrf = sign_in(client, "lu.kept").json()["csrfToken"]
    secret = client.cookies[COOKIE]
    assert graphql(client, csrf, VIEWER).json()["data"]["viewer"]["name"] == "张伟"
    kept = [h for h, s in doors._cookie_secrets.items() if s == secret]
    assert kept == [f"{COOKIE}={secret}"]
    padded = {"Cookie": f"{COOKIE}={secret}; other={'p' * 2000}", "X-CSRF-Token": csrf}
    bare = TestClient(world.http.app)  # type: ignore[arg-type]
    answer = bare.post("/graphql", json={"query": VIEWER}, headers=padded)
    assert answer.json()["data"]["viewer"]["name"] == "张伟"
    assert padded["Cookie"] not in doors._cookie_secrets, "a long header is parsed, not kept"
    assert client.post("/auth/sign-out", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.set(COOKIE, secret)
    answer = client.post("/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": csrf})
    assert refusal(answer)[:2] == (401, "UNAUTHENTICATED")


def test_own_password_rules_hold_for_a_signed_in_holder(world: World, browser: TestClient) -> None:
    account(world, "he.rules", "leader")
    csrf = sign_in(browser, "he.rules").json()["csrfToken"]
    change = "mutation($i: ChangeOwnPasswordInput!) { changeOwnPassword(input: $i) { id } }"
    cases = {
        ("x" * 2000, "BAD_USER_INPUT"),
        ("short1A!", "BAD_USER_INPUT"),
        ("he.rules-2026-X", "BAD_USER_INPUT"),
    }
    before = world.position()
    for new, code in cases:
        answer = graphql(browser, csrf, change, i={"currentPassword": PASSWORD, "newPassword": new})
        assert answer.json()["errors"][0]["extensions"]["code"] == code, answer.text
    wrong = graphql(
        browser, csrf, change, i={"currentPassword": "not-it", "newPassword": "Xinhua@Street-07"}
    )
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert world.position() == before


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_in_production(tmp_path_factory.mktemp("production")) as production_world:
        yield production_world


def test_in_production_a_temporary_password_is_changed_before_anything_else(
    production: World,
) -> None:
    account(production, "wu.first", "leader")
    client = TestClient(production.http.app, base_url="https://testserver")  # type: ignore[arg-type]
    if client:
        answer = sign_in(client, "wu.first")
        assert "Secure" in answer.headers["set-cookie"]
        csrf = answer.json()["csrfToken"]
        assert answer.json()["pending"] == "password"
        topics = graphql(client, csrf, "{ topics { totalCount } }")
        assert refusal(topics)[1:] == ("FORBIDDEN", "PASSWORD_CHANGE_REQUIRED")
        changed = graphql(
            client,
            csrf,
            "mutation($i: ChangeOwnPasswordInput!) { changeOwnPassword(input: $i) { id } }",
            i={"currentPassword": PASSWORD, "newPassword": "Xinhua@Street-07"},
        ).json()
        assert changed["data"]["changeOwnPassword"]["id"] == str(account_id("wu.first"))
        assert "errors" not in graphql(client, csrf, "{ topics { totalCount } }").json()


def enrolled_administrator(world: World, browser: TestClient, username: str, role: str) -> str:
    """An administrator account signed in with its second factor enrolled; its CSRF token."""
    account(world, username, role)
    csrf = sign_in(browser, username).json()["csrfToken"]
    begun = graphql(browser, csrf, "mutation { beginSecondFactor { secret } }").json()
    code = pyotp.TOTP(begun["data"]["beginSecondFactor"]["secret"]).now()
    confirm = "mutation($c: String!) { confirmSecondFactor(code: $c) { codes } }"
    assert "errors" not in graphql(browser, csrf, confirm, c=code).json()
    return str(csrf)


OWN = {
    "grantRole": (
        "mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }",
        {"role": "AUDITOR", "reason": "自授"},
    ),
    "revokeRole": (
        "mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { id } }",
        {"role": "SECURITY_ADMIN", "reason": "自撤"},
    ),
    "disableAccount": (
        "mutation($i: DisableAccountInput!) { disableAccount(input: $i) { id } }",
        {"reason": "自停"},
    ),
    "resetPassword": (
        "mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { id } }",
        {"temporaryPassword": "Xinhua@Street-07"},
    ),
    "resetSecondFactor": (
        "mutation($i: ResetSecondFactorInput!) { resetSecondFactor(input: $i) { id } }",
        {"reason": "自重置"},
    ),
    "issueApiToken": (
        "mutation($i: IssueApiTokenInput!) { issueApiToken(input: $i) { token } }",
        {"name": "自用", "role": "SECURITY_ADMIN"},
    ),
}


def test_no_path_lets_a_security_administrator_act_on_their_own_account(
    world: World, browser: TestClient
) -> None:
    csrf = enrolled_administrator(world, browser, "feng.security", "security_admin")
    own = str(account_id("feng.security"))
    before = world.position()
    for mutation, (document, given) in OWN.items():
        answer = graphql(browser, csrf, document, i={"accountId": own, **given})
        assert refusal(answer)[1:] == ("FORBIDDEN", "OWN_ACCOUNT"), (mutation, answer.text)
    assert world.position() == before
    assert world.system.app.api_tokens(account_id("feng.security")) == []


def test_security_events_reach_the_audit_administrator_with_actor_address_and_time(
    world: World, browser: TestClient
) -> None:
    account(world, "tang.audited", "leader")
    assert refusal(sign_in(browser, "tang.audited", "Wrong#Password-9"))[0] == 401
    csrf = sign_in(browser, "tang.audited").json()["csrfToken"]
    browser.post("/auth/sign-out", headers={"X-CSRF-Token": csrf})
    world.system.projector.wait_for(world.position())  # sign-ins are not commands: no wait
    mine = [n for n in security_audit(world) if n["aggregateId"] == str(account_id("tang.audited"))]
    said = {n["summary"] for n in mine}
    assert "从testclient登录失败(本轮第1次)" in said
    assert "从testclient登录(密码)" in said
    assert "会话结束:本人退出登录" in said
    assert all(n["occurredAt"] for n in mine)
    assert {n["actorName"] for n in mine} >= {"系统"}


def security_audit(world: World) -> list[dict[str, Any]]:
    """Every node of the audit administrator's security audit, page by page."""
    document = (
        "query($a: String) { securityAudit(first: 100, after: $a) { nodes { summary actorName"
        " occurredAt aggregateId } pageInfo { hasNextPage endCursor } } }"
    )
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        answer = world.execute("audit_admin", document, {"a": after})
        assert "errors" not in answer, answer
        page = answer["data"]["securityAudit"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
