"""The same district's people and records, built from the aggregates alone (no application)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from domain.base import Actor, Record
from domain.consultation import Consultation
from domain.people import Participant, Proposer
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import Category, Channel, ConsultationForm, ParticipantKind, Role

PLATFORM_ID = uuid4()
COMMITTEE_ID = uuid4()
UNIT_ID = uuid4()
SUPERVISOR_ID = uuid4()

STAFF = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, str(PLATFORM_ID))
COMMITTEE = Actor("cttee-1", "王主任", Role.COMMITTEE, str(COMMITTEE_ID))
UNIT = Actor("unit-1", "赵科长", Role.UNIT, str(UNIT_ID))
SUPERVISOR = Actor("sup-1", "刘督办", Role.SUPERVISOR, str(SUPERVISOR_ID))
CITIZEN = Actor("citizen-app", "履职APP", Role.INTEGRATION)

SUGGESTION = "利用学校操场夜间错时停车"
START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def hotline_matter(title: str = "小区停车难") -> Topic:
    return Topic.propose(
        title=title,
        content="居民反映小区周边停车位不足,夜间乱停车严重。",
        channel=Channel.HOTLINE_12345,
        category=Category.GOVERNANCE,
        platform_id=PLATFORM_ID,
        proposer=Proposer.checked("陈群众", "13800000001"),
        hotline_tickets=["GD20261126001", "GD20261126002"],
        actor=STAFF,
    )


def verified_matter() -> Topic:
    topic = hotline_matter()
    topic.verify(basic_situation="涉及3个小区约2000户。", actor=STAFF)
    return topic


def submitted_topic() -> Topic:
    topic = verified_matter()
    topic.submit(
        drafted_title="关于缓解老旧小区停车难的协商", committee_id=COMMITTEE_ID, actor=STAFF
    )
    return topic


def approved_topic() -> Topic:
    topic = submitted_topic()
    topic.approve(reason="群众关切,切口小,同意协商。", actor=COMMITTEE)
    return topic


def scheduled_consultation(form: ConsultationForm = ConsultationForm.SUGGESTION) -> Consultation:
    return Consultation.schedule(
        form=form,
        platform_id=PLATFORM_ID,
        starts_at=START,
        venue="永顺镇协商议事厅",
        topic=approved_topic(),
        actor=STAFF,
    )


def member() -> Participant:
    return Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")


def resident() -> Participant:
    return Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民", "某小区")


def consultation_with_participants() -> tuple[Consultation, list[Participant]]:
    consultation = scheduled_consultation()
    people = [member(), resident()]
    consultation.identify_participants(participants=people, actor=STAFF)
    return consultation, people


def held_consultation() -> Consultation:
    consultation, people = consultation_with_participants()
    consultation.hold(
        held_at=START + timedelta(hours=1),
        attendee_ids=[p.id for p in people],
        record="交通委答复了停车位规划。",
        opinions=["增加停车位"],
        suggestions=[SUGGESTION, "规范夜间路边停车"],
        actor=STAFF,
    )
    return consultation


def opened_item() -> SupervisionItem:
    return SupervisionItem.open_from(held_consultation(), suggestion=SUGGESTION, actor=STAFF)


def assigned_item() -> SupervisionItem:
    item = opened_item()
    item.assign(
        unit_id=UNIT_ID,
        committee_id=COMMITTEE_ID,
        supervisor_id=SUPERVISOR_ID,
        due_on=date(2026, 6, 30),
        reason="",
        actor=STAFF,
    )
    return item


def progress_kwargs(progress: str = "已协调学校开放操场") -> dict[str, object]:
    return {
        "progress": progress,
        "problems": "夜间管理人手不足",
        "approach": "由社区志愿者协助管理",
        "reporting_department": "区交通委",
        "reported_on": date(2026, 4, 1),
    }


def resolved_item() -> SupervisionItem:
    item = assigned_item()
    item.report_progress(**progress_kwargs(), actor=UNIT)  # type: ignore[arg-type]
    item.resolve(outcome="操场已错时开放,新增夜间车位120个。", actor=SUPERVISOR)
    return item


def event_names(record: Record) -> list[str]:
    """The record's pending events, oldest first, by class name."""
    return [type(e).__name__ for e in record.pending_events]
