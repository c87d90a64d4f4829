"""Webhook subscribers through GraphQL (administrators only): register, unregister, resume a
parked one, and read each one's state and delivery log."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.types import Info

from application.publishing.envelope import InvalidEventCursor, position_of, sequence
from application.webhooks import new_secret
from domain.vocabulary import Role
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import UserError, from_domain, parse_id
from interfaces.graphql.mutations.base import Changed, CommandInput, execute
from interfaces.graphql.times import moment, moment_of_epoch
from interfaces.graphql.types import ctx
from projections.store import Row


def _admin(info: Info) -> None:
    actor = ctx(info).actor
    if actor.role is not Role.ADMIN:
        raise UserError(
            f"“{actor.role.label}”无权管理事件推送 (only administrators manage webhooks)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )


@strawberry.type(description="一次推送尝试 One delivery attempt")
class WebhookDelivery:
    event_id: str
    sequence: str
    event_type: str
    attempt: int
    outcome: str = strawberry.field(description="delivered / failed / gone")
    http_status: int | None
    error: str
    attempted_at: datetime
    duration_ms: float

    @classmethod
    def from_row(cls, row: Row) -> WebhookDelivery:
        fields = {k: row[k] for k in cls.__annotations__}
        return cls(**{**fields, "attempted_at": moment(row["attempted_at"])})


@strawberry.type(description="事件推送订阅 A webhook subscriber")
class Webhook:
    id: strawberry.ID
    url: str
    event_types: list[str] = strawberry.field(description="订阅的事件类型(空为全部)")
    description: str
    active: bool
    parked: bool = strawberry.field(description="连续失败过多而暂停 Parked after failures")
    delivered_up_to: str | None = strawberry.field(description="已送达的游标 Cursor delivered")
    failures: int
    next_attempt_at: datetime | None
    last_error: str
    registered_at: datetime
    registered_by: str
    unregistered_at: datetime | None
    unregister_reason: str
    version: int

    @strawberry.field(description="推送记录(最新在前) Delivery log, newest first")
    async def deliveries(self, info: Info, first: int = 50) -> list[WebhookDelivery]:
        state = ctx(info).system.integration.deliveries
        rows = await blocking(state.deliveries, str(self.id), max(1, min(first, 500)))
        return [WebhookDelivery.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: Row) -> Webhook:
        return cls(
            id=strawberry.ID(row["id"]),
            url=row["url"],
            event_types=json.loads(row["event_types"]),
            description=row["description"],
            active=bool(row["active"]),
            parked=bool(row["parked"]),
            delivered_up_to=sequence(row["position"]) if row["position"] is not None else None,
            failures=row["failures"] or 0,
            next_attempt_at=moment_of_epoch(row["next_attempt_at"] or None),
            last_error=row["last_error"] or "",
            registered_at=moment(row["registered_at"]),
            registered_by=row["registered_by"],
            unregistered_at=moment(row["unregistered_at"]),
            unregister_reason=row["unregister_reason"],
            version=row["version"],
        )


@strawberry.input
class RegisterWebhookInput(CommandInput):
    url: str
    event_types: list[str] = strawberry.field(default_factory=list)
    secret: str | None = strawberry.field(
        default=None, description="签名密钥(≥16字符);不填则生成并仅返回一次 Generated if absent"
    )
    description: str = ""
    after: str | None = strawberry.field(
        default=None, description="从此游标之后开始推送;默认自登记之后 Start after this cursor"
    )


@strawberry.input
class UnregisterWebhookInput(CommandInput):
    webhook_id: strawberry.ID
    reason: str


@strawberry.type
class WebhookPayload(Changed):
    secret: str | None = strawberry.field(description="签名密钥,仅登记时返回 Only on registering")

    @strawberry.field
    async def webhook(self, info: Info) -> Webhook | None:
        await ctx(info).views_show_own_writes()
        row = await blocking(ctx(info).system.integration.deliveries.subscriber, str(self.id))
        return Webhook.from_row(row) if row else None


def _start(after: str | None) -> int | None:
    try:
        return position_of(after) if after else None
    except InvalidEventCursor as error:
        raise from_domain(error) from None


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="登记事件推送 Register a webhook receiver")
    async def register_webhook(self, info: Info, input: RegisterWebhookInput) -> WebhookPayload:
        _admin(info)
        app, secret = ctx(info).system.app, input.secret or new_secret()
        outcome = await execute(
            info,
            input,
            lambda c: app.register_webhook(
                c,
                url=input.url,
                event_types=input.event_types,
                secret=secret,
                description=input.description,
                start_after=_start(input.after),
            ),
        )
        return WebhookPayload(
            id=strawberry.ID(str(outcome.id)),
            version=outcome.version,
            position=outcome.position,
            secret=None if outcome.replayed else secret,
        )

    @strawberry.mutation(description="退订事件推送 Unregister a webhook receiver")
    async def unregister_webhook(self, info: Info, input: UnregisterWebhookInput) -> WebhookPayload:
        _admin(info)
        app, webhook_id = ctx(info).system.app, parse_id(input.webhook_id, "webhookId")
        outcome = await execute(
            info, input, lambda c: app.retire_webhook(c, webhook_id, reason=input.reason)
        )
        return WebhookPayload(
            id=strawberry.ID(str(outcome.id)),
            version=outcome.version,
            position=outcome.position,
            secret=None,
        )

    @strawberry.mutation(description="恢复已暂停的推送 Resume a parked webhook")
    async def resume_webhook(self, info: Info, webhook_id: strawberry.ID) -> Webhook | None:
        _admin(info)
        state = ctx(info).system.integration.deliveries
        identifier = str(parse_id(webhook_id, "webhookId"))
        await blocking(state.resume, identifier)
        ctx(info).system.app.log_signal.interrupt()
        row = await blocking(state.subscriber, identifier)
        return Webhook.from_row(row) if row else None


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="事件推送订阅(管理员) Webhook subscribers, administrators only")
    async def webhooks(self, info: Info, active_only: bool = False) -> list[Webhook]:
        _admin(info)
        state = ctx(info).system.integration.deliveries
        rows = await blocking(state.subscribers, active_only=active_only)
        return [Webhook.from_row(r) for r in rows]

    @strawberry.field(description="一个事件推送订阅 One webhook subscriber")
    async def webhook(self, info: Info, id: strawberry.ID) -> Webhook | None:
        _admin(info)
        state = ctx(info).system.integration.deliveries
        row = await blocking(state.subscriber, str(parse_id(id)))
        return Webhook.from_row(row) if row else None
