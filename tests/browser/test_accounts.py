"""Signing in with an account (等保 身份鉴别, 访问控制) in the browser: what was typed survives a
session that timed out; a page on another site changes nothing; a role revoked ends the open
dashboard; five wrong passwords lock an account until the security administrator unlocks it; an
administrator signs in with a second factor, or enrols one on first sign-in; my sessions and my
password; an integration account's API token shown once and revoked; the security audit.

The accounts that are locked, revoked or changed here are fresh ones (DemoServer.new_account),
never the demo district's, which the other browser tests sign in with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pyotp
import pytest
from playwright.sync_api import expect

from domain.accounts import account_id
from interfaces.cli.demo_accounts import DEMO_PASSWORD
from tests.browser.conftest import OpenPage
from tests.browser.pages import (
    field,
    go,
    sign_in,
    sign_in_as,
    sign_in_with_code,
    sign_in_with_token,
    type_password,
)
from tests.browser.server import NEW_PASSWORD, SECURITY_ADMIN, DemoServer
from tests.support.servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REFUSED = "用户名或密码错误,或账号已锁定、停用"
REVOKE = """mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { id } }"""
TITLES = """query($platform: ID!) { topics(first: 100, filter: { platformId: $platform }) {
  nodes { title } } }"""


def session_cookie(page: Any) -> str:
    cookies = page.context.cookies()
    return str(next(c["value"] for c in cookies if c["name"] == "yishiting_session"))


def session_status(page: Any, server: DemoServer) -> int:
    """GET /auth/session with the browser's cookies, behind the page's back."""
    status: int = page.context.request.get(f"{server.base_url}/auth/session").status
    return status


def sign_in_form(page: Any, username: str, password: str) -> None:
    """Signs in on the sign-in page already shown (keeping its notice and where it came from)."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def refusal(page: Any) -> Any:
    """Where the sign-in form says why it was refused."""
    return page.locator("#sign-in .form-error")


def titles(server: DemoServer) -> set[str]:
    found = server.query(TITLES, platform=server.scope_of("staff:ys"))
    return {t["title"] for t in found["topics"]["nodes"]}


def test_what_was_typed_comes_back_after_the_session_timed_out(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    title = f"小区电梯加装-{uuid4().hex[:6]}"
    page = open_page()
    sign_in(page, server, "staff:ys")
    go(page, server, "/topics/new")
    field(page, "title").get_by_role("textbox").fill(title)
    field(page, "content").get_by_role("textbox").fill("老旧小区居民希望加装电梯。")
    field(page, "channel").get_by_role("combobox").select_option(label="群众")
    field(page, "category").get_by_role("combobox").select_option(label="民生实事")
    field(page, "proposer.name").get_by_role("textbox").fill("李居民")

    # Half an hour and more without a request, without waiting for it: the live stream that
    # keeps 待办's count current ends with the session, and sends the page to 登录 by itself.
    server.age_session(session_cookie(page), 4000)
    expect(page).to_have_url(f"{server.app_url}#/signin")
    told = page.locator(".notice.warning")
    expect(told).to_contain_text("会话已超时")
    expect(told).to_contain_text("已填写的内容已保存")
    page.screenshot(path=str(artifacts / "session-timed-out.png"), full_page=True)
    assert title not in titles(server)

    sign_in_form(page, "wangli", DEMO_PASSWORD)
    expect(page).to_have_url(f"{server.app_url}#/topics/new")
    expect(field(page, "title").get_by_role("textbox")).to_have_value(title)
    expect(field(page, "channel").get_by_role("combobox")).to_have_value("MASSES")
    expect(field(page, "proposer.name").get_by_role("textbox")).to_have_value("李居民")
    expect(page.locator(".form .notice.info")).to_contain_text("已恢复重新登录前填写的内容")
    page.get_by_role("button", name="提出事项").click()
    expect(page.locator("#topic-title")).to_have_text(title)
    assert title not in page.evaluate("sessionStorage.getItem('yishiting.drafts') || ''")


PROPOSE = """mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }"""


def test_a_step_form_opens_again_with_what_was_typed(
    open_page: OpenPage, server: DemoServer
) -> None:
    matter = {
        "title": f"路口信号灯配时-{uuid4().hex[:6]}",
        "content": "早高峰路口排队过长。",
        "channel": "MASSES",
        "category": "GOVERNANCE",
        "platformId": server.scope_of("staff:ys"),
        "proposer": {"name": "赵居民"},
    }
    topic = server.act("staff:ys", PROPOSE, input=matter)["proposeTopic"]["id"]
    page = open_page()
    sign_in(page, server, "staff:ys")
    go(page, server, f"/topic/{topic}")
    page.get_by_role("button", name="核实", exact=True).click()
    page.get_by_label("基本情况").fill("涉及三个路口,已与交警沟通。")

    server.age_session(session_cookie(page), 4000)  # the live stream ends with the session
    expect(page).to_have_url(f"{server.app_url}#/signin")
    expect(page.locator(".notice.warning")).to_contain_text("会话已超时")
    sign_in_form(page, "wangli", DEMO_PASSWORD)
    expect(page).to_have_url(f"{server.app_url}#/topic/{topic}")
    expect(page.get_by_label("基本情况")).to_have_value("涉及三个路口,已与交警沟通。")
    page.get_by_role("button", name="确认核实").click()
    expect(page.locator(".badge.large")).to_have_text("已核实")


def hostile_page(target: str, title: str, platform: str) -> str:
    """A page that, once opened, posts a form to the app: a proposeTopic smuggled as JSON in a
    text/plain body (a form may send that without the browser asking first)."""
    document = {
        "query": "mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }",
        "variables": {
            "input": {
                "title": title,
                "content": "跨站伪造",
                "channel": "MASSES",
                "category": "LIVELIHOOD",
                "platformId": platform,
                "proposer": {"name": "伪造"},
            }
        },
    }
    name = json.dumps(document)[:-1] + ', "x": "'
    return f"""<!doctype html><meta charset="utf-8"><title>evil</title><body>
<script>
  function post(action, name, value, enctype) {{
    const form = document.createElement("form");
    form.method = "POST";
    form.action = action;
    form.enctype = enctype;
    const input = document.createElement("input");
    input.name = name;
    input.value = value;
    form.append(input);
    document.body.append(form);
    form.submit();
  }}
  post({json.dumps(target + "/graphql")}, "_self", {json.dumps(name)}, '"}}', "text/plain");
</script>"""


def sign_out_page(target: str) -> str:
    return f"""<!doctype html><meta charset="utf-8"><title>evil</title>
<form method="POST" action="{target}/auth/sign-out" id="f"></form>
<script>document.getElementById("f").submit()</script>"""


SITES = [
    pytest.param("evil.localhost", id="other-site"),
    pytest.param("127.0.0.1", id="other-port"),
]


def navigation_to(url: str) -> Any:
    """The answer to the hostile page's form (not to a request of the app's own page)."""
    return lambda response: response.url == url and response.request.is_navigation_request()


def hostile(page: Any, site: str, path: str, body: str) -> str:
    """Serves `body` as the page at `path` of a made-up origin on `site`: its address."""
    address = f"http://{site}:{free_port()}{path}"
    page.route(address, lambda route: route.fulfill(content_type="text/html", body=body))
    return address


@pytest.mark.parametrize("site", SITES)
def test_a_page_of_another_origin_changes_nothing(
    open_page: OpenPage, server: DemoServer, site: str
) -> None:
    """Another site: the SameSite=Strict cookie is not even sent. Another port of the same host
    (the same site, so the cookie goes along): the server refuses it by its Origin (403)."""
    page = open_page()
    sign_in(page, server, "staff:ys")
    title = f"跨站伪造-{uuid4().hex[:6]}"
    forged = hostile_page(server.base_url, title, server.scope_of("staff:ys"))
    with page.expect_response(navigation_to(f"{server.base_url}/graphql")) as answer:
        page.goto(hostile(page, site, "/propose", forged), wait_until="commit")
    page.wait_for_url(f"{server.base_url}/graphql")
    if site == "127.0.0.1":
        assert answer.value.request.headers.get("cookie"), "same site: the cookie went along"
        assert answer.value.status == 403
        assert "CSRF_REJECTED" in answer.value.text()
    else:
        assert not answer.value.request.headers.get("cookie")
        assert "errors" in answer.value.json()
    assert title not in titles(server)
    assert session_status(page, server) == 200
    go(page, server, "/topics")
    expect(page.locator("#sign-out")).to_be_visible()


@pytest.mark.parametrize(
    "site",
    [
        pytest.param("evil.localhost", id="other-site"),
        pytest.param("127.0.0.1", id="other-port"),
    ],
)
def test_a_page_of_another_origin_cannot_sign_me_out(
    open_page: OpenPage, server: DemoServer, site: str
) -> None:
    page = open_page()
    sign_in(page, server, "staff:ys")
    cookie = session_cookie(page)
    with page.expect_response(navigation_to(f"{server.base_url}/auth/sign-out")) as answer:
        page.goto(
            hostile(page, site, "/sign-out", sign_out_page(server.base_url)), wait_until="commit"
        )
    if site == "127.0.0.1":
        assert answer.value.status == 403
        assert "CSRF_REJECTED" in answer.value.text()
    assert not server.session_ended(cookie)
    assert session_status(page, server) == 200


def test_a_revoked_role_ends_the_open_dashboard(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    username = server.new_account("leader", "LEADER")
    page = open_page()
    sign_in_as(page, server, username, NEW_PASSWORD)
    expect(page).to_have_url(f"{server.app_url}#/dashboard")
    expect(page.locator("#live-mode")).to_have_attribute("data-mode", "subscribed")

    revoked = {
        "accountId": str(account_id(username)),
        "role": "LEADER",
        "reason": "浏览器测试:岗位调整",
    }
    server.as_security_admin(REVOKE, input=revoked)
    expect(page).to_have_url(f"{server.app_url}#/signin")
    expect(page.locator(".notice.warning")).to_contain_text("账号的角色已被撤销,请重新登录")
    expect(page.locator("#sign-out")).to_have_count(0)
    page.screenshot(path=str(artifacts / "role-revoked.png"), full_page=True)
    assert session_status(page, server) == 401

    type_password(page, server, username, NEW_PASSWORD)
    expect(refusal(page)).to_contain_text("尚未被授予任何角色")


def test_five_wrong_passwords_lock_an_account_until_it_is_unlocked(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    username = server.new_account("locked", "LEADER")
    person = open_page()
    person.goto(f"{server.app_url}#/signin")
    error = refusal(person)
    for attempt in range(5):
        with person.expect_response("**/auth/sign-in") as answer:
            sign_in_form(person, username, f"Wrong#password-{attempt}")
        assert answer.value.status == 401
        expect(error).to_contain_text(REFUSED)
    with person.expect_response("**/auth/sign-in") as answer:
        sign_in_form(person, username, NEW_PASSWORD)
    assert answer.value.status == 401
    expect(error).to_contain_text(REFUSED)
    expect(person.locator("#sign-out")).to_have_count(0)

    # The security administrator (here by a pasted access token) unlocks it on 账号管理.
    admin = open_page()
    sign_in_with_token(admin, server, server.authenticator.issue(SECURITY_ADMIN))
    expect(admin).to_have_url(f"{server.app_url}#/accounts")
    row = admin.locator("tbody tr").filter(has_text=username)
    expect(row).to_contain_text("锁定至")
    row.get_by_role("link", name=username).click()
    expect(admin.locator("#account-title")).to_contain_text(username)
    admin.get_by_role("button", name="解锁", exact=True).click()
    field(admin, "reason").locator("textarea").fill("本人来电确认,忘记密码后多次尝试")
    admin.get_by_role("button", name="确认解锁").click()
    expect(admin.get_by_role("button", name="解锁", exact=True)).to_have_count(0)
    expect(admin.locator("tbody tr").filter(has_text=username)).not_to_contain_text("锁定至")
    admin.screenshot(path=str(artifacts / "accounts.png"), full_page=True)

    sign_in_form(person, username, NEW_PASSWORD)
    expect(person).to_have_url(f"{server.app_url}#/dashboard")


def test_my_sessions_and_my_password(open_page: OpenPage, server: DemoServer) -> None:
    username = server.new_account("staff", "PLATFORM_STAFF", server.scope_of("staff:ys"))
    here, elsewhere = open_page(), open_page()
    sign_in_as(here, server, username, NEW_PASSWORD)
    sign_in_as(elsewhere, server, username, NEW_PASSWORD)

    here.locator("#my-account").click()
    sessions = here.locator("#my-sessions tbody tr")
    expect(sessions).to_have_count(2)
    expect(sessions.filter(has_text="当前")).to_have_count(1)
    sessions.get_by_role("button", name="结束").click()
    expect(here.locator("#my-sessions")).to_contain_text("该会话已结束")
    expect(sessions).to_have_count(1)
    # The other page's live stream (待办's count) ends with its session: 登录, with the reason.
    expect(elsewhere).to_have_url(f"{server.app_url}#/signin")
    expect(elsewhere.locator(".notice.warning")).to_contain_text("会话已被本人结束")

    new = "Zx9!other-words-2026"
    form = here.locator("#change-password")
    form.get_by_label("当前密码").fill(NEW_PASSWORD)
    form.get_by_label("新密码", exact=False).first.fill(new)
    expect(form.locator("[data-rule='length']")).to_have_class("met")
    form.get_by_label("再次输入新密码").fill(new + "x")
    form.get_by_role("button", name="修改密码").click()
    expect(field(here, "repeat").locator(".field-error")).to_contain_text("两次输入的新密码不一致")
    form.get_by_label("再次输入新密码").fill(new)
    form.get_by_role("button", name="修改密码").click()
    expect(form.locator(".notice.success")).to_contain_text("密码已修改")

    here.locator("#sign-out").click()
    expect(here).to_have_url(f"{server.app_url}#/signin")
    assert session_status(here, server) == 401
    sign_in_form(here, username, NEW_PASSWORD)
    expect(refusal(here)).to_contain_text(REFUSED)
    sign_in_form(here, username, new)
    expect(here).to_have_url(f"{server.app_url}#/todo")


def test_an_integration_accounts_token_is_shown_once_and_revoked(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    name = f"12345工单推送-{uuid4().hex[:6]}"
    page = open_page()
    sign_in_with_token(page, server, server.authenticator.issue(SECURITY_ADMIN))
    page.get_by_role("link", name="hotline12345").click()
    tokens = page.locator("#tokens")
    expect(tokens).to_be_visible()
    tokens.get_by_label("令牌名称").fill(name)
    tokens.get_by_role("button", name="签发令牌").click()
    shown = page.locator("#new-token")
    expect(shown).to_be_visible()
    token = shown.input_value()
    assert token.startswith("yst_")
    expect(page.locator("#issued-token")).to_contain_text("令牌只显示这一次")
    expect(tokens.locator("tbody tr").filter(has_text=name)).to_contain_text("有效")
    page.screenshot(path=str(artifacts / "api-token.png"), full_page=True)

    viewer = {"query": "{ viewer { name role { code } } }"}
    bearer = {"Authorization": f"Bearer {token}"}
    answer = httpx.post(f"{server.base_url}/graphql", json=viewer, headers=bearer).json()
    assert answer["data"]["viewer"]["role"]["code"] == "INTEGRATION"

    tokens.locator(f"[data-revoke='{name}']").click()
    field(page, "reason").locator("textarea").fill("对接系统更换,旧令牌停用")
    page.get_by_role("button", name="确认吊销").click()
    expect(tokens.locator("tbody tr").filter(has_text=name)).to_contain_text("已吊销")
    refused = httpx.post(f"{server.base_url}/graphql", json=viewer, headers=bearer)
    assert refused.json()["errors"][0]["extensions"]["reason"] == "TOKEN_REVOKED"


def test_an_administrator_enrols_a_second_factor_on_first_sign_in(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    username = server.new_account("audit", "AUDIT_ADMIN")
    page = open_page()
    type_password(page, server, username, NEW_PASSWORD)
    expect(page).to_have_url(f"{server.app_url}#/account")
    expect(page.locator("#second-factor")).to_contain_text("管理员账号须先绑定动态口令")
    expect(page.locator("#nav a")).to_have_count(0)
    go(page, server, "/account")
    page.goto(f"{server.app_url}#/topics")
    expect(page).to_have_url(f"{server.app_url}#/account")

    page.get_by_role("button", name="开始绑定动态口令").click()
    expect(page.locator("#second-factor-qr")).to_be_visible()
    assert (
        page.locator("#second-factor-qr")
        .get_attribute("src")
        .startswith("data:image/svg+xml;base64,")
    )
    secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
    page.screenshot(path=str(artifacts / "second-factor-enrolment.png"), full_page=True)
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="确认绑定").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    expect(page.locator("#second-factor")).to_contain_text("只显示这一次")
    recovery = codes.first.inner_text().strip()
    page.get_by_role("button", name="我已妥善保存恢复码,继续").click()
    expect(page).to_have_url(f"{server.app_url}#/security-audit")

    page.locator("#sign-out").click()
    type_password(page, server, username, NEW_PASSWORD)
    page.get_by_label("动态口令").fill(recovery)
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(f"{server.app_url}#/security-audit")
    expect(page.locator("#sign-out")).to_be_visible()


def test_an_administrator_signs_in_with_a_code_and_lands_on_the_accounts(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    type_password(page, server, "qianan", DEMO_PASSWORD)
    code = page.get_by_label("动态口令")
    expect(code).to_be_focused()
    code.fill("000000")
    page.get_by_role("button", name="验证并登录").click()
    expect(refusal(page)).to_contain_text(REFUSED)
    expect(page).to_have_url(f"{server.app_url}#/signin")

    sign_in_with_code(page, server, "qianan")
    expect(page).to_have_url(f"{server.app_url}#/accounts")
    expect(page.get_by_role("link", name="账号管理")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text="wangli")).to_contain_text(
        "协商议事平台专人(永顺镇委员工作站)"
    )
    expect(page.locator("#create-account")).to_be_visible()


def test_the_audit_administrator_reads_the_security_audit_and_changes_nothing(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    page = open_page()
    sign_in_with_code(page, server, "zhengshen")
    expect(page).to_have_url(f"{server.app_url}#/security-audit")
    rows = page.locator("#security-audit tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.filter(has_text="创建账号“wangli”").first).to_contain_text("示范数据安全管理员")
    expect(page.locator(".pager-state")).to_contain_text("第 1 /")
    page.screenshot(path=str(artifacts / "security-audit.png"), full_page=True)
    page.get_by_role("button", name="下一页").click()
    expect(page.locator(".pager-state")).to_contain_text("第 2 /")

    page.get_by_role("link", name="账号管理").click()
    expect(page.get_by_role("heading", name="账号管理")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text="qianan")).to_be_visible()
    expect(page.locator("#create-account")).to_have_count(0)
    page.locator("tbody tr").filter(has_text="hotline12345").get_by_role("link").click()
    expect(page.locator("#tokens")).to_be_visible()
    expect(page.locator(".actions")).to_have_count(0)
    expect(page.get_by_role("button", name="签发令牌")).to_have_count(0)
