"""The accountability part of the schema: audit queries and the ledger."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from interfaces.graphql import audit
from interfaces.graphql import ledger as ledger_fields
from interfaces.graphql.audit import (
    AuditActor,
    AuditEvent,
    AuditFilter,
    AuditOrder,
    PastState,
    TimelineStep,
)
from interfaces.graphql.ledger import Checkpoint, Ledger
from interfaces.graphql.reads import Connection


@strawberry.type
class AccountabilityQueries:
    @strawberry.field(description="一条记录的全部事件及其决定人、理由 One record's full history")
    async def history(
        self,
        info: Info,
        aggregate_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
        order: AuditOrder = AuditOrder.OLDEST_FIRST,
    ) -> Connection[AuditEvent]:
        return await audit.history(info, aggregate_id, first, after, order)

    @strawberry.field(
        description="审计轨迹:按人、角色、类型、平台、理由、时间筛选,默认最新在前"
        " The audit trail, newest first unless `order` says otherwise"
    )
    async def audit_trail(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int = 50,
        after: str | None = None,
        order: AuditOrder = AuditOrder.NEWEST_FIRST,
    ) -> Connection[AuditEvent]:
        return await audit.audit_trail(info, filter, first, after, order)

    @strawberry.field(
        description="审计轨迹中出现的操作人(按姓名筛选用) Who appears in the trail the caller reads"
    )
    async def audit_actors(self, info: Info) -> list[AuditActor]:
        return await audit.audit_actors(info)

    @strawberry.field(description="某一时刻的记录状态,从日志重建 A record as it was at `at`")
    async def as_of(
        self, info: Info, aggregate_id: strawberry.ID, at: datetime
    ) -> PastState | None:
        return await audit.as_of(info, aggregate_id, at)

    @strawberry.field(description="议题的决策时间线 A topic's decision timeline, with durations")
    async def decision_timeline(self, info: Info, topic_id: strawberry.ID) -> list[TimelineStep]:
        return await audit.decision_timeline(info, topic_id)

    @strawberry.field(description="防篡改账本(纪检监察) The tamper-evident ledger")
    def ledger(self, info: Info) -> Ledger:
        return ledger_fields.ledger(info)


@strawberry.type
class AccountabilityMutations:
    @strawberry.mutation(description="签发账本检查点 Sign a ledger checkpoint now")
    async def issue_checkpoint(self, info: Info) -> Checkpoint:
        return await ledger_fields.issue_checkpoint(info)
