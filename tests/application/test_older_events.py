"""Events recorded before an attribute was added read with its default: a TopicProposed from
before 12345 intake and merging, an ItemAssigned from before working-day deadlines. The stored
form is rewritten to the older shape (version 1: no `class_version`, without the newer fields)
and decoded by the application's own mapper, which upcasts it (`upcast_v1_v2` on the event)."""

from __future__ import annotations

import json
from dataclasses import replace

from application.app import Yishiting
from domain.consultation import Consultation
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import ReportKind
from tests.support.district import District


def older(app: Yishiting, event: object, *dropped: str) -> object:
    stored = app.mapper.to_stored_event(event)  # type: ignore[arg-type]
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2, "the event's version moved on: the test needs updating"
    for name in dropped:
        assert name in state, f"{name} is no longer stored: the test needs updating"
        del state[name]
    return app.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))


def test_a_topic_proposed_before_intake_and_merging_reads_without_them(
    app: Yishiting, district: District
) -> None:
    [proposed, *_] = app.repository.event_store.get(district.propose_hotline_matter())
    earlier = older(app, proposed, "hotline_order", "merged_from")
    assert isinstance(earlier, Topic.TopicProposed)
    assert (earlier.hotline_order, earlier.merged_from) == (None, None)
    assert earlier.title == proposed.title  # type: ignore[attr-defined]


def test_an_assignment_before_working_day_deadlines_reads_as_a_dated_one(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    assigned = next(
        e
        for e in app.repository.event_store.get(item_id)
        if isinstance(e, SupervisionItem.ItemAssigned)
    )
    earlier = older(app, assigned, "due_in_working_days", "weekdays_assumed")
    assert (earlier.due_in_working_days, earlier.weekdays_assumed) == (None, False)  # type: ignore[attr-defined]


def test_research_and_reports_recorded_before_members_were_named_read_with_none(
    app: Yishiting, district: District
) -> None:
    topic_id = district.approved_topic()
    app.record_research(district.staff, topic_id, findings="走访了12栋楼。")
    *_, research = app.repository.event_store.get(topic_id)
    earlier = older(app, research, "researcher_ids")
    assert isinstance(earlier, Topic.TopicResearchRecorded)
    assert (earlier.findings, earlier.researcher_ids) == ("走访了12栋楼。", [])

    consultation_id, _ = district.held_consultation()
    app.report_consultation(
        district.staff,
        consultation_id,
        kind=ReportKind.PROPOSAL,
        recipient="区政协",
        summary="提案",
    )
    *_, reported = app.repository.event_store.get(consultation_id)
    earlier = older(app, reported, "signer_ids")
    assert isinstance(earlier, Consultation.ConsultationReported)
    assert (earlier.summary, earlier.signer_ids) == ("提案", [])


def test_a_proposer_stored_before_roster_links_reads_without_one(
    app: Yishiting, district: District
) -> None:
    [proposed, *_] = app.repository.event_store.get(district.propose_hotline_matter())
    stored = app.mapper.to_stored_event(proposed)  # type: ignore[arg-type]
    assert b'"person_id"' not in stored.state  # a proposer typed in stores no link
    assert app.mapper.to_domain_event(stored).proposer.person_id == ""  # type: ignore[attr-defined]
