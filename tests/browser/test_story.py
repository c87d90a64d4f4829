"""The plan's story in the browser: a platform's designated person proposes a matter and
excludes it as a real-name report (实名举报); it is on the topic board with its ground; the
leadership's dashboard counts it without a reload; the discipline office sees who excluded it,
in which role, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.pages import chart_count, click_bar, field, go, kpi, sign_in
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

GROUND = "实名举报的"
EXPLANATION = "实名举报某单位负责人,已告知举报人向纪检监察机关反映。"


def propose(page: Any, title: str) -> None:
    page.locator("#propose").click()
    field(page, "title").get_by_role("textbox").fill(title)
    field(page, "content").get_by_role("textbox").fill("实名举报某单位负责人违规占用公共车位。")
    field(page, "channel").get_by_role("combobox").select_option(label="群众")
    field(page, "category").get_by_role("combobox").select_option(label="民生实事")
    field(page, "proposer.name").get_by_role("textbox").fill("孙举报")
    field(page, "proposer.phone").get_by_role("textbox").fill("13900000002")
    page.get_by_role("button", name="提出事项").click()
    expect(page.locator("#topic-title")).to_have_text(title)


def exclude(page: Any) -> None:
    page.get_by_role("button", name="不纳入协商", exact=True).click()
    grounds = field(page, "ground").get_by_role("radio")
    expect(grounds).to_have_count(8)
    field(page, "ground").get_by_label(f"5. {GROUND}").check()
    field(page, "reason").get_by_role("textbox").fill(EXPLANATION)
    page.get_by_role("button", name="确认不纳入协商").click()
    expect(page.locator("#exclusion")).to_contain_text(GROUND)


def test_an_excluded_report_from_the_board_to_the_dashboard_to_the_audit(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    title = f"举报某单位负责人违规-{uuid4().hex[:6]}"

    leader = open_page()
    sign_in(leader, server, "leader")
    expect(leader).to_have_url(f"{server.app_url}#/dashboard")
    expect(leader.locator("#live-mode")).to_have_attribute("data-mode", "subscribed")
    total_before = int(kpi(leader, "total"))
    reports_before = chart_count(leader, "grounds", GROUND)

    staff = open_page()
    sign_in(staff, server, "staff:ys")
    go(staff, server, "/topics")  # the staff land on 待办; 提出事项 is on the board
    propose(staff, title)
    expect(staff.locator(".badge.large")).to_have_text("已提出")
    exclude(staff)
    expect(staff.locator(".badge.large")).to_have_text("不纳入协商")
    expect(staff.locator("#timeline li").last).to_contain_text(GROUND)
    staff.screenshot(path=str(artifacts / "topic.png"), full_page=True)

    go(staff, server, "/topics")
    staff.get_by_label("不纳入理由").select_option(label=GROUND)
    row = staff.locator("tbody tr").filter(has_text=title)
    expect(row).to_contain_text(GROUND)
    expect(row).to_contain_text("不纳入协商")

    # The leader's dashboard follows the log by itself: no reload.
    expect(leader.locator("[data-kpi='total'] .tile-value")).to_have_text(str(total_before + 1))
    grounds = leader.locator("[data-card='grounds'] .chart-data li").filter(has_text=GROUND)
    expect(grounds.locator("strong")).to_have_text(str(reports_before + 1), use_inner_text=False)
    leader.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    click_bar(leader, "grounds", 4)  # the fifth ground, 实名举报
    expect(leader).to_have_url(f"{server.app_url}#/topics?ground=REAL_NAME_REPORT")
    # Need-to-know: the leader sees the report on the board with its ground, not its title.
    expect(leader.locator("tbody tr").filter(has_text=title)).to_have_count(0)
    expect(leader.locator("tbody tr").filter(has_text="内容已按规定限制").first).to_be_visible()

    auditor = open_page()
    sign_in(auditor, server, "auditor")
    expect(auditor).to_have_url(f"{server.app_url}#/audit")
    auditor.get_by_label("不纳入理由").select_option(label=GROUND)
    auditor.get_by_role("button", name="查询", exact=True).click()
    decision = auditor.locator("#audit-trail tbody tr").filter(has_text=EXPLANATION)
    expect(decision).to_contain_text("王丽")
    expect(decision).to_contain_text("协商议事平台专人")
    expect(decision).to_contain_text("不纳入协商")
    expect(decision).to_contain_text(GROUND)
    decision.get_by_role("button", name="当时状态").click()
    past = auditor.locator("#as-of-result")
    expect(past).to_contain_text("不纳入协商")
    expect(past.locator("tbody tr")).to_contain_text(GROUND)
    auditor.screenshot(path=str(artifacts / "audit.png"), full_page=True)

    auditor.get_by_role("button", name="核验账本").click()  # on request: it reads every event
    # the whole log recomputed: its time grows with the log, which the suite has filled
    expect(auditor.locator("#ledger-verdict")).to_contain_text("核验通过", timeout=60_000)
    with auditor.expect_download() as download:
        auditor.get_by_role("button", name="下载检查点(JSON)").click()
    checkpoint = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {"treeSize", "rootHash", "signature", "keyId"} <= set(checkpoint)
