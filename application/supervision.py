"""Use cases for the problem list: open, assign, report progress, resolve, reopen (七.6)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.calendar import due_date
from application.core import Core, use_case
from application.permissions import R, Reach, committees
from application.receipts import Command
from domain.base import Record
from domain.consultation import Consultation
from domain.reference import Committee, Person, Unit
from domain.supervision import SupervisionItem


class SupervisionUseCases(Core):
    def reach_of_item(self, item: SupervisionItem) -> Reach:
        guides = self.guiding_committee(item.platform_id)
        return Reach(
            platform_id=item.platform_id,
            committee_ids=committees(guides, item.committee_id),
            unit_id=item.unit_id,
            supervisor_id=item.supervisor_id,
        )

    @use_case(R.PLATFORM_STAFF)
    def open_supervision_item(
        self,
        command: Command,
        *,
        consultation_id: UUID,
        suggestion_id: UUID | None = None,
        suggestion: str = "",
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        if suggestion_id is not None and consultation.is_held:
            suggestion = consultation.suggestion_with_id(suggestion_id)
        return [SupervisionItem.open_from(consultation, suggestion=suggestion, actor=command.actor)]

    @use_case(R.PLATFORM_STAFF, R.COMMITTEE)
    def assign_item(
        self,
        command: Command,
        item_id: UUID,
        *,
        unit_id: UUID,
        committee_id: UUID,
        supervisor_id: UUID,
        due_on: date | None = None,
        reason: str = "",
        due_in_working_days: int | None = None,
    ) -> list[Record]:
        """A due date is given as a day, or as working days from today (the district's day)."""
        item = self.load(SupervisionItem, item_id, command)
        self.authorize(command, self.reach_of_item(item))
        self.load(Unit, unit_id)
        self.load(Committee, committee_id)
        self.load(Person, supervisor_id)
        due = due_date(due_on, due_in_working_days, self.working_calendar())
        item.assign(
            unit_id=unit_id,
            committee_id=committee_id,
            supervisor_id=supervisor_id,
            due_on=due.value,
            reason=reason,
            actor=command.actor,
            due_in_working_days=due_in_working_days,
            weekdays_assumed=due.weekdays_assumed,
        )
        return [item]

    @use_case(R.PLATFORM_STAFF, R.UNIT, R.SUPERVISOR)
    def report_progress(
        self,
        command: Command,
        item_id: UUID,
        *,
        progress: str,
        problems: str,
        approach: str,
        reporting_department: str,
        reported_on: date,
    ) -> list[Record]:
        item = self.load(SupervisionItem, item_id, command)
        self.authorize(command, self.reach_of_item(item))
        item.report_progress(
            progress=progress,
            problems=problems,
            approach=approach,
            reporting_department=reporting_department,
            reported_on=reported_on,
            actor=command.actor,
        )
        return [item]

    @use_case(R.COMMITTEE, R.SUPERVISOR)
    def resolve_item(self, command: Command, item_id: UUID, *, outcome: str) -> list[Record]:
        item = self.load(SupervisionItem, item_id, command)
        self.authorize(command, self.reach_of_item(item))
        item.resolve(outcome=outcome, actor=command.actor)
        return [item]

    @use_case(R.COMMITTEE, R.SUPERVISOR)
    def reopen_item(self, command: Command, item_id: UUID, *, reason: str) -> list[Record]:
        item = self.load(SupervisionItem, item_id, command)
        self.authorize(command, self.reach_of_item(item))
        item.reopen(reason=reason, actor=command.actor)
        return [item]
