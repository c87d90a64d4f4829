"""The discipline office's audit page (审计) at 1366×768: the newest step first, an actor
picked by name narrows the trail, the page shows no English event name and no id, and 导出
Excel downloads the trail as filtered, as the signed-in session."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.pages import sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

BEIJING = timezone(timedelta(hours=8))
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
CAMEL_CASE = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")  # TopicExcluded, SupervisionItem
TRAIL = """query($filter: AuditFilter) { auditTrail(filter: $filter, first: 1) { totalCount
  nodes { occurredAt summary } } }"""
ACTORS = "{ auditActors { id name role { label } } }"
COLUMNS = ["时间", "事件", "操作人", "角色", "对象", "内容", "理由/说明", "不纳入理由", "日志位置"]


def shown_moment(iso: str) -> str:
    """As format.js moment() shows an instant: Beijing time, to the minute."""
    return datetime.fromisoformat(iso).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def trail(server: DemoServer, **where: Any) -> dict[str, Any]:
    found: dict[str, Any] = server.act("auditor", TRAIL, filter=where or None)["auditTrail"]
    return found


def someone_with_part_of_the_trail(server: DemoServer, total: int) -> tuple[str, str, int]:
    """An actor (their option's label, their name, their count) with some steps, not all."""
    for actor in server.act("auditor", ACTORS)["auditActors"]:
        count = trail(server, actorId=actor["id"])["totalCount"]
        if 1 < count < total:
            label = f"{actor['name']}({actor['role']['label']})" if actor["role"] else actor["name"]
            return label, actor["name"], count
    raise AssertionError("the demo district has an actor with part of the trail")


def test_the_audit_page_reads_the_trail_newest_first_by_name_and_exports_it(
    open_page: OpenPage, server: DemoServer
) -> None:
    whole = trail(server)
    newest = whole["nodes"][0]
    label, name, count = someone_with_part_of_the_trail(server, whole["totalCount"])
    page = open_page()
    sign_in(page, server, "auditor")
    expect(page).to_have_url(f"{server.app_url}#/audit")
    rows = page.locator("#audit-trail tbody tr")
    expect(rows.first.locator("td").first).to_have_text(shown_moment(newest["occurredAt"]))
    expect(rows.first).to_contain_text(newest["summary"])
    times = rows.locator("td:first-child").all_inner_texts()
    assert times == sorted(times, reverse=True)

    event_names = {t["type"] for t in server.query("{ eventTypes { type } }")["eventTypes"]}
    text = page.locator("#view").inner_text()
    assert not UUID_TEXT.search(text)
    assert not [n for n in event_names if n in text]
    assert not CAMEL_CASE.search(text), CAMEL_CASE.findall(text)

    page.get_by_label("操作人").select_option(label=label)
    page.wait_for_function(
        "() => (document.getElementById('view').dataset.route || '').includes('actor=')"
    )
    expect(page.locator("#audit-trail")).to_contain_text(f"共 {count} 条记录")
    actors = page.locator("#audit-trail tbody tr td:nth-child(2)").all_inner_texts()
    assert actors
    assert set(actors) == {name}
    filtered = page.locator("#view").inner_text()
    assert not UUID_TEXT.search(filtered)
    assert not CAMEL_CASE.search(filtered)

    with page.expect_download() as downloading:
        page.get_by_role("button", name="导出 Excel").click()
    download = downloading.value
    assert re.fullmatch(r"审计轨迹-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    sheet = load_workbook(BytesIO(Path(download.path()).read_bytes())).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == COLUMNS
    assert len(table) - 1 == count
    assert {row[2] for row in table[1:]} == {name}
    assert not any(isinstance(v, str) and UUID_TEXT.search(v) for row in table for v in row)


def test_a_records_past_state_names_its_references_and_shows_no_id(
    open_page: OpenPage, server: DemoServer
) -> None:
    platforms = {p["name"] for p in server.query("{ platforms { name } }")["platforms"]}
    page = open_page()
    sign_in(page, server, "auditor")
    expect(page).to_have_url(f"{server.app_url}#/audit")
    topic_step = page.locator("#audit-trail tbody tr").filter(has_text="议题:").first
    topic_step.get_by_role("button", name="当时状态").click()
    past = page.locator("#as-of-result")
    expect(past).to_contain_text("议题 · 第")
    text = past.inner_text()
    assert not UUID_TEXT.search(text)
    assert not CAMEL_CASE.search(text)
    assert any(name in text for name in platforms)


def test_durations_read_in_days_with_one_decimal(open_page: OpenPage, server: DemoServer) -> None:
    """format.js days(), which every page's 天 goes through: never 0.0008 天."""
    page = open_page()
    page.goto(server.app_url)
    shown = page.evaluate(
        """async () => {
          const { days } = await import(new URL("js/format.js", document.baseURI).href);
          return [0.0008, 0.04, 0.05, 0, 2.345, 12, null, undefined, ""].map(days);
        }"""
    )
    assert shown == [
        "不足 0.1 天",
        "不足 0.1 天",
        "0.1 天",
        "0.0 天",
        "2.3 天",
        "12.0 天",
        "",
        "",
        "",
    ]


def test_leadership_opens_the_trail_from_the_menu_newest_first(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    sign_in(page, server, "leader")
    page.get_by_role("link", name="审计").click()
    rows = page.locator("#audit-trail tbody tr")
    expect(rows.first).to_be_visible()
    newest = trail(server)["nodes"][0]
    expect(rows.first.locator("td").first).to_have_text(shown_moment(newest["occurredAt"]))
    assert not UUID_TEXT.search(page.locator("#view").inner_text())
