"""Use cases for consultations: schedule, name and notify participants, hold, report (七.2–七.5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from application.core import Core, use_case
from application.members import enrolled_members, proposer_from_the_roster, roster_id
from application.permissions import R, Reach
from application.receipts import Command
from domain.base import Record
from domain.consultation import Consultation
from domain.people import Participant, Proposer
from domain.reference import Person, Platform, Unit
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
        linked = [self._from_the_roster(p) for p in participants]
        consultation.identify_participants(participants=linked, actor=command.actor)
        return [consultation]

    def _from_the_roster(self, participant: Participant) -> Participant:
        """A participant picked from the roster takes the registered person's name and data
        subject (erasing the person erases them here too) and the registered unit's name."""
        if participant.person_id:
            person = self.load(Person, roster_id(participant.person_id, "personId"))
            participant = replace(participant, name=person.name, subject_id=person.subject_id)
        if participant.unit_id:
            unit = self.load(Unit, roster_id(participant.unit_id, "unitId"))
            participant = replace(participant, organisation=unit.name)
        return participant

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
        author = proposer_from_the_roster(self, author, "author.personId")
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
        signer_ids: list[UUID] | None = None,
    ) -> list[Record]:
        """`signer_ids`: the members who drafted or co-signed it (联名), from the roster."""
        consultation = self.load(Consultation, consultation_id, command)
        self.authorize(command, Reach(platform_id=consultation.platform_id))
        consultation.report(
            kind=kind,
            recipient=recipient,
            reference=reference,
            summary=summary,
            actor=command.actor,
            signer_ids=enrolled_members(self, signer_ids or [], "signerIds"),
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
