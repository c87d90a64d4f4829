"""The read models on SQLite and PostgreSQL: after every step of a 12345 hotline matter's story the
views show exactly the expected rows; pages, filters and the dashboard; a rebuild gives the same
bytes; catch-up batches its commits; two projectors at once apply every event once."""

from __future__ import annotations

import gc
import math
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest

from application.receipts import Command
from application.settings import Settings
from bench.workload import Workload
from domain.base import recorded_at
from domain.members import Weight
from domain.people import Participant, Proposer
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ParticipantKind,
    ParticipationKind,
    ReportKind,
)
from interfaces.bootstrap import System, bootstrap
from projections import runner
from projections.outbound import watch
from projections.reads.dashboard import Dashboard, DashboardFilter, UnitOverdue, load_dashboard
from projections.reads.dashboard_on_read import aggregate_dashboard
from projections.reads.queries import ConsultationFilter, ItemFilter, TopicFilter
from tests.support.district import ADMIN, District
from tests.support.views import dump_views, tracking_positions

HANG_GUARD = 60.0  # seconds; only to fail instead of hanging

Row = dict[str, Any]
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 4, 1)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
CONTENT = "居民反映小区周边停车位不足,夜间乱停车严重。"
TICKETS = ["GD20261126001", "GD20261126002"]


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def open_system(url: str, **settings: Any) -> System:
    return bootstrap(Settings(database_url=url, **settings))


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def system(url: str) -> Iterator[System]:
    system = open_system(url)
    yield system
    system.close()


@pytest.fixture
def district(system: System) -> District:
    with recorded_at(T0):
        return District.build(system.app)


# ----------------------------------------------------------------------------------------------
# The expected state, kept beside the story and compared with the views after every step.


@dataclass
class Expected:
    district: District
    topics: dict[str, Row] = field(default_factory=dict)
    consultations: dict[str, Row] = field(default_factory=dict)
    items: dict[str, Row] = field(default_factory=dict)
    participants: dict[str, Row] = field(default_factory=dict)
    notes: dict[str, Row] = field(default_factory=dict)

    def topic(
        self, topic_id: UUID, title: str, channel: Channel, at: datetime, **extra: Any
    ) -> Row:
        row = {
            "id": str(topic_id),
            "title": title,
            "drafted_title": "",
            "content": CONTENT,
            "channel": channel.code,
            "category": Category.GOVERNANCE.code,
            "platform_id": str(self.district.platform_id),
            "committee_id": None,
            "status": "proposed",
            "status_before_exclusion": None,
            "exclusion_ground": None,
            "exclusion_explanation": "",
            "hotline_tickets": ",".join(TICKETS) if channel is Channel.HOTLINE_12345 else "",
            "proposer_name": "陈群众",
            "proposer_subject": f"subject-{title}",
            "basic_situation": "",
            "decision_reason": "",
            "research_count": 0,
            "consultations_count": 0,
            "proposed_at": ts(at),
            "verified_at": None,
            "submitted_at": None,
            "approved_at": None,
            "returned_at": None,
            "excluded_at": None,
            "approval_days": None,
            "updated_at": ts(at),
            "version": 1,
            "restricted": False,  # texts withheld from the reader: the system reads them all
            **extra,
        }
        self.topics[row["id"]] = row
        return row


def change(row: Row, at: datetime | None, **values: Any) -> None:
    """An event on the row's aggregate: new values, its time and the next version."""
    row.update(values)
    if at is not None:
        row["updated_at"] = ts(at)
        row["version"] += 1


def check(system: System, expected: Expected, today: date = TODAY) -> None:
    """Catches up, then compares every row of the views, and the dashboard, with expectations."""
    system.projector.catch_up()
    assert system.projector.position() == system.app.position()
    topics = system.queries.topics(TopicFilter(), first=100)
    assert topics.total == len(expected.topics)
    same_rows(topics.rows, ordered(expected.topics, "proposed_at", descending=True))
    consultations = system.queries.consultations(ConsultationFilter(), first=100)
    assert consultations.total == len(expected.consultations)
    same_rows(consultations.rows, ordered(expected.consultations, "starts_at", descending=True))
    ids = list(expected.consultations)
    for table, rows in (
        ("consultation_participants", expected.participants),
        ("consultation_notes", expected.notes),
    ):
        found = system.queries.ids_of(table, "consultation_id", ids)
        same_rows(
            sorted(found, key=lambda r: r["id"]), sorted(rows.values(), key=lambda r: r["id"])
        )
    items = system.queries.items(ItemFilter(today=today), first=100)
    assert items.total == len(expected.items)
    same_rows(items.rows, ordered(expected.items, "seq_no", descending=False))
    dashboard = load_dashboard(system.store, DashboardFilter(today=today))
    assert dashboard == expected_dashboard(expected, today)


def same_rows(actual: list[Row], expected: list[Row]) -> None:
    assert [r["id"] for r in actual] == [r["id"] for r in expected]
    for got, want in zip(actual, expected, strict=True):
        differences = {
            k: (got.get(k), want.get(k)) for k in {*got, *want} if got.get(k) != want.get(k)
        }
        assert not differences, f"{want['id']}: (view, expected) {differences}"
        assert got.keys() == want.keys()


def ordered(rows: dict[str, Row], key: str, *, descending: bool) -> list[Row]:
    return sorted(rows.values(), key=lambda r: (r[key], r["id"]), reverse=descending)


def counts(rows: dict[str, Row], column: str) -> dict[str, int]:
    found = Counter(str(r[column]) for r in rows.values() if r[column] is not None)
    return dict(sorted(found.items()))


def median(rows: dict[str, Row], column: str) -> float | None:
    values = [r[column] for r in rows.values() if r[column] is not None]
    return round(statistics.median(values), 2) if values else None


def expected_dashboard(expected: Expected, today: date) -> Dashboard:
    """The dashboard worked out in Python from the expected rows (an independent oracle)."""
    topics, consultations, items = expected.topics, expected.consultations, expected.items
    months: dict[str, dict[str, int]] = {}
    first, last = f"{today.year - 1}-01", f"{today.year}-12"  # no period: last year and this
    shown = [r for r in consultations.values() if first <= r["starts_at"][:7] <= last]
    for row in sorted(shown, key=lambda r: (r["starts_at"][:7], r["form"])):
        month = months.setdefault(row["starts_at"][:7], {})
        month[row["form"]] = month.get(row["form"], 0) + 1
    still_open = [r for r in items.values() if r["status"] != "resolved"]
    return Dashboard(
        topics_total=len(topics),
        topics_by={
            column: counts(topics, column)
            for column in (
                "status",
                "channel",
                "category",
                "platform_id",
                "committee_id",
                "exclusion_ground",
            )
        },
        consultations_by_form=counts(consultations, "form"),
        consultations_by_status=counts(consultations, "status"),
        consultations_by_month=months,
        months_shown=(first, last),
        items_by_status=counts(items, "status"),
        items_by_unit=counts(items, "unit_id"),
        overdue_by_unit=overdue_by_unit(
            [r for r in still_open if r["due_on"] and r["due_on"] < today.isoformat()]
        ),
        items_open=len(still_open),
        items_overdue=sum(1 for r in still_open if r["due_on"] and r["due_on"] < today.isoformat()),
        items_resolved=sum(1 for r in items.values() if r["status"] == "resolved"),
        median_days_to_approval=median(topics, "approval_days"),
        median_days_to_resolve=median(items, "days_to_resolve"),
    )


def overdue_by_unit(overdue: list[Row]) -> list[UnitOverdue]:
    units: dict[tuple[str | None, str], list[Row]] = {}
    for row in overdue:
        units.setdefault((row["unit_id"], row["unit_name"]), []).append(row)
    found = []
    for (unit_id, unit_name), rows in units.items():
        oldest = min(rows, key=lambda r: (r["due_on"], r["seq_no"]))
        found.append(
            UnitOverdue(
                unit_id,
                unit_name,
                len(rows),
                oldest["id"],
                oldest["seq_no"],
                oldest["subject"],
                oldest["due_on"],
            )
        )
    return sorted(found, key=lambda u: (-u.count, u.unit_name, u.unit_id or ""))


def propose(
    district: District, title: str, channel: Channel, at: datetime, tickets: list[str] | None = None
) -> UUID:
    with recorded_at(at):
        return district.app.propose_topic(
            district.staff,
            title=title,
            content=CONTENT,
            channel=channel,
            category=Category.GOVERNANCE,
            platform_id=district.platform_id,
            proposer=Proposer.checked("陈群众", "13800000001", subject_id=f"subject-{title}"),
            hotline_tickets=tickets,
        ).id


def at(moment: datetime, action: Callable[[], Any]) -> Any:
    with recorded_at(moment):
        return action()


# ----------------------------------------------------------------------------------------------


def test_the_views_follow_every_step_of_a_hotline_matter(
    system: System, district: District
) -> None:
    app, staff, cttee, unit = system.app, district.staff, district.committee, district.unit
    expected = Expected(district)
    check(system, expected)
    assert [r["name"] for r in system.queries.reference("ref_units")] == ["区交通委"]
    assert {r["name"] for r in system.queries.reference("ref_people")} == {"张站长", "刘督办"}
    [platform] = system.queries.reference("ref_platforms")
    assert platform["hall_venue"] == "永顺镇协商议事厅"
    assert platform["registered_at"] == "2026-03-01T08:00:00.000000+00:00"

    # 1. A matter comes in from the 12345 hotline.
    topic_id = propose(district, "小区停车难", Channel.HOTLINE_12345, T, TICKETS)
    a = expected.topic(topic_id, "小区停车难", Channel.HOTLINE_12345, T)
    check(system, expected)
    assert a["proposed_at"] == "2026-03-02T09:00:00.000000+00:00"

    # 2. Verified.
    at(T + DAY, lambda: app.verify_topic(staff, topic_id, basic_situation="涉及3个小区约2000户。"))
    change(a, T + DAY, status="verified", basic_situation="涉及3个小区约2000户。")
    change(a, None, verified_at=ts(T + DAY))
    check(system, expected)

    # 3. Submitted to the committee with a drafted title.
    drafted = "关于缓解老旧小区停车难的协商"
    at(
        T + 2 * DAY,
        lambda: app.submit_topic(
            staff, topic_id, drafted_title=drafted, committee_id=district.committee_id
        ),
    )
    change(
        a,
        T + 2 * DAY,
        status="submitted",
        drafted_title=drafted,
        committee_id=str(district.committee_id),
        submitted_at=ts(T + 2 * DAY),
    )
    check(system, expected)

    # 4. Approved three days after it was proposed; then researched (a counter).
    at(T + 3 * DAY, lambda: app.approve_topic(cttee, topic_id, reason="群众关切,同意协商。"))
    change(
        a,
        T + 3 * DAY,
        status="approved",
        decision_reason="群众关切,同意协商。",
        approved_at=ts(T + 3 * DAY),
        approval_days=3.0,
    )
    check(system, expected)
    at(T + 3 * DAY + HOUR, lambda: app.record_research(staff, topic_id, findings="实地走访"))
    change(a, T + 3 * DAY + HOUR, research_count=1)
    check(system, expected)

    # 5. A consultation is scheduled on the topic, in the platform's hall.
    starts_at = T + 10 * DAY
    consultation_id = at(
        T + 4 * DAY,
        lambda: (
            app.schedule_consultation(
                staff,
                form=ConsultationForm.SUGGESTION,
                platform_id=district.platform_id,
                starts_at=starts_at,
                topic_id=topic_id,
            ).id
        ),
    )
    c = expected.consultations[str(consultation_id)] = {
        "id": str(consultation_id),
        "form": "suggestion",
        "mode": "you_speak",
        "platform_id": str(district.platform_id),
        "topic_id": str(topic_id),
        "subject": drafted,
        "starts_at": ts(starts_at),
        "closes_at": None,
        "venue": "永顺镇协商议事厅",
        "status": "scheduled",
        "participants_count": 0,
        "notified_at": None,
        "held_at": None,
        "attendees_count": 0,
        "opinions_count": 0,
        "suggestions_count": 0,
        "online_opinions_count": 0,
        "reports_count": 0,
        "report_kind": None,
        "report_recipient": None,
        "report_reference": None,
        "reported_at": None,
        "cancel_reason": "",
        "scheduled_at": ts(T + 4 * DAY),
        "record": "",
        "updated_at": ts(T + 4 * DAY),
        "version": 1,
    }
    change(a, None, consultations_count=1)
    check(system, expected)

    # 6. Participants are identified (twice: the count adds up) and notified.
    member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
    resident = Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民", "北苑社区")
    head = Participant.checked(ParticipantKind.PLATFORM_HEAD, "张站长")
    at(
        T + 5 * DAY,
        lambda: app.identify_participants(staff, consultation_id, participants=[member, resident]),
    )
    change(c, T + 5 * DAY, participants_count=2)
    for seq, person in enumerate((member, resident, head), start=1):
        expected.participants[person.id] = {
            "id": person.id,
            "consultation_id": str(consultation_id),
            "seq": seq,
            "kind": person.kind.code,
            "name": person.name,
            "organisation": person.organisation,
            "subject_id": person.subject_id,
            "attended": 0,
        }
        if person is resident:
            check(system, expected)
    at(
        T + 5 * DAY + HOUR,
        lambda: app.identify_participants(staff, consultation_id, participants=[head]),
    )
    change(c, T + 5 * DAY + HOUR, participants_count=3)
    check(system, expected)
    at(T + 6 * DAY, lambda: app.notify_participants(staff, consultation_id, notice="请准时参加"))
    change(c, T + 6 * DAY, notified_at=ts(T + 6 * DAY))
    check(system, expected)

    # 7. Held, with two suggestions.
    suggestions = ["利用学校操场夜间错时停车", "规范夜间路边停车"]
    at(
        starts_at + 2 * HOUR,
        lambda: app.hold_consultation(
            staff,
            consultation_id,
            held_at=starts_at,
            attendee_ids=[member.id, resident.id],
            record="交通委答复了停车位规划。",
            opinions=["增加停车位"],
            suggestions=suggestions,
        ),
    )
    change(
        c,
        starts_at + 2 * HOUR,
        status="held",
        held_at=ts(starts_at),
        attendees_count=2,
        opinions_count=1,
        suggestions_count=2,
        record="交通委答复了停车位规划。",
    )
    expected.participants[member.id]["attended"] = 1
    expected.participants[resident.id]["attended"] = 1
    for kind, texts in (("opinion", ["增加停车位"]), ("suggestion", suggestions)):
        for seq, text in enumerate(texts, start=1):
            note_id = f"{consultation_id}:{kind}:{seq}"
            expected.notes[note_id] = {
                "id": note_id,
                "consultation_id": str(consultation_id),
                "kind": kind,
                "seq": seq,
                "text": text,
            }
    check(system, expected)

    # 8. Reported to the district as a proposal.
    at(
        T + 11 * DAY,
        lambda: app.report_consultation(
            staff,
            consultation_id,
            kind=ReportKind.PROPOSAL,
            recipient="区政协提案委",
            summary="建议错时开放学校操场。",
            reference="议事〔2026〕1号",
        ),
    )
    change(
        c,
        T + 11 * DAY,
        status="reported",
        reports_count=1,
        report_kind="proposal",
        report_recipient="区政协提案委",
        report_reference="议事〔2026〕1号",
        reported_at=ts(T + 11 * DAY),
    )
    check(system, expected)

    # 9. Each suggestion opens a row of the problem list.
    opened = T + 12 * DAY
    item_ids = [
        at(
            opened,
            lambda s=s: (
                app.open_supervision_item(staff, consultation_id=consultation_id, suggestion=s).id
            ),
        )
        for s in suggestions
    ]
    for seq_no, (item_id, suggestion) in enumerate(zip(item_ids, suggestions, strict=True), 1):
        expected.items[str(item_id)] = {
            "id": str(item_id),
            "seq_no": seq_no,
            "consultation_time": ts(starts_at),
            "subject": drafted,
            "suggestion": suggestion,
            "unit_id": None,
            "unit_name": "",
            "committee_id": None,
            "committee_name": "",
            "supervisor_id": None,
            "supervisor_name": "",
            "progress": "",
            "problems": "",
            "approach": "",
            "reporting_department": "",
            "reported_on": None,
            "status": "opened",
            "due_on": None,
            "platform_id": str(district.platform_id),
            "consultation_id": str(consultation_id),
            "topic_id": str(topic_id),
            "progress_count": 0,
            "outcome": "",
            "opened_at": ts(opened),
            "assigned_at": None,
            "last_progress_at": None,
            "resolved_at": None,
            "days_to_resolve": None,
            "updated_at": ts(opened),
            "version": 1,
        }
    first, second = (expected.items[str(i)] for i in item_ids)
    check(system, expected)

    # 10. Assigned to the transport commission, supervised by 刘督办.
    for item_id, due_on in zip(item_ids, (date(2026, 4, 30), date(2026, 3, 20)), strict=True):
        at(
            T + 13 * DAY,
            lambda i=item_id, d=due_on: app.assign_item(
                staff,
                i,
                unit_id=district.unit_id,
                committee_id=district.committee_id,
                supervisor_id=district.supervisor_id,
                due_on=d,
            ),
        )
        change(
            expected.items[str(item_id)],
            T + 13 * DAY,
            status="assigned",
            unit_id=str(district.unit_id),
            unit_name="区交通委",
            committee_id=str(district.committee_id),
            committee_name="社会和法制委员会",
            supervisor_id=str(district.supervisor_id),
            supervisor_name="刘督办",
            due_on=due_on.isoformat(),
            assigned_at=ts(T + 13 * DAY),
        )
    check(system, expected)
    overdue = system.queries.items(ItemFilter(overdue=True, today=TODAY), first=10)
    assert [r["id"] for r in overdue.rows] == [second["id"]]
    assert system.queries.items(ItemFilter(overdue=True, today=date(2026, 3, 20)), 10).total == 0

    # 11. The unit reports progress.
    at(
        T + 14 * DAY,
        lambda: app.report_progress(
            unit,
            item_ids[0],
            progress="已协调学校开放操场",
            problems="夜间管理人手不足",
            approach="由社区志愿者协助管理",
            reporting_department="区交通委",
            reported_on=date(2026, 3, 16),
        ),
    )
    change(
        first,
        T + 14 * DAY,
        status="in_progress",
        progress="已协调学校开放操场",
        problems="夜间管理人手不足",
        approach="由社区志愿者协助管理",
        reporting_department="区交通委",
        reported_on="2026-03-16",
        last_progress_at=ts(T + 14 * DAY),
        progress_count=1,
    )
    check(system, expected)

    # 12. Resolved five and a half days after it was opened.
    at(
        opened + timedelta(days=5, hours=12),
        lambda: app.resolve_item(cttee, item_ids[0], outcome="已办结"),
    )
    change(
        first,
        opened + timedelta(days=5, hours=12),
        status="resolved",
        outcome="已办结",
        resolved_at=ts(opened + timedelta(days=5, hours=12)),
        days_to_resolve=5.5,
    )
    check(system, expected)
    # The 督办落实情况 form, column by column.
    [row] = system.queries.items(ItemFilter(status="resolved"), first=10).rows
    assert {k: row[k] for k in FORM_COLUMNS} == {
        "seq_no": 1,
        "consultation_time": "2026-03-12T09:00:00.000000+00:00",
        "subject": "关于缓解老旧小区停车难的协商",
        "suggestion": "利用学校操场夜间错时停车",
        "unit_name": "区交通委",
        "committee_name": "社会和法制委员会",
        "supervisor_name": "刘督办",
        "progress": "已协调学校开放操场",
        "problems": "夜间管理人手不足",
        "approach": "由社区志愿者协助管理",
        "reporting_department": "区交通委",
        "reported_on": "2026-03-16",
    }

    # A matter excluded as a real-name report.
    b_id = propose(district, "举报某干部", Channel.MASSES, T + HOUR)
    b = expected.topic(b_id, "举报某干部", Channel.MASSES, T + HOUR)
    check(system, expected)
    at(
        T + 2 * HOUR,
        lambda: app.exclude_topic(staff, b_id, ground=ExclusionGround.REAL_NAME_REPORT),
    )
    change(
        b,
        T + 2 * HOUR,
        status="excluded",
        status_before_exclusion="proposed",
        exclusion_ground="real_name_report",
        excluded_at=ts(T + 2 * HOUR),
    )
    check(system, expected)

    # A verified matter excluded as a petition, then the exclusion reversed.
    c_id = propose(district, "菜市场噪音", Channel.ONLINE, T + timedelta(minutes=30))
    c_row = expected.topic(c_id, "菜市场噪音", Channel.ONLINE, T + timedelta(minutes=30))
    at(T + 3 * HOUR, lambda: app.verify_topic(staff, c_id, basic_situation="早市噪音扰民。"))
    change(c_row, T + 3 * HOUR, status="verified", basic_situation="早市噪音扰民。")
    change(c_row, None, verified_at=ts(T + 3 * HOUR))
    at(
        T + 4 * HOUR,
        lambda: app.exclude_topic(
            staff, c_id, ground=ExclusionGround.PETITION, explanation="已作信访件交办"
        ),
    )
    change(
        c_row,
        T + 4 * HOUR,
        status="excluded",
        status_before_exclusion="verified",
        exclusion_ground="petition",
        exclusion_explanation="已作信访件交办",
        excluded_at=ts(T + 4 * HOUR),
    )
    check(system, expected)
    at(T + 5 * HOUR, lambda: app.reverse_exclusion(staff, c_id, reason="信访已办结,可协商。"))
    change(
        c_row,
        T + 5 * HOUR,
        status="verified",
        status_before_exclusion=None,
        exclusion_ground=None,
        exclusion_explanation="",
        excluded_at=None,
        decision_reason="信访已办结,可协商。",
    )
    check(system, expected)

    # Two quicker approvals (12 and 8 hours) and the second item resolved after 10.5 days.
    for title, hours in (("路灯不亮", 12), ("垃圾分类", 8)):
        proposed = T + 20 * DAY
        t_id = propose(district, title, Channel.CPPCC_MEMBER, proposed)
        row = expected.topic(t_id, title, Channel.CPPCC_MEMBER, proposed)
        at(proposed, lambda i=t_id: app.verify_topic(staff, i, basic_situation="属实"))
        at(
            proposed,
            lambda i=t_id, d=f"关于{title}的协商": app.submit_topic(
                staff, i, drafted_title=d, committee_id=district.committee_id
            ),
        )
        approved = proposed + timedelta(hours=hours)
        at(approved, lambda i=t_id: app.approve_topic(cttee, i, reason="同意"))
        change(
            row,
            approved,
            status="approved",
            basic_situation="属实",
            drafted_title=f"关于{title}的协商",
            committee_id=str(district.committee_id),
            decision_reason="同意",
            verified_at=ts(proposed),
            submitted_at=ts(proposed),
            approved_at=ts(approved),
            approval_days=round(hours / 24, 4),
            version=3,
        )
    resolved = opened + timedelta(days=10, hours=12)
    at(resolved, lambda: app.resolve_item(cttee, item_ids[1], outcome="路边停车已规范"))
    change(
        second,
        resolved,
        status="resolved",
        outcome="路边停车已规范",
        resolved_at=ts(resolved),
        days_to_resolve=10.5,
    )
    check(system, expected)

    # The dashboard, in plain numbers.
    dashboard = load_dashboard(system.store, DashboardFilter(today=TODAY))
    assert dashboard.topics_total == 5
    assert dashboard.topics_by["status"] == {"approved": 3, "excluded": 1, "verified": 1}
    assert dashboard.topics_by["channel"] == {
        "cppcc_member": 2,
        "hotline_12345": 1,
        "masses": 1,
        "online": 1,
    }
    assert dashboard.topics_by["exclusion_ground"] == {"real_name_report": 1}
    assert (dashboard.items_open, dashboard.items_overdue, dashboard.items_resolved) == (0, 0, 2)
    assert dashboard.median_days_to_approval == 0.5
    assert dashboard.median_days_to_resolve == 8.0
    assert dashboard.consultations_by_month == {"2026-03": {"suggestion": 1}}
    assert expected.topics[str(topic_id)]["research_count"] == 1

    # Built again from the log, the views are the same to the byte.
    incremental = dump_views(system.store)
    system.projector.rebuild()
    assert dump_views(system.store) == incremental


def test_the_months_by_form_are_last_year_s_and_this_year_s_unless_a_period_is_chosen(
    system: System, district: District
) -> None:
    """Every month of a history would grow the answer (and the chart) with the log: without a
    period the series keeps last year's and this year's months (TODAY is in 2026), while the
    other counts stay all time; a chosen period keeps its own months. Counters and rows agree."""
    starts = [datetime(y, m, 15, 2, tzinfo=UTC) for y, m in ((2024, 12), (2025, 1), (2026, 12))]
    starts.append(datetime(2027, 1, 15, 2, tzinfo=UTC))
    for start in starts:
        with recorded_at(start - 2 * DAY):
            district.app.schedule_consultation(
                district.staff,
                form=ConsultationForm.BRIEFING,
                platform_id=district.platform_id,
                starts_at=start,
                theme="区政府工作报告通报",
            )
    system.projector.catch_up()
    plain = DashboardFilter(today=TODAY)
    chosen = DashboardFilter(period_from="2024-12-01", period_to="2027-02-01", today=TODAY)
    opened = DashboardFilter(period_from="2026-12-10", today=TODAY)
    for read in (load_dashboard, aggregate_dashboard):
        board = read(system.store, plain)
        assert board.consultations_by_month == {
            "2025-01": {"briefing": 1},
            "2026-12": {"briefing": 1},
        }
        assert board.months_shown == ("2025-01", "2026-12")
        assert board.consultations_by_form == {"briefing": 4}
        board = read(system.store, chosen)
        assert list(board.consultations_by_month) == ["2024-12", "2025-01", "2026-12", "2027-01"]
        assert board.months_shown == ("2024-12", "2027-01")
        board = read(system.store, opened)
        assert list(board.consultations_by_month) == ["2026-12", "2027-01"]
        assert board.months_shown == ("2026-12", None)


def test_durations_keep_their_precision_on_both_engines(system: System, district: District) -> None:
    """A matter imported from years back: 1234.5678 days to approval. (A PostgreSQL REAL is a
    4-byte float and would give back 1234.5677.)"""
    app, staff = system.app, district.staff
    proposed = T - timedelta(days=1234)
    topic_id = propose(district, "历史事项", Channel.MASSES, proposed)
    with recorded_at(proposed):
        app.verify_topic(staff, topic_id, basic_situation="属实")
        app.submit_topic(staff, topic_id, drafted_title="历史", committee_id=district.committee_id)
    with recorded_at(T + timedelta(hours=13, minutes=37, seconds=38)):
        app.approve_topic(district.committee, topic_id, reason="同意")
    system.projector.catch_up()
    [row] = system.queries.topics(TopicFilter(), first=10).rows
    assert row["approval_days"] == 1234.5678
    dashboard = load_dashboard(system.store, DashboardFilter(today=TODAY))
    assert dashboard.median_days_to_approval == 1234.57


FORM_COLUMNS = (
    "seq_no",
    "consultation_time",
    "subject",
    "suggestion",
    "unit_name",
    "committee_name",
    "supervisor_name",
    "progress",
    "problems",
    "approach",
    "reporting_department",
    "reported_on",
)


# ----------------------------------------------------------------------------------------------
# Pages and filters.

CATALOGUE = (
    # title, channel, proposed at, what happens next
    ("停车难 100%满意", Channel.HOTLINE_12345, T, "real_name_report"),
    ("停车难 1000满意", Channel.MASSES, T, None),
    ("垃圾分类", Channel.ONLINE, T + DAY, "verified"),
    ("老旧小区加装电梯", Channel.CPPCC_MEMBER, T + 2 * DAY, "approved"),
    ("学校周边交通", Channel.ENTERPRISE, T + 3 * DAY, "petition"),
    ("菜市场噪音 a_b", Channel.DEPARTMENT, T + 4 * DAY, "verified"),
    ("路灯不亮", Channel.MASSES, T + 4 * DAY, None),
)


@pytest.fixture
def catalogue(system: System, district: District) -> dict[str, str]:
    """Seven matters (two pairs proposed at the same moment), by title → id."""
    app, staff = system.app, district.staff
    ids: dict[str, str] = {}
    for title, channel, moment, then in CATALOGUE:
        tickets = TICKETS if channel is Channel.HOTLINE_12345 else None
        topic_id = propose(district, title, channel, moment, tickets)
        ids[title] = str(topic_id)
        with recorded_at(moment + HOUR):
            if then in ("verified", "approved"):
                app.verify_topic(staff, topic_id, basic_situation="属实")
            if then == "approved":
                app.submit_topic(
                    staff,
                    topic_id,
                    drafted_title=f"关于{title}",
                    committee_id=district.committee_id,
                )
                app.approve_topic(district.committee, topic_id, reason="同意")
            if then in ("real_name_report", "petition"):
                app.exclude_topic(staff, topic_id, ground=ExclusionGround.parse(then))
    system.projector.catch_up()
    return ids


def walk(fetch: Callable[[str | None], Any]) -> tuple[list[str], set[int]]:
    """Every page in turn; the ids in order and the totals the pages reported."""
    ids: list[str] = []
    totals: set[int] = set()
    after = None
    while True:
        page = fetch(after)
        ids.extend(r["id"] for r in page.rows)
        totals.add(page.total)
        assert len(page.rows) <= 2
        if not page.has_next:
            return ids, totals
        assert len(page.rows) == 2
        after = page.end_cursor


def test_pages_of_two_walk_every_topic_once(system: System, catalogue: dict[str, str]) -> None:
    everything = system.queries.topics(TopicFilter(), first=100).rows
    newest_first = sorted(everything, key=lambda r: (r["proposed_at"], r["id"]), reverse=True)
    assert [r["id"] for r in everything] == [r["id"] for r in newest_first]

    ids, totals = walk(lambda after: system.queries.topics(TopicFilter(), first=2, after=after))
    assert ids == [r["id"] for r in newest_first]
    assert len(set(ids)) == len(ids) == 7
    assert totals == {7}

    masses = TopicFilter(channel="masses")
    ids, totals = walk(lambda after: system.queries.topics(masses, first=2, after=after))
    assert sorted(ids) == sorted([catalogue["停车难 1000满意"], catalogue["路灯不亮"]])
    assert totals == {2}

    proposed = TopicFilter(status="proposed")
    ids, totals = walk(lambda after: system.queries.topics(proposed, first=2, after=after))
    assert ids == [catalogue["路灯不亮"], catalogue["停车难 1000满意"]]
    assert totals == {2}


def titles(system: System, where: TopicFilter) -> set[str]:
    page = system.queries.topics(where, first=100)
    assert page.total == len(page.rows)
    return {r["title"] for r in page.rows}


def test_topic_filters(system: System, catalogue: dict[str, str]) -> None:
    assert titles(system, TopicFilter(status="verified")) == {"垃圾分类", "菜市场噪音 a_b"}
    assert titles(system, TopicFilter(status="excluded")) == {"停车难 100%满意", "学校周边交通"}
    assert titles(system, TopicFilter(channel="hotline_12345")) == {"停车难 100%满意"}
    assert titles(system, TopicFilter(ground="real_name_report")) == {"停车难 100%满意"}
    assert titles(system, TopicFilter(ground="petition")) == {"学校周边交通"}
    assert titles(system, TopicFilter(status="excluded", channel="masses")) == set()
    # Text is matched literally: '%' and '_' are not wildcards.
    assert titles(system, TopicFilter(text="100%")) == {"停车难 100%满意"}
    assert titles(system, TopicFilter(text="停车难 100")) == {"停车难 100%满意", "停车难 1000满意"}
    assert titles(system, TopicFilter(text="a_b")) == {"菜市场噪音 a_b"}
    assert titles(system, TopicFilter(text="%")) == {"停车难 100%满意"}
    assert titles(system, TopicFilter(text="_")) == {"菜市场噪音 a_b"}
    assert titles(system, TopicFilter(text="GD20261126002")) == {"停车难 100%满意"}
    assert titles(system, TopicFilter(text="关于老旧小区")) == {"老旧小区加装电梯"}
    # Date ranges: from is inclusive, to is exclusive.
    day_two = TopicFilter(proposed_from=ts(T + DAY), proposed_to=ts(T + 3 * DAY))
    assert titles(system, day_two) == {"垃圾分类", "老旧小区加装电梯"}
    by_date = TopicFilter(proposed_from="2026-03-06", proposed_to="2026-03-07")
    assert titles(system, by_date) == {"菜市场噪音 a_b", "路灯不亮"}
    assert titles(system, TopicFilter(proposed_to=ts(T))) == set()
    assert titles(system, TopicFilter(proposed_from=ts(T), channel="masses")) == {
        "停车难 1000满意",
        "路灯不亮",
    }


def test_item_filters_and_overdue(system: System, district: District) -> None:
    app, staff = system.app, district.staff
    with recorded_at(T):
        consultation_id, suggestion = district.held_consultation()
    items = []
    for due_on in (date(2026, 3, 10), date(2026, 5, 1), date(2026, 3, 1), None):
        with recorded_at(T + DAY):
            item_id = app.open_supervision_item(
                staff, consultation_id=consultation_id, suggestion=suggestion
            ).id
            app.assign_item(
                staff,
                item_id,
                unit_id=district.unit_id,
                committee_id=district.committee_id,
                supervisor_id=district.supervisor_id,
                due_on=due_on,
            )
        items.append(str(item_id))
    with recorded_at(T + 2 * DAY):
        app.resolve_item(district.committee, UUID(items[2]), outcome="已办结")
    system.projector.catch_up()

    def ids(where: ItemFilter) -> list[str]:
        page = system.queries.items(where, first=100)
        assert page.total == len(page.rows)
        return [r["id"] for r in page.rows]

    assert ids(ItemFilter()) == items
    assert ids(ItemFilter(overdue=True, today=TODAY)) == [items[0]]
    assert ids(ItemFilter(overdue=True, today=date(2026, 3, 10))) == []
    assert ids(ItemFilter(overdue=True, today=date(2026, 3, 11))) == [items[0]]
    assert ids(ItemFilter(overdue=True, today=date(2026, 6, 1))) == items[:2]
    assert ids(ItemFilter(overdue=False, today=TODAY)) == items[1:]
    assert ids(ItemFilter(status="resolved")) == [items[2]]
    assert ids(ItemFilter(unit_id=str(district.unit_id), text="交通委")) == items
    assert ids(ItemFilter(text="no such text")) == []
    assert ids(ItemFilter(opened_from=ts(T + DAY), opened_to=ts(T + 2 * DAY))) == items
    assert ids(ItemFilter(opened_to=ts(T + DAY))) == []
    page_ids, totals = walk(lambda after: system.queries.items(ItemFilter(), first=2, after=after))
    assert (page_ids, totals) == (items, {4})
    dashboard = load_dashboard(system.store, DashboardFilter(today=TODAY))
    assert (dashboard.items_open, dashboard.items_overdue, dashboard.items_resolved) == (3, 1, 1)
    assert dashboard.median_days_to_resolve == 1.0
    assert dashboard.items_by_status == {"assigned": 3, "resolved": 1}
    assert dashboard.items_by_unit == {str(district.unit_id): 4}
    assert [(u.unit_name, u.count, u.oldest_item_id) for u in dashboard.overdue_by_unit] == [
        ("区交通委", 1, items[0])
    ]
    later = load_dashboard(system.store, DashboardFilter(today=date(2026, 6, 1)))
    assert later.items_overdue == 2
    # Two overdue (due 10 March and 1 May; the one due 1 March is resolved): the oldest first.
    [unit] = later.overdue_by_unit
    assert (unit.count, unit.oldest_item_id, unit.oldest_due_on) == (2, items[0], "2026-03-10")


# ----------------------------------------------------------------------------------------------
# Rebuild, batching, and two projectors at once.


def every_kind_of_event(system: System, district: District) -> None:
    """The events the workload does not write: returns, cancellations, reopenings, platform
    changes."""
    app, staff, cttee = system.app, district.staff, district.committee
    with recorded_at(T):
        returned = propose(district, "退回的事项", Channel.MASSES, T)
        app.verify_topic(staff, returned, basic_situation="属实")
        app.submit_topic(staff, returned, drafted_title="退回", committee_id=district.committee_id)
        app.return_topic(cttee, returned, reason="切口过大")
        cancelled = district.scheduled_consultation()
        app.cancel_consultation(staff, cancelled, reason="天气原因")
        item_id = district.assigned_item()
        app.resolve_item(cttee, item_id, outcome="已办结")
        app.reopen_item(cttee, item_id, reason="群众不满意")
        person = app.register_person(Command(ADMIN), name="新站长").id
        app.change_responsible_person(
            Command(ADMIN), district.platform_id, person_id=person, reason="换届"
        )
        app.move_platform_hall(Command(ADMIN), district.platform_id, hall_venue="新议事厅")
        member = app.register_person(Command(ADMIN), name="周委员").id
        app.enroll_member(staff, member, sector="经济界", platform_id=district.platform_id)
        app.follow_item(staff, item_id, person_id=member)
        attended = district.scheduled_consultation()
        listed = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员", person_id=str(member))
        app.identify_participants(staff, attended, participants=[listed])
        app.hold_consultation(
            staff,
            attended,
            held_at=T,
            attendee_ids=[listed.id],
            record="记录",
            opinions=[],
            suggestions=[],
        )
        app.report_consultation(
            staff,
            attended,
            kind=ReportKind.PROPOSAL,
            recipient="区政协",
            summary="提案",
            signer_ids=[member],
        )
        weights = [Weight(ParticipationKind.REPORT, 5)]
        app.set_points_scheme(
            Command(ADMIN), effective_from=T.date(), weights=weights, reason="试行"
        )


def test_a_rebuild_gives_the_same_bytes_as_catching_up_step_by_step(
    url: str, system: System, district: District
) -> None:
    workload = Workload.prepare(system.app)
    for _ in range(3):
        workload.write(150, per_save=50)
        system.projector.catch_up()
        every_kind_of_event(system, district)
        system.projector.process_batch()
    workload.write(50)
    system.projector.catch_up()
    incremental = dump_views(system.store)
    assert "reopened" in incremental
    assert "returned" in incremental
    assert "cancelled" in incremental
    assert "新议事厅" in incremental
    for table in ("supervision_reports", "consultation_online_opinions", "member_entries"):
        assert f"## {table}\n## " not in incremental, f"{table} holds rows"

    system.projector.rebuild()
    assert dump_views(system.store) == incremental

    # A second system on the same database, rebuilding from scratch, agrees too.
    other = open_system(url, projector_batch_size=97)
    try:
        other.projector.rebuild()
        assert dump_views(other.store) == incremental
    finally:
        other.close()


def test_a_rebuild_leaves_the_cyclic_collector_as_it_found_it(
    system: System, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, ...]] = []
    catch_up = system.projector.catch_up

    def watched(progress: Any = None) -> int:
        seen.append(gc.get_threshold())
        return catch_up(progress)

    monkeypatch.setattr(system.projector, "catch_up", watched)
    before = (gc.get_threshold(), gc.get_freeze_count())
    assert system.projector.rebuild() > 0
    assert seen[0][0] == runner.REBUILD_GC_THRESHOLD  # collections were rarer meanwhile
    assert (gc.get_threshold(), gc.get_freeze_count()) == before

    def failing(progress: Any = None) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(system.projector, "catch_up", failing)
    with pytest.raises(RuntimeError):
        system.projector.rebuild()
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def apply_event_by_event(system: System) -> None:
    """The views rebuilt the stock runner's way: each event in a transaction of its own, every
    statement sent as it comes (no batch holds rows or changes them in memory)."""
    projector, app = system.projector, system.app
    with system.store.transaction() as tx:
        for view in projector.rebuildable:
            for table in view.table_names:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
    projector.create_tables()
    views = [type(view)() for view in projector.rebuildable]
    position = 0
    while notifications := app.recorder.select_notifications(
        start=position, limit=100, inclusive_of_start=False
    ):
        for notification in notifications:
            event = app.mapper.to_domain_event(notification)
            fed = {"event": event, "stored": notification, "both": (notification, event)}
            with system.store.transaction() as tx:
                for view in views:
                    view.apply(fed[view.feed], tx)
        position = notifications[-1].id
    with system.store.transaction() as tx:
        for view in views:
            tx.execute(
                "UPDATE projection_tracking SET position = ? WHERE view = ?", (position, view.name)
            )


def test_rows_held_by_a_batch_end_as_the_statements_of_one_event_at_a_time_leave_them(
    url: str, system: System, district: District
) -> None:
    """A batch holds its new rows and applies later events to them in memory; an event whose
    row an earlier batch wrote sends its UPDATE. Batches of any size, and the stock runner's
    one event per transaction, give the same bytes — erasures and every kind of event too."""
    workload = Workload.prepare(system.app)
    workload.write(120, per_save=40)
    every_kind_of_event(system, district)
    forgotten = "subject-被遗忘的事项"
    propose(district, "被遗忘的事项", Channel.MASSES, T)
    workload.write(60, per_save=20)
    system.app.erase_subject(Command(ADMIN), subject_id=forgotten, reason="本人申请删除个人信息")
    every_kind_of_event(system, district)
    system.projector.catch_up()
    batched = dump_views(system.store)
    assert "returned" in batched
    assert "被遗忘的事项" in batched

    for size in (1, 7):
        other = open_system(url, projector_batch_size=size)
        try:
            other.projector.rebuild()
            assert dump_views(other.store) == batched, f"batches of {size}"
        finally:
            other.close()

    apply_event_by_event(system)
    assert dump_views(system.store) == batched


def test_catch_up_commits_once_per_batch_not_once_per_event(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = open_system(url, projector_batch_size=100)
    try:
        workload = Workload.prepare(system.app)
        system.projector.catch_up()
        start = system.projector.position()
        workload.write(1000)
        events = system.app.position() - start
        assert 1000 <= events < 1100

        batches: list[int] = []
        transactions: list[int] = []
        process_batch = system.projector.process_batch
        transaction = system.store.transaction

        def counting_batch() -> int:
            batches.append(count := process_batch())
            return count

        def counting_transaction(**options: Any) -> Any:
            transactions.append(1)
            return transaction(**options)

        monkeypatch.setattr(system.projector, "process_batch", counting_batch)
        monkeypatch.setattr(system.store, "transaction", counting_transaction)
        assert system.projector.catch_up() == events
        full, rest = divmod(events, 100)
        assert batches == [100] * full + [rest] * (rest > 0) + [0]
        assert len(transactions) == len(batches) == math.ceil(events / 100) + 1
        assert system.projector.position() == system.app.position()
    finally:
        system.close()


def test_the_worker_does_not_read_the_log_again_to_find_it_empty(
    system: System, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that comes back short held all the log had when it was read: the worker then
    waits to be woken instead of reading once more to find nothing. An event committed while
    a batch is applied wakes it (as the log watcher does on PostgreSQL's NOTIFY) and is
    applied next. The poll is made longer than the test, so only the wake can bring it."""
    projector = system.projector
    batches: list[int] = []
    caught_up: list[list[int]] = []
    news = threading.Condition()
    process_batch = projector.process_batch

    def counting_batch() -> int:
        batches.append(count := process_batch())
        if len(batches) == 1:  # committed after the batch read the log
            propose(district, "批处理中新提的事项", Channel.MASSES, T)
            projector.wake()
        return count

    def hook() -> None:
        with news:
            caught_up.append(list(batches))
            news.notify_all()

    monkeypatch.setattr(projector, "process_batch", counting_batch)
    projector.after_catch_up.append(hook)
    worker = threading.Thread(target=projector.run_forever, args=(10 * HANG_GUARD,), daemon=True)
    worker.start()
    try:
        with news:
            assert news.wait_for(lambda: len(caught_up) >= 2, HANG_GUARD)
        first = district.app.position() - 1
        assert caught_up[:2] == [[first], [first, 1]]
        assert projector.position() == district.app.position()
        assert "批处理中新提的事项" in titles(system, TopicFilter())
    finally:
        projector.request_stop()
        worker.join(HANG_GUARD)
    assert not worker.is_alive()
    assert batches == [first, 1]


def test_an_api_without_a_projector_hears_another_process_s_batch(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --no-projector`: a command's wait for its views ends when the projecting process
    announces its batch, not at the waiter's next look — made longer here than the test waits
    for the waiter, so only the announcement can end the wait in time."""
    monkeypatch.setattr(runner, "LOOK_AGAIN", 10 * HANG_GUARD)
    api, projecting = open_system(postgres_url), open_system(postgres_url)
    try:
        api.integration.start(delivering=False)
        assert api.integration.watcher.listening.wait(HANG_GUARD)
        District.build(api.app)
        position = api.app.position()
        assert not api.projector.wait_for(position, timeout=0.01)  # nobody has projected yet

        waited: list[bool] = []
        waiter = threading.Thread(
            target=lambda: waited.append(api.projector.wait_for(position, 5 * HANG_GUARD)),
            daemon=True,
        )
        waiter.start()
        time.sleep(0.2)  # lets the waiter take its first look and begin its long wait
        projecting.projector.catch_up()
        waiter.join(HANG_GUARD)
        assert waited == [True], "still waiting: the batch was not heard"
    finally:
        api.close()
        projecting.close()


def test_the_log_watcher_reads_the_log_s_head_when_the_log_grew_not_on_a_batch_s_news(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher hears two channels: the log's (an event committed) and the projectors'
    (a batch committed). Only the first moves the log: a batch's news is passed to the waiters
    without a read of the log's head. Notices come in commit order on the one connection, so
    the batch's is heard before the proposal's; the safety poll is made longer than the test."""
    monkeypatch.setattr(watch, "LISTEN_SAFETY_POLL", 10 * HANG_GUARD)
    projecting = open_system(postgres_url)
    district = District.build(projecting.app)
    api = open_system(postgres_url)
    watcher = api.integration.watcher
    heads: list[str] = []
    refresh = watcher.refresh

    def counted() -> int:
        heads.append("head")
        return refresh()

    monkeypatch.setattr(watcher, "refresh", counted)
    assert watcher._views is not None
    channel, announced = watcher._views
    watcher._views = (channel, lambda payload: (heads.append("batch"), announced(payload)))
    try:
        api.integration.start(delivering=False)
        assert watcher.listening.wait(HANG_GUARD)
        projecting.projector.catch_up()
        propose(district, "批次之后的事项", Channel.MASSES, T)
        position = projecting.app.position()
        assert watcher.signal.wait(position - 1, HANG_GUARD) == position
        assert heads == ["head", "batch", "head"]
    finally:
        # The watcher waits out its (lengthened) poll: a notice ends that wait, so it stops.
        monkeypatch.setattr(watch, "LISTEN_SAFETY_POLL", 0.1)
        with psycopg.connect(api.app.database.conninfo(), autocommit=True) as conn:
            conn.execute("SELECT pg_notify(%s, '')", (channel,))
        api.close()
        projecting.close()
    assert watcher._thread is None, "the watcher did not stop"


def test_a_waiter_takes_the_announced_position_without_reading_it_again(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The announcement carries where the batch left the views (sent in its transaction, heard
    once committed): a waiter it reaches returns without another read of the positions."""
    monkeypatch.setattr(runner, "LOOK_AGAIN", 10 * HANG_GUARD)
    api, projecting = open_system(postgres_url), open_system(postgres_url)
    reads: list[int] = []
    first_read = threading.Event()
    read_position = api.projector.position

    def counted(timeout: float | None = None) -> int:
        reached = read_position(timeout)
        reads.append(reached)
        first_read.set()
        return reached

    monkeypatch.setattr(api.projector, "position", counted)
    try:
        api.integration.start(delivering=False)
        assert api.integration.watcher.listening.wait(HANG_GUARD)
        District.build(api.app)
        position = api.app.position()
        waited: list[bool] = []
        waiter = threading.Thread(
            target=lambda: waited.append(api.projector.wait_for(position, 5 * HANG_GUARD)),
            daemon=True,
        )
        waiter.start()
        assert first_read.wait(HANG_GUARD)
        projecting.projector.catch_up()
        waiter.join(HANG_GUARD)
        assert waited == [True], "still waiting: the batch was not heard"
        assert reads == [0], "one read, before any batch; the announcement did the rest"
    finally:
        api.close()
        projecting.close()


def test_an_announcement_without_a_position_still_wakes_the_waiters_to_look(
    postgres_url: str,
) -> None:
    system = open_system(postgres_url)
    try:
        District.build(system.app)
        system.projector.catch_up()
        batches = system.projector._advanced.batches
        looked = system.projector._advanced.looked
        system.projector.views_announced("another-process")
        system.projector.views_announced("another-process not-a-number")
        assert system.projector._advanced.batches == batches + 2
        assert system.projector._advanced.looked == looked, "nothing taken as a position"
        system.projector.views_announced(f"{system.projector._me} 999999")
        assert system.projector._advanced.batches == batches + 2, "its own: already woken"
    finally:
        system.close()


def pace(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    """A breath between batches, so that the other projector gets its turn at the lock (SQLite's
    busy handler polls, backing off to 25 ms and more; with a shorter gap one projector may take
    every batch)."""
    process_batch = system.projector.process_batch

    def paced() -> int:
        count = process_batch()
        time.sleep(0.03)
        return count

    monkeypatch.setattr(system.projector, "process_batch", paced)


def test_two_projectors_at_once_apply_every_event_exactly_once(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = open_system(url)
    try:
        workload = Workload.prepare(writer.app)
        workload.write(800, per_save=200)
        events = writer.app.position()
    finally:
        writer.close()

    systems = [open_system(url, projector_batch_size=25) for _ in range(2)]
    try:
        for system in systems:
            pace(system, monkeypatch)
        barrier = threading.Barrier(len(systems))
        applied: list[int] = []
        errors: list[BaseException] = []

        def run(system: System) -> None:
            try:
                barrier.wait()
                applied.append(system.projector.catch_up())
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(s,)) for s in systems]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        assert sum(applied) == events
        assert all(count > 0 for count in applied), applied  # both took part
        assert set(tracking_positions(systems[0].store).values()) == {events}
        together = dump_views(systems[0].store)
        assert dump_views(systems[1].store) == together

        systems[0].projector.rebuild()
        assert dump_views(systems[0].store) == together
        assert '"research_count": 2' in together
        assert '"participants_count": 2' in together
    finally:
        for system in systems:
            system.close()
