"""Queries: Relay connections over the views with typed filters, single objects, reference
data, the dashboard and the vocabularies."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any, Generic, TypeVar

import strawberry
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from strawberry.types import Info

from application.calendar import district_today
from application.permissions import OutOfReach
from domain import vocabulary as v
from domain.base import clean_text
from domain.errors import InvalidText
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import bad_input, from_cursor, from_domain, parse_id
from interfaces.fences.strawberry_internals import graphql_core_info
from interfaces.graphql.deadlines import working_days
from interfaces.graphql.terms import ENUMS, code_of
from interfaces.graphql.types import (
    REFERENCE_FIELDS,
    Committee,
    Consultation,
    Person,
    Platform,
    SupervisionItem,
    Topic,
    Unit,
    ctx,
)
from projections.reads import queries as q
from projections.store import Row

T = TypeVar("T")
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="当前页的节点 The nodes of this page")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def _connection(page: q.Page, make: object, after: str | None) -> Connection:
    edges = [Edge(node=make(row), cursor=c) for row, c in zip(page.rows, page.cursors, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=after is not None,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.end_cursor,
    )
    return Connection(edges=edges, page_info=info, total_count=page.total)


def _first(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise bad_input(
            f"每页条数须在1到{MAX_PAGE}之间",
            f"'first' must be 1..{MAX_PAGE}",
            reason="PAGE_SIZE",
            field="first",
        )
    return first


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _id(value: strawberry.ID | None, field: str) -> str | None:
    return str(parse_id(value, field)) if value else None


def filter_text(
    value: str | None, field: str = "filter.text", label: str = "搜索内容"
) -> str | None:
    """A filter's text under the records' own text rule (a NUL cannot even be sent to
    PostgreSQL): refused as INVALID_TEXT, naming the field."""
    try:
        return clean_text(value, field, label) if value else value
    except InvalidText as refusal:
        raise from_domain(refusal) from None


@strawberry.input(description="事项筛选 Topic filter")
class TopicFilter:
    status: ENUMS[v.TopicStatus] | None = None
    platform_id: strawberry.ID | None = None
    committee_id: strawberry.ID | None = None
    category: ENUMS[v.Category] | None = None
    channel: ENUMS[v.Channel] | None = None
    ground: ENUMS[v.ExclusionGround] | None = None
    text: str | None = strawberry.field(default=None, description="标题、内容或工单号包含")
    proposed_from: date | None = None
    proposed_to: date | None = strawberry.field(default=None, description="不含当日 exclusive")

    def to_query(self) -> q.TopicFilter:
        return q.TopicFilter(
            status=code_of(self.status),
            platform_id=_id(self.platform_id, "platformId"),
            committee_id=_id(self.committee_id, "committeeId"),
            category=code_of(self.category),
            channel=code_of(self.channel),
            ground=code_of(self.ground),
            text=filter_text(self.text),
            proposed_from=_day(self.proposed_from),
            proposed_to=_day(self.proposed_to),
        )


@strawberry.input(description="协商筛选 Consultation filter")
class ConsultationFilter:
    status: ENUMS[v.ConsultationStatus] | None = None
    form: ENUMS[v.ConsultationForm] | None = None
    platform_id: strawberry.ID | None = None
    topic_id: strawberry.ID | None = None
    text: str | None = None
    starts_from: date | None = None
    starts_to: date | None = None

    def to_query(self) -> q.ConsultationFilter:
        return q.ConsultationFilter(
            status=code_of(self.status),
            form=code_of(self.form),
            platform_id=_id(self.platform_id, "platformId"),
            topic_id=_id(self.topic_id, "topicId"),
            text=filter_text(self.text),
            starts_from=_day(self.starts_from),
            starts_to=_day(self.starts_to),
        )


@strawberry.input(description="督办事项筛选 Supervision item filter")
class SupervisionItemFilter:
    status: ENUMS[v.ItemStatus] | None = None
    platform_id: strawberry.ID | None = None
    committee_id: strawberry.ID | None = None
    unit_id: strawberry.ID | None = None
    consultation_id: strawberry.ID | None = None
    overdue: bool | None = None
    text: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    due_within_working_days: int | None = strawberry.field(
        default=None,
        description="未办结且在今后N个工作日内到期(不含已逾期) Open, due within N working days",
    )

    def to_query(self) -> q.ItemFilter:
        return q.ItemFilter(
            status=code_of(self.status),
            platform_id=_id(self.platform_id, "platformId"),
            committee_id=_id(self.committee_id, "committeeId"),
            unit_id=_id(self.unit_id, "unitId"),
            consultation_id=_id(self.consultation_id, "consultationId"),
            overdue=self.overdue,
            text=filter_text(self.text),
            opened_from=_day(self.opened_from),
            opened_to=_day(self.opened_to),
            due_within_working_days=working_days(
                self.due_within_working_days, "dueWithinWorkingDays"
            ),
        )


def _reference_tables(info: Info) -> set[str]:
    """The reference tables that the field's selection names somewhere below it (aliases,
    fragments and all); naming one that ends up unresolved only costs a few rows' read."""
    raw = graphql_core_info(info)
    wanted: set[str] = set()
    spread: set[str] = set()
    pending = [node.selection_set for node in raw.field_nodes]
    while pending:
        selection_set = pending.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                table = REFERENCE_FIELDS.get(selection.name.value)
                if table is not None:
                    wanted.add(table)
                pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in spread and name in raw.fragments:
                    spread.add(name)
                    pending.append(raw.fragments[name].selection_set)
    return wanted


async def _page(
    info: Info, fetch: Any, where: object, first: int, after: str | None, make: object
) -> Connection:
    """A page, and in the same trip off the event loop the reference tables its nodes name
    (the operation's copy: see `_reference` in interfaces/graphql/types.py), from one snapshot."""
    context = ctx(info)
    loaders = context.loaders
    seen_by = context.seen_by
    size = _first(first)
    tables = sorted(_reference_tables(info) - loaders.references.keys())
    references = context.system.queries.references

    def read() -> tuple[q.Page, dict[str, dict[str, Row]]]:
        with context.system.queries.snapshot():
            page = fetch(where, size, after, seen_by)
            return page, references(tables, seen_by) if tables else {}

    try:
        page, loaded = await blocking(read)
    except q.InvalidCursor as error:
        raise from_cursor(error) from None
    loaders.references.update(loaded)
    return _connection(page, make, after)


async def _single(info: Info, table: str, identifier: strawberry.ID, make: object) -> object:
    """The object, or null with a NOT_FOUND error: the same for a missing id as for one
    outside the caller's scope."""
    row = await ctx(info).loaders.row(table, str(parse_id(identifier)))
    if not row:
        raise from_domain(OutOfReach())
    return make(row)


@strawberry.type
class ReadQueries:
    @strawberry.field(description="协商事项看板 The topic board")
    async def topics(
        self,
        info: Info,
        filter: TopicFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Topic]:
        where = (filter or TopicFilter()).to_query()
        return await _page(
            info, ctx(info).system.queries.topics, where, first, after, Topic.from_row
        )

    @strawberry.field(description="协商活动日程 The consultation calendar")
    async def consultations(
        self,
        info: Info,
        filter: ConsultationFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Consultation]:
        where = (filter or ConsultationFilter()).to_query()
        return await _page(
            info,
            ctx(info).system.queries.consultations,
            where,
            first,
            after,
            Consultation.from_row,
        )

    @strawberry.field(description="督办落实台账 The supervision ledger")
    async def supervision_items(
        self,
        info: Info,
        filter: SupervisionItemFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[SupervisionItem]:
        where = (filter or SupervisionItemFilter()).to_query()
        where.calendar = ctx(info).loaders.calendar()
        return await _page(
            info,
            ctx(info).system.queries.items,
            where,
            first,
            after,
            partial(SupervisionItem.from_row, today=district_today()),  # one day for the page
        )

    @strawberry.field
    async def topic(self, info: Info, id: strawberry.ID) -> Topic | None:
        return await _single(info, "topic_board", id, Topic.from_row)

    @strawberry.field
    async def consultation(self, info: Info, id: strawberry.ID) -> Consultation | None:
        return await _single(info, "consultation_calendar", id, Consultation.from_row)

    @strawberry.field
    async def supervision_item(self, info: Info, id: strawberry.ID) -> SupervisionItem | None:
        return await _single(info, "supervision_ledger", id, SupervisionItem.from_row)

    @strawberry.field(description="协商议事平台 Platforms")
    async def platforms(self, info: Info) -> list[Platform]:
        rows = await blocking(ctx(info).system.queries.reference, "ref_platforms")
        return [Platform.from_row(r) for r in rows]

    @strawberry.field(description="专委会 Special committees")
    async def committees(self, info: Info) -> list[Committee]:
        rows = await blocking(ctx(info).system.queries.reference, "ref_committees")
        return [Committee.from_row(r) for r in rows]

    @strawberry.field(description="交办单位 Units")
    async def units(self, info: Info) -> list[Unit]:
        rows = await blocking(ctx(info).system.queries.reference, "ref_units")
        return [Unit.from_row(r) for r in rows]

    @strawberry.field(description="人员 People")
    async def people(self, info: Info) -> list[Person]:
        rows = await blocking(ctx(info).system.queries.reference, "ref_people")
        return [Person.from_row(r) for r in rows]
