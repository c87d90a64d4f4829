"""Members' participation records (委员履职) through GraphQL: the records, a member's own, the
points scheme; enrolment, following an item and setting the scheme. Need-to-know: leaders, the
discipline office and administrators read every record, platform staff their platform's
members, a member their own record only; units and committees none."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from application.calendar import district_today
from application.permissions import OutOfReach, member_records_reach
from domain import vocabulary as v
from domain.base import Actor
from domain.holidays import FIRST_YEAR, LAST_YEAR
from domain.members import Weight
from domain.vocabulary import ParticipationKind
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import UserError, bad_input, from_cursor, from_domain, parse_id
from interfaces.graphql.mutations.base import Changed, CommandInput, execute
from interfaces.graphql.reads import Connection, Edge, PageInfo, _first, filter_text
from interfaces.graphql.types import ctx
from projections.reads import members as m
from projections.reads.queries import InvalidCursor, decode_cursor, encode_cursor

R = v.Role


@strawberry.enum(description="履职档案排序 Order of member records")
class MemberRecordOrder(Enum):
    POINTS = "points"
    NAME = "name"


@strawberry.type(description="一条履职记录 One entry of a member's participation")
class MemberEntry:
    kind: str = strawberry.field(description="类别代码 The kind's code (ParticipationKind)")
    kind_label: str = strawberry.field(description="类别 The kind's label, e.g. 参加协商")
    day: date = strawberry.field(description="日期(北京时间) The day, district time")
    subject_kind: str = strawberry.field(
        description="所涉记录:topic 协商事项 / consultation 协商活动 / item 督办事项"
    )
    subject_id: strawberry.ID = strawberry.field(description="所涉记录编号 The record's id")
    title: str = strawberry.field(description="事项 The record's title (withheld if restricted)")
    points: float = strawberry.field(description="积分(按当日有效的积分办法) Points that day")

    @classmethod
    def of(cls, entry: m.Entry) -> MemberEntry:
        return cls(
            kind=entry.kind,
            kind_label=ParticipationKind.parse(entry.kind).label,
            day=date.fromisoformat(entry.day),
            subject_kind=entry.subject_kind,
            subject_id=strawberry.ID(entry.subject_id),
            title=entry.title,
            points=entry.points,
        )


@strawberry.type(description="某类履职的次数与积分 A kind's count and points")
class MemberCount:
    kind: str
    kind_label: str
    count: int
    points: float


@strawberry.type(description="委员履职档案(某年) A member's participation record for a year")
class MemberRecord:
    id: strawberry.ID = strawberry.field(description="人员编号 The registered person's id")
    name: str = strawberry.field(description="姓名 Name")
    sector: str = strawberry.field(description="界别 Sector")
    platform_id: strawberry.ID
    platform_name: str = strawberry.field(description="所属协商议事平台 The platform")
    year: int
    points: float = strawberry.field(description="年度积分 Points of the year")
    active: bool = strawberry.field(description="本年有履职记录 Has an entry this year")
    counts: list[MemberCount] = strawberry.field(description="各类次数与积分 By kind")
    loaded: strawberry.Private[list[m.Entry] | None] = None

    @strawberry.field(description="本年各条记录,按日期 The year's entries, by day")
    async def entries(self, info: Info) -> list[MemberEntry]:
        loaded = self.loaded
        if loaded is None:
            where = m.MemberFilter(
                year=self.year,
                person_id=str(self.id),
                restricted_content=ctx(info).seen_by.restricted_content,
            )
            found = await blocking(m.member_records, ctx(info).system.store, where, entries=True)
            loaded = (found[0].entries or []) if found else []
        return [MemberEntry.of(e) for e in loaded]

    @classmethod
    def of(cls, record: m.MemberRecord) -> MemberRecord:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            sector=record.sector,
            platform_id=strawberry.ID(record.platform_id),
            platform_name=record.platform_name,
            year=record.year,
            points=record.points,
            active=record.active,
            counts=[
                MemberCount(
                    kind=k.code,
                    kind_label=k.label,
                    count=record.counts[k.code],
                    points=round(record.points_by_kind[k.code], 2),
                )
                for k in ParticipationKind
            ],
            loaded=record.entries,
        )


@strawberry.type(description="某类履职的积分 The points of a kind")
class PointsWeight:
    kind: str
    kind_label: str
    points: float


@strawberry.type(
    description="履职积分办法:未设定时为示例表(非官方标准) The points scheme; an example if none"
)
class PointsScheme:
    effective_from: date | None = strawberry.field(description="起用日期;示例表为空")
    example: bool = strawberry.field(description="是否示例(非官方标准) Whether an example")
    note: str = strawberry.field(description="说明 What the table is")
    weights: list[PointsWeight]

    @classmethod
    def of(cls, scheme: m.Scheme) -> PointsScheme:
        return cls(
            effective_from=date.fromisoformat(scheme.effective_from)
            if scheme.effective_from
            else None,
            example=scheme.example,
            note=scheme.note,
            weights=[
                PointsWeight(kind=k.code, kind_label=k.label, points=scheme.points(k.code))
                for k in ParticipationKind
            ],
        )


@strawberry.type(description="按界别的履职情况 Participation by sector")
class SectorParticipation:
    sector: str
    members: int
    active_members: int
    points: float


@strawberry.type(description="按平台的履职情况 Participation by platform")
class PlatformParticipation:
    platform_id: strawberry.ID
    platform_name: str
    members: int
    active_members: int
    points: float


def not_permitted(actor: Actor) -> UserError:
    return UserError(
        f"“{actor.role.label}”无权查看委员履职档案 (role may not read member records)",
        "FORBIDDEN",
        "NOT_PERMITTED",
    )


def readable_platform(actor: Actor) -> str | None:
    """The platform whose members the actor reads (None: every member's); refuses the rest."""
    may_read, platform = member_records_reach(actor)
    if not may_read:
        raise not_permitted(actor)
    return platform


def checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise bad_input(
            f"年份须在{FIRST_YEAR}至{LAST_YEAR}之间:{year}",
            f"the year must be {FIRST_YEAR}..{LAST_YEAR}",
            reason="YEAR_OUT_OF_RANGE",
            field="year",
        )
    return year


async def records(info: Info, where: m.MemberFilter, *, entries: bool) -> list[m.MemberRecord]:
    return await blocking(m.member_records, ctx(info).system.store, where, entries=entries)


async def one_record(info: Info, person_id: str, year: int) -> MemberRecord | None:
    where = m.MemberFilter(
        year=checked_year(year),
        person_id=person_id,
        restricted_content=ctx(info).seen_by.restricted_content,
    )
    found = await records(info, where, entries=True)
    return MemberRecord.of(found[0]) if found else None


def _page(found: list[m.MemberRecord], first: int, after: str | None) -> Connection:
    start = 0
    if after is not None:
        try:
            offset, _ = decode_cursor(after, int)
        except InvalidCursor as error:
            raise from_cursor(error) from None
        start = max(0, offset + 1)
    size = _first(first)
    chosen = found[start : start + size]
    edges = [
        Edge(node=MemberRecord.of(r), cursor=encode_cursor(start + n, r.id))
        for n, r in enumerate(chosen)
    ]
    info = PageInfo(
        has_next_page=start + size < len(found),
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, total_count=len(found))


@strawberry.type
class MemberQueries:
    @strawberry.field(
        description="委员履职档案(某年,可按界别、平台筛选,按积分或姓名排序)。领导、纪检监察、"
        "系统管理员可读全部,平台专人读本平台委员;其他角色 FORBIDDEN/NOT_PERMITTED "
        "Member records of a year, by sector or platform, ordered by points or name"
    )
    async def member_records(
        self,
        info: Info,
        year: int,
        sector: str | None = None,
        platform_id: strawberry.ID | None = None,
        order_by: MemberRecordOrder = MemberRecordOrder.POINTS,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[MemberRecord]:
        own_platform = readable_platform(ctx(info).actor)
        asked = str(parse_id(platform_id, "platformId")) if platform_id else None
        if own_platform is not None and asked not in (None, own_platform):
            return _page([], first, None)
        where = m.MemberFilter(
            year=checked_year(year),
            sector=filter_text(sector, "sector", "界别"),
            platform_id=own_platform or asked,
            order=order_by.value,
        )
        _first(first)
        return _page(await records(info, where, entries=False), first, after)

    @strawberry.field(
        description="某委员某年的履职档案;委员本人只能读自己的,范围外视同不存在(NOT_FOUND) "
        "A member's record for a year"
    )
    async def member_record(self, info: Info, id: strawberry.ID, year: int) -> MemberRecord | None:
        actor = ctx(info).actor
        person_id = str(parse_id(id))
        if actor.role is R.MEMBER:
            if actor.scope != person_id:
                raise from_domain(OutOfReach("another member's record"))
            return await one_record(info, person_id, year)
        own_platform = readable_platform(actor)
        found = await one_record(info, person_id, year)
        if found is None or (own_platform is not None and found.platform_id != own_platform):
            raise from_domain(OutOfReach())
        return found

    @strawberry.field(
        description="本人的履职档案(委员账号);未登记为委员时为空 The signed-in member's own record"
    )
    async def my_member_record(self, info: Info, year: int) -> MemberRecord | None:
        actor = ctx(info).actor
        if actor.role is not R.MEMBER:
            raise not_permitted(actor)
        return await one_record(info, actor.scope, year)

    @strawberry.field(
        description="某日有效的履职积分办法(默认今天);未设定时为示例表,注明非官方标准 "
        "The points scheme in force on a day; the example table when none was set"
    )
    async def points_scheme(self, info: Info, on: date | None = None) -> PointsScheme:
        day = on or district_today()
        return PointsScheme.of(await blocking(m.scheme_on, ctx(info).system.store, day))


async def participation_for(info: Info, year: int, platform_id: str | None) -> list[m.MemberRecord]:
    """The dashboard's members of the year as the caller may read them (none for roles that
    read no records)."""
    actor = ctx(info).actor
    try:
        own_platform = readable_platform(actor)
    except UserError:
        return []
    if own_platform is not None and platform_id not in (None, own_platform):
        return []
    where = m.MemberFilter(year=year, platform_id=own_platform or platform_id)
    return await records(info, where, entries=False)


def by_sector(found: list[m.MemberRecord]) -> list[SectorParticipation]:
    return [
        SectorParticipation(
            sector=g.key, members=g.members, active_members=g.active_members, points=g.points
        )
        for g in m.participation(found, "sector")
    ]


def by_platform(found: list[m.MemberRecord]) -> list[PlatformParticipation]:
    return [
        PlatformParticipation(
            platform_id=strawberry.ID(g.key),
            platform_name=g.name,
            members=g.members,
            active_members=g.active_members,
            points=g.points,
        )
        for g in m.participation(found, "platform")
    ]


def inactive(found: list[m.MemberRecord]) -> list[MemberRecord]:
    quiet = sorted((r for r in found if not r.active), key=lambda r: (r.name, r.id))
    return [MemberRecord.of(r) for r in quiet]


# ----------------------------------------------------------------------------------------------
# Mutations


@strawberry.input(description="登记政协委员 Enrol a registered person as a member")
class EnrollMemberInput(CommandInput):
    person_id: strawberry.ID = strawberry.field(description="名册中的人员 The registered person")
    sector: str = strawberry.field(description="界别(50字以内),如“经济界” The sector")
    platform_id: strawberry.ID = strawberry.field(description="所属协商议事平台 The platform")


@strawberry.input(description="委员跟踪督办事项 A member follows a supervision item")
class FollowItemInput(CommandInput):
    item_id: strawberry.ID
    person_id: strawberry.ID = strawberry.field(description="跟踪的委员 The member")


@strawberry.input(description="某类履职的积分 Points for a kind")
class PointsWeightInput:
    kind: str = strawberry.field(description="类别代码,如 consultation The kind's code")
    points: float = strawberry.field(description="积分(0至1000) Points, 0 to 1000")


@strawberry.input(description="设定履职积分办法 Set the points scheme from a day")
class SetPointsSchemeInput(CommandInput):
    effective_from: date = strawberry.field(description="起用日期 In force from this day")
    weights: list[PointsWeightInput] = strawberry.field(
        description="各类积分;未列出的类别记0分 Kinds left out count 0"
    )
    reason: str = strawberry.field(description="理由 Why")


@strawberry.type
class MemberPayload(Changed):
    year: strawberry.Private[int]

    @strawberry.field(description="委员本年的履职档案 The member's record this year")
    async def member_record(self, info: Info) -> MemberRecord | None:
        return await one_record(info, str(self.id), self.year)


@strawberry.type
class PointsSchemePayload(Changed):
    effective_from: strawberry.Private[date]

    @strawberry.field(description="设定后的积分办法 The scheme as set")
    async def scheme(self, info: Info) -> PointsScheme:
        store = ctx(info).system.store
        return PointsScheme.of(await blocking(m.scheme_on, store, self.effective_from))


def _weights(given: list[PointsWeightInput]) -> list[Weight]:
    return [Weight(ParticipationKind.parse(w.kind), w.points) for w in given]


@strawberry.type
class MemberMutations:
    @strawberry.mutation(
        description="登记政协委员(界别、所属平台;系统管理员或本平台专人) Enrol a member"
    )
    async def enroll_member(self, info: Info, input: EnrollMemberInput) -> MemberPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.enroll_member(
                c,
                parse_id(input.person_id, "personId"),
                sector=input.sector,
                platform_id=parse_id(input.platform_id, "platformId"),
            ),
        )
        return MemberPayload(
            id=strawberry.ID(str(outcome.id)),
            version=outcome.version,
            position=outcome.position,
            year=district_today().year,
        )

    @strawberry.mutation(
        description="委员跟踪督办事项(平台专人代录,或委员本人);重复跟踪不再记录 Follow an item"
    )
    async def follow_item(self, info: Info, input: FollowItemInput) -> Changed:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.follow_item(
                c,
                parse_id(input.item_id, "itemId"),
                person_id=parse_id(input.person_id, "personId"),
            ),
        )
        return Changed(
            id=strawberry.ID(str(outcome.id)), version=outcome.version, position=outcome.position
        )

    @strawberry.mutation(
        description="设定履职积分办法(系统管理员;同一起用日期再设即修改) Set the points scheme"
    )
    async def set_points_scheme(
        self, info: Info, input: SetPointsSchemeInput
    ) -> PointsSchemePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.set_points_scheme(
                c,
                effective_from=input.effective_from,
                weights=_weights(input.weights),
                reason=input.reason,
            ),
        )
        return PointsSchemePayload(
            id=strawberry.ID(str(outcome.id)),
            version=outcome.version,
            position=outcome.position,
            effective_from=input.effective_from,
        )
