"""The leadership dashboard (领导驾驶舱) at 1366×768: the breakdowns by committee and by unit,
the overdue items by unit and the due-soon tile show what GraphQL reads; a consultation form
has one colour in every chart; the exclusion grounds show in full; on a phone the menu shows
that it scrolls."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, OpenPage
from tests.browser.pages import go, kpi, sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

BOARD = """query { dashboard {
  topicsByCommittee { key label count } itemsByUnit { key label count }
  itemsDueSoon dueSoonWorkingDays
  overdueByUnit { unitId unitName count oldestItemId oldestSeqNo oldestSubject oldestDueOn }
} }"""
GROUNDS = "query { vocabularies { name terms { code number label } } }"


def listed(page: Any, card: str) -> dict[str, int]:
    """The chart's "查看数据" list: each link's text and the number beside it."""
    rows: list[list[str]] = page.evaluate(
        """card => [...document.querySelectorAll(`[data-card="${card}"] .chart-data li`)].map(
          li => [li.querySelector("a").textContent, li.querySelector("strong").textContent])""",
        card,
    )
    return {label: int(count) for label, count in rows}


def option(page: Any, chart: str) -> dict[str, Any]:
    """The option ECharts draws the chart with."""
    found: dict[str, Any] = page.evaluate(
        """key => {
          const option = echarts.getInstanceByDom(document.querySelector(`[data-chart="${key}"]`))
            .getOption();
          return { xAxis: option.xAxis, yAxis: option.yAxis, series: option.series.map(s => ({
            name: s.name, data: s.data, itemStyle: s.itemStyle })) };
        }""",
        chart,
    )
    return found


def dashboard(open_page: OpenPage, server: DemoServer) -> Any:
    page = open_page()
    sign_in(page, server, "leader")
    expect(page).to_have_url(f"{server.app_url}#/dashboard")
    page.locator("[data-kpi='due-soon']").wait_for()
    return page


def test_committees_units_overdue_and_due_soon_as_graphql_reads_them(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = dashboard(open_page, server)
    read = server.query(BOARD)["dashboard"]
    assert read["topicsByCommittee"], "the demo district has matters before committees"
    assert read["itemsByUnit"], "the demo district has items assigned to units"
    assert listed(page, "committees") == {c["label"]: c["count"] for c in read["topicsByCommittee"]}
    assert listed(page, "units") == {c["label"]: c["count"] for c in read["itemsByUnit"]}

    days = read["dueSoonWorkingDays"]
    assert kpi(page, "due-soon") == str(read["itemsDueSoon"])
    expect(page.locator("[data-kpi='due-soon'] .tile-label")).to_have_text(f"{days}个工作日内到期")

    overdue = page.locator("#overdue-by-unit tbody tr")
    units = read["overdueByUnit"]
    assert units, "the demo district has overdue items"
    expect(overdue).to_have_count(len(units))
    for row, unit in zip(overdue.all(), units, strict=True):
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(unit["unitName"])
        expect(cells.nth(1)).to_have_text(str(unit["count"]))
        expect(cells.nth(2)).to_have_text(f"{unit['oldestSeqNo']}. {unit['oldestSubject']}")
        expect(cells.nth(3)).to_have_text(unit["oldestDueOn"])

    # A unit's name opens its overdue items; the due-soon tile the items due soon.
    overdue.first.locator("td").first.get_by_role("link").click()
    expect(page.locator("#view tbody tr")).to_have_count(units[0]["count"])
    go(page, server, "/dashboard")
    page.locator("[data-kpi='due-soon']").click()
    expect(page.locator("h1")).to_have_text(f"督办台账 · {days}个工作日内到期")
    # The export takes no due-soon window: offered, it would hand out more than the list.
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.get_by_role("button", name="导出 Excel")).to_have_count(0)
    if read["itemsDueSoon"]:
        expect(page.locator("#view tbody tr")).to_have_count(min(read["itemsDueSoon"], 20))
    else:
        expect(page.locator("#view")).to_contain_text("没有符合条件的督办事项")

    go(page, server, "/dashboard")
    first = units[0]
    overdue.first.locator("td").nth(2).get_by_role("link").click()
    expect(page).to_have_url(f"{server.app_url}#/item/{first['oldestItemId']}")
    expect(page.locator("#view")).to_contain_text(first["oldestSubject"])


def test_a_form_has_one_colour_in_every_chart(open_page: OpenPage, server: DemoServer) -> None:
    page = dashboard(open_page, server)
    forms = option(page, "forms")
    by_form = {
        label: bar["itemStyle"]["color"]
        for label, bar in zip(forms["xAxis"][0]["data"], forms["series"][0]["data"], strict=True)
    }
    assert len(set(by_form.values())) == len(by_form), "each form its own colour"
    months = {s["name"]: s["itemStyle"]["color"] for s in option(page, "months")["series"]}
    assert months, "the demo district held consultations"
    assert months == {form: by_form[form] for form in months}
    span = server.query("{ dashboard { consultationMonthsFrom consultationMonthsTo } }")
    shown = span["dashboard"]
    expect(page.locator('[data-card="months"] .chart-span')).to_have_text(
        f"统计月份:{shown['consultationMonthsFrom']} 至 {shown['consultationMonthsTo']}"
    )


def test_the_grounds_are_shown_in_full(open_page: OpenPage, server: DemoServer) -> None:
    page = dashboard(open_page, server)
    vocabularies = server.query(GROUNDS)["vocabularies"]
    [grounds] = [v["terms"] for v in vocabularies if v["name"] == "ExclusionGround"]
    full = [f"{g['number']}. {g['label']}" for g in grounds]
    chart = option(page, "grounds")
    assert chart["yAxis"][0]["data"] == full
    # What the canvas draws: each label's lines, wrapped, together the whole label.
    drawn: str = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart="grounds"]'))
          .getZr().storage.getDisplayList().map(e => e.style && e.style.text || "").join("")"""
    )
    assert all(label in drawn for label in full), drawn
    assert "…" not in drawn

    counts = [bar if isinstance(bar, int) else bar["value"] for bar in chart["series"][0]["data"]]
    widest = counts.index(max(counts))
    box = page.locator("[data-chart='grounds']")
    box.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([index, count]) => {
          const el = document.querySelector('[data-chart="grounds"]');
          const point = echarts.getInstanceByDom(el)
            .convertToPixel({ seriesIndex: 0 }, [count / 2, index]);
          const box = el.getBoundingClientRect();
          return [box.left + point[0], box.top + point[1]];
        }""",
        [widest, counts[widest]],
    )
    page.mouse.move(x, y)
    tooltip = box.locator("div").filter(has_text=f"{grounds[widest]['label']}:{counts[widest]}")
    expect(tooltip.last).to_be_visible()


def test_on_a_phone_the_menu_shows_it_scrolls(open_page: OpenPage, server: DemoServer) -> None:
    page = open_page(PHONE)
    sign_in(page, server, "leader")
    go(page, server, "/dashboard")
    nav = page.locator("#nav")
    scrolls: bool = nav.evaluate("n => n.scrollWidth > n.clientWidth")
    assert scrolls, "the leader's menu is wider than a phone"
    layers: str = nav.evaluate("n => getComputedStyle(n).backgroundImage")
    attachments: str = nav.evaluate("n => getComputedStyle(n).backgroundAttachment")
    # Covers that scroll with the items over shadows that stay at the edges.
    assert layers.count("radial-gradient") == 2, layers
    assert attachments.replace(" ", "") == "local,local,scroll,scroll"
