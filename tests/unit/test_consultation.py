"""A consultation: scheduled in its form, participants named and notified, held, reported;
an online one takes opinions while it is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.base import recorded_at
from domain.consultation import Consultation
from domain.errors import (
    EmptyParticipants,
    FieldTooLong,
    InvalidInput,
    MissingReason,
    WrongForm,
    WrongState,
)
from domain.people import Participant, Proposer
from domain.vocabulary import (
    ConsultationForm,
    ConsultationStatus,
    ParticipantKind,
    ReportKind,
)
from tests.support.records import (
    CITIZEN,
    PLATFORM_ID,
    STAFF,
    START,
    SUGGESTION,
    approved_topic,
    consultation_with_participants,
    event_names,
    held_consultation,
    member,
    resident,
    scheduled_consultation,
    submitted_topic,
)
from tests.support.refusals import refused, refused_untouched

YOU_SPEAK = [ConsultationForm.SUGGESTION, ConsultationForm.RESEARCH]
I_SPEAK = [ConsultationForm.BRIEFING, ConsultationForm.TRAINING]


def online(closes_at: datetime | None = START + timedelta(days=7)) -> Consultation:
    return Consultation.schedule(
        form=ConsultationForm.ONLINE,
        platform_id=PLATFORM_ID,
        starts_at=START,
        closes_at=closes_at,
        theme="老旧小区加装电梯,您怎么看?",
        actor=STAFF,
    )


def citizen() -> Proposer:
    return Proposer.checked("网友小王")


# --- 协商形式 -------------------------------------------------------------------------------


@pytest.mark.parametrize("form", YOU_SPEAK, ids=lambda f: f.code)
def test_a_you_speak_consultation_is_scheduled_on_an_approved_topic(
    form: ConsultationForm,
) -> None:
    topic = approved_topic()
    consultation = Consultation.schedule(
        form=form,
        platform_id=PLATFORM_ID,
        starts_at=START,
        venue="永顺镇协商议事厅",
        topic=topic,
        actor=STAFF,
    )

    assert consultation.status is ConsultationStatus.SCHEDULED
    assert consultation.form is form
    assert consultation.topic_id == topic.id
    assert consultation.subject == "关于缓解老旧小区停车难的协商"
    assert consultation.venue == "永顺镇协商议事厅"
    assert consultation.starts_at == START
    assert event_names(consultation) == ["ConsultationScheduled"]


@pytest.mark.parametrize("form", YOU_SPEAK, ids=lambda f: f.code)
def test_a_you_speak_consultation_without_an_approved_topic_is_the_wrong_form(
    form: ConsultationForm,
) -> None:
    with refused(WrongForm, "WRONG_FORM") as caught:
        Consultation.schedule(
            form=form,
            platform_id=PLATFORM_ID,
            starts_at=START,
            venue="议事厅",
            theme="随便聊聊",
            actor=STAFF,
        )
    assert caught.error.details["field"] == "topicId"


def test_a_topic_the_committee_has_not_approved_cannot_be_consulted_on() -> None:
    with refused(WrongForm, "WRONG_FORM") as caught:
        Consultation.schedule(
            form=ConsultationForm.SUGGESTION,
            platform_id=PLATFORM_ID,
            starts_at=START,
            venue="议事厅",
            topic=submitted_topic(),
            actor=STAFF,
        )
    assert caught.error.details["field"] == "topicId"


@pytest.mark.parametrize("form", I_SPEAK, ids=lambda f: f.code)
def test_an_i_speak_consultation_is_scheduled_on_a_theme(form: ConsultationForm) -> None:
    consultation = Consultation.schedule(
        form=form,
        platform_id=PLATFORM_ID,
        starts_at=START,
        venue="永顺镇协商议事厅",
        theme="医保新政解读",
        actor=STAFF,
    )

    assert consultation.subject == "医保新政解读"
    assert consultation.topic_id is None


@pytest.mark.parametrize("form", I_SPEAK, ids=lambda f: f.code)
def test_an_i_speak_consultation_without_a_theme_is_the_wrong_form(
    form: ConsultationForm,
) -> None:
    with refused(WrongForm, "WRONG_FORM") as caught:
        Consultation.schedule(
            form=form, platform_id=PLATFORM_ID, starts_at=START, venue="议事厅", actor=STAFF
        )
    assert caught.error.details["field"] == "theme"


def test_an_online_consultation_needs_a_topic_or_a_theme() -> None:
    with refused(WrongForm, "WRONG_FORM"):
        Consultation.schedule(
            form=ConsultationForm.ONLINE, platform_id=PLATFORM_ID, starts_at=START, actor=STAFF
        )


def test_an_online_consultation_needs_no_venue_and_may_never_close() -> None:
    consultation = online(closes_at=None)
    assert consultation.venue == ""
    assert consultation.closes_at is None


def test_an_in_person_consultation_needs_a_venue() -> None:
    with refused(InvalidInput, "INVALID_INPUT") as caught:
        Consultation.schedule(
            form=ConsultationForm.BRIEFING,
            platform_id=PLATFORM_ID,
            starts_at=START,
            theme="政策解读",
            actor=STAFF,
        )
    assert caught.error.details["field"] == "venue"


@pytest.mark.parametrize("closes_at", [START, START - timedelta(minutes=1)])
def test_a_consultation_cannot_close_before_it_opens(closes_at: datetime) -> None:
    with refused(InvalidInput, "INVALID_INPUT") as caught:
        online(closes_at=closes_at)
    assert caught.error.details["field"] == "closesAt"


def test_a_theme_longer_than_the_limit_is_refused() -> None:
    with refused(FieldTooLong, "FIELD_TOO_LONG"):
        Consultation.schedule(
            form=ConsultationForm.TRAINING,
            platform_id=PLATFORM_ID,
            starts_at=START,
            venue="议事厅",
            theme="培" * 201,
            actor=STAFF,
        )


# --- 明确主体 -------------------------------------------------------------------------------


def test_participants_are_identified_and_notified_by_kind() -> None:
    consultation = scheduled_consultation()
    people = [member(), resident(), Participant.checked(ParticipantKind.CPPCC_MEMBER, "郑委员")]
    consultation.identify_participants(participants=people, actor=STAFF)
    consultation.notify_participants(notice="定于3月10日上午9时在议事厅协商。", actor=STAFF)

    assert consultation.participants == people
    assert consultation.notified == [
        ParticipantKind.CPPCC_MEMBER,
        ParticipantKind.MASSES_OR_ENTERPRISE,
    ]
    assert event_names(consultation) == [
        "ConsultationScheduled",
        "ParticipantsIdentified",
        "ParticipantsNotified",
    ]


def test_more_participants_may_be_identified_later() -> None:
    consultation, people = consultation_with_participants()
    department = Participant.checked(ParticipantKind.DISTRICT_DEPARTMENT, "钱科长", "区交通委")
    consultation.identify_participants(participants=[department], actor=STAFF)

    assert consultation.participants == [*people, department]


def test_identifying_no_participants_is_refused() -> None:
    consultation = scheduled_consultation()
    with refused_untouched(consultation, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        consultation.identify_participants(participants=[], actor=STAFF)


def test_nobody_can_be_notified_before_participants_are_identified() -> None:
    consultation = scheduled_consultation()
    with refused_untouched(consultation, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        consultation.notify_participants(notice="通知", actor=STAFF)


def test_a_participant_s_name_has_a_limit() -> None:
    with refused(FieldTooLong, "FIELD_TOO_LONG"):
        Participant.checked(ParticipantKind.CPPCC_MEMBER, "周" * 101)


# --- 开展协商 -------------------------------------------------------------------------------


def test_a_consultation_is_held_with_its_record_opinions_and_suggestions() -> None:
    consultation, people = consultation_with_participants()
    consultation.hold(
        held_at=START,
        attendee_ids=[people[0].id],
        record="交通委答复了停车位规划。",
        opinions=["增加停车位"],
        suggestions=[SUGGESTION],
        actor=STAFF,
    )

    assert consultation.status is ConsultationStatus.HELD
    assert consultation.is_held
    assert consultation.held_at == START
    assert consultation.attendee_ids == [people[0].id]
    assert consultation.record == "交通委答复了停车位规划。"
    assert consultation.opinions == ["增加停车位"]
    assert consultation.suggestions == [SUGGESTION]
    assert event_names(consultation)[-1] == "ConsultationHeld"


def test_a_consultation_without_participants_cannot_be_held() -> None:
    consultation = scheduled_consultation()
    with refused_untouched(consultation, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        consultation.hold(
            held_at=START, attendee_ids=[], record="记录", opinions=[], suggestions=[], actor=STAFF
        )


def test_attendees_must_be_among_the_identified_participants() -> None:
    consultation, people = consultation_with_participants()
    with refused_untouched(consultation, InvalidInput, "INVALID_INPUT") as caught:
        consultation.hold(
            held_at=START,
            attendee_ids=[people[0].id, "stranger"],
            record="记录",
            opinions=[],
            suggestions=[],
            actor=STAFF,
        )
    assert caught.error.details["field"] == "attendeeIds"
    assert caught.error.details["unknown"] == ["stranger"]


def test_a_held_consultation_needs_a_record() -> None:
    consultation, _ = consultation_with_participants()
    with refused_untouched(consultation, InvalidInput, "FIELD_REQUIRED"):
        consultation.hold(
            held_at=START, attendee_ids=[], record=" ", opinions=[], suggestions=[], actor=STAFF
        )


def test_a_consultation_is_held_only_once() -> None:
    consultation = held_consultation()
    with refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.hold(
            held_at=START, attendee_ids=[], record="再开", opinions=[], suggestions=[], actor=STAFF
        )


def test_participants_cannot_change_once_it_is_held() -> None:
    consultation = held_consultation()
    with refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.identify_participants(participants=[member()], actor=STAFF)
    with refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.notify_participants(notice="补充通知", actor=STAFF)


# --- 情况报送 -------------------------------------------------------------------------------


def test_common_problems_are_reported_as_a_proposal_and_as_public_opinion() -> None:
    consultation = held_consultation()
    consultation.report(
        kind=ReportKind.PROPOSAL,
        recipient="区委区政府",
        reference="政协提案〔2026〕12号",
        summary="建议推广学校操场错时停车。",
        actor=STAFF,
    )
    consultation.report(
        kind=ReportKind.PUBLIC_OPINION,
        recipient="区委办",
        reference="",
        summary="群众对停车难反映强烈。",
        actor=STAFF,
    )

    assert consultation.status is ConsultationStatus.REPORTED
    assert consultation.is_held
    assert [r.kind for r in consultation.reports] == [
        ReportKind.PROPOSAL,
        ReportKind.PUBLIC_OPINION,
    ]
    assert consultation.reports[0].reference == "政协提案〔2026〕12号"
    assert event_names(consultation)[-2:] == ["ConsultationReported", "ConsultationReported"]


def test_nothing_is_reported_before_the_consultation_is_held() -> None:
    consultation, _ = consultation_with_participants()
    with refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.report(
            kind=ReportKind.PROPOSAL, recipient="区委区政府", reference="", summary="x", actor=STAFF
        )


def test_a_report_needs_a_recipient_and_a_summary() -> None:
    consultation = held_consultation()
    with refused_untouched(consultation, InvalidInput, "FIELD_REQUIRED"):
        consultation.report(
            kind=ReportKind.PROPOSAL, recipient="", reference="", summary="x", actor=STAFF
        )
    with refused_untouched(consultation, InvalidInput, "FIELD_REQUIRED"):
        consultation.report(
            kind=ReportKind.PROPOSAL, recipient="区委", reference="", summary="", actor=STAFF
        )


# --- 取消 -----------------------------------------------------------------------------------


def test_a_scheduled_consultation_is_cancelled_with_a_reason() -> None:
    consultation = scheduled_consultation()
    consultation.cancel(reason="台风预警,改期。", actor=STAFF)

    assert consultation.status is ConsultationStatus.CANCELLED
    assert not consultation.is_held
    with refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.identify_participants(participants=[member()], actor=STAFF)


def test_a_cancellation_without_a_reason_is_refused() -> None:
    consultation = scheduled_consultation()
    with refused_untouched(consultation, MissingReason, "REASON_REQUIRED"):
        consultation.cancel(reason=" ", actor=STAFF)


def test_a_held_consultation_cannot_be_cancelled() -> None:
    consultation = held_consultation()
    with refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.cancel(reason="取消", actor=STAFF)


# --- 网络协商 -------------------------------------------------------------------------------


def test_opinions_are_posted_online_while_the_consultation_is_open() -> None:
    consultation = online()
    moment = START + timedelta(days=1)
    with recorded_at(moment):
        consultation.post_online_opinion(author=citizen(), content="建议加装电梯。", actor=CITIZEN)

    [opinion] = consultation.online_opinions
    assert opinion.author.name == "网友小王"
    assert opinion.content == "建议加装电梯。"
    assert opinion.posted_at == moment
    assert event_names(consultation)[-1] == "OnlineOpinionPosted"
    assert consultation.pending_events[-1].actor == CITIZEN  # type: ignore[attr-defined]


def test_an_opinion_cannot_be_posted_online_to_an_in_person_consultation() -> None:
    consultation = scheduled_consultation()
    with recorded_at(START), refused_untouched(consultation, WrongForm, "WRONG_FORM"):
        consultation.post_online_opinion(author=citizen(), content="意见", actor=CITIZEN)


@pytest.mark.parametrize(
    "moment",
    [START - timedelta(seconds=1), START + timedelta(days=7, seconds=1)],
    ids=["before-it-opens", "after-it-closes"],
)
def test_an_opinion_outside_the_online_window_is_refused(moment: datetime) -> None:
    consultation = online()
    with recorded_at(moment), refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.post_online_opinion(author=citizen(), content="意见", actor=CITIZEN)


def test_the_online_window_includes_its_first_and_last_moment() -> None:
    consultation = online()
    for moment in (START, START + timedelta(days=7)):
        with recorded_at(moment):
            consultation.post_online_opinion(author=citizen(), content="意见", actor=CITIZEN)
    assert len(consultation.online_opinions) == 2


def test_a_cancelled_online_consultation_takes_no_opinions() -> None:
    consultation = online()
    consultation.cancel(reason="议题已解决", actor=STAFF)
    with recorded_at(START), refused_untouched(consultation, WrongState, "WRONG_STATE"):
        consultation.post_online_opinion(author=citizen(), content="意见", actor=CITIZEN)


def test_a_closing_online_consultation_takes_no_opinions_once_held() -> None:
    consultation = online()
    with recorded_at(START):
        consultation.post_online_opinion(author=citizen(), content="意见", actor=CITIZEN)
    consultation.hold(
        held_at=START, attendee_ids=[], record="汇总", opinions=[], suggestions=[], actor=STAFF
    )
    with recorded_at(START + timedelta(days=1)), refused(WrongState, "WRONG_STATE"):
        consultation.post_online_opinion(author=citizen(), content="迟到的意见", actor=CITIZEN)


def test_a_never_closing_online_consultation_keeps_taking_opinions() -> None:
    consultation = online(closes_at=None)
    with recorded_at(datetime(2036, 1, 1, tzinfo=UTC)):
        consultation.post_online_opinion(author=citizen(), content="十年后仍可留言", actor=CITIZEN)
    assert len(consultation.online_opinions) == 1


def test_an_online_consultation_is_held_on_its_opinions_without_participants() -> None:
    consultation = online()
    with recorded_at(START):
        consultation.post_online_opinion(author=citizen(), content="建议加装电梯", actor=CITIZEN)
    consultation.hold(
        held_at=START + timedelta(days=8),
        attendee_ids=[],
        record="网上共收到意见1条。",
        opinions=["建议加装电梯"],
        suggestions=["分批推进加装电梯"],
        actor=STAFF,
    )
    assert consultation.status is ConsultationStatus.HELD


def test_an_online_consultation_without_opinions_or_participants_cannot_be_held() -> None:
    consultation = online()
    with refused_untouched(consultation, EmptyParticipants, "PARTICIPANTS_REQUIRED"):
        consultation.hold(
            held_at=START, attendee_ids=[], record="记录", opinions=[], suggestions=[], actor=STAFF
        )


def test_an_empty_online_opinion_is_refused() -> None:
    consultation = online()
    with recorded_at(START), refused_untouched(consultation, InvalidInput, "FIELD_REQUIRED"):
        consultation.post_online_opinion(author=citizen(), content="  ", actor=CITIZEN)


# --- 每个事件: 谁 ---------------------------------------------------------------------------


def test_every_event_of_a_consultation_records_who_acted() -> None:
    consultation = held_consultation()
    consultation.report(
        kind=ReportKind.PROPOSAL, recipient="区委区政府", reference="", summary="建议", actor=STAFF
    )
    assert event_names(consultation) == [
        "ConsultationScheduled",
        "ParticipantsIdentified",
        "ConsultationHeld",
        "ConsultationReported",
    ]
    assert all(e.actor == STAFF for e in consultation.pending_events)  # type: ignore[attr-defined]
