"""Accountability over GraphQL: history of a record, the audit trail, time travel (asOf),
a topic's decision timeline — each within what the caller may see."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from application.fences.eventsourcing_internals import record_state
from application.permissions import RECORDS_IN_VIEWS, reads_record_kind
from application.publishing.catalogue import NAMED, UnknownEventType, published
from application.webhooks import WebhookSecret
from domain import vocabulary as v
from domain.hotline import HotlineOrder
from domain.people import Participant, Proposer
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import from_cursor, from_domain, parse_id
from interfaces.edge.moments import moment
from interfaces.graphql.reads import Connection, _connection, _first, filter_text
from interfaces.graphql.terms import ENUMS, TERMS, code_of, term
from interfaces.graphql.times import moment as moment_of_view
from interfaces.graphql.types import ctx
from projections.reads.audit import AuditFilter as Where
from projections.reads.audit import AuditQueries
from projections.reads.queries import InvalidCursor
from projections.reads.restriction import restricted_state
from projections.store import Row

OWNER_TABLES = {
    "Topic": "topic_board",
    "Consultation": "consultation_calendar",
    "SupervisionItem": "supervision_ledger",
}


@strawberry.type(description="审计记录:谁、以何身份、何时、为何做了什么 Who did what, when, why")
class AuditEvent:
    position: int
    event_id: strawberry.ID
    aggregate_id: strawberry.ID
    aggregate_type: str
    event_type: str
    version: int
    occurred_at: datetime
    actor_id: str
    actor_name: str
    actor_role: TERMS[v.Role] | None
    reason: str
    exclusion_ground: TERMS[v.ExclusionGround] | None
    summary: str = strawberry.field(description="中文摘要 readable summary")
    record_title: str | None = strawberry.field(
        default=None,
        description="记录的标题或名称(受限事项为占位文字;无名称时为空)"
        " The record's title or name as the caller may read it",
    )

    @classmethod
    def from_row(cls, row: Row) -> AuditEvent:
        return cls(
            position=row["position"],
            event_id=strawberry.ID(row["id"]),
            aggregate_id=strawberry.ID(row["aggregate_id"]),
            aggregate_type=row["aggregate_type"],
            event_type=row["event_type"],
            version=row["version"],
            occurred_at=moment_of_view(row["occurred_at"]),
            actor_id=row["actor_id"],
            actor_name=row["actor_name"],
            actor_role=term(v.Role, row["actor_role"]) if row["actor_role"] else None,
            reason=row["reason"],
            exclusion_ground=term(v.ExclusionGround, row["ground"]),
            summary=row["summary"],
            record_title=row.get("record_title"),
        )


@strawberry.enum(description="审计轨迹的顺序 The audit trail's order")
class AuditOrder(Enum):
    NEWEST_FIRST = "newest_first"
    OLDEST_FIRST = "oldest_first"


@strawberry.type(description="审计轨迹中出现的操作人 Someone who appears in the audit trail")
class AuditActor:
    id: str = strawberry.field(description="操作人编号(筛选用) the id the filter takes")
    name: str = strawberry.field(description="姓名(最近一次操作时) the name of their latest step")
    role: TERMS[v.Role] | None


@strawberry.type(description="决策时间线的一步 A step of a topic's decision timeline")
class TimelineStep:
    event: AuditEvent
    days_since_start: float = strawberry.field(description="距提出的天数 days since proposal")
    days_since_previous: float = strawberry.field(description="距上一步的天数")


@strawberry.input(description="审计筛选 Audit trail filter")
class AuditFilter:
    actor_id: str | None = None
    actor_role: ENUMS[v.Role] | None = None
    event_types: list[str] | None = strawberry.field(
        default=None,
        description="事件类型:名称 (TopicExcluded) 或 CloudEvents 类型 "
        "(cn.gov.cppcc.yishiting.topic.excluded) 均可;未知类型报 UNKNOWN_EVENT_TYPE "
        "Event types, by name or CloudEvents type; an unknown one is refused",
    )
    aggregate_type: str | None = None
    platform_id: strawberry.ID | None = None
    committee_id: strawberry.ID | None = None
    ground: ENUMS[v.ExclusionGround] | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


@strawberry.type(
    description="某一时刻的记录状态(从日志重建) A record as it stood at a past instant"
)
class PastState:
    aggregate_id: strawberry.ID
    aggregate_type: str
    version: int
    at: datetime
    recorded_at: datetime = strawberry.field(
        description="该版本的记录时间 when that version was recorded"
    )
    state: JSON
    decisions: list[AuditEvent] = strawberry.field(description="当时已有的决定 decisions then")


async def history(
    info: Info,
    aggregate_id: strawberry.ID,
    first: int = 50,
    after: str | None = None,
    order: AuditOrder = AuditOrder.OLDEST_FIRST,
) -> Connection[AuditEvent]:
    """Within the same reach as the trail and asOf: the system's own records (webhooks, ticket
    links) for administrators, scoped records within scope; else as empty as a missing id."""
    where = Where(aggregate_id=str(parse_id(aggregate_id, "aggregateId")))
    return await _trail(info, where, first, after, newest_first=order is AuditOrder.NEWEST_FIRST)


async def audit_trail(
    info: Info,
    filter: AuditFilter | None = None,
    first: int = 50,
    after: str | None = None,
    order: AuditOrder = AuditOrder.NEWEST_FIRST,
) -> Connection[AuditEvent]:
    f = filter or AuditFilter()
    where = Where(
        actor_id=filter_text(f.actor_id, "filter.actorId", "操作人"),
        actor_role=code_of(f.actor_role),
        event_types=_event_names(f.event_types),
        aggregate_type=filter_text(f.aggregate_type, "filter.aggregateType", "记录类型"),
        platform_id=str(parse_id(f.platform_id, "platformId")) if f.platform_id else None,
        committee_id=str(parse_id(f.committee_id, "committeeId")) if f.committee_id else None,
        ground=code_of(f.ground),
        occurred_from=_instant(f.occurred_from),
        occurred_to=_instant(f.occurred_to),
    )
    return await _trail(info, where, first, after, newest_first=order is AuditOrder.NEWEST_FIRST)


async def audit_actors(info: Info) -> list[AuditActor]:
    rows = await blocking(AuditQueries(ctx(info).system.store).actors, ctx(info).seen_by)
    return [
        AuditActor(
            id=r["actor_id"],
            name=r["actor_name"],
            role=term(v.Role, r["actor_role"]) if r["actor_role"] else None,
        )
        for r in rows
    ]


def _event_names(given: list[str] | None) -> list[str] | None:
    """The events asked for, in either spelling the API publishes (`TopicExcluded` or
    `cn.gov.cppcc.yishiting.topic.excluded`); an unknown one is refused, not answered with an
    empty trail that looks like "nothing happened"."""
    if given is None:
        return None
    texts = [filter_text(t, "filter.eventTypes", "事件类型") or "" for t in given]
    named = [t for t in texts if t in NAMED]  # the accounts' events too, which are not published
    try:
        return named + [p.name for p in published(t for t in texts if t not in NAMED)]
    except UnknownEventType as error:
        raise from_domain(error) from None


async def _trail(
    info: Info, where: Where, first: int, after: str | None, *, newest_first: bool = False
) -> Connection:
    queries = AuditQueries(ctx(info).system.store)
    try:
        page = await blocking(
            queries.trail, where, _first(first), after, ctx(info).seen_by, newest_first
        )
    except InvalidCursor as error:
        raise from_cursor(error) from None
    return _connection(page, AuditEvent.from_row, after)


async def decision_timeline(info: Info, topic_id: strawberry.ID) -> list[TimelineStep]:
    identifier = str(parse_id(topic_id, "topicId"))
    if not await _visible(info, "Topic", identifier):
        return []  # a unit sees its item's events, but not the timeline of a topic it cannot read
    queries = AuditQueries(ctx(info).system.store)
    rows = await blocking(queries.timeline, identifier, ctx(info).seen_by)
    return [
        TimelineStep(
            event=AuditEvent.from_row(r),
            days_since_start=r["days_since_start"],
            days_since_previous=r["days_since_previous"],
        )
        for r in rows
    ]


async def as_of(info: Info, aggregate_id: strawberry.ID, at: datetime) -> PastState | None:
    """Rebuilt from the events (application.history), within the caller's reach: a record out
    of reach answers exactly as one that does not exist (null); secrets are never returned."""
    identifier = parse_id(aggregate_id, "aggregateId")
    instant = moment(at)
    past = await blocking(ctx(info).system.app.state_as_of, identifier, instant)
    if past is None:
        return None
    kind = type(past.record).__name__
    if not reads_record_kind(ctx(info).actor, kind):
        return None
    row = await _row(info, kind, str(identifier))
    if kind in RECORDS_IN_VIEWS and row is None:
        return None
    clear = ctx(info).sees_personal_data(getattr(past.record, "platform_id", None))
    state = plain(_fields(past.record), clear)
    if row is not None and row.get("restricted"):
        state = restricted_state(state)
    decisions = await blocking(_decision_rows, info, str(identifier), past.version)
    return PastState(
        aggregate_id=strawberry.ID(str(identifier)),
        aggregate_type=kind,
        version=past.version,
        at=instant,
        recorded_at=past.recorded_at,
        state=state,
        decisions=decisions,
    )


def _decision_rows(info: Info, aggregate_id: str, version: int) -> list[AuditEvent]:
    from application.publishing.catalogue import DECISIONS

    page = AuditQueries(ctx(info).system.store).trail(
        Where(aggregate_id=aggregate_id, event_types=sorted(DECISIONS)),
        500,
        None,
        ctx(info).seen_by,
    )
    return [AuditEvent.from_row(r) for r in page.rows if r["version"] <= version]


async def _row(info: Info, kind: str, identifier: str) -> Row | None:
    """The record's row in the views as the caller may read it (None: out of reach)."""
    table = OWNER_TABLES.get(kind)
    if table is None:
        return None
    row: Row | None = await ctx(info).loaders.row(table, identifier)
    return row


async def reads_whole_record(info: Info, kind: str, identifier: str) -> bool:
    """Whether the caller may read this record's stored events as they are, nothing withheld
    (a ledger proof carries an event's stored state): within reach, and not restricted."""
    if not reads_record_kind(ctx(info).actor, kind):
        return False
    if kind not in OWNER_TABLES:
        return True
    row = await _row(info, kind, identifier)
    return row is not None and not row.get("restricted")


async def _visible(info: Info, kind: str, identifier: str) -> bool:
    return kind not in OWNER_TABLES or await _row(info, kind, identifier) is not None


def plain(value: Any, clear: bool) -> Any:
    """A record's state as JSON, personal data withheld from roles not cleared for it."""
    if isinstance(value, WebhookSecret):
        return None  # wherever it sits: a secret is never part of a state a read returns
    if isinstance(value, Proposer | Participant) and not clear:
        return {"subjectId": None, "name": None, "personalData": "withheld"}
    if isinstance(value, HotlineOrder) and not clear:
        # The work order's address may be a caller's home: sealed as personal data.
        hidden = dataclasses.replace(value, address="", subject_id="")
        return {
            **plain(hidden, True),  # nothing personal is left in it
            "address": None,
            "subject_id": None,
            "personalData": "withheld",
        }
    if isinstance(value, v.Vocabulary):
        return {"code": value.code, "label": value.label, "english": value.english}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID | datetime | date):
        return str(value) if isinstance(value, UUID) else value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), clear) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k).lstrip("_"): plain(item, clear) for k, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item, clear) for item in value]
    return value


def _fields(record: object) -> dict[str, Any]:
    """The record's own state, without the library's bookkeeping and without any secret (a
    webhook's signing secret is sealed in the log and shown once, at registration)."""
    return {k: val for k, val in record_state(record).items() if "secret" not in k.lower()}


def _instant(value: datetime | None) -> str | None:
    """As the views store times: UTC, microseconds, so that text order is time order."""
    return moment(value).astimezone(UTC).isoformat(timespec="microseconds") if value else None
