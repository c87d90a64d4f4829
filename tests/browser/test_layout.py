"""The pages at 1366×768 and on a phone (390×844): nothing wider than the screen. A screenshot
of each is left in test-artifacts/ to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from domain.accounts import account_id
from domain.base import Actor
from domain.vocabulary import Role
from tests.browser.conftest import PHONE, SCREENSHOTS, SIZES, OpenPage, overflow, size_of
from tests.browser.pages import go, sign_in, sign_in_as, sign_in_with_token
from tests.browser.server import NEW_PASSWORD, SECURITY_ADMIN, DemoServer
from tests.browser.test_members import set_up_members

# The administrators by a pasted token (their accounts' second factor is one code per 30 s).
ADMINISTRATORS = {
    "security-admin": SECURITY_ADMIN,
    "audit-admin": Actor("audit-tests", "测试审计管理员", Role.AUDIT_ADMIN, ""),
    "system-admin": Actor("admin-tests", "测试系统管理员", Role.ADMIN, ""),
}

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

RECORDS = """query($platform: ID!) {
  held: consultations(first: 1, filter: { platformId: $platform, status: REPORTED }) {
    nodes { id } }
  excluded: topics(first: 1, filter: { platformId: $platform, status: EXCLUDED }) {
    nodes { id } }
  items: supervisionItems(first: 1, filter: { platformId: $platform }) { nodes { id } }
}"""


def routes(server: DemoServer) -> dict[str, list[tuple[str, str]]]:
    """Pages by who opens them: (name, route)."""
    found = server.query(RECORDS, platform=server.scope_of("staff:ys"))
    first = {key: found[key]["nodes"][0]["id"] for key in found}
    hotline = account_id("hotline12345")
    members = set_up_members(server)
    member = server.new_account("member", "MEMBER", members.ids["active"])  # "member-…"
    return {
        "": [("public", "/public"), ("signin", "/signin")],
        "leader": [
            ("dashboard", "/dashboard"),
            ("members", "/members"),
            ("member-record", f"/members/{members.ids['active']}"),
        ],
        member: [("my-record", "/my-record")],
        "auditor": [("audit", "/audit")],
        "unit:jtw": [("todo-unit", "/todo")],
        "staff:ys": [
            ("todo", "/todo"),
            ("board", "/topics"),
            ("topic", f"/topic/{first['excluded']}"),
            ("propose", "/topics/new"),
            ("consultations", "/consultations"),
            ("consultation", f"/consultation/{first['held']}"),
            ("items", "/items?open=1"),
            ("item", f"/item/{first['items']}"),
            ("hotline", "/hotline"),
            ("account", "/account"),
        ],
        "security-admin": [("accounts", f"/accounts?account={hotline}")],
        "audit-admin": [("security-audit", "/security-audit")],
        "system-admin": [("reference", "/reference"), ("calendar", "/calendar")],
    }


# At 1366×768 the pages with the widest content; on a phone, every page.
WIDEST = {"dashboard", "audit", "topic", "items", "public", "accounts", "security-audit"}
WIDEST |= {"todo", "todo-unit", "reference", "hotline", "members", "member-record", "my-record"}


# What no page may show (issue 19): a raw id where the object has a name, an event's English
# name, a figure of days with more than one decimal.
UNREADABLE = {
    "a raw UUID": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "an English event name": re.compile(r"(?<![A-Za-z])(?:[A-Z][a-z]+){2,}(?![A-Za-z])"),
    "days to more than one decimal": re.compile(r"\d+\.\d{2,}\s*天"),
}


# A field no screen reader can name: no <label>, no aria-label, no aria-labelledby.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter((c) => c.type !== 'hidden' && !c.closest('[hidden]'))
  .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
    && !c.getAttribute('aria-labelledby'))
  .map((c) => c.name || c.id || c.outerHTML.slice(0, 80))"""


def unreadable(page: Any) -> list[str]:
    """What the page shows that no reader should meet, each with what matched."""
    text = page.locator("body").inner_text()
    shown = [
        f"{what}: {found.group(0)}"
        for what, rule in UNREADABLE.items()
        if (found := rule.search(text))
    ]
    return shown + [f"a field without a label: {name}" for name in page.evaluate(UNLABELLED)]


@SIZES
def test_every_page_fits_the_screen(
    open_page: OpenPage, server: DemoServer, artifacts: Path, viewport: dict[str, int]
) -> None:
    size = size_of(viewport)
    too_wide: dict[str, int] = {}
    unreadable_pages: dict[str, list[str]] = {}
    for_docs = SCREENSHOTS in os.environ  # every page, as JPEG: the repository keeps them
    every = viewport == PHONE or for_docs
    shot, suffix = ({"type": "jpeg", "quality": 80}, "jpg") if for_docs else ({}, "png")
    for who, pages in routes(server).items():
        pages = [(name, route) for name, route in pages if every or name in WIDEST]
        if not pages:
            continue
        page = open_page(viewport)
        if who in ADMINISTRATORS:
            sign_in_with_token(page, server, server.authenticator.issue(ADMINISTRATORS[who]))
        elif who.startswith("member-"):  # a fresh member's account (the demo district has none)
            sign_in_as(page, server, who, NEW_PASSWORD)
        elif who:
            sign_in(page, server, who)
        for name, route in pages:
            go(page, server, route)
            expect(page.locator("#view > .page:not(.loading) h1").first).to_be_visible()
            if overflow(page) > 0:
                too_wide[name] = overflow(page)
            if shown := unreadable(page):
                unreadable_pages[name] = shown
            page.screenshot(path=str(artifacts / f"{name}-{size}.{suffix}"), full_page=True, **shot)
    assert too_wide == {}, f"wider than {size}: {too_wide}"
    assert unreadable_pages == {}, f"shown at {size}: {unreadable_pages}"


def test_a_step_form_fits_a_phone(open_page: OpenPage, server: DemoServer) -> None:
    page = open_page(PHONE)
    sign_in(page, server, "staff:ys")
    go(page, server, "/topics?status=PROPOSED")
    page.locator(".topic-link").first.click()
    page.get_by_role("button", name="不纳入协商", exact=True).click()
    expect(page.get_by_role("radio")).to_have_count(8)
    assert overflow(page) == 0
