"""What every mutation shares: the command envelope, error translation, read-your-writes."""

from __future__ import annotations

import logging
from collections.abc import Callable

import strawberry
from strawberry.types import Info

from application.permissions import OutOfReach, reads_back
from application.receipts import Command, Outcome
from application.storage import STORAGE_UNAVAILABLE
from domain.errors import DomainError
from interfaces.edge.blocking import blocking
from interfaces.edge.consistency import views_reach_the_command
from interfaces.edge.errors import ServiceUnavailable, from_domain, write_allowed
from interfaces.edge.observability import correlation, outcome_of
from interfaces.graphql.types import (
    Consultation,
    Platform,
    SupervisionItem,
    Topic,
    ctx,
)
from projections.store import Row

log = logging.getLogger("yishiting.graphql")


@strawberry.input
class CommandInput:
    command_id: str | None = strawberry.field(
        default=None, description="客户端指令编号:重发同一编号只执行一次 Idempotency key"
    )
    expected_version: int | None = strawberry.field(
        default=None, description="期望的当前版本,不符则冲突 Expected current version"
    )
    read_your_writes: bool = strawberry.field(
        default=True,
        description="true(默认):视图显示本指令的事件后才回答,之后的查询即可读到。"
        "false:日志记下即回答,不等视图(更快);回答的 position 即一致性令牌,"
        "之后的请求在 X-Read-After 请求头中带上它,便先等视图赶上再读。"
        " true (default): answer once the views show this command's events, so the next"
        " query reads them. false: answer as soon as the log holds them, without waiting for"
        " the views (faster); the answer's `position` is then a consistency token: a later"
        " request carrying it in the X-Read-After header waits for the views to reach it"
        " before it reads. Either way the payload's record (`topic`, `item` …) is read once"
        " the views show the command.",
    )


async def execute(
    info: Info, given: CommandInput, use_case: Callable[[Command], Outcome]
) -> Outcome:
    """Runs the use case for the caller, then waits until the views show its events, unless
    the caller asked for the answer without that wait (`readYourWrites: false`)."""
    write_allowed(ctx(info).limiter, ctx(info).actor.id)
    command = Command(
        ctx(info).actor,
        command_id=given.command_id,
        expected_version=given.expected_version,
        correlation_id=correlation.get() or None,
    )
    system, metrics = ctx(info).system, ctx(info).metrics
    try:
        outcome = await blocking(use_case, command)
    except DomainError as error:
        if isinstance(error, OutOfReach):
            # The caller hears one answer; the log keeps which it was.
            log.info("%s refused as not found: %s", info.field_name, error.cause)
        if metrics:
            metrics.command(info.field_name, outcome_of(error.kind))
        raise from_domain(error) from None
    except STORAGE_UNAVAILABLE as error:
        log.warning("%s: storage unavailable: %s", info.field_name, error)
        if metrics:
            metrics.command(info.field_name, "unavailable")
        raise ServiceUnavailable() from None
    if metrics:
        metrics.command(info.field_name, "ok", outcome.events)
    if not given.read_your_writes:
        # Its position is the caller's token (X-Read-After), and what the payload's record
        # waits for, should the caller select it.
        return ctx(info).answered_before_the_views(outcome)
    try:
        await views_reach_the_command(system, outcome.position)
    except STORAGE_UNAVAILABLE as error:
        # The command is in the log: acknowledge it; the views show it once storage is back.
        log.warning("%s: recorded, views not reached: %s", info.field_name, error)
    return outcome


@strawberry.type(description="变更结果 What a mutation changed")
class Changed:
    id: strawberry.ID
    version: int
    position: int | None = strawberry.field(
        description="事件在日志中的位置,即一致性令牌:在之后请求的 X-Read-After 请求头中带上它,"
        "该请求先等视图显示到这里再读 Log position of the command's last event, and the"
        " consistency token: a later request carrying it in the X-Read-After header waits"
        " until the views show the log up to here before it reads"
    )


async def written(info: Info, table: str, identifier: str) -> Row | None:
    """The record the mutation wrote, as its writer reads it back (application/permissions.py
    `reads_back`): the integration role sees what it wrote though its views show it nothing."""
    context = ctx(info)
    await context.views_show_own_writes()
    seen_by = reads_back(context.actor)
    if seen_by == context.seen_by:
        return await context.loaders.row(table, identifier)
    rows = await blocking(context.system.queries.by_ids, table, [identifier], seen_by)
    return rows.get(identifier)


@strawberry.type
class TopicPayload(Changed):
    @strawberry.field
    async def topic(self, info: Info) -> Topic | None:
        row = await written(info, "topic_board", str(self.id))
        return Topic.from_row(row) if row else None


@strawberry.type
class ConsultationPayload(Changed):
    @strawberry.field
    async def consultation(self, info: Info) -> Consultation | None:
        row = await written(info, "consultation_calendar", str(self.id))
        return Consultation.from_row(row) if row else None


@strawberry.type
class SupervisionItemPayload(Changed):
    @strawberry.field
    async def item(self, info: Info) -> SupervisionItem | None:
        row = await written(info, "supervision_ledger", str(self.id))
        return SupervisionItem.from_row(row) if row else None


@strawberry.type
class ReferencePayload(Changed):
    @strawberry.field
    async def platform(self, info: Info) -> Platform | None:
        row = await written(info, "ref_platforms", str(self.id))
        return Platform.from_row(row) if row else None


def payload(cls: type[Changed], outcome: Outcome) -> Changed:
    return cls(
        id=strawberry.ID(str(outcome.id)), version=outcome.version, position=outcome.position
    )
