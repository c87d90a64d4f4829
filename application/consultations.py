"""Use cases for consultations: schedule, name and notify participants, hold, report (七.2–七.5)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.core import Core, use_case
from application.permissions import R, Reach
from application.receipts import Command
from domain.base import Record
from domain.consultation import Consultation
from domain.people import Participant, Proposer
from domain.reference import Platform
from domain.topic import Topic
from domain.vocabulary import ConsultationForm, ReportKind


class ConsultationUseCases(Core):
    @use_case(R.PLATFORM_STAFF)
    def schedule_consultation(
        self,
        command: Command,
        *,
        form: ConsultationForm,
        platform_id: UUID,
        starts_at: datetime,
        venue: str = "",
        topic_id: UUID | None = None,
        theme: str = "",
        closes_at: datetime | None = None,
    ) -> list[Record]:
        platform = self.load(Platform, platform_id)
        self.authorize(command, Reach(platform_id=platform_id))
        topic = self.load(Topic, topic_id) if topic_id else None
        if topic is not None:
            # Another platform's topic is out of reach, told as if it did not exist.
            self.authorize(command, Reach(platform_id=topic.platform_id))
        if not venue and form is not ConsultationForm.ONLINE:
            venue = platform.hall_venue
        return [
            Consultation.schedule(
                form=form,
                platform_id=platform_id,
                starts_at=starts_at,
                venue=venue,
                topic=topic,
                theme=theme,
                closes_at=closes_at,
                actor=command.actor,
            )
        ]

    @use_case(R.PLATFORM_STAFF)
    def identify_participants(
        self, command: Command, consultation_id: UUID, *, participants: list[Participant]
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.identify_participants(participants=participants, actor=command.actor)
        return [consultation]

    @use_case(R.PLATFORM_STAFF)
    def notify_participants(
        self, command: Command, consultation_id: UUID, *, notice: str
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.notify_participants(notice=notice, actor=command.actor)
        return [consultation]

    @use_case(R.PLATFORM_STAFF)
    def hold_consultation(
        self,
        command: Command,
        consultation_id: UUID,
        *,
        held_at: datetime,
        attendee_ids: list[str],
        record: str,
        opinions: list[str],
        suggestions: list[str],
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.hold(
            held_at=held_at,
            attendee_ids=attendee_ids,
            record=record,
            opinions=opinions,
            suggestions=suggestions,
            actor=command.actor,
        )
        return [consultation]

    @use_case(R.PLATFORM_STAFF, R.INTEGRATION)
    def post_online_opinion(
        self, command: Command, consultation_id: UUID, *, author: Proposer, content: str
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.post_online_opinion(author=author, content=content, actor=command.actor)
        return [consultation]

    @use_case(R.PLATFORM_STAFF)
    def report_consultation(
        self,
        command: Command,
        consultation_id: UUID,
        *,
        kind: ReportKind,
        recipient: str,
        summary: str,
        reference: str = "",
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.report(
            kind=kind,
            recipient=recipient,
            reference=reference,
            summary=summary,
            actor=command.actor,
        )
        return [consultation]

    @use_case(R.PLATFORM_STAFF)
    def cancel_consultation(
        self, command: Command, consultation_id: UUID, *, reason: str
    ) -> list[Record]:
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.cancel(reason=reason, actor=command.actor)
        return [consultation]
