"""A matter from its proposal to the committee's decision, told through the application."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from application.app import Yishiting
from domain.errors import NotFound
from domain.people import Proposer
from domain.reference import Platform
from domain.topic import Topic
from domain.vocabulary import Category, Channel, ExclusionGround, TopicStatus
from tests.support.clock import FixedClock
from tests.support.district import District
from tests.support.refusals import event_names


def proposed(district: District) -> UUID:
    return district.app.propose_topic(
        district.staff,
        title="小区停车难",
        content="居民反映小区周边停车位不足,夜间乱停车严重。",
        channel=Channel.MASSES,
        category=Category.GOVERNANCE,
        platform_id=district.platform_id,
        proposer=Proposer.checked("陈群众", "13800000001"),
    ).id


def submitted(district: District) -> UUID:
    topic_id = proposed(district)
    district.app.verify_topic(district.staff, topic_id, basic_situation="涉及3个小区约2000户。")
    district.app.submit_topic(
        district.staff,
        topic_id,
        drafted_title="关于缓解老旧小区停车难的协商",
        committee_id=district.committee_id,
    )
    return topic_id


def test_a_matter_is_verified_submitted_approved_and_researched_at_the_clocks_time(
    app: Yishiting, district: District, clock: FixedClock
) -> None:
    topic_id = submitted(district)
    app.approve_topic(district.committee, topic_id, reason="群众关切,切口小,同意协商。")
    app.record_research(district.staff, topic_id, findings="走访3个小区,夜间缺口约300个车位。")

    topic = app.repository.get(topic_id)
    assert isinstance(topic, Topic)
    assert (topic.status, topic.drafted_title) == (
        TopicStatus.APPROVED,
        "关于缓解老旧小区停车难的协商",
    )
    assert topic.research == ["走访3个小区,夜间缺口约300个车位。"]
    assert topic.decision_reason == "群众关切,切口小,同意协商。"
    assert event_names(app, topic_id) == [
        "TopicProposed",
        "TopicVerified",
        "TopicSubmitted",
        "TopicApproved",
        "TopicResearchRecorded",
    ]
    assert {e.timestamp for e in app.events.get(topic_id)} == {clock()}


def test_the_committee_returns_a_topic_to_its_platform_with_its_reason(
    app: Yishiting, district: District
) -> None:
    topic_id = submitted(district)
    app.return_topic(district.committee, topic_id, reason="切口过大,请聚焦一个小区。")

    topic = app.repository.get(topic_id)
    assert (topic.status, topic.decision_reason) == (
        TopicStatus.RETURNED,
        "切口过大,请聚焦一个小区。",
    )


def test_an_excluded_matter_returns_to_where_it_was_when_the_exclusion_is_reversed(
    app: Yishiting, district: District
) -> None:
    topic_id = proposed(district)
    app.verify_topic(district.staff, topic_id, basic_situation="已核实。")
    app.exclude_topic(
        district.staff, topic_id, ground=ExclusionGround.LITIGATION, explanation="已进入诉讼。"
    )
    excluded = app.repository.get(topic_id)
    assert (excluded.status, excluded.exclusion) == (
        TopicStatus.EXCLUDED,
        ExclusionGround.LITIGATION,
    )

    app.reverse_exclusion(district.committee, topic_id, reason="诉讼已撤回。")
    restored = app.repository.get(topic_id)
    assert (restored.status, restored.exclusion) == (TopicStatus.VERIFIED, None)


def test_the_matter_as_it_stood_on_an_earlier_day(
    app: Yishiting, district: District, clock: FixedClock
) -> None:
    topic_id = proposed(district)
    proposed_at = clock()
    clock.advance(timedelta(days=2))
    app.verify_topic(district.staff, topic_id, basic_situation="已核实。")

    before = app.state_as_of(topic_id, proposed_at + timedelta(days=1))
    now = app.state_as_of(topic_id, clock())
    assert before is not None
    assert now is not None
    assert (before.record.status, before.recorded_at) == (TopicStatus.PROPOSED, proposed_at)
    assert (now.record.status, now.recorded_at) == (TopicStatus.VERIFIED, clock())
    assert app.state_as_of(topic_id, proposed_at - timedelta(seconds=1)) is None


def test_a_proposal_s_platform_is_read_from_the_log_once_and_a_missing_one_every_time(
    app: Yishiting, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[UUID] = []
    get = app.events.get

    def counted(originator_id: UUID, *args: Any, **kwargs: Any) -> Any:
        reads.append(originator_id)
        return get(originator_id, *args, **kwargs)

    monkeypatch.setattr(app.events, "get", counted)
    proposed(district)
    proposed(district)
    assert reads.count(district.platform_id) == 1, "found once, then known"

    for _ in range(2):  # a platform not found is looked for again: it may be registered since
        with pytest.raises(NotFound):
            app.require(Platform, district.committee_id)
    assert reads.count(district.committee_id) == 2
