"""A matter's life as a Topic: proposed, verified, excluded or drafted, submitted, decided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.base import LONG_TEXT, SHORT_TEXT, clocked_by, now, recorded_at
from domain.errors import (
    FieldTooLong,
    InvalidInput,
    MissingReason,
    RequiredField,
    UnknownCode,
    WrongState,
)
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel, ExclusionGround, TopicStatus
from tests.support.records import (
    COMMITTEE,
    COMMITTEE_ID,
    PLATFORM_ID,
    STAFF,
    approved_topic,
    event_names,
    hotline_matter,
    submitted_topic,
    verified_matter,
)
from tests.support.refusals import refused, refused_untouched


def propose(**overrides: object) -> Topic:
    arguments: dict[str, object] = {
        "title": "菜市场早高峰占道经营",
        "content": "早市摊贩占用机动车道,影响通行。",
        "channel": Channel.MASSES,
        "category": Category.LIVELIHOOD,
        "platform_id": PLATFORM_ID,
        "proposer": Proposer.checked("孙大姐", "13900000002"),
        "actor": STAFF,
    }
    arguments.update(overrides)
    return Topic.propose(**arguments)  # type: ignore[arg-type]


# --- 提出事项 -------------------------------------------------------------------------------


def test_a_matter_from_the_12345_hotline_is_proposed_with_its_tickets() -> None:
    topic = hotline_matter()

    assert topic.status is TopicStatus.PROPOSED
    assert topic.channel is Channel.HOTLINE_12345
    assert topic.category is Category.GOVERNANCE
    assert topic.hotline_tickets == ["GD20261126001", "GD20261126002"]
    assert topic.proposer.name == "陈群众"
    assert topic.platform_id == PLATFORM_ID
    assert topic.heading == "小区停车难"
    assert event_names(topic) == ["TopicProposed"]


def test_text_is_trimmed_when_a_matter_is_proposed() -> None:
    topic = propose(title="  菜市场占道  ", hotline_tickets=[" GD1 "])

    assert topic.title == "菜市场占道"
    assert topic.hotline_tickets == ["GD1"]


@pytest.mark.parametrize("tickets", [None, []])
def test_a_hotline_matter_without_ticket_numbers_is_refused(tickets: list[str] | None) -> None:
    with refused(InvalidInput, "INVALID_INPUT") as caught:
        propose(channel=Channel.HOTLINE_12345, hotline_tickets=tickets)
    assert caught.error.details["field"] == "hotlineTickets"


def test_a_blank_ticket_number_is_refused() -> None:
    with refused(RequiredField, "FIELD_REQUIRED"):
        propose(channel=Channel.HOTLINE_12345, hotline_tickets=["GD1", "  "])


def test_a_matter_needs_a_title_and_content() -> None:
    with refused(RequiredField, "FIELD_REQUIRED") as caught:
        propose(title="   ")
    assert caught.error.details["field"] == "title"
    with refused(RequiredField, "FIELD_REQUIRED") as caught:
        propose(content="")
    assert caught.error.details["field"] == "content"


def test_a_title_longer_than_the_limit_is_refused() -> None:
    propose(title="停" * SHORT_TEXT)
    with refused(FieldTooLong, "FIELD_TOO_LONG") as caught:
        propose(title="停" * (SHORT_TEXT + 1))
    assert caught.error.details["field"] == "title"


def test_content_longer_than_the_limit_is_refused() -> None:
    with refused(FieldTooLong, "FIELD_TOO_LONG"):
        propose(content="车" * (LONG_TEXT + 1))


def test_a_proposer_with_too_long_a_phone_number_is_refused() -> None:
    with refused(FieldTooLong, "FIELD_TOO_LONG") as caught:
        Proposer.checked("孙大姐", "1" * 31)
    assert caught.error.details["field"] == "proposer.phone"


# --- 核实 -----------------------------------------------------------------------------------


def test_the_platform_verifies_a_matter_and_records_its_basic_situation() -> None:
    topic = hotline_matter()
    topic.verify(basic_situation="  涉及3个小区约2000户。 ", actor=STAFF)

    assert topic.status is TopicStatus.VERIFIED
    assert topic.basic_situation == "涉及3个小区约2000户。"
    assert event_names(topic) == ["TopicProposed", "TopicVerified"]


def test_a_matter_is_verified_only_once() -> None:
    topic = verified_matter()
    with refused_untouched(topic, WrongState, "WRONG_STATE") as caught:
        topic.verify(basic_situation="再次核实", actor=STAFF)
    assert caught.error.details["status"] == "verified"


def test_verifying_needs_the_basic_situation() -> None:
    topic = hotline_matter()
    with refused_untouched(topic, RequiredField, "FIELD_REQUIRED"):
        topic.verify(basic_situation=" ", actor=STAFF)


# --- 拟定议题, 报专委会确定 ------------------------------------------------------------------


def test_a_verified_matter_is_drafted_into_a_topic_and_submitted_to_the_committee() -> None:
    topic = verified_matter()
    topic.submit(
        drafted_title="关于缓解老旧小区停车难的协商", committee_id=COMMITTEE_ID, actor=STAFF
    )

    assert topic.status is TopicStatus.SUBMITTED
    assert topic.drafted_title == "关于缓解老旧小区停车难的协商"
    assert topic.committee_id == COMMITTEE_ID
    assert topic.heading == "关于缓解老旧小区停车难的协商"


def test_a_matter_cannot_be_submitted_before_it_is_verified() -> None:
    topic = hotline_matter()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.submit(drafted_title="议题", committee_id=COMMITTEE_ID, actor=STAFF)


def test_a_submission_needs_a_drafted_title() -> None:
    topic = verified_matter()
    with refused_untouched(topic, RequiredField, "FIELD_REQUIRED"):
        topic.submit(drafted_title="", committee_id=COMMITTEE_ID, actor=STAFF)


def test_the_committee_approves_a_submitted_topic_with_its_reason() -> None:
    topic = submitted_topic()
    topic.approve(reason="群众关切,切口小,同意协商。", actor=COMMITTEE)

    assert topic.status is TopicStatus.APPROVED
    assert topic.decision_reason == "群众关切,切口小,同意协商。"
    assert event_names(topic) == [
        "TopicProposed",
        "TopicVerified",
        "TopicSubmitted",
        "TopicApproved",
    ]
    assert topic.pending_events[-1].actor == COMMITTEE  # type: ignore[attr-defined]


@pytest.mark.parametrize("make", [hotline_matter, verified_matter], ids=["proposed", "verified"])
def test_a_topic_cannot_be_approved_before_it_is_submitted(make: Callable[[], Topic]) -> None:
    topic = make()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.approve(reason="同意", actor=COMMITTEE)


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_approval_without_a_reason_is_refused(reason: str) -> None:
    topic = submitted_topic()
    with refused_untouched(topic, MissingReason, "REASON_REQUIRED"):
        topic.approve(reason=reason, actor=COMMITTEE)
    assert topic.status is TopicStatus.SUBMITTED


def test_an_approved_topic_cannot_be_approved_again() -> None:
    topic = approved_topic()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.approve(reason="再次同意", actor=COMMITTEE)


def test_the_committee_returns_a_topic_with_reasons_and_the_platform_resubmits_it() -> None:
    topic = submitted_topic()
    topic.return_to_platform(reason="议题过大,请聚焦一个小区。", actor=COMMITTEE)
    assert topic.status is TopicStatus.RETURNED
    assert topic.decision_reason == "议题过大,请聚焦一个小区。"

    topic.submit(drafted_title="关于缓解某小区停车难的协商", committee_id=COMMITTEE_ID, actor=STAFF)
    topic.approve(reason="已聚焦,同意。", actor=COMMITTEE)

    assert topic.decision_reason == "已聚焦,同意。"
    assert topic.drafted_title == "关于缓解某小区停车难的协商"
    assert event_names(topic)[-3:] == ["TopicReturned", "TopicSubmitted", "TopicApproved"]


def test_a_return_without_a_reason_is_refused() -> None:
    topic = submitted_topic()
    with refused_untouched(topic, MissingReason, "REASON_REQUIRED"):
        topic.return_to_platform(reason="", actor=COMMITTEE)


def test_only_a_submitted_topic_can_be_returned() -> None:
    topic = verified_matter()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.return_to_platform(reason="退回", actor=COMMITTEE)


# --- 不纳入协商范围 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ground", [g for g in ExclusionGround if g is not ExclusionGround.OTHER], ids=lambda g: g.code
)
def test_a_matter_is_excluded_on_any_of_the_plan_s_grounds(ground: ExclusionGround) -> None:
    topic = hotline_matter()
    topic.exclude(ground=ground, explanation="", actor=STAFF)

    assert topic.status is TopicStatus.EXCLUDED
    assert topic.exclusion is ground
    assert topic.status_before_exclusion is TopicStatus.PROPOSED
    excluded = topic.pending_events[-1]
    assert type(excluded).__name__ == "TopicExcluded"
    assert excluded.ground is ground  # type: ignore[attr-defined]
    assert excluded.actor == STAFF  # type: ignore[attr-defined]


def test_an_unknown_ground_code_is_refused() -> None:
    with refused(UnknownCode, "UNKNOWN_CODE") as caught:
        ExclusionGround.parse("nope")
    assert caught.error.details == {"vocabulary": "ExclusionGround", "value": "nope"}


def test_a_real_name_report_is_excluded_from_parsing_its_code() -> None:
    topic = hotline_matter()
    topic.exclude(ground=ExclusionGround.parse("real_name_report"), explanation="", actor=STAFF)
    assert topic.exclusion is ExclusionGround.REAL_NAME_REPORT


@pytest.mark.parametrize("explanation", ["", "  "])
def test_excluding_as_other_needs_a_written_explanation(explanation: str) -> None:
    topic = hotline_matter()
    with refused_untouched(topic, InvalidInput, "INVALID_INPUT") as caught:
        topic.exclude(ground=ExclusionGround.OTHER, explanation=explanation, actor=STAFF)
    assert caught.error.details["field"] == "reason"
    assert topic.status is TopicStatus.PROPOSED


def test_excluding_as_other_with_an_explanation_records_it() -> None:
    topic = verified_matter()
    topic.exclude(ground=ExclusionGround.OTHER, explanation="属商业纠纷,不宜协商。", actor=STAFF)

    assert topic.exclusion is ExclusionGround.OTHER
    assert topic.exclusion_explanation == "属商业纠纷,不宜协商。"


@pytest.mark.parametrize("make", [submitted_topic, approved_topic], ids=["submitted", "approved"])
def test_a_topic_with_the_committee_or_decided_cannot_be_excluded(
    make: Callable[[], Topic],
) -> None:
    topic = make()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.exclude(ground=ExclusionGround.PETITION, explanation="", actor=STAFF)


def test_an_excluded_matter_cannot_be_verified_or_submitted() -> None:
    topic = hotline_matter()
    topic.exclude(ground=ExclusionGround.LITIGATION, explanation="", actor=STAFF)
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.verify(basic_situation="核实", actor=STAFF)
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.submit(drafted_title="议题", committee_id=COMMITTEE_ID, actor=STAFF)


def test_an_excluded_matter_cannot_be_excluded_again() -> None:
    topic = hotline_matter()
    topic.exclude(ground=ExclusionGround.LITIGATION, explanation="", actor=STAFF)
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.exclude(ground=ExclusionGround.PETITION, explanation="", actor=STAFF)


def returned_topic() -> Topic:
    topic = submitted_topic()
    topic.return_to_platform(reason="请补充材料", actor=COMMITTEE)
    return topic


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (hotline_matter, TopicStatus.PROPOSED),
        (verified_matter, TopicStatus.VERIFIED),
        (returned_topic, TopicStatus.RETURNED),
    ],
    ids=["proposed", "verified", "returned"],
)
def test_reversing_a_mistaken_exclusion_restores_the_previous_status(
    make: Callable[[], Topic], status: TopicStatus
) -> None:
    topic = make()
    topic.exclude(ground=ExclusionGround.PETITION, explanation="误以为已交办", actor=STAFF)
    topic.reverse_exclusion(reason="经查该信访事项尚未交办,决定撤销。", actor=COMMITTEE)

    assert topic.status is status
    assert topic.exclusion is None
    assert topic.exclusion_explanation == ""
    assert topic.decision_reason == "经查该信访事项尚未交办,决定撤销。"
    # The mistaken decision stays in the history; the reversal is a new event beside it.
    assert event_names(topic)[-2:] == ["TopicExcluded", "TopicExclusionReversed"]
    excluded = topic.pending_events[-2]
    assert excluded.ground is ExclusionGround.PETITION  # type: ignore[attr-defined]


def test_a_reversed_exclusion_lets_the_matter_go_on_to_the_committee() -> None:
    topic = verified_matter()
    topic.exclude(ground=ExclusionGround.PETITION, explanation="", actor=STAFF)
    topic.reverse_exclusion(reason="尚未交办", actor=COMMITTEE)
    topic.submit(drafted_title="议题", committee_id=COMMITTEE_ID, actor=STAFF)
    assert topic.status is TopicStatus.SUBMITTED


def test_reversing_an_exclusion_needs_a_reason() -> None:
    topic = hotline_matter()
    topic.exclude(ground=ExclusionGround.PETITION, explanation="", actor=STAFF)
    with refused_untouched(topic, MissingReason, "REASON_REQUIRED"):
        topic.reverse_exclusion(reason="", actor=COMMITTEE)
    assert topic.status is TopicStatus.EXCLUDED


def test_only_an_excluded_matter_has_an_exclusion_to_reverse() -> None:
    topic = verified_matter()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.reverse_exclusion(reason="撤销", actor=COMMITTEE)


# --- 充分调研 -------------------------------------------------------------------------------


def test_research_findings_are_recorded_on_an_approved_topic() -> None:
    topic = approved_topic()
    topic.record_research(findings="走访3个小区,发放问卷200份。", actor=STAFF)
    topic.record_research(findings="与区交通委座谈。", actor=STAFF)

    assert topic.research == ["走访3个小区,发放问卷200份。", "与区交通委座谈。"]
    assert event_names(topic)[-2:] == ["TopicResearchRecorded", "TopicResearchRecorded"]


def test_research_cannot_be_recorded_before_the_topic_is_approved() -> None:
    topic = submitted_topic()
    with refused_untouched(topic, WrongState, "WRONG_STATE"):
        topic.record_research(findings="走访", actor=STAFF)


# --- 每个事件: 谁, 何时 ---------------------------------------------------------------------


def test_every_event_of_a_topic_records_who_acted() -> None:
    topic = approved_topic()
    topic.record_research(findings="走访", actor=STAFF)
    actors = [(type(e).__name__, e.actor) for e in topic.pending_events]  # type: ignore[attr-defined]

    assert actors == [
        ("TopicProposed", STAFF),
        ("TopicVerified", STAFF),
        ("TopicSubmitted", STAFF),
        ("TopicApproved", COMMITTEE),
        ("TopicResearchRecorded", STAFF),
    ]


def test_recorded_at_sets_the_time_on_every_event() -> None:
    moment = datetime(2025, 11, 26, 9, 30, tzinfo=UTC)
    with recorded_at(moment):
        assert now() == moment
        topic = hotline_matter()
        topic.verify(basic_situation="核实", actor=STAFF)
    later = datetime(2025, 12, 1, tzinfo=UTC)
    with recorded_at(later):
        topic.exclude(ground=ExclusionGround.UNLAWFUL, explanation="", actor=STAFF)

    assert [e.timestamp for e in topic.pending_events] == [moment, moment, later]
    assert topic.created_on == moment
    assert topic.modified_on == later


def test_events_read_the_clock_they_are_given_and_a_recorded_moment_wins() -> None:
    """The application's clock (from the composition root) times its events; a historical
    import's `recorded_at` inside it still stands."""
    clock_time = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
    historical = datetime(2025, 11, 26, 9, 30, tzinfo=UTC)
    with clocked_by(lambda: clock_time):
        topic = hotline_matter()
        with recorded_at(historical):
            topic.verify(basic_situation="核实", actor=STAFF)

    assert [e.timestamp for e in topic.pending_events] == [clock_time, historical]
    assert now() != clock_time


def test_without_recorded_at_events_carry_the_current_time() -> None:
    before = datetime.now(UTC)
    topic = propose(platform_id=uuid4())
    after = datetime.now(UTC)

    assert before <= topic.pending_events[0].timestamp <= after
    assert topic.created_on.tzinfo is not None
