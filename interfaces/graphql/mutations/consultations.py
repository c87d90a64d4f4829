"""Mutations for consultations (四、七.2–七.5)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain import vocabulary as v
from domain.people import ROSTER_NAME, Participant, Proposer
from interfaces.edge.errors import parse_id
from interfaces.edge.moments import moment
from interfaces.graphql.mutations.base import (
    CommandInput,
    ConsultationPayload,
    execute,
    payload,
)
from interfaces.graphql.terms import ENUMS, domain_value
from interfaces.graphql.types import ctx


@strawberry.input
class ScheduleConsultationInput(CommandInput):
    form: ENUMS[v.ConsultationForm]
    platform_id: strawberry.ID
    starts_at: datetime = strawberry.field(description="无时区则为北京时间 naive = UTC+8")
    venue: str = strawberry.field(default="", description="默认平台议事厅 defaults to the hall")
    topic_id: strawberry.ID | None = strawberry.field(
        default=None, description="“你说我听”须为已确定议题 approved topic for 你说我听 forms"
    )
    theme: str = strawberry.field(default="", description="“我说你听”须填主题 theme for 我说你听")
    closes_at: datetime | None = strawberry.field(
        default=None, description="网络协商截止时间,空为永不落幕 empty = open-ended"
    )


@strawberry.input(
    description="参加人员:从名册选择(personId 登记人员,unitId 登记单位)或填写(外来代表)"
    " A participant: picked from the roster (personId: a registered person, whose name and"
    " personal data it takes; unitId: a registered unit, its name the organisation) or typed in"
    " for an outside representative. Unknown ids: NOT_FOUND; malformed: INVALID_ID."
)
class ParticipantInput:
    kind: ENUMS[v.ParticipantKind]
    name: str
    organisation: str = ""
    person_id: strawberry.ID | None = None
    unit_id: strawberry.ID | None = None

    def to_domain(self) -> Participant:
        return Participant.checked(
            domain_value(v.ParticipantKind, self.kind),
            self.name,
            self.organisation,
            person_id=_roster(self.person_id, "personId"),
            unit_id=_roster(self.unit_id, "unitId"),
        )


def _roster(value: strawberry.ID | None, field: str) -> str:
    return str(parse_id(value, field)) if value else ""


def _author(given: PostOnlineOpinionInput) -> Proposer:
    person_id = _roster(given.author_person_id, "authorPersonId")
    name = given.author_name or (ROSTER_NAME if person_id else "")
    return Proposer.checked(name, given.author_phone, person_id=person_id)


@strawberry.input
class IdentifyParticipantsInput(CommandInput):
    consultation_id: strawberry.ID
    participants: list[ParticipantInput]


@strawberry.input
class NotifyParticipantsInput(CommandInput):
    consultation_id: strawberry.ID
    notice: str


@strawberry.input
class HoldConsultationInput(CommandInput):
    consultation_id: strawberry.ID
    held_at: datetime
    record: str
    attendee_ids: list[str] = strawberry.field(default_factory=list)
    opinions: list[str] = strawberry.field(default_factory=list)
    suggestions: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class PostOnlineOpinionInput(CommandInput):
    consultation_id: strawberry.ID
    content: str
    author_name: str = strawberry.field(
        default="", description="发表人姓名(从名册选择时取登记姓名) The author's name"
    )
    author_phone: str = ""
    author_person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="从名册选择的发表人(计入委员履职档案“网络议政”) The author from the roster",
    )


@strawberry.input
class ReportConsultationInput(CommandInput):
    consultation_id: strawberry.ID
    kind: ENUMS[v.ReportKind]
    recipient: str
    summary: str
    reference: str = ""
    signer_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="起草或联名的委员(名册人员编号,须已登记为委员:NOT_A_MEMBER) Co-signers",
    )


@strawberry.input
class CancelConsultationInput(CommandInput):
    consultation_id: strawberry.ID
    reason: str


def _id(value: strawberry.ID) -> object:
    return parse_id(value, "consultationId")


@strawberry.type
class ConsultationMutations:
    @strawberry.mutation(description="安排协商活动 Schedule a consultation")
    async def schedule_consultation(
        self, info: Info, input: ScheduleConsultationInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.schedule_consultation(
                c,
                form=domain_value(v.ConsultationForm, input.form),
                platform_id=parse_id(input.platform_id, "platformId"),
                starts_at=moment(input.starts_at),
                venue=input.venue,
                topic_id=parse_id(input.topic_id, "topicId") if input.topic_id else None,
                theme=input.theme,
                closes_at=moment(input.closes_at) if input.closes_at else None,
            ),
        )
        return payload(ConsultationPayload, outcome)

    @strawberry.mutation(description="明确参加人员 Identify participants")
    async def identify_participants(
        self, info: Info, input: IdentifyParticipantsInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.identify_participants(
                c,
                _id(input.consultation_id),
                participants=[p.to_domain() for p in input.participants],
            ),
        )
        return payload(ConsultationPayload, outcome)

    @strawberry.mutation(description="通知参加人员 Notify participants")
    async def notify_participants(
        self, info: Info, input: NotifyParticipantsInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.notify_participants(c, _id(input.consultation_id), notice=input.notice),
        )
        return payload(ConsultationPayload, outcome)

    @strawberry.mutation(description="开展协商 Hold the consultation and record it")
    async def hold_consultation(
        self, info: Info, input: HoldConsultationInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.hold_consultation(
                c,
                _id(input.consultation_id),
                held_at=moment(input.held_at),
                attendee_ids=list(input.attendee_ids),
                record=input.record,
                opinions=list(input.opinions),
                suggestions=list(input.suggestions),
            ),
        )
        return payload(ConsultationPayload, outcome)

    @strawberry.mutation(
        description="网络协商发表意见 Post an opinion to an open online consultation"
    )
    async def post_online_opinion(
        self, info: Info, input: PostOnlineOpinionInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.post_online_opinion(
                c,
                _id(input.consultation_id),
                author=_author(input),
                content=input.content,
            ),
        )
        return payload(ConsultationPayload, outcome)

    @strawberry.mutation(description="情况报送(提案/社情民意信息) Report to the district")
    async def report_consultation(
        self, info: Info, input: ReportConsultationInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.report_consultation(
                c,
                _id(input.consultation_id),
                kind=domain_value(v.ReportKind, input.kind),
                recipient=input.recipient,
                summary=input.summary,
                reference=input.reference,
                signer_ids=[parse_id(i, "signerIds") for i in input.signer_ids],
            ),
        )
        return payload(ConsultationPayload, outcome)

    @strawberry.mutation(description="取消协商 Cancel, with a reason")
    async def cancel_consultation(
        self, info: Info, input: CancelConsultationInput
    ) -> ConsultationPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.cancel_consultation(c, _id(input.consultation_id), reason=input.reason),
        )
        return payload(ConsultationPayload, outcome)
