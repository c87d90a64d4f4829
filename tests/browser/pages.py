"""What a person does in the browser, as steps the tests read like: sign in, fill a form,
read a tile, click a bar of a chart."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from interfaces.cli.demo_accounts import ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.browser.server import DemoServer

# The demo district's people by the key tests know them by ("staff:ys", "leader"…): their
# accounts' usernames.
USERNAMES = {account.actor_key: account.username for account in ACCOUNTS if account.actor_key}


def sign_in(page: Any, server: DemoServer, who: str) -> None:
    """Signs in with the person's demo account: username and password, as they would."""
    sign_in_as(page, server, USERNAMES.get(who, who))


def sign_in_as(page: Any, server: DemoServer, username: str, password: str = DEMO_PASSWORD) -> None:
    """Signs in with a username and password (an account without a second factor)."""
    type_password(page, server, username, password)
    signed_in(page, server)


def signed_in(page: Any, server: DemoServer) -> None:
    """Waits for the signed-in page; when it does not come, the failure carries the server's
    slow requests (its log names each by route, status and seconds)."""
    try:
        page.locator("#sign-out").wait_for()
    except PlaywrightTimeout as timeout:
        slow = [line for line in server.output().splitlines() if "slow request" in line]
        shown = page.locator("#view").inner_text(timeout=2_000)[:500]
        raise AssertionError(
            f"not signed in at {page.url}; the page shows:\n{shown}\n"
            "the server's slow requests:\n" + "\n".join(slow[-20:])
        ) from timeout


def type_password(page: Any, server: DemoServer, username: str, password: str) -> None:
    """The first step of signing in: the username and password, sent."""
    go(page, server, "/signin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def sign_in_with_code(page: Any, server: DemoServer, username: str) -> None:
    """Signs in as a demo administrator: the password, then a fresh code of the demo secret."""
    type_password(page, server, username, DEMO_PASSWORD)
    page.get_by_label("动态口令").fill(fresh_code(server, username))
    page.get_by_role("button", name="验证并登录").click()
    signed_in(page, server)


def fresh_code(server: DemoServer, username: str, secret: str = DEMO_TOTP_SECRET) -> str:
    """A code the account has not used yet. A code is accepted once per 30-second step, and
    the demo administrators used theirs when `yishiting demo` enrolled them: when this step's
    is used already, the code is the next step's, waited for (at most one step)."""
    totp = pyotp.TOTP(secret)
    used = server.totp_steps.get(username, int(server.seeded_at) // totp.interval)
    while int(time.time()) // totp.interval <= used:
        time.sleep(totp.interval - time.time() % totp.interval + 0.05)
    step = int(time.time()) // totp.interval
    server.totp_steps[username] = step
    return str(totp.at(step * totp.interval))


def sign_in_with_token(page: Any, server: DemoServer, token: str) -> None:
    """Pastes an access token (the developers' way in, folded away below the sign-in form)."""
    go(page, server, "/signin")
    page.get_by_text("使用访问令牌登录").click()
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="以令牌登录").click()
    signed_in(page, server)
    # The header shows the sign-out as soon as the token is taken, while the page signed into
    # may still be drawing: a test going on at once raced it (its grid read from that page).
    page.wait_for_function(
        "() => { const view = document.getElementById('view');"
        " return (view.dataset.route || '#/signin') !== '#/signin'"
        " && !view.hasAttribute('aria-busy'); }"
    )


def go(page: Any, server: DemoServer, route: str) -> None:
    """Opens the route (reloads it when already there) and waits until the page has drawn it
    with its data."""
    url = f"{server.app_url}#{route}"
    if page.url == url:
        page.reload()
    else:
        page.goto(url)
    page.wait_for_function(
        "hash => decodeURI(document.getElementById('view').dataset.route || '') === hash",
        arg=f"#{route}",
    )


def field(page: Any, name: str) -> Any:
    """A form field's row, by its GraphQL input name (data-field)."""
    return page.locator(f".field[data-field='{name}']")


def kpi(page: Any, key: str) -> str:
    return str(page.locator(f"[data-kpi='{key}'] .tile-value").inner_text())


def chart_count(page: Any, chart: str, label: str) -> int:
    """The number beside a bar in the chart's "查看数据" list."""
    row = page.locator(f"[data-card='{chart}'] .chart-data li").filter(has_text=label)
    return int(row.locator("strong").text_content() or "")


def click_bar(page: Any, chart: str, index: int) -> None:
    """A real click on the canvas, in the middle of the chart's `index`-th bar."""
    element = page.locator(f"[data-chart='{chart}']")
    element.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([key, index]) => {
          const el = document.querySelector(`[data-chart="${key}"]`);
          const chart = echarts.getInstanceByDom(el);
          const option = chart.getOption();
          const horizontal = option.yAxis[0].type === "category";
          const half = Math.max(option.series[0].data[index], 1) / 2;
          const at = horizontal ? [half, index] : [index, half];
          const point = chart.convertToPixel({ seriesIndex: 0 }, at);
          const box = el.getBoundingClientRect();
          return [box.left + point[0], box.top + point[1]];
        }""",
        [chart, index],
    )
    page.mouse.click(x, y)


def lines(element: Any) -> int:
    """How many lines the element's text takes as shown (a heading squeezed into a narrow
    column shows one character a line)."""
    count: int = element.evaluate(
        """el => { const range = document.createRange(); range.selectNodeContents(el);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; }"""
    )
    return count
