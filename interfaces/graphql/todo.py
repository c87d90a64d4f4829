"""To-do lists (待办) in GraphQL: `viewer { todo { count groups { … } } }`, the groups of what
waits for the signed-in role (projections/reads/todo.py), each entry naming the thing, its
stage, its dates and the web page where it is done."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.graphql.terms import TERMS, term
from interfaces.graphql.times import day, moment
from interfaces.graphql.types import ctx
from projections.reads import todo as reads

PAGES = {"topic": "#/topic/", "consultation": "#/consultation/", "item": "#/item/"}


@strawberry.enum(description="待办所指 What a to-do entry is")
class TodoKind(Enum):
    TOPIC = "topic"
    CONSULTATION = "consultation"
    SUPERVISION_ITEM = "item"


@strawberry.type(description="待办事项 One thing waiting for the signed-in role")
class TodoEntry:
    kind: TodoKind
    id: strawberry.ID
    title: str = strawberry.field(
        description="标题(受限事项为占位文字) Its title; a restricted matter's is withheld"
    )
    context: str = strawberry.field(description="督办事项所属协商议题 An item's consultation")
    restricted: bool
    stage: str = strawberry.field(description="所处环节代码 Its stage's code (its status)")
    stage_label: str = strawberry.field(description="所处环节 Its stage, in Chinese")
    at: datetime | None = strawberry.field(description="进入该环节的时间 When it reached it")
    due_on: date | None = strawberry.field(description="办理期限 An item's due date")
    working_days_left: int | None = strawberry.field(
        description="剩余工作日(逾期为负) Working days left, negative when overdue"
    )
    weekdays_assumed: bool = strawberry.field(
        description="期限所在年份无官方日历,按周一至周五计 Mon–Fri assumed for the count"
    )
    reminder: TERMS[v.ReminderKind] | None = strawberry.field(
        description="最近一次督办提醒 The last deadline reminder's kind"
    )
    reminded_at: datetime | None = strawberry.field(description="提醒时间 When it was reminded")
    path: str = strawberry.field(
        description="网页中办理此事的页面 The web page where it is done, e.g. #/item/<id>"
    )

    @classmethod
    def of(cls, entry: reads.Entry) -> TodoEntry:
        return cls(
            kind=TodoKind(entry.kind),
            id=strawberry.ID(entry.id),
            title=entry.title,
            context=entry.context,
            restricted=entry.restricted,
            stage=entry.stage,
            stage_label=entry.stage_label,
            at=moment(entry.on),
            due_on=day(entry.due_on),
            working_days_left=entry.working_days_left,
            weekdays_assumed=entry.weekdays_assumed,
            reminder=term(v.ReminderKind, entry.reminder_kind),
            reminded_at=moment(entry.reminded_at),
            path=PAGES[entry.kind] + entry.id,
        )


@strawberry.type(description="一组待办 A group of the to-do list")
class TodoGroup:
    code: str = strawberry.field(
        description="to_verify 待核实、to_submit 待提交、to_arrange 待安排、to_report 待报送、"
        "to_supervise 待建立督办、to_assign 待交办、to_approve 待确定、to_follow_up 待跟进、"
        "to_report_progress 待填报、due_soon 即将到期、overdue 已逾期"
    )
    label: str
    english: str
    count: int
    entries: list[TodoEntry]


@strawberry.type(description="待办 What waits for the signed-in role")
class TodoList:
    count: int = strawberry.field(description="待办件数(同一件只计一次) Things waiting, once each")
    groups: list[TodoGroup]


async def todo(info: Info) -> TodoList:
    system = ctx(info).system
    found = await blocking(
        reads.todo_of,
        system.store,
        ctx(info).seen_by,
        system.settings.reminder_within_working_days,
    )
    return TodoList(
        count=found.count,
        groups=[
            TodoGroup(
                code=g.code,
                label=g.label,
                english=g.english,
                count=len(g.entries),
                entries=[TodoEntry.of(e) for e in g.entries],
            )
            for g in found.groups
        ],
    )
