"""委员履职 (issue 22), on SQLite and PostgreSQL: a scripted 2025 — members raising matters
through channel 政协委员, joining research, attending a 建言献策 and a 知情明政 consultation,
posting online opinions, co-signing a 提案, following an item — gives the counts and points
counted by hand; a scheme set from 1 July recomputes the points of the entries from that day;
a rebuild gives the same rows; a member reads their own record only; a unit reads none."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from uuid import UUID

import openpyxl
import pytest
from typer.testing import CliRunner

from application.permissions import RESTRICTED_TEXT
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor, recorded_at
from domain.people import Participant, Proposer
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ParticipantKind,
    ParticipationKind,
    ReportKind,
    Role,
)
from interfaces.bootstrap import bootstrap
from interfaces.cli.main import app as cli
from projections.reads.members import MemberFilter, member_records
from projections.views.members import MemberRecords
from tests.support.district import ADMIN
from tests.support.graphql import CHINESE
from tests.support.views import dump_views
from tests.support.world import World, running

YEAR = 2025
RECORDS = """query($year: Int!, $order: MemberRecordOrder, $sector: String) {
  memberRecords(year: $year, orderBy: $order, sector: $sector) { totalCount
    nodes { id name sector platformName points active
            counts { kind kindLabel count points } } } }"""
RECORD = """query($id: ID!, $year: Int!) { memberRecord(id: $id, year: $year) {
  name points entries { kind kindLabel day subjectKind title points } } }"""
MINE = """query($year: Int!) { myMemberRecord(year: $year) {
  id name points entries { kind day } } }"""
SCHEME = """query($on: Date) { pointsScheme(on: $on) { effectiveFrom example note
  weights { kind kindLabel points } } }"""
ENROLL = """mutation($input: EnrollMemberInput!) { enrollMember(input: $input) {
  id memberRecord { name sector platformName } } }"""
SET_SCHEME = """mutation($input: SetPointsSchemeInput!) { setPointsScheme(input: $input) {
  id scheme { effectiveFrom example weights { kind points } } } }"""
FOLLOW = """mutation($input: FollowItemInput!) { followItem(input: $input) { id version } }"""
DASHBOARD = """{ dashboard(filter: {year: 2025}) {
  participationBySector { sector members activeMembers points }
  participationByPlatform { platformName members activeMembers points }
  inactiveMembers { name entries { kind } } } }"""


def at(day: str, hour_utc: int = 2) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour_utc:02}:00:00+00:00").astimezone(UTC)


@dataclass
class Year:
    world: World
    jia: str  # 甲, 经济界: raises a matter, researches, attends both, posts twice, co-signs
    yi: str  # 乙, 教育界: researches, attends one, posts once, co-signs, follows the item
    bing: str  # 丙, 经济界: enrolled, no entry in 2025
    item_id: str

    def as_member(self, person_id: str) -> dict[str, str]:
        issue = self.world.http.app.state.authenticator.issue  # type: ignore[attr-defined]
        member = Actor(f"member-{person_id[:8]}", "委员", Role.MEMBER, person_id)
        return {"Authorization": f"Bearer {issue(member)}"}

    def query(self, headers: dict[str, str] | str, document: str, **variables: Any) -> Any:
        if isinstance(headers, str):
            headers = self.world.headers[headers]
        response = self.world.http.post(
            "/graphql", json={"query": document, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def records(self, role: str = "leader", **variables: Any) -> dict[str, Any]:
        body = self.query(role, RECORDS, year=YEAR, **variables)
        assert not body.get("errors"), body
        return {n["name"]: n for n in body["data"]["memberRecords"]["nodes"]}

    def settle(self) -> None:
        assert self.world.system.projector.wait_for(self.world.position(), timeout=30)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def year(url: str) -> Iterator[Year]:
    with running(url) as world:
        yield script_2025(world)


def enroll(world: World, name: str, sector: str) -> str:
    person_id = str(world.system.app.register_person(Command(ADMIN), name=name).id)
    body = world.execute(
        "platform_staff",
        ENROLL,
        {
            "input": {
                "personId": person_id,
                "sector": sector,
                "platformId": str(world.home.platform_id),
            }
        },
    )
    assert not body.get("errors"), body
    assert body["data"]["enrollMember"]["memberRecord"]["sector"] == sector
    return person_id


def script_2025(world: World) -> Year:
    app, home = world.system.app, world.home
    staff, committee = home.staff, home.committee
    jia = enroll(world, "甲委员", "经济界")
    yi = enroll(world, "乙委员", "教育界")
    bing = enroll(world, "丙委员", "经济界")
    person = {"jia": UUID(jia), "yi": UUID(yi)}

    def propose(channel: Channel, who: str, title: str) -> UUID:
        return app.propose_topic(
            staff,
            title=title,
            content="委员在走访中了解到的情况。",
            channel=channel,
            category=Category.LIVELIHOOD,
            platform_id=home.platform_id,
            proposer=Proposer.checked("名册人员", person_id=who),
        ).id

    with recorded_at(at("2025-03-03")):
        topic_id = propose(Channel.CPPCC_MEMBER, jia, "老旧小区加装电梯")
        # Through another channel a member's matter is not one raised as a member.
        propose(Channel.MASSES, yi, "学校门口交通拥堵")
        app.verify_topic(staff, topic_id, basic_situation="涉及12栋楼。")
        app.submit_topic(
            staff, topic_id, drafted_title="关于加装电梯的协商", committee_id=home.committee_id
        )
        app.approve_topic(committee, topic_id, reason="群众关切。")
    with recorded_at(at("2025-03-05")):
        app.record_research(
            staff, topic_id, findings="走访了12栋楼。", researcher_ids=[person["jia"], person["yi"]]
        )

    def consultation(form: ConsultationForm, people: list[str], **where: Any) -> UUID:
        cid = app.schedule_consultation(
            staff, form=form, platform_id=home.platform_id, starts_at=at("2025-04-01"), **where
        ).id
        listed = [
            Participant.checked(ParticipantKind.CPPCC_MEMBER, "x", person_id=p) for p in people
        ]
        resident = Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民")
        app.identify_participants(staff, cid, participants=[*listed, resident])
        return cid

    with recorded_at(at("2025-04-02")):
        suggestion = consultation(ConsultationForm.SUGGESTION, [jia, yi], topic_id=topic_id)
        briefing = consultation(ConsultationForm.BRIEFING, [jia], theme="医保政策解读")
    held = {"attendee_ids": [], "record": "协商记录。", "opinions": ["意见"]}
    with recorded_at(at("2025-04-10")):
        app.hold_consultation(
            staff, suggestion, held_at=at("2025-04-10"), suggestions=["错时开放"], **held
        )
    # 18:00 UTC on 30 June is 02:00 on 1 July in the district: a day of the new scheme.
    with recorded_at(at("2025-06-30", 18)):
        app.hold_consultation(staff, briefing, held_at=at("2025-06-30", 18), suggestions=[], **held)
    with recorded_at(at("2025-09-01")):
        online = app.schedule_consultation(
            staff,
            form=ConsultationForm.ONLINE,
            platform_id=home.platform_id,
            starts_at=at("2025-09-01", 1),
            theme="社区养老",
        ).id
    with recorded_at(at("2025-09-10")):
        for who in (jia, jia, yi):
            author = Proposer.checked("名册人员", person_id=who)
            app.post_online_opinion(staff, online, author=author, content="建议增设助餐点。")
    with recorded_at(at("2025-09-20")):
        app.report_consultation(
            staff,
            suggestion,
            kind=ReportKind.PROPOSAL,
            recipient="区政协提案委",
            summary="关于加装电梯的提案。",
            signer_ids=[person["jia"], person["yi"]],
        )
        item_id = app.open_supervision_item(
            staff, consultation_id=suggestion, suggestion="错时开放"
        ).id
    with recorded_at(at("2025-10-08")):
        app.follow_item(staff, item_id, person_id=person["yi"])
        app.follow_item(staff, item_id, person_id=person["yi"])  # again: nothing new
    with recorded_at(at("2026-01-05")):  # next year's
        app.follow_item(staff, item_id, person_id=person["jia"])
    story = Year(world, jia, yi, bing, str(item_id))
    story.settle()
    return story


def counts(node: dict[str, Any]) -> dict[str, int]:
    return {c["kind"]: c["count"] for c in node["counts"] if c["count"]}


def test_the_scripted_year_gives_the_hand_counted_record_and_a_new_scheme_recomputes_it(
    year: Year,
) -> None:
    records = year.records()
    assert list(records) == ["甲委员", "乙委员", "丙委员"]  # by points, the most first
    # 甲: the matter (channel 政协委员), the research, both consultations, two opinions, the
    # 提案; the item followed in 2026 is next year's.
    assert counts(records["甲委员"]) == {
        "matter_raised": 1,
        "research": 1,
        "consultation": 2,
        "online_opinion": 2,
        "report": 1,
    }
    # 乙: the matter through channel 群众 is not one; the item followed twice counts once.
    assert counts(records["乙委员"]) == {
        "research": 1,
        "consultation": 1,
        "online_opinion": 1,
        "report": 1,
        "item_followed": 1,
    }
    assert counts(records["丙委员"]) == {}
    assert not records["丙委员"]["active"]
    # By the example table (matter 2, research 3, consultation 3, opinion 1, report 5,
    # item 2): 甲 2 + 3 + 2×3 + 2×1 + 5 = 18; 乙 3 + 3 + 1 + 5 + 2 = 14; 丙 0.
    assert [records[n]["points"] for n in records] == [18.0, 14.0, 0.0]
    scheme = year.query("leader", SCHEME, on="2025-03-01")["data"]["pointsScheme"]
    assert scheme["example"]
    assert "示例" in scheme["note"]
    assert "非官方" in scheme["note"]

    weights = {
        "matter_raised": 4,
        "research": 2,
        "consultation": 5,
        "online_opinion": 0.5,
        "report": 10,
        "item_followed": 1,
    }
    given = [{"kind": k, "points": p} for k, p in weights.items()]
    set_scheme = {"effectiveFrom": "2025-07-01", "weights": given, "reason": "区政协主席会议通过"}
    body = year.query("admin", SET_SCHEME, input=set_scheme)
    assert not body.get("errors"), body
    assert body["data"]["setPointsScheme"]["scheme"]["example"] is False

    records = year.records()
    # Before 1 July the example table still holds; from it the new weights:
    # 甲 (2 + 3 + 3) + (5 + 2×0.5 + 10) = 8 + 16 = 24; 乙 (3 + 3) + (0.5 + 10 + 1) = 17.5.
    assert [(n, records[n]["points"]) for n in records] == [
        ("甲委员", 24.0),
        ("乙委员", 17.5),
        ("丙委员", 0.0),
    ]
    jia = year.query("leader", RECORD, id=year.jia, year=YEAR)["data"]["memberRecord"]
    assert [(e["day"], e["kind"], e["points"]) for e in jia["entries"]] == [
        ("2025-03-03", "matter_raised", 2.0),
        ("2025-03-05", "research", 3.0),
        ("2025-04-10", "consultation", 3.0),
        ("2025-07-01", "consultation", 5.0),
        ("2025-09-10", "online_opinion", 0.5),
        ("2025-09-10", "online_opinion", 0.5),
        ("2025-09-20", "report", 10.0),
    ]
    assert jia["entries"][0]["title"] == "关于加装电梯的协商"
    assert jia["entries"][3]["title"] == "医保政策解读"
    assert sum(e["points"] for e in jia["entries"]) == jia["points"] == 24.0

    by_name = year.records(order="NAME")
    assert list(by_name) == sorted(by_name)
    assert list(year.records(sector="经济界")) == ["甲委员", "丙委员"]

    board = year.query("leader", DASHBOARD)["data"]["dashboard"]
    assert board["participationBySector"] == [
        {"sector": "经济界", "members": 2, "activeMembers": 1, "points": 24.0},
        {"sector": "教育界", "members": 1, "activeMembers": 1, "points": 17.5},
    ]
    assert board["participationByPlatform"][0]["members"] == 3
    assert board["inactiveMembers"] == [{"name": "丙委员", "entries": []}]


def test_a_rebuild_gives_the_same_rows_byte_for_byte(url: str) -> None:
    with running(url) as world:
        year = script_2025(world)
        given = [{"kind": "report", "points": 7}]
        scheme = {"effectiveFrom": "2025-01-01", "weights": given, "reason": "试行"}
        assert not year.query("admin", SET_SCHEME, input=scheme).get("errors")
        year.settle()
        live = dump_views(world.system.store, [MemberRecords])
        every = MemberFilter(year=YEAR)
        records = member_records(world.system.store, every, entries=True)
    assert "经济界" in live
    assert "item_followed" in live
    assert "试行" in live
    assert [r.points for r in records] == [7.0, 7.0, 0.0]  # one 提案 each, weighed 7

    # Another process on the same database (no server, so no projector beside the rebuild).
    system = bootstrap(Settings(database_url=url, attachment_store=tempfile.mkdtemp()))
    try:
        system.projector.rebuild()
        assert dump_views(system.store, [MemberRecords]) == live
        assert member_records(system.store, every, entries=True) == records
    finally:
        system.close()


def test_a_member_reads_their_own_record_only(year: Year) -> None:
    mine = year.query(year.as_member(year.yi), MINE, year=YEAR)["data"]["myMemberRecord"]
    assert (mine["id"], mine["name"], mine["points"]) == (year.yi, "乙委员", 14.0)
    own = year.query(year.as_member(year.yi), RECORD, id=year.yi, year=YEAR)
    assert own["data"]["memberRecord"]["name"] == "乙委员"

    other = year.query(year.as_member(year.yi), RECORD, id=year.jia, year=YEAR)
    assert other["data"]["memberRecord"] is None
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listed = year.query(year.as_member(year.yi), RECORDS, year=YEAR)
    assert listed["errors"][0]["extensions"]["reason"] == "NOT_PERMITTED"

    # A member follows an item themself, and only as themself.
    follow = {"itemId": year.item_id, "personId": year.bing}
    assert not year.query(year.as_member(year.bing), FOLLOW, input=follow).get("errors")
    refused = year.query(year.as_member(year.yi), FOLLOW, input=follow)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("role", ["unit", "committee", "supervisor", "integration"])
def test_units_and_committees_read_no_records(year: Year, role: str) -> None:
    for document, variables in (
        (RECORDS, {"year": YEAR}),
        (RECORD, {"id": year.jia, "year": YEAR}),
        (MINE, {"year": YEAR}),
    ):
        body = year.query(role, document, **variables)
        (error,) = body["errors"]
        assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
        assert CHINESE.search(error["message"])
    if role == "committee":  # its dashboard still opens, without members
        board = year.query(role, DASHBOARD)["data"]["dashboard"]
        assert board == {
            "participationBySector": [],
            "participationByPlatform": [],
            "inactiveMembers": [],
        }


def test_platform_staff_read_their_platforms_members_only(year: Year) -> None:
    assert list(year.records("platform_staff")) == ["甲委员", "乙委员", "丙委员"]
    away = year.world.away
    outsider = year.world.system.app.register_person(Command(ADMIN), name="丁委员").id
    year.world.system.app.enroll_member(
        Command(ADMIN), outsider, sector="经济界", platform_id=away.platform_id
    )
    year.settle()
    assert "丁委员" in year.records("leader")
    assert "丁委员" not in year.records("platform_staff")
    body = year.query("platform_staff", RECORD, id=str(outsider), year=YEAR)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


REFUSALS = [
    ("unknown person", ENROLL, "platform_staff", "NOT_FOUND"),
    ("empty sector", ENROLL, "platform_staff", "FIELD_REQUIRED"),
    ("negative weight", SET_SCHEME, "admin", "INVALID_WEIGHT"),
    ("unknown kind", SET_SCHEME, "admin", "UNKNOWN_CODE"),
    ("not a member", FOLLOW, "platform_staff", "NOT_A_MEMBER"),
    ("scheme by staff", SET_SCHEME, "platform_staff", "NOT_PERMITTED"),
]


@pytest.mark.parametrize(
    ("case", "document", "role", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_bad_input_is_refused_with_a_stable_code(
    year: Year, case: str, document: str, role: str, reason: str
) -> None:
    home = year.world.home
    stranger = str(year.world.system.app.register_person(Command(ADMIN), name="路人").id)
    inputs = {
        "unknown person": {"personId": "00000000-0000-4000-8000-000000000000", "sector": "经济界"},
        "empty sector": {"personId": stranger, "sector": "  "},
        "negative weight": {"weights": [{"kind": "report", "points": -1}]},
        "unknown kind": {"weights": [{"kind": "attendance", "points": 1}]},
        "not a member": {"itemId": year.item_id, "personId": stranger},
        "scheme by staff": {"weights": [{"kind": "report", "points": 1}]},
    }[case]
    if document is ENROLL:
        inputs = {**inputs, "platformId": str(home.platform_id)}
    if document is SET_SCHEME:
        inputs = {**inputs, "effectiveFrom": "2025-01-01", "reason": "试行"}
    before = year.world.position()
    body = year.query(role, document, input=inputs)
    (error,) = body["errors"]
    assert error["extensions"]["reason"] == reason, error
    assert CHINESE.search(error["message"]), error
    assert year.world.position() == before


def summary_rows(body: bytes) -> tuple[list[tuple[Any, ...]], Any]:
    book = openpyxl.load_workbook(BytesIO(body))
    rows = list(book["汇总"].iter_rows(min_row=3, values_only=True))
    return rows, book


def test_the_annual_report_opens_and_its_totals_are_the_graphql_figures(
    year: Year, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = year.world.http.get(
        "/exports/members.xlsx?year=2025", headers=year.world.headers["leader"]
    )
    assert response.status_code == 200, response.text
    assert "member-records-2025.xlsx" in response.headers["content-disposition"]
    rows, book = summary_rows(response.content)
    figures = year.records()
    kinds = [k.code for k in ParticipationKind]
    assert {row[0]: (row[1], row[3:-1], row[-1]) for row in rows} == {
        name: (
            node["sector"],
            tuple(next(c["count"] for c in node["counts"] if c["kind"] == k) for k in kinds),
            node["points"],
        )
        for name, node in figures.items()
    }
    assert book.sheetnames == ["汇总", "丙委员", "乙委员", "甲委员"]  # by name
    jia = list(book["甲委员"].iter_rows(min_row=3, values_only=True))
    assert jia[0][1:] == ("反映问题", "关于加装电梯的协商", 2.0)
    assert jia[-1][2:] == ("合计", figures["甲委员"]["points"])
    assert len(jia) == 1 + sum(c["count"] for c in figures["甲委员"]["counts"])

    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    output = tmp_path / "report.xlsx"
    result = CliRunner().invoke(
        cli, ["export", "members", "--year", "2025", "--format", "xlsx", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert summary_rows(output.read_bytes())[0] == rows

    refused = year.world.http.get(
        "/exports/members.xlsx?year=2025", headers=year.world.headers["unit"]
    )
    assert (refused.status_code, refused.json()["errors"][0]["extensions"]["reason"]) == (
        403,
        "NOT_PERMITTED",
    )
    bad = year.world.http.get(
        "/exports/members.xlsx?year=20x5", headers=year.world.headers["leader"]
    )
    assert (bad.status_code, bad.json()["errors"][0]["extensions"]["reason"]) == (
        400,
        "YEAR_OUT_OF_RANGE",
    )


def test_a_restricted_matters_title_is_withheld_from_those_not_cleared(year: Year) -> None:
    app, home = year.world.system.app, year.world.home
    with recorded_at(at("2025-11-02")):
        topic_id = app.propose_topic(
            home.staff,
            title="某单位涉密事项",
            content="内容。",
            channel=Channel.CPPCC_MEMBER,
            category=Category.GOVERNANCE,
            platform_id=home.platform_id,
            proposer=Proposer.checked("名册人员", person_id=year.yi),
        ).id
        app.exclude_topic(home.staff, topic_id, ground=ExclusionGround.CONFIDENTIAL)
    year.settle()

    def last_title(headers: dict[str, str] | str) -> str:
        body = year.query(headers, RECORD, id=year.yi, year=YEAR)
        entries = body["data"]["memberRecord"]["entries"]
        assert entries[-1]["kind"] == "matter_raised"
        return str(entries[-1]["title"])

    assert last_title("platform_staff") == "某单位涉密事项"  # the platform holding it
    assert last_title("leader") == RESTRICTED_TEXT
    assert last_title(year.as_member(year.yi)) == RESTRICTED_TEXT


def test_only_members_recorded_as_present_attended_a_consultation(url: str) -> None:
    """Attendance taken: a member identified but absent gets no 参加协商 entry; without
    attendance every identified member does (docs/MEMBERS.md)."""
    with running(url) as world:
        app, home = world.system.app, world.home
        present, absent = enroll(world, "到会委员", "经济界"), enroll(world, "缺席委员", "经济界")

        def held(attended: list[str]) -> None:
            cid = app.schedule_consultation(
                home.staff,
                form=ConsultationForm.BRIEFING,
                platform_id=home.platform_id,
                starts_at=at("2025-04-01"),
                theme="协商",
            ).id
            listed = {
                p: Participant.checked(ParticipantKind.CPPCC_MEMBER, "x", person_id=p)
                for p in (present, absent)
            }
            app.identify_participants(home.staff, cid, participants=list(listed.values()))
            app.hold_consultation(
                home.staff,
                cid,
                held_at=at("2025-04-10"),
                attendee_ids=[listed[p].id for p in attended],
                record="协商记录。",
                opinions=["意见"],
                suggestions=[],
            )

        with recorded_at(at("2025-04-10")):
            held([present])  # attendance taken: the absent member is not counted
            held([])  # none taken: both are
        assert world.system.projector.wait_for(world.position(), timeout=30)
        found = {r.name: r for r in member_records(world.system.store, MemberFilter(YEAR))}
    assert found["到会委员"].counts[ParticipationKind.CONSULTATION.code] == 2
    assert found["缺席委员"].counts[ParticipationKind.CONSULTATION.code] == 1
