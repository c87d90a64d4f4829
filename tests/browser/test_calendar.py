"""The system administrator's page for the years' holiday schedules (节假日安排): a year entered
from the notice is listed with its festival's days; a make-up working day on a weekday is
refused next to its field; the dashboard shows the warning the calendar gives for today."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from application.calendar import WorkingCalendar, calendar_warning, district_today
from domain.base import Actor
from domain.vocabulary import Role
from tests.browser.conftest import SIZES, OpenPage, size_of
from tests.browser.pages import field, go, sign_in_with_token
from tests.browser.server import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ADMIN = Actor("admin-calendar", "系统管理员", Role.ADMIN, "")


@dataclass(frozen=True)
class Schedule:
    """A year as a test enters it (a fixture, not a notice), far enough ahead that no deadline
    of the other browser tests reaches it, and a deadline reckoned across its 春节 by hand."""

    year: int
    holidays: tuple[str, str]  # the first and last day of 春节
    weekday: str  # a Monday, refused as a make-up working day
    working_day: str  # a Saturday worked instead
    start: str
    due: str  # five working days after `start`, counted by hand


# Each size enters a year of its own: a year entered again would be a replacement.
SCHEDULES = {
    # Five working days from Tuesday 2031-01-21: Wed 22 (1); Thu 23 to Wed 29 春节, off; Thu
    # 30 (2), Fri 31 (3); the weekend; Mon 3 Feb (4), Tue 4 Feb (5). Monday to Friday alone
    # would have said Tue 28 Jan.
    "1366x768": Schedule(
        2031, ("2031-01-23", "2031-01-29"), "2031-02-03", "2031-02-08", "2031-01-21", "2031-02-04"
    ),
    # Five working days from Monday 2032-02-09: Tue 10 to Mon 16 春节, off; Tue 17 (1), Wed 18
    # (2), Thu 19 (3), Fri 20 (4); Saturday 21 worked instead (5). Monday to Friday alone would
    # have said Mon 16 Feb.
    "390x844": Schedule(
        2032, ("2032-02-10", "2032-02-16"), "2032-02-09", "2032-02-21", "2032-02-09", "2032-02-21"
    ),
}


@SIZES
def test_the_administrator_enters_a_years_schedule_and_a_weekday_is_refused(
    open_page: OpenPage, server: DemoServer, artifacts: Path, viewport: dict[str, int]
) -> None:
    size = size_of(viewport)
    entered = SCHEDULES[size]
    year = str(entered.year)
    first, last = entered.holidays
    page = open_page(viewport)
    sign_in_with_token(page, server, server.authenticator.issue(ADMIN))
    page.get_by_role("link", name="节假日安排").click()
    go(page, server, "/calendar")

    field(page, "year").get_by_role("textbox").fill(year)
    field(page, "notice").get_by_role("textbox").fill(
        f"国办发明电〔{entered.year - 1}〕1号(测试用)"
    )
    field(page, "holidays").get_by_role("textbox").fill(f"{first} {last} 春节")
    field(page, "workingDays").get_by_role("textbox").fill(entered.weekday)
    page.get_by_role("button", name="录入").click()
    expect(field(page, "workingDays").locator(".field-error")).to_contain_text("周六或周日")
    page.screenshot(path=artifacts / f"calendar-refused-{size}.png", full_page=True)

    field(page, "workingDays").get_by_role("textbox").fill(entered.working_day)
    page.get_by_role("button", name="录入").click()
    expect(page.locator("#holiday-schedule-done")).to_contain_text(f"已录入{year}年节假日安排")
    listed = page.locator("#holiday-schedules")
    expect(listed).to_contain_text(f"春节 {first} 至 {last}(7天)")
    expect(listed).to_contain_text(entered.working_day)
    page.screenshot(path=artifacts / f"calendar-entered-{size}.png", full_page=True)

    field(page, "start").locator("input").fill(entered.start)
    field(page, "days").get_by_role("textbox").fill("5")
    page.get_by_role("button", name="推算").click()
    expect(page.locator("#reckoned")).to_have_text(f"到期日:{entered.due}")


@SIZES
def test_the_dashboard_shows_the_calendars_warning_for_today(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)
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
