"""An item's timeline (督办事项时间线) and a 网络协商's online opinions, in GraphQL: every step
of an item with who took it, when and what it said, and the working days left to its due date;
every opinion posted online, its author's name for those cleared to read personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from application.calendar import WorkingCalendar, district_today
from application.permissions import sees_personal_data
from application.publishing.catalogue import NAMED
from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.graphql.terms import TERMS, term
from interfaces.graphql.times import day, moment
from projections.reads.opinions import online_opinions
from projections.reads.timeline import item_timeline
from projections.store import Row

ASSIGNED = "ItemAssigned"
REASSIGNED_ZH = "改派"


@strawberry.type(description="进展填报 A progress report as filed (督办落实情况表)")
class ProgressEntry:
    progress: str = strawberry.field(description="进展情况")
    problems: str = strawberry.field(description="存在问题")
    approach: str = strawberry.field(description="解决思路")
    reporting_department: str = strawberry.field(description="填报部门")
    reported_on: date | None = strawberry.field(description="填报时间")

    @classmethod
    def from_row(cls, row: Row) -> ProgressEntry:
        return cls(
            progress=row["progress"],
            problems=row["problems"],
            approach=row["approach"],
            reporting_department=row["reporting_department"],
            reported_on=day(row["reported_on"]),
        )


@strawberry.type(
    description="时间线的一步:决定、进展填报或督办提醒 One step of an item's timeline: "
    "a decision, a progress report or a deadline reminder"
)
class ItemStep:
    event_type: str = strawberry.field(description="事件名称 Event name (ItemAssigned …)")
    label: str = strawberry.field(description="事件中文名(交办、改派、填报进展……)")
    decision: bool = strawberry.field(description="是否为决定 A decision taken with a reason")
    occurred_at: datetime = strawberry.field(description="发生时间 When")
    actor_name: str = strawberry.field(description="操作人 Who")
    actor_role: TERMS[v.Role] | None
    summary: str = strawberry.field(description="中文摘要 readable summary")
    reason: str = strawberry.field(description="理由 Reason given, if any")
    report: ProgressEntry | None = strawberry.field(description="进展填报的内容 The report")
    days_since_opened: float = strawberry.field(
        description="距建立督办事项的天数(一位小数) Days since the item was opened, 1 decimal"
    )


@strawberry.type(description="督办事项时间线 An item's timeline with its due date")
class ItemTimeline:
    due_on: date | None = strawberry.field(description="办理期限 Due date")
    working_days_left: int | None = strawberry.field(
        description="距办理期限的剩余工作日(逾期为负,办结或无期限为空) Working days left "
        "to the due date, negative when overdue; null once resolved or without a due date"
    )
    weekdays_assumed: bool = strawberry.field(
        description="节假日安排未知,按周一至周五推算 Mon–Fri assumed for an unknown year"
    )
    steps: list[ItemStep] = strawberry.field(description="每一步,先后为序 Every step, in order")


async def timeline_of(
    info: Info, item_id: str, opened_at: datetime, due_on: date | None, resolved: bool
) -> ItemTimeline:
    context: Any = info.context
    rows = await blocking(item_timeline, context.system.store, item_id, context.seen_by)
    calendar = await blocking(context.system.app.working_calendar)
    left, assumed = _working_days_left(calendar, due_on, resolved)
    return ItemTimeline(
        due_on=due_on,
        working_days_left=left,
        weekdays_assumed=assumed,
        steps=_steps(rows, opened_at),
    )


def _working_days_left(
    calendar: WorkingCalendar, due_on: date | None, resolved: bool
) -> tuple[int | None, bool]:
    """By the official calendar with the years the office entered (节假日安排)."""
    if due_on is None or resolved:
        return None, False
    reckoned = calendar.working_days_between(district_today(), due_on)
    return reckoned.value, reckoned.weekdays_assumed


def _steps(rows: list[tuple[Row, Row | None]], opened: datetime) -> list[ItemStep]:
    steps: list[ItemStep] = []
    assigned = False
    for step, report in rows:
        occurred = moment(step["occurred_at"])
        name = step["event_type"]
        entry = NAMED.get(name)
        label = entry.name_zh if entry else "其他"
        if name == ASSIGNED:
            label, assigned = (REASSIGNED_ZH if assigned else label), True
        steps.append(
            ItemStep(
                event_type=name,
                label=label,
                decision=bool(entry and entry.decision),
                occurred_at=occurred,
                actor_name=step["actor_name"],
                actor_role=term(v.Role, step["actor_role"]) if step["actor_role"] else None,
                summary=step["summary"],
                reason=step["reason"],
                report=ProgressEntry.from_row(report) if report else None,
                days_since_opened=round((occurred - opened).total_seconds() / 86400, 1),
            )
        )
    return steps


@strawberry.type(description="网络协商意见 An opinion posted online to a 网络协商")
class OnlineOpinion:
    id: strawberry.ID
    author_name: str | None = strawberry.field(
        description="发表人姓名(个人信息,仅授权角色可见) Author's name: personal data, null "
        "for roles not cleared for it"
    )
    content: str = strawberry.field(description="意见内容")
    posted_at: datetime = strawberry.field(description="发表时间 When posted")

    @classmethod
    def from_row(cls, row: Row, *, clear: bool) -> OnlineOpinion:
        return cls(
            id=strawberry.ID(row["id"]),
            author_name=row["author_name"] if clear else None,
            content=row["content"],
            posted_at=moment(row["posted_at"]),
        )


async def opinions_of(info: Info, consultation_id: str, platform_id: str) -> list[OnlineOpinion]:
    context: Any = info.context
    rows = await blocking(online_opinions, context.system.store, consultation_id, context.seen_by)
    clear = sees_personal_data(context.actor, platform_id)
    return [OnlineOpinion.from_row(r, clear=clear) for r in rows]
