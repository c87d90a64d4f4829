"""A row of the problem list (问题清单): opened from a suggestion, assigned, reported on,
resolved, reopened (七.6 督办落实)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from domain.errors import (
    AlreadyResolved,
    FieldTooLong,
    InvalidInput,
    MissingReason,
    WrongState,
)
from domain.supervision import SupervisionItem
from domain.vocabulary import ItemStatus
from tests.support.records import (
    COMMITTEE_ID,
    STAFF,
    START,
    SUGGESTION,
    SUPERVISOR,
    SUPERVISOR_ID,
    UNIT,
    UNIT_ID,
    assigned_item,
    consultation_with_participants,
    event_names,
    held_consultation,
    opened_item,
    progress_kwargs,
    resolved_item,
    scheduled_consultation,
)
from tests.support.refusals import refused, refused_untouched


def report(item: SupervisionItem, **overrides: object) -> None:
    item.report_progress(**{**progress_kwargs(), **overrides}, actor=UNIT)  # type: ignore[arg-type]


def reassign(item: SupervisionItem, reason: str) -> None:
    item.assign(
        unit_id=uuid4(),
        committee_id=COMMITTEE_ID,
        supervisor_id=SUPERVISOR_ID,
        due_on=None,
        reason=reason,
        actor=STAFF,
    )


# --- 制定问题清单 ---------------------------------------------------------------------------


def test_an_item_is_opened_from_a_held_consultation_s_suggestion() -> None:
    consultation = held_consultation()
    item = SupervisionItem.open_from(consultation, suggestion=f" {SUGGESTION} ", actor=STAFF)

    # The form's columns 协商时间 / 协商议题 / 协商建议 come from the consultation.
    assert item.status is ItemStatus.OPENED
    assert item.status.is_open
    assert item.consultation_id == consultation.id
    assert item.platform_id == consultation.platform_id
    assert item.topic_id == consultation.topic_id
    assert item.consultation_time == consultation.held_at == START + timedelta(hours=1)
    assert item.subject == "关于缓解老旧小区停车难的协商"
    assert item.suggestion == SUGGESTION
    assert item.unit_id is None
    assert item.latest_progress is None
    assert event_names(item) == ["SupervisionItemOpened"]


def test_no_item_is_opened_before_the_consultation_is_held() -> None:
    consultation, _ = consultation_with_participants()
    with refused(WrongState, "WRONG_STATE"):
        SupervisionItem.open_from(consultation, suggestion=SUGGESTION, actor=STAFF)


def test_no_item_is_opened_from_a_cancelled_consultation() -> None:
    consultation = scheduled_consultation()
    consultation.cancel(reason="改期", actor=STAFF)
    with refused(WrongState, "WRONG_STATE"):
        SupervisionItem.open_from(consultation, suggestion=SUGGESTION, actor=STAFF)


def test_an_item_s_suggestion_must_be_one_the_consultation_made() -> None:
    with refused(InvalidInput, "INVALID_INPUT") as caught:
        SupervisionItem.open_from(held_consultation(), suggestion="修建地下停车场", actor=STAFF)
    assert caught.error.details["field"] == "suggestion"


# --- 交办 -----------------------------------------------------------------------------------


def test_an_item_is_assigned_to_a_unit_a_committee_and_a_supervisor() -> None:
    item = opened_item()
    item.assign(
        unit_id=UNIT_ID,
        committee_id=COMMITTEE_ID,
        supervisor_id=SUPERVISOR_ID,
        due_on=date(2026, 6, 30),
        reason="",
        actor=STAFF,
    )

    assert item.status is ItemStatus.ASSIGNED
    assert (item.unit_id, item.committee_id, item.supervisor_id) == (
        UNIT_ID,
        COMMITTEE_ID,
        SUPERVISOR_ID,
    )
    assert item.due_on == date(2026, 6, 30)
    assert event_names(item)[-1] == "ItemAssigned"


def test_reassigning_an_item_needs_a_reason() -> None:
    item = assigned_item()
    with refused_untouched(item, MissingReason, "REASON_REQUIRED"):
        reassign(item, reason="  ")
    assert item.unit_id == UNIT_ID


def test_an_item_is_reassigned_with_a_reason_and_keeps_its_progress() -> None:
    item = assigned_item()
    report(item)
    reassign(item, reason="职责调整,改由街道办理。")

    assert item.unit_id != UNIT_ID
    assert item.status is ItemStatus.IN_PROGRESS
    assert item.progress_count == 1
    reassigned = item.pending_events[-1]
    assert reassigned.reason == "职责调整,改由街道办理。"  # type: ignore[attr-defined]


def test_a_resolved_item_cannot_be_reassigned() -> None:
    item = resolved_item()
    with refused_untouched(item, WrongState, "WRONG_STATE"):
        reassign(item, reason="改派")


# --- 填报进展 -------------------------------------------------------------------------------


def test_the_unit_reports_progress_in_the_form_s_columns() -> None:
    item = assigned_item()
    report(item)
    report(
        item, progress="操场已试开放两周", problems="", approach="", reported_on=date(2026, 4, 15)
    )

    assert item.status is ItemStatus.IN_PROGRESS
    assert item.progress_count == 2
    first, latest = [e.report for e in item.pending_events if hasattr(e, "report")]
    assert first.progress == "已协调学校开放操场"
    assert first.problems == "夜间管理人手不足"
    assert first.approach == "由社区志愿者协助管理"
    assert first.reporting_department == "区交通委"
    assert first.reported_on == date(2026, 4, 1)
    assert item.latest_progress == latest
    assert latest.problems == latest.approach == ""
    assert item.pending_events[-1].actor == UNIT  # type: ignore[attr-defined]


def test_no_progress_is_reported_on_an_item_not_yet_assigned() -> None:
    item = opened_item()
    with refused_untouched(item, WrongState, "WRONG_STATE"):
        report(item)


def test_a_progress_report_needs_the_progress_and_the_reporting_department() -> None:
    item = assigned_item()
    with refused_untouched(item, InvalidInput, "FIELD_REQUIRED") as caught:
        report(item, progress="")
    assert caught.error.details["field"] == "progress"
    with refused_untouched(item, InvalidInput, "FIELD_REQUIRED") as caught:
        report(item, reporting_department=" ")
    assert caught.error.details["field"] == "reportingDepartment"


def test_a_reporting_department_longer_than_the_limit_is_refused() -> None:
    item = assigned_item()
    with refused_untouched(item, FieldTooLong, "FIELD_TOO_LONG"):
        report(item, reporting_department="区" * 201)


# --- 办结, 重新办理 -------------------------------------------------------------------------


def test_an_item_is_resolved_with_its_outcome() -> None:
    item = resolved_item()

    assert item.status is ItemStatus.RESOLVED
    assert not item.status.is_open
    assert item.outcome == "操场已错时开放,新增夜间车位120个。"
    assert event_names(item) == [
        "SupervisionItemOpened",
        "ItemAssigned",
        "ProgressReported",
        "ItemResolved",
    ]


def test_an_assigned_item_may_be_resolved_without_a_progress_report() -> None:
    item = assigned_item()
    item.resolve(outcome="当场解决", actor=SUPERVISOR)
    assert item.status is ItemStatus.RESOLVED


def test_resolving_needs_an_outcome() -> None:
    item = assigned_item()
    with refused_untouched(item, MissingReason, "REASON_REQUIRED"):
        item.resolve(outcome="", actor=SUPERVISOR)


def test_an_item_is_resolved_only_once() -> None:
    item = resolved_item()
    with refused_untouched(item, AlreadyResolved, "ALREADY_RESOLVED") as caught:
        item.resolve(outcome="再次办结", actor=SUPERVISOR)
    assert isinstance(caught.error, WrongState)
    assert caught.error.kind == "CONFLICT"


def test_an_item_not_yet_assigned_cannot_be_resolved() -> None:
    item = opened_item()
    with refused_untouched(item, WrongState, "WRONG_STATE"):
        item.resolve(outcome="办结", actor=SUPERVISOR)


def test_a_resolved_item_takes_no_more_progress() -> None:
    item = resolved_item()
    with refused_untouched(item, WrongState, "WRONG_STATE"):
        report(item)


def test_a_resolved_item_is_reopened_with_a_reason_and_worked_again() -> None:
    item = resolved_item()
    item.reopen(reason="群众反映操场夜间未按约开放。", actor=SUPERVISOR)

    assert item.status is ItemStatus.REOPENED
    assert item.status.is_open
    assert item.outcome == ""

    report(item, progress="已约谈学校")
    item.resolve(outcome="学校已恢复夜间开放。", actor=SUPERVISOR)

    assert not item.status.is_open
    assert item.outcome == "学校已恢复夜间开放。"
    assert event_names(item)[-4:] == [
        "ItemResolved",
        "ItemReopened",
        "ProgressReported",
        "ItemResolved",
    ]
    reopened = item.pending_events[-3]
    assert reopened.reason == "群众反映操场夜间未按约开放。"
    assert reopened.actor == SUPERVISOR


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(reason: str) -> None:
    item = resolved_item()
    with refused_untouched(item, MissingReason, "REASON_REQUIRED"):
        item.reopen(reason=reason, actor=SUPERVISOR)
    assert item.status is ItemStatus.RESOLVED


def test_only_a_resolved_item_can_be_reopened() -> None:
    item = assigned_item()
    with refused_untouched(item, WrongState, "WRONG_STATE"):
        item.reopen(reason="重新办理", actor=SUPERVISOR)


# --- 每个事件: 谁 ---------------------------------------------------------------------------


def test_every_event_of_an_item_records_who_acted() -> None:
    item = resolved_item()
    item.reopen(reason="复查未通过", actor=SUPERVISOR)
    actors = [(type(e).__name__, e.actor) for e in item.pending_events]  # type: ignore[attr-defined]

    assert actors == [
        ("SupervisionItemOpened", STAFF),
        ("ItemAssigned", STAFF),
        ("ProgressReported", UNIT),
        ("ItemResolved", SUPERVISOR),
        ("ItemReopened", SUPERVISOR),
    ]
