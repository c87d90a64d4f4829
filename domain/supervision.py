"""One row of a platform's problem list (问题清单), supervised until resolved (七.6 督办落实)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LONG_TEXT, Actor, HasStatus, Record, optional_text, required_reason, text
from domain.consultation import Consultation
from domain.errors import AlreadyResolved, InvalidInput, WrongState
from domain.reminders import DeadlineReminder, check_reminder
from domain.vocabulary import ItemStatus, ReminderKind

ASSIGNABLE = (ItemStatus.OPENED, ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS, ItemStatus.REOPENED)
WORKING = (ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS, ItemStatus.REOPENED)


@dataclass(frozen=True)
class ProgressReport:
    """The form's 进展情况 / 存在问题 / 解决思路 with its footer 填报部门 / 填报时间."""

    progress: str
    problems: str
    approach: str
    reporting_department: str
    reported_on: date


class SupervisionItem(HasStatus[ItemStatus], Record):
    # Version 2 keeps the latest report and a count, not every report: an item reported on
    # for years would otherwise snapshot (and load) its whole history. The reports stay in
    # the log, the supervision views and `history`.
    class_version = 2
    # Items restored from snapshots taken before reminders existed have no reminder yet.
    last_reminder: DeadlineReminder | None = None
    # Nor followers, before members could follow an item (跟踪督办).
    followers: tuple[UUID, ...] = ()

    @event("SupervisionItemOpened")
    def __init__(
        self,
        *,
        consultation_id: UUID,
        platform_id: UUID,
        topic_id: UUID | None,
        consultation_time: datetime,
        subject: str,
        suggestion: str,
        actor: Actor,
    ) -> None:
        self.consultation_id = consultation_id
        self.platform_id = platform_id
        self.topic_id = topic_id
        self.consultation_time = consultation_time
        self.subject = subject
        self.suggestion = suggestion
        self.status = ItemStatus.OPENED
        self.unit_id: UUID | None = None
        self.committee_id: UUID | None = None
        self.supervisor_id: UUID | None = None
        self.due_on: date | None = None
        self.latest_progress: ProgressReport | None = None
        self.progress_count = 0
        self.outcome = ""
        self.last_reminder: DeadlineReminder | None = None

    @classmethod
    def open_from(
        cls, consultation: Consultation, *, suggestion: str, actor: Actor
    ) -> SupervisionItem:
        if not consultation.is_held:
            raise WrongState(
                "据此建立问题清单(协商尚未开展)",
                "open an item (not held yet)",
                consultation.status.label,
                consultation.status.code,
            )
        suggestion = text(suggestion, "suggestion", "协商建议", LONG_TEXT)
        if suggestion not in consultation.suggestions:
            raise InvalidInput(
                "协商建议须来自该次协商",
                "the suggestion must be one of the consultation's",
                field="suggestion",
            )
        return cls(
            consultation_id=consultation.id,
            platform_id=consultation.platform_id,
            topic_id=consultation.topic_id,
            consultation_time=consultation.held_at or consultation.starts_at,
            subject=consultation.subject,
            suggestion=suggestion,
            actor=actor,
        )

    def assign(
        self,
        *,
        unit_id: UUID,
        committee_id: UUID,
        supervisor_id: UUID,
        due_on: date | None,
        reason: str,
        actor: Actor,
        due_in_working_days: int | None = None,
        weekdays_assumed: bool = False,
    ) -> None:
        self._require(*ASSIGNABLE, what_zh="交办", what_en="assign")
        reason = optional_text(reason, "reason", "理由")
        if self.status is not ItemStatus.OPENED:
            reason = required_reason(reason, "改派", "reassigning")
        self._assigned(
            unit_id=unit_id,
            committee_id=committee_id,
            supervisor_id=supervisor_id,
            due_on=due_on,
            reason=reason,
            actor=actor,
            due_in_working_days=due_in_working_days,
            weekdays_assumed=weekdays_assumed,
        )

    class ItemAssigned(Record.Event):
        """Version 2 added working-day deadlines (an assignment before them is a dated one)."""

        class_version = 2
        unit_id: UUID
        committee_id: UUID
        supervisor_id: UUID
        due_on: date | None
        reason: str
        actor: Actor
        due_in_working_days: int | None
        weekdays_assumed: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state.setdefault("due_in_working_days", None)
            state.setdefault("weekdays_assumed", False)

    @event(ItemAssigned)
    def _assigned(
        self,
        unit_id: UUID,
        committee_id: UUID,
        supervisor_id: UUID,
        due_on: date | None,
        reason: str,
        actor: Actor,
        due_in_working_days: int | None = None,
        weekdays_assumed: bool = False,
    ) -> None:
        self.unit_id = unit_id
        self.committee_id = committee_id
        self.supervisor_id = supervisor_id
        self.due_on = due_on
        if self.status is ItemStatus.OPENED:
            self.status = ItemStatus.ASSIGNED

    def report_progress(
        self,
        *,
        progress: str,
        problems: str,
        approach: str,
        reporting_department: str,
        reported_on: date,
        actor: Actor,
    ) -> None:
        self._require(*WORKING, what_zh="填报进展", what_en="report progress")
        self._progress_reported(
            report=ProgressReport(
                progress=text(progress, "progress", "进展情况", LONG_TEXT),
                problems=optional_text(problems, "problems", "存在问题"),
                approach=optional_text(approach, "approach", "解决思路"),
                reporting_department=text(reporting_department, "reportingDepartment", "填报部门"),
                reported_on=reported_on,
            ),
            actor=actor,
        )

    @event("ProgressReported")
    def _progress_reported(self, report: ProgressReport, actor: Actor) -> None:
        self.latest_progress = report
        self.progress_count += 1
        self.status = ItemStatus.IN_PROGRESS

    def resolve(self, *, outcome: str, actor: Actor) -> None:
        if self.status is ItemStatus.RESOLVED:
            raise AlreadyResolved("办结", "resolve", self.status.label, self.status.code)
        self._require(*WORKING, what_zh="办结", what_en="resolve")
        self._resolved(outcome=required_reason(outcome, "办结", "resolving"), actor=actor)

    @event("ItemResolved")
    def _resolved(self, outcome: str, actor: Actor) -> None:
        self.status = ItemStatus.RESOLVED
        self.outcome = outcome

    def reopen(self, *, reason: str, actor: Actor) -> None:
        self._require(ItemStatus.RESOLVED, what_zh="重新办理", what_en="reopen")
        self._reopened(reason=required_reason(reason, "重新办理", "reopening"), actor=actor)

    @event("ItemReopened")
    def _reopened(self, reason: str, actor: Actor) -> None:
        self.status = ItemStatus.REOPENED
        self.outcome = ""

    def follow(self, *, person_id: UUID, actor: Actor) -> None:
        """A member follows the item (跟踪督办); following it again changes nothing."""
        if person_id not in self.followers:
            self._followed(person_id=person_id, actor=actor)

    @event("ItemFollowed")
    def _followed(self, person_id: UUID, actor: Actor) -> None:
        self.followers = (*self.followers, person_id)

    def issue_reminder(
        self,
        *,
        today: date,
        working_days_left: int,
        within: int,
        weekdays_assumed: bool,
        actor: Actor,
    ) -> None:
        """督办提醒: once a day, for an open item overdue or due within `within` working days."""
        self._require(*WORKING, what_zh="发出到期提醒", what_en="remind of a deadline")
        reminder = check_reminder(
            due_on=self.due_on,
            today=today,
            working_days_left=working_days_left,
            within=within,
            last=self.last_reminder,
        )
        self._reminder_issued(
            kind=reminder.kind,
            due_on=reminder.due_on,
            working_days_left=working_days_left,
            reminded_on=today,
            weekdays_assumed=weekdays_assumed,
            actor=actor,
        )

    @event("DeadlineReminderIssued")
    def _reminder_issued(
        self,
        kind: ReminderKind,
        due_on: date,
        working_days_left: int,
        reminded_on: date,
        weekdays_assumed: bool,
        actor: Actor,
    ) -> None:
        self.last_reminder = DeadlineReminder(kind, due_on, working_days_left, reminded_on)

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        """A snapshot of version 1 held every report: keep the latest and the count."""
        reports = cast(list[ProgressReport], state.pop("progress", []))
        state["latest_progress"] = reports[-1] if reports else None
        state["progress_count"] = len(reports)
