"""What a person does in the browser, as steps the tests read like: sign in, fill a form,
read a tile, click a bar of a chart."""

from __future__ import annotations

from typing import Any

from tests.browser.server import DemoServer


def sign_in(page: Any, server: DemoServer, who: str) -> None:
    """Pastes the person's token on the sign-in page, as they would."""
    page.goto(f"{server.app_url}#/signin")
    page.get_by_label("访问令牌").fill(server.token(who))
    page.get_by_role("button", name="登录", exact=True).click()
    page.locator("#sign-out").wait_for()


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
