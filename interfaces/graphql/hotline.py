"""Common issues among 12345 orders in GraphQL: the orders still proposed on a platform grouped
by the hotline's category and street, and one topic drafted from many of them."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import parse_id
from interfaces.graphql.mutations.base import CommandInput, TopicPayload, execute, payload
from interfaces.graphql.terms import ENUMS, domain_value
from interfaces.graphql.types import Topic, ctx
from projections.reads.hotline import hotline_groups


@strawberry.type(description="共性问题 12345 orders of one category in one street, still proposed")
class HotlineGroup:
    category: str = strawberry.field(description="诉求分类 The hotline's category")
    street: str = strawberry.field(description="所属街乡 Street or town")
    count: int
    tickets: list[str] = strawberry.field(description="工单编号 Ticket numbers")
    topic_ids: strawberry.Private[list[str]]

    @strawberry.field(description="各工单对应的协商事项 The orders' matters")
    async def topics(self, info: Info) -> list[Topic]:
        loaders = ctx(info).loaders
        rows = await asyncio.gather(*(loaders.row("topic_board", t) for t in self.topic_ids))
        return [Topic.from_row(row) for row in rows if row]


@strawberry.input
class DraftTopicFromOrdersInput(CommandInput):
    topic_ids: list[strawberry.ID] = strawberry.field(description="待合并的工单事项 (至少2件)")
    title: str = strawberry.field(description="共性议题标题")
    content: str = strawberry.field(description="共性问题说明")
    category: ENUMS[v.Category] | None = strawberry.field(
        default=None, description="事项类别 (默认:各工单相同则沿用,否则基层治理难事)"
    )


@strawberry.type
class HotlineQueries:
    @strawberry.field(description="12345工单共性问题分组 Common issues among proposed orders")
    async def hotline_groups(self, info: Info, platform_id: strawberry.ID) -> list[HotlineGroup]:
        platform = str(parse_id(platform_id, "platformId"))
        groups = await blocking(hotline_groups, ctx(info).system.store, platform, ctx(info).seen_by)
        return [
            HotlineGroup(
                category=g.category,
                street=g.street,
                count=g.count,
                tickets=g.tickets,
                topic_ids=g.topic_ids,
            )
            for g in groups
        ]


@strawberry.type
class HotlineMutations:
    @strawberry.mutation(
        description="由多件12345工单拟定共性议题 Draft one topic from many orders; each order "
        "is recorded as merged into it (已并入共性议题)"
    )
    async def draft_topic_from_orders(
        self, info: Info, input: DraftTopicFromOrdersInput
    ) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.draft_topic_from_orders(
                c,
                topic_ids=[parse_id(t, "topicIds") for t in input.topic_ids],
                title=input.title,
                content=input.content,
                category=domain_value(v.Category, input.category),
            ),
        )
        return payload(TopicPayload, outcome)
