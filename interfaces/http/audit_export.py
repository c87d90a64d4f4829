"""GET /exports/audit.xlsx: the audit trail for the discipline office, under the filters of
the web page's 审计轨迹 — actor, role, event type, exclusion ground, a period of days in the
district (both included), order — for a bearer token or the browser's session cookie (a GET
changes nothing, so no CSRF token is asked). Whoever reads the trail reads its export, and the
same rows: scoped roles their scope, restricted matters' texts only for those cleared for them;
a role whose trail is empty (the integration role, the security roles) is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter, Request, Response

from application.calendar import DISTRICT_TIME, local_date
from application.permissions import Visibility, visibility
from application.publishing.catalogue import NAMED, UnknownEventType, published
from domain.base import clean_text, now
from domain.errors import DomainError
from domain.vocabulary import ExclusionGround, Role
from interfaces.edge.blocking import blocking
from interfaces.export.audit_sheet import (
    SHEET,
    TooManyRows,
    TrailSelection,
    trail_rows,
    trail_workbook,
)
from interfaces.http.callers import from_domain, refusal, signed_in, system_of
from interfaces.http.exports import XLSX
from interfaces.http.parameters import attachment, day_param, refuse_unknown
from projections.reads.audit import AuditFilter

router = APIRouter(prefix="/exports", tags=["exports 导出"])

PARAMETERS = ("actor_id", "role", "event_type", "ground", "period_from", "period_to", "order")
ORDERS = {"newest_first": True, "oldest_first": False}
MAX_ROWS = 100_000  # an xlsx sheet holds about a million; a trail beyond this is filtered first


@router.get("/audit.xlsx", summary="审计轨迹 (xlsx)")
async def audit_xlsx(request: Request) -> Response:
    actor = await signed_in(request)
    seen_by = visibility(actor)
    if seen_by == Visibility():
        raise refusal(
            403,
            f"“{actor.role.label}”无权查看审计轨迹 (role {actor.role.code} may not read the trail)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
    selection = trail_selection(dict(request.query_params))
    try:
        rows = await blocking(trail_rows, system_of(request).store, selection, seen_by, MAX_ROWS)
    except TooManyRows as many:
        raise refusal(
            400,
            f"共 {many.total} 条记录,超过 {MAX_ROWS} 条,请缩小筛选范围"
            f" ({many.total} rows, more than {MAX_ROWS}: narrow the filter)",
            "BAD_USER_INPUT",
            "TOO_MANY_ROWS",
        ) from None
    body = await blocking(trail_workbook, rows)
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition()})


def disposition() -> str:
    """审计轨迹-2026-03-02.xlsx."""
    day = local_date(now()).isoformat()
    return attachment(f"audit-trail-{day}.xlsx", f"{SHEET}-{day}.xlsx")


def trail_selection(params: dict[str, str]) -> TrailSelection:
    refuse_unknown(params, PARAMETERS)
    period_to = day_param(params, "period_to")
    where = AuditFilter(
        actor_id=_text(params.get("actor_id")),
        actor_role=_term(Role, params.get("role")),
        event_types=_event_type(params.get("event_type")),
        ground=_term(ExclusionGround, params.get("ground")),
        occurred_from=_start_of(day_param(params, "period_from")),
        occurred_to=_start_of(period_to + timedelta(days=1) if period_to else None),
    )
    return TrailSelection(where, newest_first=_order(params.get("order")))


def _start_of(day: date | None) -> str | None:
    """A district day's first instant, as the trail stores times (UTC, microseconds)."""
    if day is None:
        return None
    start = datetime.combine(day, time(), DISTRICT_TIME).astimezone(UTC)
    return start.isoformat(timespec="microseconds")


def _text(value: str | None) -> str | None:
    """The actor's id under the records' text rule (no control character, no NUL)."""
    if not value:
        return None
    try:
        return clean_text(value, "actor_id", "操作人").strip() or None
    except DomainError as error:
        raise from_domain(error) from None


def _term(vocabulary: type[Role] | type[ExclusionGround], value: str | None) -> str | None:
    if not value:
        return None
    try:
        return vocabulary.parse(value.lower()).code
    except DomainError as error:
        raise from_domain(error) from None


def _event_type(value: str | None) -> list[str] | None:
    """By name (TopicExcluded) or CloudEvents type, as the GraphQL filter takes it."""
    if not value:
        return None
    if value in NAMED:
        return [value]
    try:
        return [p.name for p in published([value])]
    except UnknownEventType as error:
        raise from_domain(error) from None


def _order(value: str | None) -> bool:
    if not value:
        return True
    try:
        return ORDERS[value.lower()]
    except KeyError:
        raise refusal(
            400,
            "order 只能是 newest_first 或 oldest_first"
            " ('order' must be newest_first or oldest_first)",
            "BAD_USER_INPUT",
            "INVALID_ORDER",
        ) from None
