"""The published event types as the catalogue names them, for the web page's labels and
filters (served, not copied into JavaScript)."""

from __future__ import annotations

import strawberry

from application.publishing.catalogue import CATALOGUE


@strawberry.type(description="一种事件 A published event type, from the event catalogue")
class EventType:
    type: str = strawberry.field(description="事件类型 The event's type, as eventType says it")
    name_zh: str = strawberry.field(description="中文名称 Its name in Chinese")
    aggregate_type: str = strawberry.field(description="所属记录 The kind of record it belongs to")
    is_decision: bool = strawberry.field(description="是否为决定(须说明理由) A decision")
    cloud_type: str = strawberry.field(description="CloudEvents 类型 Its CloudEvents type")


def all_event_types() -> list[EventType]:
    return [
        EventType(
            type=p.name,
            name_zh=p.name_zh,
            aggregate_type=p.aggregate.__name__,
            is_decision=p.decision,
            cloud_type=p.cloud_type,
        )
        for p in CATALOGUE.values()
    ]
