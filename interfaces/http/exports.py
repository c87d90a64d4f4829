"""GET /exports/supervision.xlsx and /exports/supervision.csv: the problem list as the seed's
form 督办落实情况, for the rows the caller may read, filtered by platform, committee, unit,
period (days in the district, both included), status, overdue and text — the filters of the
web page's 督办台账 — for a bearer token or the browser's session cookie (a GET changes nothing,
so no CSRF token is asked)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from fastapi import APIRouter, Request, Response

from application.permissions import visibility
from domain.base import clean_text
from domain.errors import DomainError
from domain.vocabulary import ItemStatus
from interfaces.edge.blocking import blocking
from interfaces.export.csv_file import csv_bytes
from interfaces.export.form import SHEET, SupervisionForm
from interfaces.export.supervision_form import FormFilter, supervision_form
from interfaces.export.xlsx import workbook_bytes
from interfaces.http.callers import from_domain, reader, refusal, system_of
from interfaces.http.parameters import attachment, day_param, refuse_unknown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

router = APIRouter(prefix="/exports", tags=["exports 导出"])


@router.get("/supervision.xlsx", summary="督办落实情况 (xlsx, print-ready)")
async def supervision_xlsx(request: Request) -> Response:
    return await _export(request, workbook_bytes, XLSX, "xlsx")


@router.get("/supervision.csv", summary="督办落实情况 (CSV, UTF-8 with BOM)")
async def supervision_csv(request: Request) -> Response:
    return await _export(request, csv_bytes, CSV, "csv")


async def _export(
    request: Request, render: Callable[[SupervisionForm], bytes], media_type: str, suffix: str
) -> Response:
    actor = await reader(request)
    where = form_filter(dict(request.query_params))
    department = request.query_params.get("department")
    form = await blocking(
        supervision_form, system_of(request), where, visibility(actor), department
    )
    body = await blocking(render, form)
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": disposition(form, suffix)}
    )


def disposition(form: SupervisionForm, suffix: str) -> str:
    """督办落实情况-2026-03-02.xlsx."""
    day = form.filled_on.isoformat()
    return attachment(f"supervision-{day}.{suffix}", f"{SHEET}-{day}.{suffix}")


FILTERS = (
    "platform_id",
    "committee_id",
    "unit_id",
    "status",
    "period_from",
    "period_to",
    "overdue",
    "text",
)
PARAMETERS = (*FILTERS, "department")  # the footer's 填报部门


def form_filter(params: dict[str, str]) -> FormFilter:
    refuse_unknown(params, PARAMETERS)
    return FormFilter(
        platform_id=_id(params, "platform_id"),
        committee_id=_id(params, "committee_id"),
        unit_id=_id(params, "unit_id"),
        status=_status(params.get("status")),
        period_from=day_param(params, "period_from"),
        period_to=day_param(params, "period_to"),
        overdue=_flag(params, "overdue"),
        text=_text(params.get("text")),
    )


def _id(params: dict[str, str], name: str) -> str | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return str(UUID(value))
    except ValueError:
        raise refusal(
            400, f"无效的编号:{name} ('{name}' is not a valid id)", "BAD_USER_INPUT", "INVALID_ID"
        ) from None


FLAGS = {"1": True, "true": True, "0": False, "false": False}


def _flag(params: dict[str, str], name: str) -> bool | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return FLAGS[value.lower()]
    except KeyError:
        raise refusal(
            400,
            f"{name} 只能是 1 或 0 ('{name}' must be 1, 0, true or false)",
            "BAD_USER_INPUT",
            "INVALID_FLAG",
        ) from None


def _text(value: str | None) -> str | None:
    """The search text under the records' own text rule (as the list's filter.text)."""
    if not value:
        return None
    try:
        return clean_text(value, "text", "搜索内容").strip() or None
    except DomainError as error:
        raise from_domain(error) from None


def _status(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ItemStatus.parse(value.lower()).code
    except DomainError as error:
        raise from_domain(error) from None
