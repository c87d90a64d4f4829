"""The public transparency view for callers without a token: no personal data, ever."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import bad_input
from interfaces.graphql.dashboard import Count
from interfaces.graphql.terms import TERMS, term
from interfaces.graphql.times import moment
from interfaces.graphql.types import ctx
from projections.reads.public import load_public_overview
from projections.store import Row

MAX_PUBLIC = 50


@strawberry.type(description="已确定的协商议题(公开) An approved topic, as the public sees it")
class PublicTopic:
    id: strawberry.ID
    title: str
    category: TERMS[v.Category]
    platform_name: str
    approved_at: datetime | None
    consultations_count: int

    @classmethod
    def from_row(cls, row: Row) -> PublicTopic:
        return cls(
            id=strawberry.ID(row["id"]),
            title=row["drafted_title"],
            category=term(v.Category, row["category"]),
            platform_name=row["platform_name"],
            approved_at=moment(row["approved_at"]),
            consultations_count=row["consultations_count"],
        )


@strawberry.type(description="协商活动(公开) A consultation, as the public sees it")
class PublicConsultation:
    id: strawberry.ID
    form: TERMS[v.ConsultationForm]
    subject: str
    platform_name: str
    starts_at: datetime
    held_at: datetime | None
    status: TERMS[v.ConsultationStatus]
    report_kind: TERMS[v.ReportKind] | None
    suggestions_count: int

    @classmethod
    def from_row(cls, row: Row) -> PublicConsultation:
        return cls(
            id=strawberry.ID(row["id"]),
            form=term(v.ConsultationForm, row["form"]),
            subject=row["subject"],
            platform_name=row["platform_name"],
            starts_at=moment(row["starts_at"]),
            held_at=moment(row["held_at"]),
            status=term(v.ConsultationStatus, row["status"]),
            report_kind=term(v.ReportKind, row["report_kind"]),
            suggestions_count=row["suggestions_count"],
        )


@strawberry.type(description="公开信息 The public transparency view (开放性)")
class PublicOverview:
    approved_topics: list[PublicTopic]
    consultations: list[PublicConsultation]
    exclusions_by_ground: list[Count] = strawberry.field(
        description="不纳入协商的事项按理由计数 Excluded matters counted by ground"
    )
    items_resolved: int
    items_open: int


async def public_overview(info: Info, first: int = 20) -> PublicOverview:
    if not 1 <= first <= MAX_PUBLIC:
        raise bad_input(
            f"条数须在1到{MAX_PUBLIC}之间",
            f"'first' must be 1..{MAX_PUBLIC}",
            reason="PAGE_SIZE",
            field="first",
        )
    data = await blocking(load_public_overview, ctx(info).system.store, first)
    return PublicOverview(
        approved_topics=[PublicTopic.from_row(r) for r in data.approved_topics],
        consultations=[PublicConsultation.from_row(r) for r in data.consultations],
        exclusions_by_ground=[
            Count(key=k, label=v.ExclusionGround.parse(k).label, count=n)
            for k, n in data.exclusions_by_ground.items()
        ],
        items_resolved=data.items_resolved,
        items_open=data.items_open,
    )
