"""GraphQL subscriptions: the log as CloudEvents (replayed from a cursor, then live), and the
dashboard's changed supervision items. Over graphql-transport-ws and graphql-ws."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from application.publishing.catalogue import CATALOGUE
from application.publishing.envelope import position_of
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import bad_input
from interfaces.edge.feed_query import feed_query
from interfaces.graphql.reads import SupervisionItemFilter
from interfaces.graphql.streams import signed_in, stream, views_reach
from interfaces.graphql.times import moment
from interfaces.graphql.types import SupervisionItem, ctx
from projections.outbound.feed import FeedQuery
from projections.outbound.live_items import changed_item

ITEM_TYPES = frozenset(t for t, p in CATALOGUE.items() if p.aggregate.__name__ == "SupervisionItem")
# Finds which items changed; what the caller sees of them is decided by the views.
CHANGES = Actor("dashboard", "驾驶舱", Role.LEADER)


@strawberry.type(
    description="日志中的一个事件(CloudEvents 1.0) An event of the log, as a CloudEvent"
)
class CloudEvent:
    cursor: str = strawberry.field(description="续传游标:断线后以此为 after 续订 Resume after this")
    specversion: str
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    sequence: str
    datacontenttype: str
    dataschema: str
    version: int = strawberry.field(description="对象版本 The record's version after the event")
    data: JSON = strawberry.field(description="事件数据 The event's public fields")
    envelope: JSON = strawberry.field(description="完整的 CloudEvent(与 /events 相同) As JSON")

    @classmethod
    def of(cls, event: dict[str, Any]) -> CloudEvent:
        return cls(
            cursor=event["sequence"],
            specversion=event["specversion"],
            id=event["id"],
            source=event["source"],
            type=event["type"],
            subject=event["subject"],
            time=moment(event["time"]),
            sequence=event["sequence"],
            datacontenttype=event["datacontenttype"],
            dataschema=event["dataschema"],
            version=event["yishitingversion"],
            data=event["data"],
            envelope=event,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="事件流:先重放游标之后的事件,再实时推送 Events after the cursor, then live"
    )
    async def events(
        self,
        info: Info,
        after: str | None = None,
        types: list[str] | None = None,
        subjects: list[strawberry.ID] | None = None,
        from_now: Annotated[
            bool,
            strawberry.argument(
                description="只推送此后的新事件(不重放,无需先读 viewer.liveCursor) Only "
                "events appended from now on: nothing replayed. Not with `after`"
            ),
        ] = False,
    ) -> AsyncGenerator[CloudEvent, None]:
        context = ctx(info)
        signed_in(context.actor)
        query = feed_query(after, types, [str(s) for s in subjects or []])
        if from_now:
            query = await _from_now(context.system, query, after)
        async for event in stream(context.system, context.actor, query, context.refusal):
            yield CloudEvent.of(event)

    @strawberry.subscription(
        description="督办事项变化(驾驶舱实时) Supervision items as they change"
    )
    async def supervision_item_changed(
        self, info: Info, filter: SupervisionItemFilter | None = None
    ) -> AsyncGenerator[SupervisionItem, None]:
        context = ctx(info)
        signed_in(context.actor)
        where = (filter or SupervisionItemFilter()).to_query()
        system = context.system
        now = await blocking(system.app.position)
        changes = FeedQuery(after=now, types=ITEM_TYPES)
        async for event in stream(system, CHANGES, changes, context.refusal):
            await views_reach(system, position_of(event["sequence"]))
            if system.app.log_signal.closed:
                return
            where.calendar = system.app.working_calendar()  # a schedule entered meanwhile
            row = await blocking(
                changed_item, system.store, event["subject"], where, context.seen_by
            )
            if row is not None:
                context.renew_loaders()
                yield SupervisionItem.from_row(row)


async def _from_now(system: Any, query: FeedQuery, after: str | None) -> FeedQuery:
    if after is not None:
        raise bad_input(
            "不能同时指定 after 与 fromNow",
            "give either `after` or `fromNow`, not both",
            reason="CURSOR_AND_FROM_NOW",
            field="fromNow",
        )
    return dataclasses.replace(query, after=await blocking(system.app.position))
