"""What the discipline office asks of the records: a record as it stood at any past instant
(rebuilt from the log), the audit trail filtered by person, role, kind of event, platform,
committee, exclusion ground and time, one record's history, and a topic's decision timeline
with its durations — each exactly, and each only to those allowed to see it.

Every event of the story is recorded at a known instant (`domain.base.recorded_at`), and the
story keeps its own account of what it did; the views must give back exactly that account.
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from application.calendar import district_today
from application.history import PastState
from application.permissions import RESTRICTED_TEXT
from application.publishing.catalogue import NAMED
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor, recorded_at
from domain.hotline import HotlineOrder
from domain.people import Participant, Proposer
from domain.topic import Topic
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ItemStatus,
    ParticipantKind,
    PlatformKind,
    ReportKind,
    Role,
    TopicStatus,
)
from interfaces.bootstrap import System, bootstrap
from interfaces.http import audit_export
from interfaces.server import create_app
from tests.support.district import ADMIN, District
from tests.support.graphql import GraphQLClient, credentials_of

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CST = timezone(timedelta(hours=8))  # the district's time
SECRET = "audit-test-token-secret-0123456789abcdef"
UNSET = UUID(int=0)


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CST)


AUDITOR = Actor("audit-1", "纪检监察员", Role.AUDITOR)
LEADER = Actor("leader-1", "区政协领导", Role.LEADER)


# --------------------------------------------------------------------------------- the story


@dataclass(frozen=True)
class Done:
    """One event as the story did it: the account the views must give back."""

    event_type: str
    aggregate_id: str
    actor: Actor
    at: datetime
    platform_id: str | None = None
    committee_id: str | None = None
    ground: str | None = None
    reason: str = ""

    @property
    def occurred_at(self) -> str:
        return self.at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class Story:
    """Two platforms guided by two committees. On the first, a 12345 matter goes from proposal
    through consultation, report and a supervision item to its resolution, and three matters
    are excluded (a real-name report in 2025 and one in 2026, a petition in 2026); on the
    second, a real-name report is excluded in 2026. Each step at a known instant."""

    system: System
    district: District
    platform2_id: UUID
    committee2_id: UUID
    staff2: Command  # a second person on the first platform
    staff9: Command  # the second platform's staff
    supervisor: Command
    topic_id: UUID = UNSET
    consultation_id: UUID = UNSET
    item_id: UUID = UNSET
    excluded: dict[str, UUID] = field(default_factory=dict)
    done: list[Done] = field(default_factory=list)
    after_submission: dict[str, Any] = field(default_factory=dict)
    after_assignment: dict[str, Any] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return self.system.app

    def did(
        self, event_type: str, aggregate_id: UUID, actor: Actor, moment: datetime, **kw: Any
    ) -> None:
        self.done.append(Done(event_type, str(aggregate_id), actor, moment, **kw))


def tell(system: System) -> Story:
    app = system.app
    admin = Command(ADMIN)
    start = at(11, 3, year=2025)
    with recorded_at(start):
        district = District.build(app)
        committee2_id = app.establish_committee(admin, name="城乡建设委员会").id
        head2_id = app.register_person(admin, name="何站长", position="工作站负责人").id
        platform2_id = app.register_platform(
            admin,
            name="北苑街道委员工作站",
            kind=PlatformKind.MEMBER_WORKSTATION,
            hall_venue="北苑街道协商议事厅",
            committee_id=committee2_id,
            responsible_person_id=head2_id,
        ).id
    p1, c1 = str(district.platform_id), str(district.committee_id)
    p2, c2 = str(platform2_id), str(committee2_id)
    story = Story(
        system=system,
        district=district,
        platform2_id=platform2_id,
        committee2_id=committee2_id,
        staff2=Command(Actor("staff-2", "周专员", Role.PLATFORM_STAFF, p1)),
        staff9=Command(Actor("staff-9", "吴专员", Role.PLATFORM_STAFF, p2)),
        supervisor=Command(
            Actor("supervisor-1", "刘督办", Role.SUPERVISOR, str(district.supervisor_id))
        ),
    )
    # The reference data, as District.build and the lines above made it.
    head_id = app.repository.get(district.platform_id).responsible_person_id
    for event_type, identifier, platform, committee in (
        ("CommitteeEstablished", district.committee_id, None, None),
        ("PersonRegistered", head_id, None, None),
        ("PersonRegistered", district.supervisor_id, None, None),
        ("PlatformRegistered", district.platform_id, p1, c1),
        ("UnitRegistered", district.unit_id, None, None),
        ("CommitteeEstablished", committee2_id, None, None),
        ("PersonRegistered", head2_id, None, None),
        ("PlatformRegistered", platform2_id, p2, c2),
    ):
        story.did(
            event_type, identifier, ADMIN, start, platform_id=platform, committee_id=committee
        )

    staff, committee, unit = district.staff, district.committee, district.unit

    # 2025: a real-name report on the first platform, excluded on ground 5.
    old_report = _excluded_matter(
        story,
        staff,
        p1,
        "举报某村干部",
        at(12, 20, year=2025),
        at(12, 22, year=2025),
        ExclusionGround.REAL_NAME_REPORT,
        "已告知向纪检监察机关反映。",
    )
    story.excluded["2025-real-name"] = old_report

    # 2026: the 12345 matter, from proposal to the item's resolution.
    with recorded_at(at(3, 2)):
        topic_id = app.propose_topic(
            staff,
            title="小区停车难",
            content="居民反映小区周边停车位不足,夜间乱停车严重。",
            channel=Channel.HOTLINE_12345,
            category=Category.GOVERNANCE,
            platform_id=district.platform_id,
            proposer=Proposer.checked("陈群众", "13800000001"),
            hotline_tickets=["GD20260302001"],
        ).id
    story.topic_id = topic_id
    story.did("TopicProposed", topic_id, staff.actor, at(3, 2), platform_id=p1)
    with recorded_at(at(3, 3)):
        app.verify_topic(staff, topic_id, basic_situation="涉及3个小区约2000户。")
    story.did("TopicVerified", topic_id, staff.actor, at(3, 3), platform_id=p1)
    with recorded_at(at(3, 5)):
        app.submit_topic(
            staff,
            topic_id,
            drafted_title="关于缓解老旧小区停车难的协商",
            committee_id=district.committee_id,
        )
    story.did("TopicSubmitted", topic_id, staff.actor, at(3, 5), platform_id=p1, committee_id=c1)
    story.after_submission = _fields(app.repository.get(topic_id))
    approval = "群众关切,切口小,同意协商。"
    with recorded_at(at(3, 9, 15)):
        app.approve_topic(committee, topic_id, reason=approval)
    story.did(
        "TopicApproved",
        topic_id,
        committee.actor,
        at(3, 9, 15),
        platform_id=p1,
        committee_id=c1,
        reason=approval,
    )

    with recorded_at(at(3, 10)):
        consultation_id = app.schedule_consultation(
            staff,
            form=ConsultationForm.SUGGESTION,
            platform_id=district.platform_id,
            starts_at=at(3, 20, 9),
            topic_id=topic_id,
        ).id
    story.consultation_id = consultation_id
    story.did("ConsultationScheduled", consultation_id, staff.actor, at(3, 10), platform_id=p1)
    member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
    resident = Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民")
    with recorded_at(at(3, 11)):
        app.identify_participants(staff, consultation_id, participants=[member, resident])
    story.did("ParticipantsIdentified", consultation_id, staff.actor, at(3, 11), platform_id=p1)
    suggestion = "利用学校操场夜间错时停车"
    with recorded_at(at(3, 20, 15)):
        app.hold_consultation(
            staff,
            consultation_id,
            held_at=at(3, 20, 9),
            attendee_ids=[member.id],
            record="交通委答复了停车位规划。",
            opinions=["增加停车位"],
            suggestions=[suggestion],
        )
    story.did("ConsultationHeld", consultation_id, staff.actor, at(3, 20, 15), platform_id=p1)
    with recorded_at(at(3, 22)):
        app.report_consultation(
            staff,
            consultation_id,
            kind=ReportKind.PUBLIC_OPINION,
            recipient="区委区政府",
            summary="老旧小区停车难。",
        )
    story.did("ConsultationReported", consultation_id, staff.actor, at(3, 22), platform_id=p1)

    with recorded_at(at(3, 23)):
        item_id = app.open_supervision_item(
            staff, consultation_id=consultation_id, suggestion=suggestion
        ).id
    story.item_id = item_id
    story.did("SupervisionItemOpened", item_id, staff.actor, at(3, 23), platform_id=p1)
    with recorded_at(at(3, 24)):
        app.assign_item(
            staff,
            item_id,
            unit_id=district.unit_id,
            committee_id=district.committee_id,
            supervisor_id=district.supervisor_id,
            due_on=date(2026, 6, 30),
        )
    story.did("ItemAssigned", item_id, staff.actor, at(3, 24), platform_id=p1, committee_id=c1)
    story.after_assignment = _fields(app.repository.get(item_id))
    with recorded_at(at(4, 1)):
        app.report_progress(
            unit,
            item_id,
            progress="已协调两所学校开放操场",
            problems="学校担心安全管理",
            approach="由街道派保安值守",
            reporting_department="区交通委",
            reported_on=date(2026, 4, 1),
        )
    story.did("ProgressReported", item_id, unit.actor, at(4, 1), platform_id=p1, committee_id=c1)
    outcome = "新增夜间共享车位120个。"
    with recorded_at(at(4, 15)):
        app.resolve_item(story.supervisor, item_id, outcome=outcome)
    story.did(
        "ItemResolved",
        item_id,
        story.supervisor.actor,
        at(4, 15),
        platform_id=p1,
        committee_id=c1,
        reason=outcome,
    )

    # 2026: more exclusions.
    story.excluded["2026-real-name"] = _excluded_matter(
        story,
        story.staff2,
        p1,
        "实名举报某单位负责人",
        at(5, 10),
        at(5, 10, 11),
        ExclusionGround.REAL_NAME_REPORT,
        "已告知举报人向纪检监察机关反映。",
    )
    story.excluded["2026-other-platform"] = _excluded_matter(
        story,
        story.staff9,
        p2,
        "实名举报某社区书记",
        at(6, 1),
        at(6, 2),
        ExclusionGround.REAL_NAME_REPORT,
        "转纪检监察机关。",
    )
    story.excluded["2026-petition"] = _excluded_matter(
        story,
        staff,
        p1,
        "信访件",
        at(6, 10),
        at(6, 10, 10),
        ExclusionGround.PETITION,
        "已按信访程序交办。",
    )
    assert system.projector.catch_up() == len(story.done)
    return story


def _excluded_matter(
    story: Story,
    staff: Command,
    platform_id: str,
    title: str,
    proposed: datetime,
    decided: datetime,
    ground: ExclusionGround,
    explanation: str,
) -> UUID:
    app = story.app
    with recorded_at(proposed):
        topic_id: UUID = app.propose_topic(
            staff,
            title=title,
            content=f"{title}的具体情况。",
            channel=Channel.MASSES,
            category=Category.LIVELIHOOD,
            platform_id=UUID(platform_id),
            proposer=Proposer.checked("孙举报", "13900000002"),
        ).id
    story.did("TopicProposed", topic_id, staff.actor, proposed, platform_id=platform_id)
    with recorded_at(decided):
        app.exclude_topic(staff, topic_id, ground=ground, explanation=explanation)
    story.did(
        "TopicExcluded",
        topic_id,
        staff.actor,
        decided,
        platform_id=platform_id,
        ground=ground.code,
        reason=explanation,
    )
    return topic_id


def _fields(record: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k != "_pending_events"}


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def settings(url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=url,
        ledger_key_file=str(tmp_path / "ledger-key.pem"),
        token_secret=SECRET,
    )


@pytest.fixture
def story(settings: Settings) -> Iterator[Story]:
    system = bootstrap(settings)
    try:
        yield tell(system)
    finally:
        system.close()


@pytest.fixture
def api(settings: Settings, story: Story) -> Iterator[GraphQLClient]:
    """The GraphQL API over the same database (its projector finds the views caught up)."""
    with TestClient(create_app(settings)) as http:
        yield GraphQLClient(http, credentials=credentials_of(http.app))


# ---------------------------------------------------------------------------- time travel


def test_state_as_of_an_instant_between_two_events(story: Story) -> None:
    app, topic_id = story.app, story.topic_id
    # Between the submission (3-5 09:00) and the approval (3-9 15:00): as submitted.
    past = app.state_as_of(topic_id, at(3, 7, 12))
    assert isinstance(past, PastState)
    assert _fields(past.record) == story.after_submission
    assert past.record.status is TopicStatus.SUBMITTED
    assert (past.version, past.recorded_at) == (3, at(3, 5))
    assert past.decisions == []
    # At the approval's very instant the approval counts; a second before, it does not.
    assert app.state_as_of(topic_id, at(3, 9, 15) - timedelta(seconds=1)).version == 3
    approved = app.state_as_of(topic_id, at(3, 9, 15))
    assert approved.record.status is TopicStatus.APPROVED
    assert [type(d).__name__ for d in approved.decisions] == ["TopicApproved"]
    assert approved.decisions[0].actor == story.district.committee.actor
    # Before the matter was proposed it did not exist; long after, it is as it is now.
    assert app.state_as_of(topic_id, at(3, 2) - timedelta(microseconds=1)) is None
    assert app.state_as_of(UUID(int=12345), at(12, 31)) is None
    assert app.state_as_of(topic_id, at(12, 31)).version == 4

    # The supervision item between its assignment and the unit's first report.
    item = app.state_as_of(story.item_id, at(3, 28))
    assert _fields(item.record) == story.after_assignment
    assert item.record.status is ItemStatus.ASSIGNED
    assert [type(d).__name__ for d in item.decisions] == ["ItemAssigned"]
    resolved = app.state_as_of(story.item_id, at(4, 15))
    assert resolved.record.status is ItemStatus.RESOLVED
    assert [type(d).__name__ for d in resolved.decisions] == ["ItemAssigned", "ItemResolved"]


def test_a_backdated_version_does_not_bring_its_predecessors_into_the_past(story: Story) -> None:
    """A version recorded with an earlier time than the one before it (a paper record taken
    in late): the past holds only the versions up to the first one recorded after it."""
    app, staff = story.app, story.district.staff
    with recorded_at(at(8, 2)):
        topic_id = app.propose_topic(
            staff,
            title="路灯不亮",
            content="北苑小区路灯损坏。",
            channel=Channel.MASSES,
            category=Category.LIVELIHOOD,
            platform_id=story.district.platform_id,
            proposer=Proposer.checked("冯群众"),
        ).id
    with recorded_at(at(8, 1)):
        app.verify_topic(staff, topic_id, basic_situation="纸质记录补录。")
    assert app.state_as_of(topic_id, at(8, 1, 12)) is None  # not proposed yet
    both = app.state_as_of(topic_id, at(8, 2))
    assert both is not None
    assert (both.version, both.record.status) == (2, TopicStatus.VERIFIED)


AS_OF = """query($id: ID!, $at: DateTime!) { asOf(aggregateId: $id, at: $at) {
  aggregateId aggregateType version at recordedAt state
  decisions { eventType actorId actorName actorRole { code } reason occurredAt } } }"""


def test_as_of_over_graphql(story: Story, api: GraphQLClient) -> None:
    auditor, leader = api.acting_as(AUDITOR), api.acting_as(LEADER)
    topic_id = str(story.topic_id)
    seen = auditor.query(AS_OF, id=topic_id, at="2026-03-07T12:00:00+08:00")["asOf"]
    assert (seen["aggregateId"], seen["aggregateType"], seen["version"]) == (topic_id, "Topic", 3)
    # Answered in UTC to the microsecond, whatever zone the question was asked in.
    assert seen["recordedAt"] == "2026-03-05T01:00:00.000000+00:00"
    assert seen["at"] == "2026-03-07T04:00:00.000000+00:00"
    assert datetime.fromisoformat(seen["at"]) == at(3, 7, 12)
    state = seen["state"]
    assert state["status"]["code"] == "submitted"
    assert state["drafted_title"] == "关于缓解老旧小区停车难的协商"
    assert state["committee_id"] == str(story.district.committee_id)
    assert state["decision_reason"] == ""
    assert "pending_events" not in state  # the library's bookkeeping is not the record's
    assert seen["decisions"] == []
    # The discipline office is cleared for personal data; the leadership is not.
    assert state["proposer"]["name"] == "陈群众"
    assert state["proposer"]["phone"] == "13800000001"
    hidden = leader.query(AS_OF, id=topic_id, at="2026-03-07T12:00:00+08:00")["asOf"]
    assert hidden["state"]["proposer"] == {
        "subjectId": None,
        "name": None,
        "personalData": "withheld",
    }
    assert "陈群众" not in str(hidden)
    assert "13800000001" not in str(hidden)
    assert {k: v for k, v in hidden["state"].items() if k != "proposer"} == {
        k: v for k, v in state.items() if k != "proposer"
    }

    # A time without a zone is the district's: 3-9 15:00 is the approval itself.
    approved = auditor.query(AS_OF, id=topic_id, at="2026-03-09T15:00:00")["asOf"]
    assert approved["version"] == 4
    assert approved["state"]["status"]["code"] == "approved"
    assert approved["decisions"] == [
        {
            "eventType": "TopicApproved",
            "actorId": "cttee-1",
            "actorName": "王主任",
            "actorRole": {"code": "COMMITTEE"},
            "reason": "群众关切,切口小,同意协商。",
            "occurredAt": "2026-03-09T07:00:00.000000+00:00",
        }
    ]
    before = auditor.query(AS_OF, id=topic_id, at="2026-03-01T00:00:00+08:00")
    assert before["asOf"] is None

    # The consultation's participants are personal data too.
    consultation = str(story.consultation_id)
    cleared = auditor.query(AS_OF, id=consultation, at="2026-03-12T00:00:00+08:00")["asOf"]
    names = [p["name"] for p in cleared["state"]["participants"]]
    assert names == ["周委员", "吴居民"]
    withheld = leader.query(AS_OF, id=consultation, at="2026-03-12T00:00:00+08:00")["asOf"]
    assert [p["personalData"] for p in withheld["state"]["participants"]] == ["withheld"] * 2


# ------------------------------------------------------------------------------ the trail

TRAIL = """query($filter: AuditFilter, $after: String) {
  auditTrail(filter: $filter, first: 100, after: $after, order: OLDEST_FIRST) { totalCount
    pageInfo { hasNextPage endCursor }
    nodes { position eventType aggregateId aggregateType actorId actorName actorRole { code }
      occurredAt reason exclusionGround { code label } summary } } }"""


def trail(client: GraphQLClient, **where: Any) -> list[dict[str, Any]]:
    found = client.query(TRAIL, filter=where or None)["auditTrail"]
    assert not found["pageInfo"]["hasNextPage"]
    assert found["totalCount"] == len(found["nodes"])
    return list(found["nodes"])


def account(nodes: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (n["eventType"], n["aggregateId"], n["actorId"], n["occurredAt"], n["reason"])
        for n in nodes
    ]


def expected(story: Story, *, keep: Any = lambda d: True) -> list[tuple[Any, ...]]:
    return [
        (d.event_type, d.aggregate_id, d.actor.id, d.occurred_at, d.reason)
        for d in story.done
        if keep(d)
    ]


def test_the_whole_trail_is_the_story_in_log_order(story: Story, api: GraphQLClient) -> None:
    nodes = trail(api.acting_as(AUDITOR))
    assert len(story.done) == 28
    assert account(nodes) == expected(story)
    positions = [n["position"] for n in nodes]
    assert positions == sorted(positions)
    roles = {(n["actorId"], n["actorRole"]["code"]) for n in nodes}
    assert roles == {
        ("admin-1", "ADMIN"),
        ("staff-1", "PLATFORM_STAFF"),
        ("staff-2", "PLATFORM_STAFF"),
        ("staff-9", "PLATFORM_STAFF"),
        ("cttee-1", "COMMITTEE"),
        ("unit-1", "UNIT"),
        ("supervisor-1", "SUPERVISOR"),
    }


def test_each_filter_returns_exactly_its_events(story: Story, api: GraphQLClient) -> None:
    auditor = api.acting_as(AUDITOR)
    p1, p2 = str(story.district.platform_id), str(story.platform2_id)
    c1, c2 = str(story.district.committee_id), str(story.committee2_id)

    def check(where: dict[str, Any], keep: Any, count: int) -> None:
        got = account(trail(auditor, **where))
        assert got == expected(story, keep=keep), where
        assert len(got) == count, where

    check({"actorId": "staff-2"}, lambda d: d.actor.id == "staff-2", 2)
    check({"actorId": "nobody"}, lambda d: False, 0)
    check({"actorRole": "COMMITTEE"}, lambda d: d.actor.role is Role.COMMITTEE, 1)
    check({"actorRole": "SUPERVISOR"}, lambda d: d.actor.role is Role.SUPERVISOR, 1)
    check({"actorRole": "PLATFORM_STAFF"}, lambda d: d.actor.role is Role.PLATFORM_STAFF, 17)
    check({"eventTypes": ["TopicExcluded"]}, lambda d: d.event_type == "TopicExcluded", 4)
    decisions = ["TopicApproved", "ItemResolved"]
    check({"eventTypes": decisions}, lambda d: d.event_type in decisions, 2)
    cloud = ["cn.gov.cppcc.yishiting.topic.excluded"]  # as /events and webhooks name it
    check({"eventTypes": cloud}, lambda d: d.event_type == "TopicExcluded", 4)
    check({"aggregateType": "SupervisionItem"}, lambda d: d.aggregate_id == str(story.item_id), 4)
    # By platform: everything that belongs to it, its own registration included.
    check({"platformId": p1}, lambda d: d.platform_id == p1, 19)
    check({"platformId": p2}, lambda d: d.platform_id == p2, 3)
    # By committee: the platform it guides (its registration), and each record while it is
    # with the committee: a topic from its submission, an item from its assignment.
    check({"committeeId": c1}, lambda d: d.committee_id == c1, 6)
    check({"committeeId": c2}, lambda d: d.committee_id == c2, 1)
    # By time: [from, to), in any zone.
    window = {"occurredFrom": "2026-03-09T15:00:00+08:00", "occurredTo": "2026-03-11T01:00:00Z"}
    check(window, lambda d: at(3, 9, 15) <= d.at < at(3, 11, 9), 2)  # 3-11 09:00 is out
    check(
        {**window, "actorRole": "PLATFORM_STAFF"},
        lambda d: at(3, 9, 15) <= d.at < at(3, 11, 9) and d.actor.role is Role.PLATFORM_STAFF,
        1,
    )


def test_every_exclusion_on_ground_5_in_2026_and_who_made_it(
    story: Story, api: GraphQLClient
) -> None:
    nodes = trail(
        api.acting_as(AUDITOR),
        ground="REAL_NAME_REPORT",
        occurredFrom="2026-01-01T00:00:00+08:00",
        occurredTo="2027-01-01T00:00:00+08:00",
    )
    assert [
        (n["aggregateId"], n["actorId"], n["actorName"], n["occurredAt"], n["reason"])
        for n in nodes
    ] == [
        (
            str(story.excluded["2026-real-name"]),
            "staff-2",
            "周专员",
            "2026-05-10T03:00:00.000000+00:00",
            "已告知举报人向纪检监察机关反映。",
        ),
        (
            str(story.excluded["2026-other-platform"]),
            "staff-9",
            "吴专员",
            "2026-06-02T01:00:00.000000+00:00",
            "转纪检监察机关。",
        ),
    ]
    assert {n["exclusionGround"]["code"] for n in nodes} == {"REAL_NAME_REPORT"}
    assert {n["exclusionGround"]["label"] for n in nodes} == {
        ExclusionGround.REAL_NAME_REPORT.label
    }
    assert nodes[0]["summary"] == (
        "决定不纳入协商范围,理由:第5项“实名举报的”;说明:已告知举报人向纪检监察机关反映。"
    )
    # All years: the 2025 exclusion too; the petition (ground 4) never.
    every = trail(api.acting_as(AUDITOR), ground="REAL_NAME_REPORT")
    assert [n["aggregateId"] for n in every] == [
        str(story.excluded[k]) for k in ("2025-real-name", "2026-real-name", "2026-other-platform")
    ]


def test_a_trail_is_read_page_by_page(story: Story, api: GraphQLClient) -> None:
    auditor = api.acting_as(AUDITOR)
    page = """query($after: String) { auditTrail(first: 10, after: $after, order: OLDEST_FIRST) {
      totalCount pageInfo { hasNextPage endCursor } nodes { position } } }"""
    positions: list[int] = []
    after = None
    while True:
        found = auditor.query(page, after=after)["auditTrail"]
        assert found["totalCount"] == len(story.done)
        positions += [n["position"] for n in found["nodes"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert positions == [n["position"] for n in trail(auditor)]


HISTORY = """query($id: ID!) { history(aggregateId: $id) { totalCount nodes {
  eventType version actorId actorName actorRole { code label } occurredAt reason summary } } }"""


def test_the_history_of_one_record(story: Story, api: GraphQLClient) -> None:
    found = api.acting_as(LEADER).query(HISTORY, id=str(story.topic_id))["history"]
    assert found["totalCount"] == 4
    assert found["nodes"] == [
        {
            "eventType": "TopicProposed",
            "version": 1,
            "actorId": "staff-1",
            "actorName": "李专员",
            "actorRole": {"code": "PLATFORM_STAFF", "label": "协商议事平台专人"},
            "occurredAt": "2026-03-02T01:00:00.000000+00:00",
            "reason": "",
            "summary": "提出协商事项“小区停车难”(来源:"
            f"{Channel.HOTLINE_12345.label};类别:{Category.GOVERNANCE.label})",
        },
        {
            "eventType": "TopicVerified",
            "version": 2,
            "actorId": "staff-1",
            "actorName": "李专员",
            "actorRole": {"code": "PLATFORM_STAFF", "label": "协商议事平台专人"},
            "occurredAt": "2026-03-03T01:00:00.000000+00:00",
            "reason": "",
            "summary": "核实协商事项基本情况",
        },
        {
            "eventType": "TopicSubmitted",
            "version": 3,
            "actorId": "staff-1",
            "actorName": "李专员",
            "actorRole": {"code": "PLATFORM_STAFF", "label": "协商议事平台专人"},
            "occurredAt": "2026-03-05T01:00:00.000000+00:00",
            "reason": "",
            "summary": "拟定协商议题“关于缓解老旧小区停车难的协商”报专委会确定",
        },
        {
            "eventType": "TopicApproved",
            "version": 4,
            "actorId": "cttee-1",
            "actorName": "王主任",
            "actorRole": {"code": "COMMITTEE", "label": "区政协专委会"},
            "occurredAt": "2026-03-09T07:00:00.000000+00:00",
            "reason": "群众关切,切口小,同意协商。",
            "summary": "确定协商议题,意见:群众关切,切口小,同意协商。",
        },
    ]
    item = api.acting_as(AUDITOR).query(HISTORY, id=str(story.item_id))["history"]["nodes"]
    assert [(n["eventType"], n["actorId"], n["summary"]) for n in item] == [
        ("SupervisionItemOpened", "staff-1", "据协商建议建立督办事项:“利用学校操场夜间错时停车”"),
        ("ItemAssigned", "staff-1", "交办督办事项,办理时限 2026-06-30"),
        ("ProgressReported", "unit-1", "区交通委填报办理进展"),
        ("ItemResolved", "supervisor-1", "办结,办理结果:新增夜间共享车位120个。"),
    ]


TIMELINE = """query($id: ID!) { decisionTimeline(topicId: $id) {
  daysSinceStart daysSincePrevious event { eventType aggregateType occurredAt } } }"""


def test_the_decision_timeline_of_a_topic(story: Story, api: GraphQLClient) -> None:
    steps = api.acting_as(AUDITOR).query(TIMELINE, id=str(story.topic_id))["decisionTimeline"]
    assert [
        (s["event"]["eventType"], s["daysSinceStart"], s["daysSincePrevious"]) for s in steps
    ] == [
        ("TopicProposed", 0.0, 0.0),
        ("TopicVerified", 1.0, 1.0),
        ("TopicSubmitted", 3.0, 2.0),
        ("TopicApproved", 7.25, 4.25),  # 3-9 15:00
        ("ConsultationScheduled", 8.0, 0.75),
        ("ParticipantsIdentified", 9.0, 1.0),
        ("ConsultationHeld", 18.25, 9.25),  # recorded 3-20 15:00
        ("ConsultationReported", 20.0, 1.75),
        ("SupervisionItemOpened", 21.0, 1.0),
        ("ItemAssigned", 22.0, 1.0),
        ("ProgressReported", 30.0, 8.0),
        ("ItemResolved", 44.0, 14.0),  # 4-15: 44 days after 3-2
    ]
    assert [s["event"]["aggregateType"] for s in steps] == [
        *["Topic"] * 4,
        *["Consultation"] * 4,
        *["SupervisionItem"] * 4,
    ]
    # An excluded matter's timeline is its proposal and the exclusion.
    excluded = str(story.excluded["2026-real-name"])
    short = api.acting_as(AUDITOR).query(TIMELINE, id=excluded)["decisionTimeline"]
    assert [(s["event"]["eventType"], s["daysSinceStart"]) for s in short] == [
        ("TopicProposed", 0.0),
        ("TopicExcluded", round(2 / 24, 2)),
    ]


# -------------------------------------------------------------------------------- visibility


def test_staff_of_another_platform_see_none_of_it(story: Story, api: GraphQLClient) -> None:
    other = api.acting_as(story.staff9.actor)
    topic_id, item_id = str(story.topic_id), str(story.item_id)
    assert other.query(HISTORY, id=topic_id)["history"] == {"totalCount": 0, "nodes": []}
    assert other.query(HISTORY, id=item_id)["history"] == {"totalCount": 0, "nodes": []}
    assert other.query(TIMELINE, id=topic_id)["decisionTimeline"] == []
    assert other.query(AS_OF, id=topic_id, at="2026-12-31T00:00:00+08:00")["asOf"] is None
    assert other.query(AS_OF, id=item_id, at="2026-12-31T00:00:00+08:00")["asOf"] is None
    p1 = str(story.district.platform_id)
    assert trail(other, platformId=p1) == []
    grounds = trail(other, ground="REAL_NAME_REPORT")
    assert [n["aggregateId"] for n in grounds] == [str(story.excluded["2026-other-platform"])]
    # What they do see is their own platform's, and all of it.
    mine = trail(other)
    p2 = str(story.platform2_id)
    assert account(mine) == expected(story, keep=lambda d: d.platform_id == p2)
    # Their own matter in the past: theirs, so its proposer is shown to them.
    own = str(story.excluded["2026-other-platform"])
    past = other.query(AS_OF, id=own, at="2026-06-01T12:00:00+08:00")["asOf"]
    assert past["state"]["proposer"]["name"] == "孙举报"
    # Staff of the first platform see their own matter but not the second platform's.
    first = api.acting_as(story.district.staff.actor)
    assert first.query(HISTORY, id=topic_id)["history"]["totalCount"] == 4
    assert first.query(HISTORY, id=own)["history"]["totalCount"] == 0
    assert first.query(AS_OF, id=own, at="2026-12-31T00:00:00+08:00")["asOf"] is None


def test_a_work_orders_address_is_personal_data_in_the_past_too(
    story: Story, api: GraphQLClient
) -> None:
    """A 12345 work order's address may be the caller's home: sealed in the log, and withheld
    from the leadership when the record is looked at as of a past instant."""
    home = "永顺镇幸福里3号楼2单元501"
    order = HotlineOrder.checked("GD20260701009", street="永顺镇", address=home)
    with recorded_at(at(7, 1)):
        topic = Topic.propose(
            title="楼道堆物",
            content="楼道长期堆放杂物,存在消防隐患。",
            channel=Channel.HOTLINE_12345,
            category=Category.LIVELIHOOD,
            platform_id=story.district.platform_id,
            proposer=Proposer.checked("郑来电", "13700000003"),
            actor=story.district.staff.actor,
            hotline_order=order,
        )
    story.app.save(topic)
    story.system.projector.catch_up()
    query = {"id": str(topic.id), "at": "2026-07-02T00:00:00+08:00"}
    cleared = api.acting_as(AUDITOR).query(AS_OF, **query)["asOf"]["state"]["hotline_order"]
    assert (cleared["ticket"], cleared["street"], cleared["address"]) == (
        "GD20260701009",
        "永顺镇",
        home,
    )
    withheld = api.acting_as(LEADER).query(AS_OF, **query)["asOf"]
    assert withheld["state"]["hotline_order"]["ticket"] == "GD20260701009"
    assert withheld["state"]["hotline_order"]["personalData"] == "withheld"
    assert home not in str(withheld)
    assert "郑来电" not in str(withheld)


def test_an_unknown_event_type_is_refused_not_answered_with_nothing(
    story: Story, api: GraphQLClient
) -> None:
    (error,) = api.acting_as(AUDITOR).errors(
        TRAIL, filter={"eventTypes": ["TopicExcluded", "TopicExploded", "topic.excluded"]}
    )
    code = (error["extensions"]["code"], error["extensions"]["reason"])
    assert code == ("BAD_USER_INPUT", "UNKNOWN_EVENT_TYPE"), error
    assert error["extensions"]["details"]["unknown"] == ["TopicExploded", "topic.excluded"]
    assert error["message"].startswith("未知的事件类型:TopicExploded, topic.excluded")
    unpublished = {"eventTypes": ["AccountCreated"]}  # named in the trail, not published
    assert api.acting_as(AUDITOR).query(TRAIL, filter=unpublished)["auditTrail"] is not None


# ------------------------------------------- reading the trail: order, days, actor, names

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
PAGED = """query($after: String, $order: AuditOrder!, $filter: AuditFilter) {
  auditTrail(first: 7, after: $after, order: $order, filter: $filter) { totalCount
    pageInfo { hasNextPage endCursor } nodes { position } } }"""
NAMED_TRAIL = """query($filter: AuditFilter) { auditTrail(filter: $filter, first: 100) {
  totalCount nodes { position eventType aggregateId aggregateType actorId actorName occurredAt
    recordTitle
    summary reason } } auditActors { id name role { code } } }"""


def paged(client: GraphQLClient, order: str, **where: Any) -> list[int]:
    positions: list[int] = []
    after = None
    while True:
        found = client.query(PAGED, after=after, order=order, filter=where or None)
        page = found["auditTrail"]
        positions += [n["position"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return positions
        after = page["pageInfo"]["endCursor"]


def test_the_trail_is_newest_first_unless_asked_and_pages_both_ways(
    story: Story, api: GraphQLClient
) -> None:
    auditor = api.acting_as(AUDITOR)
    oldest = [n["position"] for n in trail(auditor)]
    assert len(oldest) == len(story.done)
    newest = auditor.query(NAMED_TRAIL)["auditTrail"]["nodes"]
    assert [n["position"] for n in newest] == oldest[::-1]
    assert newest[0]["occurredAt"] == max(d.occurred_at for d in story.done)
    # Seven at a time (28 rows: four pages, the last one short) in each order, and filtered.
    assert paged(auditor, "NEWEST_FIRST") == oldest[::-1]
    assert paged(auditor, "OLDEST_FIRST") == oldest
    staff_steps = [n["position"] for n in trail(auditor, actorId="staff-1")]
    assert len(staff_steps) > 7
    assert paged(auditor, "NEWEST_FIRST", actorId="staff-1") == staff_steps[::-1]
    assert paged(auditor, "OLDEST_FIRST", actorId="staff-1") == staff_steps


def test_the_trail_of_district_days_and_of_an_actor_picked_by_name(
    story: Story, api: GraphQLClient
) -> None:
    auditor = api.acting_as(AUDITOR)
    actors = auditor.query(NAMED_TRAIL)["auditActors"]
    by_name = {a["name"]: a for a in actors}
    assert len(by_name) == len(actors)  # each person once
    assert set(by_name) >= {"李专员", "周专员", "吴专员", "刘督办"}
    assert by_name["刘督办"]["role"] == {"code": "SUPERVISOR"}
    picked = by_name["周专员"]["id"]
    nodes = auditor.query(NAMED_TRAIL, filter={"actorId": picked})["auditTrail"]["nodes"]
    assert account(nodes) == expected(story, keep=lambda d: d.actor.id == picked)[::-1]
    assert {n["actorName"] for n in nodes} == {"周专员"}

    # 2026-03-02 and 03-03 in the district: from the first day's start to the next day's.
    days = {"occurredFrom": "2026-03-02T00:00:00+08:00", "occurredTo": "2026-03-04T00:00:00+08:00"}
    within = auditor.query(NAMED_TRAIL, filter=days)["auditTrail"]["nodes"]
    first, last = at(3, 2, 0), at(3, 4, 0)
    assert account(within) == expected(story, keep=lambda d: first <= d.at < last)[::-1]
    assert [n["eventType"] for n in within] == ["TopicVerified", "TopicProposed"]


def test_records_by_their_titles_and_restricted_ones_by_the_placeholder(
    story: Story, api: GraphQLClient
) -> None:
    named = {"Topic", "Consultation", "SupervisionItem", "Platform", "Committee", "Unit", "Person"}
    for reader in (AUDITOR, LEADER):
        nodes = api.acting_as(reader).query(NAMED_TRAIL)["auditTrail"]["nodes"]
        assert {n["aggregateType"] for n in nodes} <= named
        assert all(n["recordTitle"] and not UUID_TEXT.search(n["recordTitle"]) for n in nodes)
        titles = {n["aggregateId"]: n["recordTitle"] for n in nodes}
        assert titles[str(story.platform2_id)] == "北苑街道委员工作站"
        assert titles[str(story.excluded["2026-petition"])] == "信访件"
        report = titles[str(story.excluded["2026-real-name"])]
        assert report == ("实名举报某单位负责人" if reader is AUDITOR else RESTRICTED_TEXT)


# ------------------------------------------------------- the trail as a workbook (xlsx)

EXPORT_COLUMNS = [
    "时间",
    "事件",
    "操作人",
    "角色",
    "对象",
    "内容",
    "理由/说明",
    "不纳入理由",
    "日志位置",
]
FORMULA = '=HYPERLINK("http://example.invalid","详情")'


def exported(api: GraphQLClient, actor: Actor | None, **params: str) -> Any:
    headers = api.credentials(actor) if actor else {}
    return api.http.get("/exports/audit.xlsx", params=params, headers=headers)


def workbook_rows(body: bytes) -> tuple[Any, list[list[Any]]]:
    sheet = load_workbook(BytesIO(body)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_trail_exported_as_the_page_shows_it(story: Story, api: GraphQLClient) -> None:
    _excluded_matter(
        story, story.staff2, str(story.district.platform_id), "@停车收费",
        at(7, 1), at(7, 2), ExclusionGround.PETITION, FORMULA,
    )  # fmt: skip
    api.http.app.state.holder["system"].projector.catch_up()  # type: ignore[attr-defined]
    before = district_today()
    response = exported(api, AUDITOR)
    days = {before, district_today()}  # the request may straddle the district's midnight
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] in {
        f"attachment; filename=audit-trail-{d}.xlsx; filename*=UTF-8''"
        + quote(f"审计轨迹-{d.isoformat()}.xlsx")
        for d in days
    }
    sheet, rows = workbook_rows(response.content)
    assert sheet.title == "审计轨迹"
    assert rows[0] == EXPORT_COLUMNS
    nodes = api.acting_as(AUDITOR).query(NAMED_TRAIL)["auditTrail"]["nodes"]
    assert [r[8] for r in rows[1:]] == [n["position"] for n in nodes]  # newest first
    newest = rows[1]
    assert newest[0] == datetime(2026, 7, 2, 9)  # Beijing time, a date cell
    assert newest[1:5] == [
        NAMED["TopicExcluded"].name_zh,
        "周专员",
        "协商议事平台专人",
        "议题:@停车收费",
    ]
    assert newest[6:8] == [FORMULA, ExclusionGround.PETITION.label]
    for column in (5, 7):  # the title (in 对象 after its kind) and the reason: text, never run
        cell = sheet.cell(2, column)
        assert cell.data_type == "s"
    assert sheet.cell(2, 7).quotePrefix
    assert not any(isinstance(v, str) and UUID_TEXT.search(v) for r in rows for v in r)
    assert not any(
        isinstance(v, str) and re.search(r"[A-Z][a-z]+[A-Z]", v) for r in rows[1:] for v in r[:5]
    )
    assert [r[1] for r in rows[1:]] == [NAMED[n["eventType"]].name_zh for n in nodes]
    assert all(re.search(r"[\u4e00-\u9fff]", r[1]) for r in rows[1:])


def test_the_export_takes_the_pages_filters(story: Story, api: GraphQLClient) -> None:
    auditor = api.acting_as(AUDITOR)
    for params, where in (
        ({"actor_id": "staff-2"}, {"actorId": "staff-2"}),
        (
            {"period_from": "2026-03-02", "period_to": "2026-03-03"},
            {
                "occurredFrom": "2026-03-02T00:00:00+08:00",
                "occurredTo": "2026-03-04T00:00:00+08:00",
            },
        ),
        (
            {"event_type": "TopicExcluded", "order": "oldest_first"},
            {"eventTypes": ["TopicExcluded"]},
        ),
        ({"ground": "real_name_report", "role": "platform_staff"}, {"ground": "REAL_NAME_REPORT"}),
    ):
        response = exported(api, AUDITOR, **params)
        assert response.status_code == 200, (params, response.text)
        _, rows = workbook_rows(response.content)
        nodes = auditor.query(NAMED_TRAIL, filter=where)["auditTrail"]["nodes"]
        positions = [n["position"] for n in nodes]
        if params.get("order") == "oldest_first":
            positions.reverse()
        assert [r[8] for r in rows[1:]] == positions, params
        assert positions, params


def test_the_export_reads_as_the_trail_and_refuses_who_may_not(
    story: Story, api: GraphQLClient
) -> None:
    _, leader_rows = workbook_rows(exported(api, LEADER).content)
    text = "\n".join(str(v) for r in leader_rows for v in r)
    assert "实名举报某单位负责人" not in text
    assert RESTRICTED_TEXT in text
    staff9 = story.staff9.actor
    _, own = workbook_rows(exported(api, staff9).content)
    scoped = api.acting_as(staff9).query(NAMED_TRAIL)["auditTrail"]["nodes"]
    assert [r[8] for r in own[1:]] == [n["position"] for n in scoped]  # its platform's only
    assert "吴专员" in {r[2] for r in own[1:]}
    assert "李专员" not in {r[2] for r in own[1:]}

    def refused(who: Actor | None, status: int, reason: str, **params: str) -> None:
        response = exported(api, who, **params)
        assert response.status_code == status, (reason, response.text)
        (error,) = response.json()["errors"]
        assert error["extensions"]["reason"] == reason
        assert re.search(r"[\u4e00-\u9fff]", error["message"]), error["message"]

    refused(None, 401, "TOKEN_REQUIRED")
    refused(Actor("hotline", "12345热线", Role.INTEGRATION), 403, "NOT_PERMITTED")
    refused(Actor("sec-1", "安全管理员", Role.SECURITY_ADMIN), 403, "NOT_PERMITTED")
    refused(AUDITOR, 400, "UNKNOWN_PARAMETER", actorId="staff-1")
    refused(AUDITOR, 400, "INVALID_DATE", period_from="2026-13-01")
    refused(AUDITOR, 400, "UNKNOWN_EVENT_TYPE", event_type="TopicVanished")
    refused(AUDITOR, 400, "UNKNOWN_CODE", role="mayor")
    refused(AUDITOR, 400, "INVALID_ORDER", order="sideways")


def test_a_trail_too_long_for_one_workbook_is_refused_before_it_is_read(
    story: Story, api: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_export, "MAX_ROWS", 5)
    response = exported(api, AUDITOR)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["reason"] == "TOO_MANY_ROWS"
    assert f"共 {len(story.done)} 条记录" in error["message"]
    narrowed = exported(api, AUDITOR, actor_id="cttee-1")  # the committee's few steps
    assert narrowed.status_code == 200, narrowed.text


def test_a_records_history_latest_first_when_asked(story: Story, api: GraphQLClient) -> None:
    leader = api.acting_as(LEADER)
    asked = """query($id: ID!, $order: AuditOrder!, $after: String) {
      history(aggregateId: $id, first: 3, order: $order, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { version } } }"""

    def versions(order: str) -> list[int]:
        found: list[int] = []
        after = None
        while True:
            page = leader.query(asked, id=str(story.topic_id), order=order, after=after)
            found += [n["version"] for n in page["history"]["nodes"]]
            if not page["history"]["pageInfo"]["hasNextPage"]:
                return found
            after = page["history"]["pageInfo"]["endCursor"]

    assert versions("OLDEST_FIRST") == [1, 2, 3, 4]
    assert versions("NEWEST_FIRST") == [4, 3, 2, 1]
