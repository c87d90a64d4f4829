"""Output types: what the views hold, with related objects resolved through DataLoaders, and
the platforms, committees and units of a page from the copy of their tables read with it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from application.calendar import district_today
from domain import vocabulary as v
from domain.consultation import suggestion_id
from domain.vocabulary import Role
from interfaces.graphql.attachments import Attachment, attachments_of
from interfaces.graphql.deadlines import DeadlineReminder, due_basis, last_reminder
from interfaces.graphql.terms import TERMS, term
from interfaces.graphql.timeline import ItemTimeline, OnlineOpinion, opinions_of, timeline_of
from interfaces.graphql.times import day, moment
from projections.store import Row


def ctx(info: Info) -> Any:
    return info.context


@strawberry.type(description="专委会 Special committee")
class Committee:
    id: strawberry.ID
    name: str

    @classmethod
    def from_row(cls, row: Row) -> Committee:
        return cls(id=strawberry.ID(row["id"]), name=row["name"])


@strawberry.type(description="交办单位 Assigned unit")
class Unit:
    id: strawberry.ID
    name: str
    kind: TERMS[v.UnitKind]

    @classmethod
    def from_row(cls, row: Row) -> Unit:
        return cls(
            id=strawberry.ID(row["id"]), name=row["name"], kind=term(v.UnitKind, row["kind"])
        )


@strawberry.type(description="人员 Person")
class Person:
    id: strawberry.ID
    name: str
    position: str

    @classmethod
    def from_row(cls, row: Row) -> Person:
        return cls(id=strawberry.ID(row["id"]), name=row["name"], position=row["position"])


async def _one(info: Info, table: str, identifier: str | None, make: Any) -> Any:
    row = await ctx(info).loaders.row(table, identifier)
    return make(row) if row else None


# The fields that name a reference row, and its table: a page whose selection has any of them
# reads those whole tables with its rows (interfaces/graphql/reads.py), once per operation.
REFERENCE_FIELDS = {"platform": "ref_platforms", "committee": "ref_committees", "unit": "ref_units"}


def _reference(info: Info, table: str, identifier: str | None, make: Any) -> Any:
    """A platform, committee or unit. From the operation's copy of its table when a page read
    it (synchronously: no coroutine, future or task per node); else through the DataLoader,
    as an awaitable that GraphQL awaits. The resolvers calling this are therefore plain
    functions: an `async def` would make every node of a page a task of its own."""
    loaders = ctx(info).loaders
    if table not in loaders.references:
        return _one(info, table, identifier, make)
    return loaders.reference(table, identifier, make) if identifier is not None else None


@strawberry.type(description="协商议事平台 Consultation platform")
class Platform:
    id: strawberry.ID
    name: str
    kind: TERMS[v.PlatformKind]
    hall_venue: str
    version: int
    committee_id: strawberry.Private[str]
    responsible_person_id: strawberry.Private[str]

    @strawberry.field(description="指导专委会 Guiding committee")
    def committee(self, info: Info) -> Committee | None:
        return _reference(info, "ref_committees", self.committee_id, Committee.from_row)

    @strawberry.field(description="专人负责 Designated responsible person")
    async def responsible_person(self, info: Info) -> Person | None:
        return await _one(info, "ref_people", self.responsible_person_id, Person.from_row)

    @classmethod
    def from_row(cls, row: Row) -> Platform:
        return cls(
            id=strawberry.ID(row["id"]),
            name=row["name"],
            kind=term(v.PlatformKind, row["kind"]),
            hall_venue=row["hall_venue"],
            version=row["version"],
            committee_id=row["committee_id"],
            responsible_person_id=row["responsible_person_id"],
        )


@strawberry.type(description="协商事项/议题 A matter and the topic drafted from it")
class Topic:
    id: strawberry.ID
    title: str
    drafted_title: str
    content: str
    channel: TERMS[v.Channel]
    category: TERMS[v.Category]
    status: TERMS[v.TopicStatus]
    exclusion_ground: TERMS[v.ExclusionGround] | None
    exclusion_reason: str
    exclusion_explanation: str = strawberry.field(
        deprecation_reason="Use `exclusionReason`; removed in the next release."
    )
    hotline_tickets: list[str]
    basic_situation: str
    decision_reason: str
    research_count: int
    consultations_count: int
    proposed_at: datetime
    verified_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    returned_at: datetime | None
    excluded_at: datetime | None
    approval_days: float | None
    updated_at: datetime
    version: int
    restricted: bool = strawberry.field(
        description="内容已按规定限制:不纳入协商的理由为须保密、实名举报或纪检监察调查,"
        "标题、内容等文本仅该平台专人与纪检监察可见,此处为占位文字 Content restricted: "
        "excluded as confidential, a real-name report or under discipline investigation; its "
        "texts are shown only to the holding platform's staff and the discipline office"
    )
    platform_id: strawberry.Private[str]
    committee_id: strawberry.Private[str | None]
    personal: strawberry.Private[tuple[str, str]]

    @strawberry.field(
        description="提出人姓名(个人信息,仅授权角色可见) Proposer's name: "
        "personal data, null for roles not cleared for it"
    )
    def proposer_name(self, info: Info) -> str | None:
        return self.personal[0] if ctx(info).sees_personal_data(self.platform_id) else None

    @strawberry.field(description="数据主体编号(用于删除个人信息) Data subject id, for erasure")
    def proposer_subject_id(self, info: Info) -> str | None:
        context = ctx(info)
        clear = context.sees_personal_data(self.platform_id) or context.actor.role is Role.ADMIN
        return self.personal[1] if clear else None

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _reference(info, "ref_platforms", self.platform_id, Platform.from_row)

    @strawberry.field(description="确定议题的专委会 Committee the topic was submitted to")
    def committee(self, info: Info) -> Committee | None:
        return _reference(info, "ref_committees", self.committee_id, Committee.from_row)

    @strawberry.field(description="就此议题开展的协商 Consultations held on this topic")
    async def consultations(self, info: Info) -> list[Consultation]:
        rows = await ctx(info).loaders.consultations_of_topic.load(str(self.id))
        return [Consultation.from_row(r) for r in rows]

    @strawberry.field(description="附件 Attached files (not withdrawn), oldest first")
    async def attachments(self, info: Info) -> list[Attachment]:
        return await attachments_of(info, str(self.id))

    @classmethod
    def from_row(cls, row: Row) -> Topic:
        return cls(
            id=strawberry.ID(row["id"]),
            title=row["title"],
            drafted_title=row["drafted_title"],
            content=row["content"],
            channel=term(v.Channel, row["channel"]),
            category=term(v.Category, row["category"]),
            status=term(v.TopicStatus, row["status"]),
            exclusion_ground=term(v.ExclusionGround, row["exclusion_ground"]),
            exclusion_reason=row["exclusion_explanation"],
            exclusion_explanation=row["exclusion_explanation"],
            hotline_tickets=[t for t in row["hotline_tickets"].split(",") if t],
            basic_situation=row["basic_situation"],
            decision_reason=row["decision_reason"],
            research_count=row["research_count"],
            consultations_count=row["consultations_count"],
            proposed_at=moment(row["proposed_at"]),
            verified_at=moment(row["verified_at"]),
            submitted_at=moment(row["submitted_at"]),
            approved_at=moment(row["approved_at"]),
            returned_at=moment(row["returned_at"]),
            excluded_at=moment(row["excluded_at"]),
            approval_days=row["approval_days"],
            updated_at=moment(row["updated_at"]),
            version=row["version"],
            restricted=bool(row.get("restricted")),
            platform_id=row["platform_id"],
            committee_id=row["committee_id"],
            personal=(row["proposer_name"], row["proposer_subject"]),
        )


@strawberry.type(description="参加人员 A participant of a consultation")
class Participant:
    id: strawberry.ID
    kind: TERMS[v.ParticipantKind]
    name: str | None = strawberry.field(description="姓名(个人信息) personal data")
    organisation: str | None
    attended: bool
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="名册中的登记人员 The registered person picked from the roster"
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="名册中的登记单位 The registered unit picked from the roster"
    )

    @classmethod
    def from_row(cls, row: Row, *, clear: bool, link: Row | None = None) -> Participant:
        return cls(
            id=strawberry.ID(row["id"]),
            kind=term(v.ParticipantKind, row["kind"]),
            name=row["name"] if clear else None,
            organisation=row["organisation"] if clear else None,
            attended=bool(row["attended"]),
            person_id=_linked(link, "person_id") if clear else None,
            unit_id=_linked(link, "unit_id"),
        )


def _linked(link: Row | None, column: str) -> strawberry.ID | None:
    return strawberry.ID(link[column]) if link and link[column] else None


async def _notes(info: Info, consultation_id: str, kind: str) -> list[str]:
    rows = await ctx(info).loaders.notes_of_consultation.load(consultation_id)
    return [r["text"] for r in sorted(rows, key=lambda r: r["seq"]) if r["kind"] == kind]


@strawberry.type(
    description="协商建议 A suggestion recorded when a consultation was held. Its id is the"
    " UUIDv5 of the consultation's id and `suggestion:<n>` (n its 1-based place), stable"
    " across rebuilds; openSupervisionItem takes it."
)
class Suggestion:
    id: strawberry.ID
    text: str


@strawberry.type(description="协商活动 Consultation")
class Consultation:
    id: strawberry.ID
    form: TERMS[v.ConsultationForm]
    mode: TERMS[v.Mode]
    subject: str
    starts_at: datetime
    closes_at: datetime | None
    venue: str
    status: TERMS[v.ConsultationStatus]
    participants_count: int
    notified_at: datetime | None
    held_at: datetime | None
    attendees_count: int
    opinions_count: int
    suggestions_count: int
    online_opinions_count: int
    reports_count: int
    report_kind: TERMS[v.ReportKind] | None
    report_recipient: str | None
    report_reference: str | None
    reported_at: datetime | None
    cancel_reason: str
    record: str = strawberry.field(description="协商记录 The record of the consultation")
    version: int
    platform_id: strawberry.Private[str]
    topic_id: strawberry.Private[str | None]

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _reference(info, "ref_platforms", self.platform_id, Platform.from_row)

    @strawberry.field(description="协商议题 The approved topic, for 你说我听 forms")
    async def topic(self, info: Info) -> Topic | None:
        return await _one(info, "topic_board", self.topic_id, Topic.from_row)

    @strawberry.field(description="参加人员 Participants (personal data)")
    async def participants(self, info: Info) -> list[Participant]:
        loaders = ctx(info).loaders
        rows = await loaders.participants_of_consultation.load(str(self.id))
        links = {r["id"]: r for r in await loaders.roster_links_of_consultation.load(str(self.id))}
        clear = ctx(info).sees_personal_data(self.platform_id)
        return [
            Participant.from_row(r, clear=clear, link=links.get(r["id"]))
            for r in sorted(rows, key=lambda r: r["seq"])
        ]

    @strawberry.field(description="协商建议 Suggestions recorded when held")
    async def suggestions(self, info: Info) -> list[str]:
        return await _notes(info, str(self.id), "suggestion")

    @strawberry.field(description="协商建议及其编号 Suggestions with their ids")
    async def suggestion_entries(self, info: Info) -> list[Suggestion]:
        texts = await _notes(info, str(self.id), "suggestion")
        return [
            Suggestion(id=strawberry.ID(str(suggestion_id(UUID(str(self.id)), n))), text=t)
            for n, t in enumerate(texts, start=1)
        ]

    @strawberry.field(description="协商意见 Opinions recorded when held")
    async def opinions(self, info: Info) -> list[str]:
        return await _notes(info, str(self.id), "opinion")

    @strawberry.field(
        description="网络协商收到的意见,先后为序 Opinions posted online, oldest first"
    )
    async def online_opinions(self, info: Info) -> list[OnlineOpinion]:
        return await opinions_of(info, str(self.id), self.platform_id)

    @strawberry.field(description="问题清单 Supervision items opened from its suggestions")
    async def items(self, info: Info) -> list[SupervisionItem]:
        rows = await ctx(info).loaders.items_of_consultation.load(str(self.id))
        return [SupervisionItem.from_row(r) for r in rows]

    @strawberry.field(description="附件 Attached files (not withdrawn), oldest first")
    async def attachments(self, info: Info) -> list[Attachment]:
        return await attachments_of(info, str(self.id))

    @classmethod
    def from_row(cls, row: Row) -> Consultation:
        return cls(
            id=strawberry.ID(row["id"]),
            form=term(v.ConsultationForm, row["form"]),
            mode=term(v.Mode, row["mode"]),
            subject=row["subject"],
            starts_at=moment(row["starts_at"]),
            closes_at=moment(row["closes_at"]),
            venue=row["venue"],
            status=term(v.ConsultationStatus, row["status"]),
            participants_count=row["participants_count"],
            notified_at=moment(row["notified_at"]),
            held_at=moment(row["held_at"]),
            attendees_count=row["attendees_count"],
            opinions_count=row["opinions_count"],
            suggestions_count=row["suggestions_count"],
            online_opinions_count=row["online_opinions_count"],
            reports_count=row["reports_count"],
            report_kind=term(v.ReportKind, row["report_kind"]),
            report_recipient=row["report_recipient"],
            report_reference=row["report_reference"],
            reported_at=moment(row["reported_at"]),
            cancel_reason=row["cancel_reason"],
            record=row["record"],
            version=row["version"],
            platform_id=row["platform_id"],
            topic_id=row["topic_id"],
        )


@strawberry.type(description="督办事项(督办落实情况表的一行) A row of the problem list")
class SupervisionItem:
    id: strawberry.ID
    seq_no: int = strawberry.field(description="序号")
    consultation_time: datetime = strawberry.field(description="协商时间")
    subject: str = strawberry.field(description="协商议题")
    suggestion: str = strawberry.field(description="协商建议")
    unit_name: str = strawberry.field(description="交办单位")
    committee_name: str = strawberry.field(description="政协责任委室")
    supervisor_name: str = strawberry.field(description="督办负责人")
    progress: str = strawberry.field(description="进展情况")
    problems: str = strawberry.field(description="存在问题")
    approach: str = strawberry.field(description="解决思路")
    reporting_department: str = strawberry.field(description="填报部门")
    reported_on: date | None = strawberry.field(description="填报时间")
    status: TERMS[v.ItemStatus]
    due_on: date | None
    overdue: bool
    progress_count: int
    outcome: str
    opened_at: datetime
    assigned_at: datetime | None
    resolved_at: datetime | None
    days_to_resolve: float | None
    version: int
    platform_id: strawberry.Private[str]
    consultation_id: strawberry.Private[str]
    topic_id: strawberry.Private[str | None]
    unit_id: strawberry.Private[str | None]
    committee_id: strawberry.Private[str | None]

    @strawberry.field
    def platform(self, info: Info) -> Platform | None:
        return _reference(info, "ref_platforms", self.platform_id, Platform.from_row)

    @strawberry.field
    async def consultation(self, info: Info) -> Consultation | None:
        return await _one(
            info, "consultation_calendar", self.consultation_id, Consultation.from_row
        )

    @strawberry.field
    async def topic(self, info: Info) -> Topic | None:
        return await _one(info, "topic_board", self.topic_id, Topic.from_row)

    @strawberry.field
    def unit(self, info: Info) -> Unit | None:
        return _reference(info, "ref_units", self.unit_id, Unit.from_row)

    @strawberry.field
    def committee(self, info: Info) -> Committee | None:
        return _reference(info, "ref_committees", self.committee_id, Committee.from_row)

    @strawberry.field(description="最近一次到期提醒 The last deadline reminder")
    async def last_reminder(self, info: Info) -> DeadlineReminder | None:
        return await last_reminder(info, str(self.id))

    @strawberry.field(
        description="时间线:每次决定、进展填报与督办提醒,先后为序 The item's timeline: "
        "every decision, progress report and deadline reminder, in order"
    )
    async def timeline(self, info: Info) -> ItemTimeline:
        return await timeline_of(
            info, str(self.id), self.opened_at, self.due_on, self.resolved_at is not None
        )

    @strawberry.field(description="办理期限的工作日数 Due in this many working days, if so set")
    async def due_in_working_days(self, info: Info) -> int | None:
        return (await due_basis(info, str(self.id)))[0]

    @strawberry.field(
        description="期限所在年份的法定节假日安排未知,按周一至周五推算 "
        "The year's official calendar was unknown: Mon–Fri assumed"
    )
    async def due_weekdays_assumed(self, info: Info) -> bool:
        return (await due_basis(info, str(self.id)))[1]

    @strawberry.field(description="附件 Attached files (not withdrawn), oldest first")
    async def attachments(self, info: Info) -> list[Attachment]:
        return await attachments_of(info, str(self.id))

    @classmethod
    def from_row(cls, row: Row, today: date | None = None) -> SupervisionItem:
        today_iso = (today or district_today()).isoformat()
        overdue = bool(row["status"] != "resolved" and row["due_on"] and row["due_on"] < today_iso)
        return cls(
            id=strawberry.ID(row["id"]),
            seq_no=row["seq_no"],
            consultation_time=moment(row["consultation_time"]),
            subject=row["subject"],
            suggestion=row["suggestion"],
            unit_name=row["unit_name"],
            committee_name=row["committee_name"],
            supervisor_name=row["supervisor_name"],
            progress=row["progress"],
            problems=row["problems"],
            approach=row["approach"],
            reporting_department=row["reporting_department"],
            reported_on=day(row["reported_on"]),
            status=term(v.ItemStatus, row["status"]),
            due_on=day(row["due_on"]),
            overdue=overdue,
            progress_count=row["progress_count"],
            outcome=row["outcome"],
            opened_at=moment(row["opened_at"]),
            assigned_at=moment(row["assigned_at"]),
            resolved_at=moment(row["resolved_at"]),
            days_to_resolve=row["days_to_resolve"],
            version=row["version"],
            platform_id=row["platform_id"],
            consultation_id=row["consultation_id"],
            topic_id=row["topic_id"],
            unit_id=row["unit_id"],
            committee_id=row["committee_id"],
        )
