"""The system administrator's page for the years' holiday schedules (节假日安排): a year entered
from the notice is listed with its festival's days; a make-up working day on a weekday is
refused next to its field; the dashboard shows the warning the calendar gives for today."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from application.calendar import WorkingCalendar, calendar_warning, district_today
from domain.base import Actor
from domain.vocabulary import Role
from tests.browser.conftest import OpenPage
from tests.browser.pages import field, go, sign_in_with_token
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Entered for 2031 (a test fixture, not a notice): far enough ahead that no deadline of the
# other browser tests reaches it.
ADMIN = Actor("admin-calendar", "系统管理员", Role.ADMIN, "")


def test_the_administrator_enters_a_years_schedule_and_a_weekday_is_refused(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    page = open_page()
    sign_in_with_token(page, server, server.authenticator.issue(ADMIN))
    page.get_by_role("link", name="节假日安排").click()
    go(page, server, "/calendar")

    field(page, "year").get_by_role("textbox").fill("2031")
    field(page, "notice").get_by_role("textbox").fill("国办发明电〔2030〕1号(测试用)")
    field(page, "holidays").get_by_role("textbox").fill("2031-01-23 2031-01-29 春节")
    field(page, "workingDays").get_by_role("textbox").fill("2031-02-03")  # a Monday
    page.get_by_role("button", name="录入").click()
    expect(field(page, "workingDays").locator(".field-error")).to_contain_text("周六或周日")
    page.screenshot(path=artifacts / "calendar-refused.png", full_page=True)

    field(page, "workingDays").get_by_role("textbox").fill("2031-02-08")
    page.get_by_role("button", name="录入").click()
    expect(page.locator("#holiday-schedule-done")).to_contain_text("已录入2031年节假日安排")
    listed = page.locator("#holiday-schedules")
    expect(listed).to_contain_text("春节 2031-01-23 至 2031-01-29(7天)")
    expect(listed).to_contain_text("2031-02-08")
    page.screenshot(path=artifacts / "calendar-entered.png", full_page=True)

    # Five working days from Tuesday 2031-01-21, counted by hand on the entered year: Wed 22
    # (1); Thu 23 to Wed 29 春节, off; Thu 30 (2), Fri 31 (3); the weekend; Mon 3 Feb (4),
    # Tue 4 Feb (5). Monday to Friday alone would have said Tue 28 Jan.
    field(page, "start").locator("input").fill("2031-01-21")
    field(page, "days").get_by_role("textbox").fill("5")
    page.get_by_role("button", name="推算").click()
    expect(page.locator("#reckoned")).to_have_text("到期日:2031-02-04")


def test_the_dashboard_shows_the_calendars_warning_for_today(
    open_page: OpenPage, server: DemoServer
) -> None:
    page = open_page()
    sign_in_with_token(page, server, server.authenticator.issue(ADMIN))
    go(page, server, "/dashboard")
    expect(page.locator("#kpis .tile").first).to_be_visible()
    # The demo enters no schedule of this year or the next: the package's years decide.
    said = calendar_warning(WorkingCalendar().missing_schedule(district_today()))
    warning = page.locator("#calendar-warning")
    if said is None:
        expect(warning).to_be_empty()
    else:
        expect(warning).to_contain_text(said.split(" (")[0])
        expect(warning.get_by_role("link", name="录入节假日安排")).to_be_visible()
