"""A consultation (协商议事活动): scheduled, its participants named and notified, held,
reported to the district (七.2–七.5); an online one collects opinions while it is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import (
    LONG_TEXT,
    Actor,
    HasStatus,
    Record,
    now,
    optional_text,
    required_reason,
    text,
)
from domain.errors import (
    EmptyParticipants,
    InvalidInput,
    UnknownSuggestion,
    WrongForm,
    WrongState,
)
from domain.people import Participant, Proposer
from domain.topic import Topic
from domain.vocabulary import (
    ConsultationForm,
    ConsultationStatus,
    Mode,
    ParticipantKind,
    ReportKind,
    TopicStatus,
)


@dataclass(frozen=True)
class OnlineOpinion:
    author: Proposer
    content: str
    posted_at: datetime


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    recipient: str
    reference: str
    summary: str
    signer_ids: tuple[UUID, ...] = ()  # the members who drafted or co-signed it


class Consultation(HasStatus[ConsultationStatus], Record):
    @event("ConsultationScheduled")
    def __init__(
        self,
        *,
        form: ConsultationForm,
        platform_id: UUID,
        topic_id: UUID | None,
        subject: str,
        starts_at: datetime,
        closes_at: datetime | None,
        venue: str,
        actor: Actor,
    ) -> None:
        self.form = form
        self.platform_id = platform_id
        self.topic_id = topic_id
        self.subject = subject
        self.starts_at = starts_at
        self.closes_at = closes_at
        self.venue = venue
        self.status = ConsultationStatus.SCHEDULED
        self.participants: list[Participant] = []
        self.notified: list[ParticipantKind] = []
        self.held_at: datetime | None = None
        self.attendee_ids: list[str] = []
        self.record = ""
        self.opinions: list[str] = []
        self.suggestions: list[str] = []
        self.online_opinions: list[OnlineOpinion] = []
        self.reports: list[Report] = []

    @classmethod
    def schedule(
        cls,
        *,
        form: ConsultationForm,
        platform_id: UUID,
        starts_at: datetime,
        actor: Actor,
        venue: str = "",
        topic: Topic | None = None,
        theme: str = "",
        closes_at: datetime | None = None,
    ) -> Consultation:
        subject = _subject_for(form, topic, optional_text(theme, "theme", "活动主题", 200))
        if closes_at is not None and closes_at <= starts_at:
            raise InvalidInput(
                "结束时间须晚于开始时间", "closesAt must be after startsAt", field="closesAt"
            )
        venue = optional_text(venue, "venue", "活动地点", 200)
        if form is not ConsultationForm.ONLINE and not venue:
            raise InvalidInput(
                "线下协商须填写活动地点", "an in-person consultation needs a venue", field="venue"
            )
        return cls(
            form=form,
            platform_id=platform_id,
            topic_id=topic.id if topic else None,
            subject=subject,
            starts_at=starts_at,
            closes_at=closes_at,
            venue=venue,
            actor=actor,
        )

    def identify_participants(self, *, participants: list[Participant], actor: Actor) -> None:
        self._require(
            ConsultationStatus.SCHEDULED, what_zh="明确参加人员", what_en="identify participants"
        )
        if not participants:
            raise EmptyParticipants()
        self._participants_identified(participants=participants, actor=actor)

    @event("ParticipantsIdentified")
    def _participants_identified(self, participants: list[Participant], actor: Actor) -> None:
        self.participants.extend(participants)

    def notify_participants(self, *, notice: str, actor: Actor) -> None:
        self._require(
            ConsultationStatus.SCHEDULED, what_zh="通知参加人员", what_en="notify participants"
        )
        if not self.participants:
            raise EmptyParticipants()
        kinds = list(dict.fromkeys(p.kind for p in self.participants))
        self._participants_notified(
            kinds=kinds, notice=text(notice, "notice", "通知内容", LONG_TEXT), actor=actor
        )

    @event("ParticipantsNotified")
    def _participants_notified(
        self, kinds: list[ParticipantKind], notice: str, actor: Actor
    ) -> None:
        self.notified = list(dict.fromkeys([*self.notified, *kinds]))

    def hold(
        self,
        *,
        held_at: datetime,
        attendee_ids: list[str],
        record: str,
        opinions: list[str],
        suggestions: list[str],
        actor: Actor,
    ) -> None:
        self._require(ConsultationStatus.SCHEDULED, what_zh="开展协商", what_en="hold")
        self._check_can_be_held(attendee_ids)
        self._held(
            held_at=held_at,
            attendee_ids=list(attendee_ids),
            record=text(record, "record", "协商记录", LONG_TEXT),
            opinions=[text(o, "opinions", "协商意见", LONG_TEXT) for o in opinions],
            suggestions=[text(s, "suggestions", "协商建议", LONG_TEXT) for s in suggestions],
            actor=actor,
        )

    @event("ConsultationHeld")
    def _held(
        self,
        held_at: datetime,
        attendee_ids: list[str],
        record: str,
        opinions: list[str],
        suggestions: list[str],
        actor: Actor,
    ) -> None:
        self.status = ConsultationStatus.HELD
        self.held_at = held_at
        self.attendee_ids = attendee_ids
        self.record = record
        self.opinions = opinions
        self.suggestions = suggestions

    def suggestion_ids(self) -> list[UUID]:
        return [suggestion_id(self.id, n) for n in range(1, len(self.suggestions) + 1)]

    def suggestion_with_id(self, wanted: UUID) -> str:
        """The text of one of its suggestions, named by the id the views show for it."""
        for sid, text_ in zip(self.suggestion_ids(), self.suggestions, strict=True):
            if sid == wanted:
                return text_
        raise UnknownSuggestion([str(sid) for sid in self.suggestion_ids()])

    def post_online_opinion(self, *, author: Proposer, content: str, actor: Actor) -> None:
        if self.form is not ConsultationForm.ONLINE:
            raise WrongForm(
                "只有网络协商可以在线发表意见", "only an online consultation takes opinions online"
            )
        moment = now()
        if not self.is_open_online(moment):
            raise WrongState(
                "在线发表意见(协商未开放)",
                "post an opinion (not open)",
                self.status.label,
                self.status.code,
            )
        self._online_opinion_posted(
            author=author,
            posted_at=moment,
            actor=actor,
            content=text(content, "content", "意见内容", LONG_TEXT),
        )

    @event("OnlineOpinionPosted")
    def _online_opinion_posted(
        self, author: Proposer, content: str, posted_at: datetime, actor: Actor
    ) -> None:
        self.online_opinions.append(OnlineOpinion(author, content, posted_at))

    def report(
        self,
        *,
        kind: ReportKind,
        recipient: str,
        reference: str,
        summary: str,
        actor: Actor,
        signer_ids: list[UUID] | None = None,
    ) -> None:
        self._require(
            ConsultationStatus.HELD, ConsultationStatus.REPORTED, what_zh="报送", what_en="report"
        )
        self._reported(
            kind=kind,
            recipient=text(recipient, "recipient", "报送对象"),
            reference=optional_text(reference, "reference", "文号", 100),
            summary=text(summary, "summary", "报送内容", LONG_TEXT),
            actor=actor,
            signer_ids=list(dict.fromkeys(signer_ids or [])),
        )

    class ConsultationReported(Record.Event):
        """Version 2 added the members who drafted or co-signed the report (none before)."""

        class_version = 2
        kind: ReportKind
        recipient: str
        reference: str
        summary: str
        actor: Actor
        signer_ids: list[UUID]

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state.setdefault("signer_ids", [])

    @event(ConsultationReported)
    def _reported(
        self,
        kind: ReportKind,
        recipient: str,
        reference: str,
        summary: str,
        actor: Actor,
        signer_ids: list[UUID] | None = None,
    ) -> None:
        self.status = ConsultationStatus.REPORTED
        self.reports.append(Report(kind, recipient, reference, summary, tuple(signer_ids or ())))

    def cancel(self, *, reason: str, actor: Actor) -> None:
        self._require(ConsultationStatus.SCHEDULED, what_zh="取消", what_en="cancel")
        self._cancelled(reason=required_reason(reason, "取消协商", "cancelling"), actor=actor)

    @event("ConsultationCancelled")
    def _cancelled(self, reason: str, actor: Actor) -> None:
        self.status = ConsultationStatus.CANCELLED

    def is_open_online(self, moment: datetime) -> bool:
        if self.status is ConsultationStatus.CANCELLED or moment < self.starts_at:
            return False
        if self.closes_at is None:
            return True
        return moment <= self.closes_at and self.status is ConsultationStatus.SCHEDULED

    @property
    def is_held(self) -> bool:
        return self.status in (ConsultationStatus.HELD, ConsultationStatus.REPORTED)

    def _check_can_be_held(self, attendee_ids: list[str]) -> None:
        if not self.participants and not (
            self.form is ConsultationForm.ONLINE and self.online_opinions
        ):
            raise EmptyParticipants()
        known = {p.id for p in self.participants}
        unknown = [a for a in attendee_ids if a not in known]
        if unknown:
            raise InvalidInput(
                "出席人员须是已明确的参加人员",
                "attendees must be identified participants",
                field="attendeeIds",
                unknown=unknown,
            )


def suggestion_id(consultation_id: UUID, position: int) -> UUID:
    """A suggestion's id: derived from its consultation and its 1-based place in the record
    of the holding (ConsultationHeld), which never changes, so rebuilt views give the same id."""
    return uuid5(consultation_id, f"suggestion:{position}")


def _subject_for(form: ConsultationForm, topic: Topic | None, theme: str) -> str:
    if topic is not None and topic.status is not TopicStatus.APPROVED:
        raise WrongForm(
            "协商议题须经专委会确定",
            "the topic has not been approved by the committee",
            field="topicId",
        )
    if form.needs_approved_topic and topic is None:
        raise WrongForm(
            f"“{form.label}”须基于专委会确定的议题",
            f"a {form.english} needs an approved topic",
            field="topicId",
        )
    if form.mode is Mode.I_SPEAK and not theme:
        raise WrongForm(
            f"“{form.label}”须填写活动主题", f"a {form.english} needs a theme", field="theme"
        )
    if topic is None and not theme:
        raise WrongForm(
            "网络协商须有议题或主题",
            "an online consultation needs a topic or a theme",
            field="theme",
        )
    return topic.heading if topic is not None else theme
