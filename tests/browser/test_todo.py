"""待办 (issue 19) at 1366×768 and on a phone: platform staff, the committee, a unit and a
supervisor (督办负责人) land on their to-do list after signing in, the navigation shows how
many things wait; an entry leads to the page where the thing is done, and once it is done the
count in the navigation drops by itself (the live stream), and the entry is gone from the
list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from playwright.sync_api import expect

from application.calendar import district_today
from tests.browser.conftest import SIZES, OpenPage
from tests.browser.pages import sign_in, sign_in_as
from tests.browser.server import NEW_PASSWORD, DemoServer
from tests.browser.test_procedure import status, step, verified_matter

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REPORTED = """query($platform: ID!) {
  consultations(first: 50, filter: { platformId: $platform, status: REPORTED }) {
    nodes { id suggestionEntries { id text } } } }"""
OPEN = """mutation($input: OpenSupervisionItemInput!) {
  openSupervisionItem(input: $input) { id } }"""
ASSIGN = """mutation($input: AssignItemInput!) { assignItem(input: $input) { id } }"""
SUBMIT = """mutation($input: SubmitTopicInput!) { submitTopic(input: $input) { id } }"""
REGISTER = """mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }"""


def count(page: Any) -> Any:
    return page.locator("#todo-count")


def signed_in_to_todo(page: Any, server: DemoServer, who: str, password: str = "") -> int:
    """Signs in (a demo person, or an account by its username and password), lands on 待办
    (not the board) and answers the count the navigation shows."""
    if password:
        sign_in_as(page, server, who, password)
    else:
        sign_in(page, server, who)
    expect(page).to_have_url(f"{server.app_url}#/todo")
    expect(page.locator(".nav a.active")).to_contain_text("待办")
    expect(count(page)).to_be_visible()
    total = page.locator("#todo-total")
    expect(total).to_contain_text("件待办")
    shown = int(count(page).inner_text())
    expect(total).to_have_text(f"共 {shown} 件待办")
    return shown


def entry(page: Any, group: str, title: str) -> Any:
    return page.locator(f"[data-group='{group}'] a.todo-link", has_text=title)


def back_to_todo(page: Any, expected: int) -> None:
    """The count drops where the thing was done, then 待办 (by the navigation) agrees."""
    expect(count(page)).to_have_text(str(expected))
    page.locator(".nav a", has_text="待办").click()
    expect(page.locator("#todo-total")).to_have_text(f"共 {expected} 件待办")


@SIZES
def test_platform_staff_submit_a_verified_matter_from_their_list(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    title = f"待办路灯不亮-{uuid4().hex[:6]}"
    topic_id = verified_matter(server, title)
    page = open_page(viewport)
    before = signed_in_to_todo(page, server, "staff:ys")
    link = entry(page, "to_submit", title)
    expect(link).to_have_count(1)
    link.click()
    expect(page).to_have_url(f"{server.app_url}#/topic/{topic_id}")
    step(page, "拟定议题报专委会", draftedTitle=f"关于{title}的协商")
    expect(status(page)).to_have_text("已报专委会")
    back_to_todo(page, before - 1)
    expect(entry(page, "to_submit", title)).to_have_count(0)


@SIZES
def test_the_committee_approves_a_topic_from_its_list(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    title = f"待办噪音扰民-{uuid4().hex[:6]}"
    topic_id = verified_matter(server, title)
    drafted = f"关于{title}的协商"
    submitted = {
        "topicId": topic_id,
        "draftedTitle": drafted,
        "committeeId": server.scope_of("committee:shfz"),
    }
    server.act("staff:ys", SUBMIT, input=submitted)
    page = open_page(viewport)
    before = signed_in_to_todo(page, server, "committee:shfz")
    link = entry(page, "to_approve", drafted)
    expect(link).to_have_count(1)
    link.click()
    expect(page).to_have_url(f"{server.app_url}#/topic/{topic_id}")
    step(page, "确定议题", reason="群众关切,同意协商。")
    expect(status(page)).to_have_text("已确定议题")
    back_to_todo(page, before - 1)
    expect(entry(page, "to_approve", drafted)).to_have_count(0)


def assigned_item(
    server: DemoServer, supervisor_id: str | None = None, due_on: str = "2099-06-30"
) -> tuple[str, str]:
    """An item from a reported consultation's suggestion, assigned to 区交通委, due far off
    unless told, followed by the supervisor `supervisor_id` (the first registered person
    unless told)."""
    found = server.query(REPORTED, platform=server.scope_of("staff:ys"))["consultations"]
    consultation = next(c for c in found["nodes"] if c["suggestionEntries"])
    suggestion = consultation["suggestionEntries"][0]
    opened = {"consultationId": consultation["id"], "suggestionId": suggestion["id"]}
    item_id = str(server.act("staff:ys", OPEN, input=opened)["openSupervisionItem"]["id"])
    assignment = {
        "itemId": item_id,
        "unitId": server.scope_of("unit:jtw"),
        "committeeId": server.scope_of("committee:shfz"),
        "supervisorId": supervisor_id or server.query("{ people { id } }")["people"][0]["id"],
        "dueOn": due_on,
    }
    server.act("staff:ys", ASSIGN, input=assignment)
    return item_id, suggestion["text"]


@SIZES
def test_a_unit_reports_progress_on_an_item_from_its_list(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    item_id, suggestion = assigned_item(server)
    page = open_page(viewport)
    before = signed_in_to_todo(page, server, "unit:jtw")
    link = page.locator(f"[data-group='to_report_progress'] a[href='#/item/{item_id}']")
    expect(link).to_have_text(suggestion)
    row = page.locator(
        "[data-group='to_report_progress'] tr", has=page.locator(f"a[href='#/item/{item_id}']")
    )
    expect(row).to_contain_text("2099-06-30")
    expect(row).to_contain_text("个工作日")
    link.click()
    expect(page).to_have_url(f"{server.app_url}#/item/{item_id}")
    step(page, "填报进展", progress="已施划临时泊位20个。", problems="无")
    expect(status(page)).to_have_text("办理中")
    back_to_todo(page, before - 1)
    expect(
        page.locator(f"[data-group='to_report_progress'] a[href='#/item/{item_id}']")
    ).to_have_count(0)


def a_supervisor(server: DemoServer) -> tuple[str, str]:
    """A newly registered person and an account of theirs as 督办负责人: whatever else the
    shared server holds, only the items this test assigns to them are theirs to follow."""
    person = {"name": f"督办人{uuid4().hex[:4]}", "position": "区政协委员"}
    person_id = str(server.query(REGISTER, input=person)["registerPerson"]["id"])
    return person_id, server.new_account("supervisor", "SUPERVISOR", person_id)


@SIZES
def test_a_supervisor_resolves_an_overdue_item_from_their_list(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    person_id, username = a_supervisor(server)
    due = district_today() - timedelta(days=30)
    item_id, suggestion = assigned_item(server, person_id, due.isoformat())
    page = open_page(viewport)
    assert signed_in_to_todo(page, server, username, NEW_PASSWORD) == 1
    overdue = page.locator("[data-group='overdue']")
    expect(overdue.locator("h2")).to_have_text("已逾期(1)")
    link = overdue.locator(f"a.todo-link[href='#/item/{item_id}']")
    expect(link).to_have_text(suggestion)
    expect(overdue).to_contain_text(due.isoformat())
    expect(overdue.locator(".badge.alarm")).to_contain_text("逾期")
    link.click()
    expect(page).to_have_url(f"{server.app_url}#/item/{item_id}")
    step(page, "办结", outcome="已施划临时泊位20个,居民满意。")
    expect(status(page)).to_have_text("已办结")
    back_to_todo(page, 0)
    expect(overdue.locator("a.todo-link")).to_have_count(0)
    expect(overdue).to_contain_text("暂无待办")
