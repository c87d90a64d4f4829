"""The consultation procedure told through the application, on every backend: each step is
stored, each refusal stores nothing, and a whole story reads back the same from a fresh start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.app import Yishiting
from application.permissions import OutOfReach
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor, recorded_at
from domain.consultation import Consultation
from domain.errors import (
    AlreadyResolved,
    EmptyParticipants,
    FieldTooLong,
    InvalidInput,
    MissingReason,
    NotFound,
    UnknownCode,
    WrongForm,
    WrongState,
)
from domain.people import Participant, Proposer
from domain.reference import Platform
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ConsultationStatus,
    ExclusionGround,
    ItemStatus,
    ParticipantKind,
    PlatformKind,
    ReportKind,
    Role,
    TopicStatus,
    UnitKind,
)
from interfaces.bootstrap import application_for
from tests.support.district import ADMIN, District
from tests.support.refusals import event_names, refused_storing_nothing

ADMIN_COMMAND = Command(ADMIN)
SUGGESTION = "利用学校操场夜间错时停车"


def progress(app: Yishiting, district: District, item_id: UUID, text: str = "已协调学校") -> None:
    app.report_progress(
        district.unit,
        item_id,
        progress=text,
        problems="夜间管理人手不足",
        approach="社区志愿者协助",
        reporting_department="区交通委",
        reported_on=date(2026, 4, 1),
    )


def online_consultation(app: Yishiting, district: District, starts_at: datetime) -> UUID:
    return app.schedule_consultation(
        district.staff,
        form=ConsultationForm.ONLINE,
        platform_id=district.platform_id,
        starts_at=starts_at,
        closes_at=starts_at + timedelta(days=7),
        theme="老旧小区加装电梯,您怎么看?",
    ).id


def with_participants(app: Yishiting, district: District) -> tuple[UUID, list[Participant]]:
    consultation_id = district.scheduled_consultation()
    people = [
        Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员"),
        Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民"),
        Participant.checked(ParticipantKind.DISTRICT_DEPARTMENT, "钱科长", "区交通委"),
    ]
    app.identify_participants(district.staff, consultation_id, participants=people)
    return consultation_id, people


def resolved_item(app: Yishiting, district: District) -> UUID:
    item_id = district.assigned_item()
    app.resolve_item(district.committee, item_id, outcome="操场已错时开放。")
    return item_id


# --- 组织搭建: 平台, 专人负责, 议事厅 -------------------------------------------------------


def test_a_platform_is_registered_with_its_hall_committee_and_responsible_person(
    app: Yishiting, district: District
) -> None:
    head_id = app.register_person(ADMIN_COMMAND, name="孙组长", position="活动组组长").id
    outcome = app.register_platform(
        ADMIN_COMMAND,
        name="第三界别活动组",
        kind=PlatformKind.SECTOR_GROUP,
        hall_venue="区政协三楼议事厅",
        committee_id=district.committee_id,
        responsible_person_id=head_id,
    )

    platform = app.load(Platform, outcome.id)
    assert (platform.name, platform.kind, platform.hall_venue) == (
        "第三界别活动组",
        PlatformKind.SECTOR_GROUP,
        "区政协三楼议事厅",
    )
    assert platform.committee_id == district.committee_id
    assert platform.responsible_person_id == head_id
    assert outcome.version == 1
    assert outcome.position == app.position()
    assert event_names(app, outcome.id) == ["PlatformRegistered"]


def test_the_responsible_person_is_changed_with_a_reason_on_the_record(
    app: Yishiting, district: District
) -> None:
    new_head_id = app.register_person(ADMIN_COMMAND, name="马站长").id
    app.change_responsible_person(
        ADMIN_COMMAND, district.platform_id, person_id=new_head_id, reason="原负责人调任。"
    )

    platform = app.load(Platform, district.platform_id)
    assert platform.responsible_person_id == new_head_id
    changed = list(app.events.get(district.platform_id))[-1]
    assert type(changed).__name__ == "PlatformResponsiblePersonChanged"
    assert changed.reason == "原负责人调任。"  # type: ignore[attr-defined]
    assert changed.actor == ADMIN  # type: ignore[attr-defined]


def test_changing_the_responsible_person_without_a_reason_is_refused(
    app: Yishiting, district: District
) -> None:
    new_head_id = app.register_person(ADMIN_COMMAND, name="马站长").id
    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.change_responsible_person(
            ADMIN_COMMAND, district.platform_id, person_id=new_head_id, reason=""
        )


def test_the_responsible_person_must_be_a_registered_person(
    app: Yishiting, district: District
) -> None:
    with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
        app.change_responsible_person(
            ADMIN_COMMAND, district.platform_id, person_id=district.unit_id, reason="调整"
        )


def test_the_hall_moves_to_a_new_venue(app: Yishiting, district: District) -> None:
    app.move_platform_hall(ADMIN_COMMAND, district.platform_id, hall_venue="永顺镇文化中心二层")

    assert app.load(Platform, district.platform_id).hall_venue == "永顺镇文化中心二层"
    assert event_names(app, district.platform_id) == ["PlatformRegistered", "PlatformHallMoved"]


def test_a_platform_needs_an_existing_committee(app: Yishiting, district: District) -> None:
    head_id = app.register_person(ADMIN_COMMAND, name="孙组长").id
    with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
        app.register_platform(
            ADMIN_COMMAND,
            name="某活动组",
            kind=PlatformKind.REGIONAL_GROUP,
            hall_venue="某议事厅",
            committee_id=uuid4(),
            responsible_person_id=head_id,
        )


def test_committees_units_and_people_are_registered(app: Yishiting, district: District) -> None:
    unit_id = app.register_unit(ADMIN_COMMAND, name="永顺镇", kind=UnitKind.TOWN_OR_STREET).id
    committee_id = app.establish_committee(ADMIN_COMMAND, name="经济委员会").id

    assert event_names(app, unit_id) == ["UnitRegistered"]
    assert event_names(app, committee_id) == ["CommitteeEstablished"]


def test_a_historical_record_keeps_the_date_it_happened(app: Yishiting, district: District) -> None:
    proposed_on = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
    verified_on = datetime(2024, 6, 5, 15, 30, tzinfo=UTC)
    with recorded_at(proposed_on):
        topic_id = district.propose_hotline_matter("2024年的老事项")
    with recorded_at(verified_on):
        app.verify_topic(district.staff, topic_id, basic_situation="据2024年台账补录。")

    assert [e.timestamp for e in app.events.get(topic_id)] == [proposed_on, verified_on]  # type: ignore[attr-defined]
    topic = app.load(Topic, topic_id)
    assert (topic.created_on, topic.modified_on) == (proposed_on, verified_on)


# --- 确定议题 -------------------------------------------------------------------------------


def test_a_hotline_matter_is_proposed(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.PROPOSED
    assert topic.channel is Channel.HOTLINE_12345
    assert topic.hotline_tickets == ["GD20261126001", "GD20261126002"]
    assert topic.proposer.name == "陈群众"
    assert topic.proposer.phone == "13800000001"
    assert topic.platform_id == district.platform_id


def test_a_hotline_matter_without_ticket_numbers_is_refused(
    app: Yishiting, district: District
) -> None:
    with refused_storing_nothing(app, InvalidInput, "INVALID_INPUT"):
        app.propose_topic(
            district.staff,
            title="小区停车难",
            content="停车位不足",
            channel=Channel.HOTLINE_12345,
            category=Category.GOVERNANCE,
            platform_id=district.platform_id,
            proposer=Proposer.checked("陈群众"),
        )


def test_a_matter_with_too_long_a_title_is_refused(app: Yishiting, district: District) -> None:
    with refused_storing_nothing(app, FieldTooLong, "FIELD_TOO_LONG"):
        app.propose_topic(
            district.staff,
            title="停" * 201,
            content="停车位不足",
            channel=Channel.MASSES,
            category=Category.LIVELIHOOD,
            platform_id=district.platform_id,
            proposer=Proposer.checked("陈群众"),
        )


def test_a_matter_for_an_unknown_platform_is_refused(app: Yishiting, district: District) -> None:
    with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
        app.propose_topic(
            district.staff,
            title="停车难",
            content="停车位不足",
            channel=Channel.MASSES,
            category=Category.LIVELIHOOD,
            platform_id=district.committee_id,
            proposer=Proposer.checked("陈群众"),
        )


def test_the_platform_verifies_a_matter(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    outcome = app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区约2000户。")

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.VERIFIED
    assert topic.basic_situation == "涉及3个小区约2000户。"
    assert (outcome.id, outcome.version) == (topic_id, 2)


def test_a_drafted_topic_is_submitted_to_the_committee(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区。")
    app.submit_topic(
        district.staff,
        topic_id,
        drafted_title="关于停车难的协商",
        committee_id=district.committee_id,
    )

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.SUBMITTED
    assert topic.committee_id == district.committee_id
    assert topic.heading == "关于停车难的协商"


def test_a_topic_cannot_be_submitted_to_an_unknown_committee(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区。")
    with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
        app.submit_topic(
            district.staff, topic_id, drafted_title="议题", committee_id=district.platform_id
        )


def test_the_committee_approves_a_topic(app: Yishiting, district: District) -> None:
    topic_id = district.approved_topic()

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.APPROVED
    assert topic.decision_reason == "群众关切,切口小,同意协商。"
    approved = list(app.events.get(topic_id))[-1]
    assert approved.actor.role is Role.COMMITTEE  # type: ignore[attr-defined]


def test_a_topic_cannot_be_approved_before_it_is_submitted(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
        app.approve_topic(district.committee, topic_id, reason="同意")
    assert app.load(Topic, topic_id).status is TopicStatus.PROPOSED


def test_an_approval_without_a_reason_is_refused(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区。")
    app.submit_topic(
        district.staff, topic_id, drafted_title="议题", committee_id=district.committee_id
    )
    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.approve_topic(district.committee, topic_id, reason="  ")


def test_the_committee_returns_a_topic_with_its_reasons(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区。")
    app.submit_topic(
        district.staff, topic_id, drafted_title="议题", committee_id=district.committee_id
    )
    app.return_topic(district.committee, topic_id, reason="议题过大,请聚焦。")

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.RETURNED
    assert topic.decision_reason == "议题过大,请聚焦。"


def test_a_matter_is_excluded_on_a_ground(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    app.exclude_topic(district.staff, topic_id, ground=ExclusionGround.LITIGATION)

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.EXCLUDED
    assert topic.exclusion is ExclusionGround.LITIGATION


def test_excluding_as_other_without_an_explanation_is_refused(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    with refused_storing_nothing(app, InvalidInput, "INVALID_INPUT"):
        app.exclude_topic(district.staff, topic_id, ground=ExclusionGround.OTHER, explanation="")


def test_an_unknown_ground_code_is_refused_before_anything_is_stored(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    with refused_storing_nothing(app, UnknownCode, "UNKNOWN_CODE"):
        app.exclude_topic(district.staff, topic_id, ground=ExclusionGround.parse("nope"))
    assert app.load(Topic, topic_id).status is TopicStatus.PROPOSED


def test_a_mistaken_exclusion_is_reversed_and_the_matter_is_where_it_was(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区。")
    app.exclude_topic(district.staff, topic_id, ground=ExclusionGround.PETITION, explanation="")
    app.reverse_exclusion(district.committee, topic_id, reason="经查尚未交办。")

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.VERIFIED
    assert topic.exclusion is None
    assert event_names(app, topic_id)[-2:] == ["TopicExcluded", "TopicExclusionReversed"]


def test_reversing_an_exclusion_without_a_reason_is_refused(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    app.exclude_topic(district.staff, topic_id, ground=ExclusionGround.PETITION)
    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.reverse_exclusion(district.committee, topic_id, reason="")


# --- 充分调研 -------------------------------------------------------------------------------


def test_research_findings_are_recorded(app: Yishiting, district: District) -> None:
    topic_id = district.approved_topic()
    app.record_research(district.staff, topic_id, findings="走访3个小区,发放问卷200份。")

    assert app.load(Topic, topic_id).research == ["走访3个小区,发放问卷200份。"]


def test_research_before_approval_is_refused(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
        app.record_research(district.staff, topic_id, findings="走访")


# --- 协商活动 -------------------------------------------------------------------------------


def test_a_consultation_is_scheduled_in_the_platform_s_hall(
    app: Yishiting, district: District
) -> None:
    topic_id = district.approved_topic()
    consultation_id = district.scheduled_consultation(topic_id)

    consultation = app.load(Consultation, consultation_id)
    assert consultation.status is ConsultationStatus.SCHEDULED
    assert consultation.venue == "永顺镇协商议事厅"
    assert consultation.topic_id == topic_id
    assert consultation.subject == "关于缓解老旧小区停车难的协商"


def test_a_briefing_is_scheduled_on_a_theme(app: Yishiting, district: District) -> None:
    consultation_id = app.schedule_consultation(
        district.staff,
        form=ConsultationForm.BRIEFING,
        platform_id=district.platform_id,
        starts_at=datetime(2026, 5, 1, 9, tzinfo=UTC),
        venue="镇文化中心",
        theme="医保新政解读",
    ).id

    consultation = app.load(Consultation, consultation_id)
    assert (consultation.subject, consultation.venue) == ("医保新政解读", "镇文化中心")
    assert consultation.topic_id is None


def test_a_suggestion_session_without_an_approved_topic_is_the_wrong_form(
    app: Yishiting, district: District
) -> None:
    with refused_storing_nothing(app, WrongForm, "WRONG_FORM"):
        app.schedule_consultation(
            district.staff,
            form=ConsultationForm.SUGGESTION,
            platform_id=district.platform_id,
            starts_at=datetime(2026, 5, 1, tzinfo=UTC),
            theme="随便聊聊",
        )
    topic_id = district.propose_hotline_matter()
    with refused_storing_nothing(app, WrongForm, "WRONG_FORM"):
        app.schedule_consultation(
            district.staff,
            form=ConsultationForm.SUGGESTION,
            platform_id=district.platform_id,
            starts_at=datetime(2026, 5, 1, tzinfo=UTC),
            topic_id=topic_id,
        )


def test_a_training_without_a_theme_is_the_wrong_form(app: Yishiting, district: District) -> None:
    with refused_storing_nothing(app, WrongForm, "WRONG_FORM"):
        app.schedule_consultation(
            district.staff,
            form=ConsultationForm.TRAINING,
            platform_id=district.platform_id,
            starts_at=datetime(2026, 5, 1, tzinfo=UTC),
        )


def test_a_consultation_on_something_that_is_not_a_topic_is_refused_as_out_of_reach(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND"):
        app.schedule_consultation(
            district.staff,
            form=ConsultationForm.SUGGESTION,
            platform_id=district.platform_id,
            starts_at=datetime(2026, 5, 1, tzinfo=UTC),
            topic_id=consultation_id,
        )


def test_participants_are_identified_and_notified(app: Yishiting, district: District) -> None:
    consultation_id, people = with_participants(app, district)
    app.notify_participants(district.staff, consultation_id, notice="定于周五上午在议事厅协商。")

    consultation = app.load(Consultation, consultation_id)
    assert consultation.participants == people
    assert consultation.notified == [
        ParticipantKind.CPPCC_MEMBER,
        ParticipantKind.MASSES_OR_ENTERPRISE,
        ParticipantKind.DISTRICT_DEPARTMENT,
    ]


def test_identifying_no_participants_is_refused(app: Yishiting, district: District) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        app.identify_participants(district.staff, consultation_id, participants=[])
    with refused_storing_nothing(app, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        app.notify_participants(district.staff, consultation_id, notice="通知")


def test_a_consultation_is_held_and_its_record_kept(app: Yishiting, district: District) -> None:
    consultation_id, people = with_participants(app, district)
    held_at = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    app.hold_consultation(
        district.staff,
        consultation_id,
        held_at=held_at,
        attendee_ids=[people[0].id, people[2].id],
        record="交通委答复了停车位规划。",
        opinions=["增加停车位"],
        suggestions=[SUGGESTION],
    )

    consultation = app.load(Consultation, consultation_id)
    assert consultation.status is ConsultationStatus.HELD
    assert consultation.held_at == held_at
    assert consultation.attendee_ids == [people[0].id, people[2].id]
    assert consultation.suggestions == [SUGGESTION]


def test_attendees_who_are_not_participants_are_refused(app: Yishiting, district: District) -> None:
    consultation_id, people = with_participants(app, district)
    with refused_storing_nothing(app, InvalidInput, "INVALID_INPUT"):
        app.hold_consultation(
            district.staff,
            consultation_id,
            held_at=datetime.now(UTC),
            attendee_ids=[people[0].id, uuid4().hex],
            record="记录",
            opinions=[],
            suggestions=[],
        )


def test_a_consultation_without_participants_cannot_be_held(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        app.hold_consultation(
            district.staff,
            consultation_id,
            held_at=datetime.now(UTC),
            attendee_ids=[],
            record="记录",
            opinions=[],
            suggestions=[],
        )


def test_a_held_consultation_is_reported_as_a_proposal(app: Yishiting, district: District) -> None:
    consultation_id, _ = district.held_consultation()
    app.report_consultation(
        district.staff,
        consultation_id,
        kind=ReportKind.PROPOSAL,
        recipient="区委区政府",
        reference="政协提案〔2026〕12号",
        summary="建议推广学校操场错时停车。",
    )

    consultation = app.load(Consultation, consultation_id)
    assert consultation.status is ConsultationStatus.REPORTED
    [report] = consultation.reports
    assert (report.kind, report.recipient, report.reference) == (
        ReportKind.PROPOSAL,
        "区委区政府",
        "政协提案〔2026〕12号",
    )


def test_a_consultation_not_yet_held_cannot_be_reported(app: Yishiting, district: District) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
        app.report_consultation(
            district.staff,
            consultation_id,
            kind=ReportKind.PUBLIC_OPINION,
            recipient="区委",
            summary="社情民意",
        )


def test_a_consultation_is_cancelled_with_a_reason(app: Yishiting, district: District) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.cancel_consultation(district.staff, consultation_id, reason="")
    app.cancel_consultation(district.staff, consultation_id, reason="台风预警,改期。")

    assert app.load(Consultation, consultation_id).status is ConsultationStatus.CANCELLED


def test_opinions_are_posted_to_an_open_online_consultation(
    app: Yishiting, district: District
) -> None:
    starts_at = datetime(2026, 3, 1, tzinfo=UTC)
    consultation_id = online_consultation(app, district, starts_at)
    integration = Command(Actor("app-1", "履职APP", Role.INTEGRATION))
    with recorded_at(starts_at + timedelta(days=1)):
        app.post_online_opinion(
            integration,
            consultation_id,
            author=Proposer.checked("网友小王"),
            content="建议加装电梯。",
        )

    [opinion] = app.load(Consultation, consultation_id).online_opinions
    assert (opinion.author.name, opinion.content) == ("网友小王", "建议加装电梯。")
    assert opinion.posted_at == starts_at + timedelta(days=1)


def test_an_online_opinion_to_an_in_person_consultation_is_the_wrong_form(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, WrongForm, "WRONG_FORM"):
        app.post_online_opinion(
            district.staff, consultation_id, author=Proposer.checked("网友"), content="意见"
        )


@pytest.mark.parametrize("offset", [timedelta(days=-1), timedelta(days=8)], ids=["early", "late"])
def test_an_online_opinion_outside_the_window_is_refused(
    app: Yishiting, district: District, offset: timedelta
) -> None:
    starts_at = datetime(2026, 3, 1, tzinfo=UTC)
    consultation_id = online_consultation(app, district, starts_at)
    with (
        recorded_at(starts_at + offset),
        refused_storing_nothing(app, WrongState, "WRONG_STATE"),
    ):
        app.post_online_opinion(
            district.staff, consultation_id, author=Proposer.checked("网友"), content="意见"
        )


# --- 督办落实 -------------------------------------------------------------------------------


def test_an_item_is_opened_on_the_problem_list(app: Yishiting, district: District) -> None:
    consultation_id, suggestion = district.held_consultation()
    item_id = app.open_supervision_item(
        district.staff, consultation_id=consultation_id, suggestion=suggestion
    ).id

    item = app.load(SupervisionItem, item_id)
    consultation = app.load(Consultation, consultation_id)
    assert item.status is ItemStatus.OPENED
    assert item.consultation_id == consultation_id
    assert item.consultation_time == consultation.held_at
    assert item.subject == consultation.subject
    assert item.suggestion == suggestion


def test_no_item_is_opened_from_a_consultation_not_yet_held(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
        app.open_supervision_item(
            district.staff, consultation_id=consultation_id, suggestion=SUGGESTION
        )


def test_an_item_is_assigned(app: Yishiting, district: District) -> None:
    item_id = district.assigned_item()

    item = app.load(SupervisionItem, item_id)
    assert item.status is ItemStatus.ASSIGNED
    assert (item.unit_id, item.committee_id, item.supervisor_id) == (
        district.unit_id,
        district.committee_id,
        district.supervisor_id,
    )


def test_an_item_is_reassigned_only_with_a_reason(app: Yishiting, district: District) -> None:
    item_id = district.assigned_item()
    town_id = app.register_unit(ADMIN_COMMAND, name="永顺镇", kind=UnitKind.TOWN_OR_STREET).id
    arguments = {
        "unit_id": town_id,
        "committee_id": district.committee_id,
        "supervisor_id": district.supervisor_id,
    }
    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.assign_item(district.staff, item_id, **arguments)  # type: ignore[arg-type]
    app.assign_item(district.staff, item_id, reason="属地管理,改由镇办理。", **arguments)  # type: ignore[arg-type]

    assert app.load(SupervisionItem, item_id).unit_id == town_id


def test_an_item_is_assigned_only_to_a_known_unit_and_supervisor(
    app: Yishiting, district: District
) -> None:
    consultation_id, suggestion = district.held_consultation()
    item_id = app.open_supervision_item(
        district.staff, consultation_id=consultation_id, suggestion=suggestion
    ).id
    with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
        app.assign_item(
            district.staff,
            item_id,
            unit_id=uuid4(),
            committee_id=district.committee_id,
            supervisor_id=district.supervisor_id,
        )
    with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
        app.assign_item(
            district.staff,
            item_id,
            unit_id=district.unit_id,
            committee_id=district.committee_id,
            supervisor_id=district.unit_id,
        )


def test_the_unit_reports_progress(app: Yishiting, district: District) -> None:
    item_id = district.assigned_item()
    progress(app, district, item_id)

    item = app.load(SupervisionItem, item_id)
    assert item.status is ItemStatus.IN_PROGRESS
    latest = item.latest_progress
    assert latest is not None
    assert (latest.progress, latest.reporting_department, latest.reported_on) == (
        "已协调学校",
        "区交通委",
        date(2026, 4, 1),
    )


def test_an_item_is_resolved(app: Yishiting, district: District) -> None:
    item_id = resolved_item(app, district)

    item = app.load(SupervisionItem, item_id)
    assert item.status is ItemStatus.RESOLVED
    assert item.outcome == "操场已错时开放。"


def test_an_item_resolved_twice_is_refused(app: Yishiting, district: District) -> None:
    item_id = resolved_item(app, district)
    with refused_storing_nothing(app, AlreadyResolved, "ALREADY_RESOLVED"):
        app.resolve_item(district.committee, item_id, outcome="再次办结")


def test_a_resolved_item_is_reopened_only_with_a_reason(app: Yishiting, district: District) -> None:
    item_id = resolved_item(app, district)
    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.reopen_item(district.committee, item_id, reason="")
    app.reopen_item(district.committee, item_id, reason="群众反映问题反弹。")

    item = app.load(SupervisionItem, item_id)
    assert item.status is ItemStatus.REOPENED
    assert item.outcome == ""


# --- 找不到 ---------------------------------------------------------------------------------


def test_an_unknown_id_is_refused_exactly_like_one_out_of_reach(
    app: Yishiting, district: District
) -> None:
    unknown = uuid4()
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND") as missing:
        app.verify_topic(district.staff, unknown, basic_situation="核实")
    assert missing.error.kind == "NOT_FOUND"
    assert str(unknown) not in missing.error.message
    elsewhere = Command(Actor("staff-9", "别处专员", Role.PLATFORM_STAFF, str(uuid4())))
    someone_elses = district.propose_hotline_matter()
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND") as foreign:
        app.verify_topic(elsewhere, someone_elses, basic_situation="核实")
    assert foreign.error.message == missing.error.message
    assert (foreign.error.kind, foreign.error.code) == (missing.error.kind, missing.error.code)
    assert (foreign.error.cause, missing.error.cause) == ("out of scope", "missing Topic")
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND"):
        app.resolve_item(district.committee, unknown, outcome="办结")


def test_reference_data_unknown_to_an_administrator_is_not_found(
    app: Yishiting, district: District
) -> None:
    unknown = uuid4()
    with refused_storing_nothing(app, NotFound, "NOT_FOUND") as caught:
        app.move_platform_hall(ADMIN_COMMAND, unknown, hall_venue="新址")
    assert caught.error.kind == "NOT_FOUND"
    assert str(unknown) in caught.error.message


def test_an_id_of_another_kind_of_record_is_refused_as_out_of_reach(
    app: Yishiting, district: District
) -> None:
    topic_id = district.propose_hotline_matter()
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND"):
        app.verify_topic(district.staff, district.platform_id, basic_situation="核实")
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND"):
        app.identify_participants(
            district.staff,
            topic_id,
            participants=[Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")],
        )
    with refused_storing_nothing(app, OutOfReach, "NOT_FOUND"):
        app.open_supervision_item(district.staff, consultation_id=topic_id, suggestion=SUGGESTION)
    with pytest.raises(NotFound):
        app.load(SupervisionItem, topic_id)


# --- 一件事项的完整经历 --------------------------------------------------------------------


TOPIC_STORY = [
    "TopicProposed",
    "TopicVerified",
    "TopicSubmitted",
    "TopicApproved",
    "TopicResearchRecorded",
]
CONSULTATION_STORY = [
    "ConsultationScheduled",
    "ParticipantsIdentified",
    "ParticipantsNotified",
    "ConsultationHeld",
    "ConsultationReported",
]
ITEM_STORY = ["SupervisionItemOpened", "ItemAssigned", "ProgressReported", "ItemResolved"]


def test_a_hotline_matter_goes_all_the_way_and_a_real_name_report_is_excluded(
    app: Yishiting, district: District, database_url: str
) -> None:
    staff, committee = district.staff, district.committee
    start = app.position()

    # 确定议题: the 12345 hotline's matter is verified, drafted, and approved by the committee.
    topic_id = app.propose_topic(
        staff,
        title="老旧小区停车难",
        content="12345工单反映:小区周边停车位不足,夜间乱停车严重,消防通道被占。",
        channel=Channel.HOTLINE_12345,
        category=Category.GOVERNANCE,
        platform_id=district.platform_id,
        proposer=Proposer.checked("陈群众", "13800000001"),
        hotline_tickets=["GD20261126001", "GD20261126002"],
    ).id
    app.verify_topic(staff, topic_id, basic_situation="涉及3个小区约2000户,工单近三月42件。")
    app.submit_topic(
        staff,
        topic_id,
        drafted_title="关于缓解老旧小区停车难的协商",
        committee_id=district.committee_id,
    )
    app.approve_topic(committee, topic_id, reason="群众关切,切口小,同意协商。")

    # 充分调研, 明确主体.
    app.record_research(staff, topic_id, findings="走访3个小区,与区交通委、学校座谈。")
    consultation_id = app.schedule_consultation(
        staff,
        form=ConsultationForm.SUGGESTION,
        platform_id=district.platform_id,
        starts_at=datetime(2026, 3, 10, 9, tzinfo=UTC),
        topic_id=topic_id,
    ).id
    member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
    resident = Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民", "幸福小区")
    department = Participant.checked(ParticipantKind.DISTRICT_DEPARTMENT, "钱科长", "区交通委")
    app.identify_participants(staff, consultation_id, participants=[member, resident, department])
    app.notify_participants(staff, consultation_id, notice="定于3月10日上午9时在议事厅协商。")

    # 开展协商, 情况报送.
    app.hold_consultation(
        staff,
        consultation_id,
        held_at=datetime(2026, 3, 10, 9, 5, tzinfo=UTC),
        attendee_ids=[member.id, resident.id, department.id],
        record="区交通委介绍了停车位规划,委员和居民提出建议。",
        opinions=["增加停车位", "加强夜间管理"],
        suggestions=[SUGGESTION, "规范夜间路边停车"],
    )
    app.report_consultation(
        staff,
        consultation_id,
        kind=ReportKind.PROPOSAL,
        recipient="区委区政府",
        reference="政协提案〔2026〕12号",
        summary="建议在全区推广学校操场夜间错时停车。",
    )

    # 督办落实: an item on the problem list is assigned, worked on and resolved.
    item_id = app.open_supervision_item(
        staff, consultation_id=consultation_id, suggestion=SUGGESTION
    ).id
    app.assign_item(
        staff,
        item_id,
        unit_id=district.unit_id,
        committee_id=district.committee_id,
        supervisor_id=district.supervisor_id,
        due_on=date(2026, 6, 30),
    )
    progress(app, district, item_id, "已协调两所学校开放操场")
    app.resolve_item(committee, item_id, outcome="两所学校操场夜间错时开放,新增车位120个。")

    # Meanwhile a real-name report arrives: it is not taken into consultation.
    report_id = app.propose_topic(
        staff,
        title="实名举报某村干部",
        content="实名举报某村干部违规发放补贴。",
        channel=Channel.MASSES,
        category=Category.GOVERNANCE,
        platform_id=district.platform_id,
        proposer=Proposer.checked("匿名不愿透露", id_number="110101199001011234"),
    ).id
    app.exclude_topic(
        staff,
        report_id,
        ground=ExclusionGround.REAL_NAME_REPORT,
        explanation="已告知举报人向纪检监察机关反映。",
    )

    stories = {
        topic_id: TOPIC_STORY,
        consultation_id: CONSULTATION_STORY,
        item_id: ITEM_STORY,
        report_id: ["TopicProposed", "TopicExcluded"],
    }
    check_the_story(app, district, stories, topic_id, consultation_id, item_id, report_id)
    assert app.position() == start + sum(len(names) for names in stories.values())

    # The same story from the stored events, in order, with who did each step.
    recorded = [
        (type(e).__name__, e.actor.role)  # type: ignore[attr-defined]
        for e in app.events.get(topic_id)
    ]
    assert recorded == [
        ("TopicProposed", Role.PLATFORM_STAFF),
        ("TopicVerified", Role.PLATFORM_STAFF),
        ("TopicSubmitted", Role.PLATFORM_STAFF),
        ("TopicApproved", Role.COMMITTEE),
        ("TopicResearchRecorded", Role.PLATFORM_STAFF),
    ]
    stored = app.recorder.select_events(topic_id)
    assert [s.topic.rsplit(".", 1)[-1] for s in stored] == TOPIC_STORY
    assert [s.originator_version for s in stored] == [1, 2, 3, 4, 5]
    log = app.recorder.select_notifications(start=start + 1, limit=100)
    assert [n.originator_id for n in log if n.originator_id == item_id] == [item_id] * 4

    if database_url == "memory://":
        return
    fresh = application_for(Settings(database_url=database_url))
    try:
        check_the_story(fresh, district, stories, topic_id, consultation_id, item_id, report_id)
        assert fresh.position() == app.position()
    finally:
        fresh.close()


def check_the_story(
    app: Yishiting,
    district: District,
    stories: dict[UUID, list[str]],
    topic_id: UUID,
    consultation_id: UUID,
    item_id: UUID,
    report_id: UUID,
) -> None:
    for aggregate_id, names in stories.items():
        assert event_names(app, aggregate_id) == names
        assert app.repository.get(aggregate_id).version == len(names)
        for event in app.events.get(aggregate_id):
            # Every step names who took it, as the person it was: id, name, role, scope.
            assert isinstance(event.actor, Actor)  # type: ignore[attr-defined]
            assert event.actor.role in (Role.PLATFORM_STAFF, Role.COMMITTEE, Role.UNIT)  # type: ignore[attr-defined]

    topic = app.load(Topic, topic_id)
    assert topic.status is TopicStatus.APPROVED
    assert topic.hotline_tickets == ["GD20261126001", "GD20261126002"]
    assert topic.proposer.phone == "13800000001"
    assert topic.heading == "关于缓解老旧小区停车难的协商"
    assert topic.committee_id == district.committee_id
    assert topic.research == ["走访3个小区,与区交通委、学校座谈。"]

    consultation = app.load(Consultation, consultation_id)
    assert consultation.status is ConsultationStatus.REPORTED
    assert consultation.topic_id == topic_id
    assert consultation.venue == "永顺镇协商议事厅"
    assert [p.name for p in consultation.participants] == ["周委员", "吴居民", "钱科长"]
    assert consultation.attendee_ids == [p.id for p in consultation.participants]
    assert consultation.held_at == datetime(2026, 3, 10, 9, 5, tzinfo=UTC)
    assert [r.kind for r in consultation.reports] == [ReportKind.PROPOSAL]
    assert consultation.reports[0].kind.label == "提案"

    item = app.load(SupervisionItem, item_id)
    assert item.status is ItemStatus.RESOLVED
    assert item.topic_id == topic_id
    assert item.consultation_time == consultation.held_at
    assert item.subject == "关于缓解老旧小区停车难的协商"
    assert item.suggestion == SUGGESTION
    assert item.unit_id == district.unit_id
    assert item.due_on == date(2026, 6, 30)
    assert item.progress_count == 1
    assert item.latest_progress is not None
    assert item.latest_progress.progress == "已协调两所学校开放操场"
    assert item.latest_progress.reported_on == date(2026, 4, 1)
    assert item.outcome == "两所学校操场夜间错时开放,新增车位120个。"
    resolved = list(app.events.get(item_id))[-1]
    assert resolved.actor == district.committee.actor  # type: ignore[attr-defined]

    excluded = app.load(Topic, report_id)
    assert excluded.status is TopicStatus.EXCLUDED
    assert excluded.exclusion is ExclusionGround.REAL_NAME_REPORT
    assert (excluded.exclusion.number, excluded.exclusion.label) == (5, "实名举报的")
    assert excluded.exclusion.content_is_sensitive
    assert excluded.exclusion_explanation == "已告知举报人向纪检监察机关反映。"
    decision = list(app.events.get(report_id))[-1]
    assert decision.ground is ExclusionGround.REAL_NAME_REPORT  # type: ignore[attr-defined]
    assert decision.actor == district.staff.actor  # type: ignore[attr-defined]
    assert decision.timestamp.tzinfo is not None  # type: ignore[attr-defined]
