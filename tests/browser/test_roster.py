"""明确参加人员 from the roster (issue 19, Rosters): a registered person picked from the list is
linked to the person (their name, their record), while an outside representative is typed in."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SIZES, OpenPage
from tests.browser.pages import go, sign_in
from tests.browser.server import DemoServer
from tests.browser.test_feedback import approved_topic

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REGISTER = """mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }"""
SCHEDULE = """mutation($input: ScheduleConsultationInput!) {
  scheduleConsultation(input: $input) { id } }"""
PARTICIPANTS = """query($id: ID!) { consultation(id: $id) {
  participants { name organisation personId unitId } } }"""


@SIZES
def test_a_participant_picked_from_the_roster_is_linked_to_the_person(
    open_page: OpenPage, server: DemoServer, viewport: dict[str, int]
) -> None:
    name = f"周建国{uuid4().hex[:4]}"
    person = {"name": name, "position": "政协委员"}
    person_id = server.query(REGISTER, input=person)["registerPerson"]["id"]
    consultation = {
        "form": "SUGGESTION",
        "platformId": server.scope_of("staff:ys"),
        "startsAt": "2026-12-20T09:30:00+08:00",
        "topicId": approved_topic(server),
    }
    found = server.act("staff:ys", SCHEDULE, input=consultation)
    consultation_id = found["scheduleConsultation"]["id"]

    page = open_page(viewport)
    sign_in(page, server, "staff:ys")
    go(page, server, f"/consultation/{consultation_id}")
    page.get_by_role("button", name="明确参加人员", exact=True).click()
    page.get_by_role("button", name="+ 添加一人").click()
    people = page.locator(".person")
    people.nth(0).get_by_label("从名册选择").select_option(label=f"{name}(政协委员)")
    expect(people.nth(0).get_by_label("姓名")).to_have_value(name)
    people.nth(0).get_by_label("类别").select_option(label="相关领域的政协委员")
    people.nth(1).get_by_label("姓名").fill("吴居民")
    people.nth(1).get_by_label("单位").fill("幸福小区")
    page.get_by_role("button", name="确认明确参加人员").click()
    expect(page.locator("#announce")).to_have_text("「明确参加人员」已完成")

    read = server.act("staff:ys", PARTICIPANTS, id=consultation_id)
    assert read["consultation"]["participants"] == [
        {"name": name, "organisation": "", "personId": person_id, "unitId": None},
        {"name": "吴居民", "organisation": "幸福小区", "personId": None, "unitId": None},
    ]
