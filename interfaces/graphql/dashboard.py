"""The leadership dashboard (领导驾驶舱) as GraphQL: counts carry 中文 labels for display."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from application.app import Yishiting
from application.calendar import WorkingCalendar, calendar_warning, district_today, local_date
from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import UserError, parse_id
from interfaces.graphql.deadlines import count_due_soon
from interfaces.graphql.members import (
    MemberRecord,
    PlatformParticipation,
    SectorParticipation,
    by_platform,
    by_sector,
    checked_year,
    inactive,
    participation_for,
)
from interfaces.graphql.types import ctx
from projections.reads.dashboard import Dashboard as DashboardData
from projections.reads.dashboard import DashboardFilter as Where
from projections.reads.dashboard import load_dashboard
from projections.reads.members import MemberRecord as MemberRecords
from projections.reads.queries import ViewQueries
from projections.store import ViewStore

DIMENSION_VOCABULARIES: dict[str, type[v.Vocabulary]] = {
    "status": v.TopicStatus,
    "channel": v.Channel,
    "category": v.Category,
    "exclusion_ground": v.ExclusionGround,
}


@strawberry.type(description="一项计数 A count, with the key's label")
class Count:
    key: str
    label: str
    count: int


@strawberry.type(description="某月某形式的协商数 Consultations of a form in a month")
class MonthCount:
    month: str
    form: str
    label: str
    count: int


@strawberry.type(
    description="某单位的逾期督办事项 A unit's overdue items, and the one overdue longest"
)
class UnitOverdue:
    unit_id: strawberry.ID | None
    unit_name: str = strawberry.field(description="交办单位 The unit's name")
    count: int = strawberry.field(description="逾期事项数 Overdue items")
    oldest_item_id: strawberry.ID = strawberry.field(
        description="逾期最久(到期最早)的事项 The item overdue longest (earliest due)"
    )
    oldest_seq_no: int
    oldest_subject: str
    oldest_due_on: date


@strawberry.input
class DashboardFilter:
    platform_id: strawberry.ID | None = None
    committee_id: strawberry.ID | None = None
    period_from: date | None = None
    period_to: date | None = None
    year: int | None = strawberry.field(
        default=None, description="委员履职统计的年份(默认今年) The year of members' participation"
    )


@strawberry.type(description="领导驾驶舱 Leadership dashboard")
class Dashboard:
    topics_total: int
    topics_by_status: list[Count]
    topics_by_channel: list[Count]
    topics_by_category: list[Count]
    topics_by_platform: list[Count]
    topics_by_committee: list[Count]
    topics_by_exclusion_ground: list[Count]
    consultations_by_form: list[Count]
    consultations_by_status: list[Count]
    consultations_by_month: list[MonthCount] = strawberry.field(
        description="协商活动(按月份与形式):未选时段时为上年与本年各月,选了时段则为时段内各月 "
        "Consultations by month and form: last year's and this year's months when no period is "
        "chosen, else the period's (consultationMonthsFrom to consultationMonthsTo)"
    )
    consultation_months_from: str | None = strawberry.field(
        description="consultationsByMonth 的首月(YYYY-MM);时段未设起点时为空 "
        "The first month consultationsByMonth counts; null when the period has no start"
    )
    consultation_months_to: str | None = strawberry.field(
        description="consultationsByMonth 的末月(YYYY-MM,含);时段未设终点时为空 "
        "The last month (inclusive) consultationsByMonth counts; null when the period has no end"
    )
    items_by_status: list[Count]
    items_by_unit: list[Count] = strawberry.field(
        description="督办事项(按交办单位) Items by the unit they are assigned to"
    )
    overdue_by_unit: list[UnitOverdue] = strawberry.field(
        description="逾期事项(按交办单位,多者在前) Overdue items by unit, the most first"
    )
    items_open: int
    items_overdue: int
    items_resolved: int
    median_days_to_approval: float | None
    median_days_to_resolve: float | None
    where: strawberry.Private[Where | None] = None
    member_year: strawberry.Private[int] = 0

    @strawberry.field(
        description="按界别的委员履职(本年或所选年份;委员数、有履职记录的委员数、积分) "
        "Members' participation by sector"
    )
    async def participation_by_sector(self, info: Info) -> list[SectorParticipation]:
        return by_sector(await self._members(info))

    @strawberry.field(description="按协商议事平台的委员履职 Members' participation by platform")
    async def participation_by_platform(self, info: Info) -> list[PlatformParticipation]:
        return by_platform(await self._members(info))

    @strawberry.field(description="本年尚无履职记录的委员 Members with no entry in the year")
    async def inactive_members(self, info: Info) -> list[MemberRecord]:
        return inactive(await self._members(info))

    async def _members(self, info: Info) -> list[MemberRecords]:
        platform_id = self.where.platform_id if self.where else None
        return await participation_for(info, self.member_year, platform_id)

    @strawberry.field(
        description="N个工作日内到期的未办结事项数(默认按设置,3个工作日) "
        "Open items due within N working days (default: the setting, 3)"
    )
    async def items_due_soon(self, info: Info, within_working_days: int | None = None) -> int:
        return await count_due_soon(info, self.where, within_working_days)

    @strawberry.field(
        description="“即将到期”按几个工作日计(设置,itemsDueSoon 的默认值) "
        "Working days that count as due soon: the setting, itemsDueSoon's default"
    )
    def due_soon_working_days(self, info: Info) -> int:
        return int(ctx(info).system.settings.reminder_within_working_days)

    @strawberry.field(
        description="节假日安排缺失提醒:本年,或自11月1日起次年的安排未录入时给出,否则为空 "
        "Warns while this year's, or from 1 November next year's, holiday schedule is missing"
    )
    async def calendar_warning(self, info: Info) -> str | None:
        context = ctx(info)
        return await blocking(
            missing_schedule_warning, context.system.app, context.loaders.calendar()
        )


def _read(
    store: ViewStore, queries: ViewQueries, where: Where
) -> tuple[DashboardData, dict[str, str]]:
    """The dashboard's figures, and the names of the platforms, committees and units they are
    counted by (the reference tables whole, in one read)."""
    tables = queries.references(("ref_platforms", "ref_committees", "ref_units"))
    names = {id_: row["name"] for rows in tables.values() for id_, row in rows.items()}
    return load_dashboard(store, where), names


def missing_schedule_warning(app: Yishiting, calendar: WorkingCalendar) -> str | None:
    """By the application's clock: the day its deadlines are reckoned from."""
    return calendar_warning(calendar.missing_schedule(local_date(app.clock())))


def _labelled(counts: dict[str, int], vocabulary: type[v.Vocabulary]) -> list[Count]:
    return [Count(key=k, label=vocabulary.parse(k).label, count=n) for k, n in counts.items()]


def _named(counts: dict[str, int], names: dict[str, str]) -> list[Count]:
    return [Count(key=k, label=names.get(k, k), count=n) for k, n in counts.items()]


def _to_graphql(data: DashboardData, names: dict[str, str]) -> Dashboard:
    by = data.topics_by
    return Dashboard(
        topics_total=data.topics_total,
        topics_by_status=_labelled(by["status"], v.TopicStatus),
        topics_by_channel=_labelled(by["channel"], v.Channel),
        topics_by_category=_labelled(by["category"], v.Category),
        topics_by_platform=_named(by["platform_id"], names),
        topics_by_committee=_named(by["committee_id"], names),
        topics_by_exclusion_ground=_labelled(by["exclusion_ground"], v.ExclusionGround),
        consultations_by_form=_labelled(data.consultations_by_form, v.ConsultationForm),
        consultations_by_status=_labelled(data.consultations_by_status, v.ConsultationStatus),
        consultations_by_month=[
            MonthCount(month=m, form=f, label=v.ConsultationForm.parse(f).label, count=n)
            for m, forms in data.consultations_by_month.items()
            for f, n in forms.items()
        ],
        consultation_months_from=data.months_shown[0],
        consultation_months_to=data.months_shown[1],
        items_by_status=_labelled(data.items_by_status, v.ItemStatus),
        items_by_unit=_named(data.items_by_unit, names),
        overdue_by_unit=[
            UnitOverdue(
                unit_id=strawberry.ID(u.unit_id) if u.unit_id else None,
                unit_name=u.unit_name,
                count=u.count,
                oldest_item_id=strawberry.ID(u.oldest_item_id),
                oldest_seq_no=u.oldest_seq_no,
                oldest_subject=u.oldest_subject,
                oldest_due_on=date.fromisoformat(u.oldest_due_on),
            )
            for u in data.overdue_by_unit
        ],
        items_open=data.items_open,
        items_overdue=data.items_overdue,
        items_resolved=data.items_resolved,
        median_days_to_approval=data.median_days_to_approval,
        median_days_to_resolve=data.median_days_to_resolve,
    )


DASHBOARD_ROLES = (
    v.Role.LEADER,
    v.Role.AUDITOR,
    v.Role.ADMIN,
    v.Role.COMMITTEE,
    v.Role.PLATFORM_STAFF,
)


def _scoped(info: Info, f: DashboardFilter) -> tuple[str | None, str | None]:
    """The filter as given: the counts cover only the rows the caller may read (seen_by)."""
    actor = ctx(info).actor
    if actor.role not in DASHBOARD_ROLES:
        raise UserError(
            f"“{actor.role.label}”无权查看驾驶舱 (role may not read the dashboard)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
    platform = str(parse_id(f.platform_id, "platformId")) if f.platform_id else None
    committee = str(parse_id(f.committee_id, "committeeId")) if f.committee_id else None
    return platform, committee


async def dashboard(info: Info, filter: DashboardFilter | None = None) -> Dashboard:
    f = filter or DashboardFilter()
    platform_id, committee_id = _scoped(info, f)
    where = Where(
        platform_id=platform_id,
        committee_id=committee_id,
        period_from=f.period_from.isoformat() if f.period_from else None,
        period_to=f.period_to.isoformat() if f.period_to else None,
        seen_by=ctx(info).seen_by,
    )
    system = ctx(info).system
    data, names = await blocking(_read, system.store, system.queries, where)
    board = _to_graphql(data, names)
    board.where = where
    board.member_year = checked_year(f.year) if f.year is not None else district_today().year
    return board
