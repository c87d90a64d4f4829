"""Issue 19 in the browser (1366×768 and a phone): an item's page shows its whole timeline — three
progress reports in the order they were filed, each with its text, who and when — and an
opinion posted online to a 网络协商 in one page appears, without a reload, in another page
showing that consultation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from interfaces.cli.demo_data import ACTORS
from tests.browser.conftest import SIZES, OpenPage
from tests.browser.pages import field, go, sign_in
from tests.browser.server import DemoServer
from tests.browser.test_todo import assigned_item

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REPORT = """mutation($input: ReportProgressInput!) { reportProgress(input: $input) { id } }"""
SCHEDULE = """mutation($input: ScheduleConsultationInput!) {
  scheduleConsultation(input: $input) { id } }"""


@dataclass(frozen=True)
class Reported:
    item_id: str
    mark: str  # in each report's text: the reports of this test, whatever else is shown
    reports: list[str]


@pytest.fixture(scope="module")
def reported(server: DemoServer) -> Reported:
    """An item of its own with three progress reports, filed once for both sizes: the pages
    only read it, and nothing else writes to a new item."""
    item_id, _ = assigned_item(server)
    mark = uuid4().hex[:6]
    reports = [f"{n}次进展{mark}" for n in ("第一", "第二", "第三")]
    for n, progress in enumerate(reports, start=1):
        report = {
            "itemId": item_id,
            "progress": progress,
            "problems": f"问题{n}{mark}",
            "reportingDepartment": "区交通委",
            "reportedOn": f"2026-11-0{n}",
        }
        server.act("staff:ys", REPORT, input=report)
    return Reported(item_id, mark, reports)


@SIZES
def test_an_items_timeline_shows_three_reports_in_order(
    open_page: OpenPage, server: DemoServer, reported: Reported, viewport: dict[str, int]
) -> None:
    item_id, mark, reports = reported.item_id, reported.mark, reported.reports
    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    go(page, server, f"/item/{item_id}")
    steps = page.locator("#item-timeline > li")
    ours = steps.filter(has_text=mark)
    expect(ours).to_have_count(3)
    for n, progress in enumerate(reports):
        expect(ours.nth(n)).to_contain_text(progress)
        expect(ours.nth(n)).to_contain_text(f"问题{n + 1}{mark}")
        expect(ours.nth(n)).to_contain_text("填报进展")
        expect(ours.nth(n)).to_contain_text(ACTORS["staff:ys"][1])  # by name, not id
        expect(ours.nth(n)).to_contain_text(f"2026-11-0{n + 1}")
    texts = steps.all_inner_texts()
    places = [next(i for i, t in enumerate(texts) if p in t) for p in reports]
    assert places == sorted(places), places
    assert places[-1] == len(texts) - 1, "the newest report is the last step"
    expect(page.locator("#timeline-due")).to_contain_text("办理期限")
    assert not UUID_TEXT.search(page.locator("#item-timeline").inner_text()), "no raw ids"


def an_open_online_consultation(server: DemoServer) -> str:
    now = datetime.now(UTC)
    consultation = {
        "form": "ONLINE",
        "platformId": server.scope_of("staff:ys"),
        "startsAt": (now - timedelta(hours=1)).isoformat(),
        "closesAt": (now + timedelta(days=7)).isoformat(),
        "theme": f"加装电梯怎么看-{uuid4().hex[:6]}",
    }
    return str(server.act("staff:ys", SCHEDULE, input=consultation)["scheduleConsultation"]["id"])


@SIZES
def test_an_online_opinion_posted_in_one_page_appears_live_in_another(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    consultation_id = an_open_online_consultation(server)
    poster, watcher = open_page(viewport), open_page(viewport)
    for page in (poster, watcher):
        sign_in(page, server, "staff:ys")
        go(page, server, f"/consultation/{consultation_id}")
    heading = watcher.get_by_role("heading", name="网络协商意见(0 条)")
    expect(heading).to_be_visible()
    expect(watcher.locator("#online-opinions")).to_contain_text("尚未收到意见")

    watcher.evaluate("window.notReloaded = true")
    opinion = f"建议先在三号楼试点-{uuid4().hex[:6]}"
    field(poster, "authorName").locator("input").fill("周居民")
    field(poster, "content").locator("textarea").fill(opinion)
    poster.get_by_role("button", name="发表意见").click()
    expect(poster.locator("#online-opinions")).to_contain_text(opinion)

    expect(watcher.get_by_role("heading", name="网络协商意见(1 条)")).to_be_visible()
    listed = watcher.locator("#online-opinions li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(opinion)
    expect(listed).to_contain_text("周居民")
    assert watcher.evaluate("window.notReloaded === true"), "updated in place, not reloaded"
