"""委员履职 in the browser (issue 22): a member signs in and sees their own record and nothing
else; a leader sees the members by 界别 on the dashboard with the figures set up here, the
members not yet active by name, the list on the platform of this test, and downloads the
year's report, which openpyxl opens; a record prints on A4 portrait.

Each test sets up its own platform, people and members through the API (the demo district's
are shared with every other test on the server), and reckons the points from the scheme the
server says is in force."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from domain.base import Actor
from domain.vocabulary import Role
from tests.browser.conftest import PHONE, OpenPage
from tests.browser.pages import field, go, sign_in, sign_in_as, sign_in_with_token
from tests.browser.server import NEW_PASSWORD, SECURITY_ADMIN, DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PERSON = """mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }"""
ENROL = """mutation($input: EnrollMemberInput!) { enrollMember(input: $input) { id } }"""
PROPOSE = """mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }"""
FOLLOW = """mutation($input: FollowItemInput!) { followItem(input: $input) { id } }"""
ITEMS = """query($platform: ID!) {
  supervisionItems(first: 1, filter: { platformId: $platform }) {
    nodes { id subject suggestion } } }"""
SCHEME = """query { pointsScheme { example weights { kind points } } }"""
RECORD = """query($id: ID!, $year: Int!) { memberRecord(id: $id, year: $year) {
  name points counts { kind count points } entries { title } } }"""
A4_PORTRAIT = (595, 842)


@dataclass
class Members:
    """Three members on a platform of their own: `active` raised a matter and follows an item,
    `quiet` (same 界别) has done nothing yet this year, `other` (another 界别) raised one."""

    platform_id: str
    sector: str
    other_sector: str
    ids: dict[str, str]
    names: dict[str, str]
    matter: str
    item: str  # the followed item's entry: its 协商议题
    suggestion: str  # the item's page's heading
    weights: dict[str, float]
    example: bool

    @property
    def active_points(self) -> float:
        return self.weights["matter_raised"] + self.weights["item_followed"]


def this_year(server: DemoServer) -> int:
    """The year the server reckons in (Beijing)."""
    from application.calendar import district_today

    return district_today().year


def set_up_members(server: DemoServer) -> Members:
    tag = uuid4().hex[:6]
    platform_id = server.new_platform("委员履职测试工作站")
    sector, other_sector = f"测试界{tag}", f"测试另界{tag}"
    people = (("active", "林委员"), ("quiet", "邓委员"), ("other", "韩委员"))
    names = {key: f"{surname}{tag}" for key, surname in people}
    ids = {}
    for key, name in names.items():
        ids[key] = server.query(PERSON, input={"name": name, "position": "政协委员"})[
            "registerPerson"
        ]["id"]
        enrolment = {
            "personId": ids[key],
            "sector": other_sector if key == "other" else sector,
            "platformId": platform_id,
        }
        server.query(ENROL, input=enrolment)
    matter = f"委员反映:背街小巷照明不足-{tag}"
    for key, title in (("active", matter), ("other", f"委员反映:菜市场排水不畅-{tag}")):
        proposal = {
            "title": title,
            "content": "委员走访时居民反映,请协商议事平台研究。",
            "channel": "CPPCC_MEMBER",
            "category": "LIVELIHOOD",
            "platformId": platform_id,
            "proposer": {"name": names[key], "personId": ids[key]},
        }
        staff = Actor(f"members-staff-{tag}", "测试专人", Role.PLATFORM_STAFF, platform_id)
        server.act_as(staff, PROPOSE, input=proposal)
    [item] = server.query(ITEMS, platform=server.scope_of("staff:ys"))["supervisionItems"]["nodes"]
    server.query(FOLLOW, input={"itemId": item["id"], "personId": ids["active"]})
    scheme = server.query(SCHEME)["pointsScheme"]
    weights = {w["kind"]: w["points"] for w in scheme["weights"]}
    return Members(
        platform_id,
        sector,
        other_sector,
        ids,
        names,
        matter,
        item["subject"],
        item["suggestion"],
        weights,
        scheme["example"],
    )


def member_account(server: DemoServer, person_id: str) -> str:
    return server.new_account("member", "MEMBER", person_id)


def test_a_member_sees_their_own_record_and_nothing_else(
    open_page: OpenPage, server: DemoServer
) -> None:
    members = set_up_members(server)
    username = member_account(server, members.ids["active"])
    page = open_page()
    sign_in_as(page, server, username, NEW_PASSWORD)
    expect(page).to_have_url(f"{server.app_url}#/my-record")
    expect(page.locator("#view h1")).to_have_text("我的履职")
    assert page.locator("#nav a").all_inner_texts() == ["我的履职", "公开信息"]

    record = page.locator(".member-record")
    expect(record).to_contain_text(members.names["active"])
    expect(record).to_contain_text(members.sector)
    expect(page.locator("#record-points")).to_have_text(points(members.active_points))
    entries = record.locator("section").filter(has_text="履职记录").locator("tbody tr")
    expect(entries).to_have_count(2)
    expect(entries.filter(has_text=members.matter)).to_contain_text("反映问题")
    expect(entries.filter(has_text=members.item)).to_contain_text("跟踪督办")
    # The titles are not links: a member opens no matter or item of the district's.
    expect(record.locator("a.entry-link")).to_have_count(0)
    if members.example:
        expect(page.locator("#scheme-note")).to_contain_text("示例,非官方标准")

    # Another member's record, the list, the dashboard: refused, in Chinese.
    for route in (f"/members/{members.ids['other']}", "/members", "/dashboard"):
        go(page, server, route)
        expect(page.locator("#view .notice.error")).to_be_visible()
        expect(page.locator("#view")).not_to_contain_text(members.names["other"])
    # Nor the matters, even by typing the route: the server gives a member none.
    go(page, server, "/topics")
    expect(page.locator("#view")).to_contain_text("没有符合条件的事项")

    # On a phone too: the record, and nothing wider than the screen.
    phone = open_page(PHONE)
    sign_in_as(phone, server, username, NEW_PASSWORD)
    expect(phone.locator(".member-record")).to_contain_text(members.matter)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


DEMO_YEAR = """{ memberRecords(year: 2026, first: 100) { nodes { name sector active
  counts { kindLabel count } } } }"""


def test_the_demo_member_signs_in_to_their_year(open_page: OpenPage, server: DemoServer) -> None:
    """The demo district's member account (钱永刚) opens 我的履职 on the demo year: every entry
    the server counts for him, of each kind he has; the district has members with none too."""
    records = server.query(DEMO_YEAR)["memberRecords"]["nodes"]
    (mine,) = [r for r in records if r["name"] == "钱永刚"]
    kinds = {c["kindLabel"]: c["count"] for c in mine["counts"] if c["count"]}
    assert len(kinds) >= 4
    assert any(not r["active"] for r in records)

    page = open_page()
    sign_in(page, server, "member:qianyonggang")
    expect(page).to_have_url(f"{server.app_url}#/my-record")
    go(page, server, "/my-record?year=2026")
    record = page.locator(".member-record")
    expect(record).to_contain_text("钱永刚")
    expect(record).to_contain_text(mine["sector"])
    entries = record.locator("section").filter(has_text="履职记录").locator("tbody tr")
    expect(entries).to_have_count(sum(kinds.values()))
    for label, count in kinds.items():
        expect(entries.filter(has_text=label)).to_have_count(count)


def sector_row(page: Any, card: str, label: str) -> dict[str, str]:
    """A row of a members chart's "查看数据" list: active members, all members, points."""
    row = page.locator(f"[data-card='{card}'] .chart-data li").filter(has_text=label)
    return {
        "active": row.locator("strong").text_content() or "",
        "members": row.get_attribute("data-members") or "",
        "points": row.get_attribute("data-points") or "",
    }


def test_a_leader_sees_members_by_sector_and_those_not_yet_active(
    open_page: OpenPage, server: DemoServer
) -> None:
    members = set_up_members(server)
    page = open_page()
    sign_in(page, server, "leader")
    page.locator("[data-card='sectors'] .chart-data li").first.wait_for(state="attached")
    both = members.active_points
    assert sector_row(page, "sectors", members.sector) == {
        "active": "1",
        "members": "2",
        "points": points(both),
    }
    assert sector_row(page, "sectors", members.other_sector) == {
        "active": "1",
        "members": "1",
        "points": points(members.weights["matter_raised"]),
    }
    drawn: list[str] = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart="sectors"]'))
          .getOption().yAxis[0].data"""
    )
    assert {members.sector, members.other_sector} <= set(drawn)
    inactive = page.locator("#inactive-members")
    expect(inactive).to_contain_text(members.names["quiet"])
    expect(inactive).not_to_contain_text(members.names["active"])

    # The sector's link opens its members, the most points first.
    page.locator("[data-card='sectors'] .chart-data li").filter(has_text=members.sector).locator(
        "a"
    ).evaluate("a => a.click()")
    names = page.locator(".grid tbody td:first-child")
    expect(names).to_have_text([members.names["active"], members.names["quiet"]])

    # The record: the entries link to their matter and item.
    page.get_by_role("link", name=members.names["active"]).click()
    expect(page.locator("#view h1")).to_have_text(f"{members.names['active']} · 履职档案")
    page.get_by_role("link", name=members.item).click()
    expect(page).to_have_url(re.compile(r"#/item/[\w-]+$"))
    expect(page.locator("#view h1")).to_have_text(members.suggestion)


def test_the_years_report_downloads_as_an_xlsx_openpyxl_opens(
    open_page: OpenPage, server: DemoServer
) -> None:
    members = set_up_members(server)
    year = this_year(server)
    page = open_page()
    sign_in(page, server, "leader")
    go(page, server, f"/members?year={year}&platformId={members.platform_id}")
    expect(page.locator(".grid tbody tr")).to_have_count(3)
    link = page.get_by_role("link", name="下载年度履职报告 xlsx")
    expect(link).to_have_attribute("href", f"/exports/members.xlsx?year={year}")
    with page.expect_download() as downloading:
        link.click()
    body = Path(downloading.value.path()).read_bytes()
    book = load_workbook(BytesIO(body), read_only=True)
    summary = [list(row) for row in book["汇总"].iter_rows(values_only=True)]
    assert summary[0][0] == f"{year}年度委员履职情况汇总"
    header = summary[1]
    by_name = {row[header.index("姓名")]: row for row in summary[2:]}
    read = server.query(RECORD, id=members.ids["active"], year=year)["memberRecord"]
    row = by_name[members.names["active"]]
    assert row[header.index("界别")] == members.sector
    assert float(row[header.index("积分")]) == read["points"] == members.active_points
    own = [list(row) for row in book[members.names["active"]].iter_rows(values_only=True)]
    assert own[1][:4] == ["日期", "类别", "事项", "积分"]
    assert sorted(row[2] for row in own[2:] if row[1]) == sorted(
        e["title"] for e in read["entries"]
    )


def test_a_record_prints_alone_on_a4_portrait(
    open_page: OpenPage, server: DemoServer, artifacts: Path
) -> None:
    members = set_up_members(server)
    page = open_page()
    sign_in(page, server, "leader")
    go(page, server, f"/members/{members.ids['active']}")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "member-record.pdf").write_bytes(pdf)
    printed = PdfReader(BytesIO(pdf)).pages
    size = (round(float(printed[0].mediabox.width)), round(float(printed[0].mediabox.height)))
    assert size == A4_PORTRAIT
    text = "".join("".join(p.extract_text().split()) for p in printed)
    assert f"{this_year(server)}年度政协委员履职档案" in text
    assert members.names["active"] in text
    assert "".join(members.matter.split()) in text
    assert [word for word in ("领导驾驶舱", "退出登录", "查看") if word in text] == []


def points(value: float) -> str:
    """As the page shows points: 4, 1.5."""
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


CREATE_ACCOUNT = """mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }"""
ROLES = """query { accounts { id roles { role { code } scope } } }"""


def test_the_security_administrator_makes_an_account_a_members(
    open_page: OpenPage, server: DemoServer
) -> None:
    members = set_up_members(server)
    name = f"member-{uuid4().hex[:8]}"
    account = server.as_security_admin(
        CREATE_ACCOUNT, input={"username": name, "displayName": members.names["quiet"]}
    )["createAccount"]["id"]
    page = open_page()
    sign_in_with_token(page, server, server.authenticator.issue(SECURITY_ADMIN))
    go(page, server, f"/accounts?account={account}")
    page.get_by_role("button", name="授予角色", exact=True).click()
    field(page, "role").locator("select").select_option(label="政协委员")
    # A member, like a supervisor, is a registered person: picked from the people by name.
    scope = field(page, "scope-MEMBER").locator("select")
    scope.select_option(label=f"{members.names['quiet']}(政协委员)")
    field(page, "reason").locator("textarea, input").fill("区政协委员,开通履职账号。")
    page.get_by_role("button", name="确认授予角色").click()
    expect(page.locator("#view")).to_contain_text(f"政协委员({members.names['quiet']})")
    held = next(a for a in server.as_security_admin(ROLES)["accounts"] if a["id"] == account)
    assert held["roles"] == [{"role": {"code": "MEMBER"}, "scope": members.ids["quiet"]}]
