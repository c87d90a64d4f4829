"""GET /exports/members.xlsx?year=Y: the members' participation report of a year (sheet 汇总
and a sheet per member), for those who read member records — leaders, the discipline office
and administrators every member, platform staff their platform's — by bearer token or the
browser's session cookie (a GET changes nothing, so no CSRF token is asked)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response

from application.permissions import member_records_reach, visibility
from domain.holidays import FIRST_YEAR, LAST_YEAR
from interfaces.edge.blocking import blocking
from interfaces.export.members_sheet import member_report, members_workbook
from interfaces.http.callers import refusal, signed_in, system_of
from interfaces.http.exports import XLSX
from interfaces.http.parameters import attachment, refuse_unknown

router = APIRouter(prefix="/exports", tags=["exports 导出"])


@router.get("/members.xlsx", summary="委员履职年度报告 (xlsx)")
async def members_xlsx(request: Request) -> Response:
    actor = await signed_in(request)
    may_read, platform_id = member_records_reach(actor)
    if not may_read:
        raise refusal(
            403,
            f"“{actor.role.label}”无权查看委员履职档案 (role {actor.role.code} may not read them)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
    year = report_year(dict(request.query_params))
    cleared = visibility(actor).restricted_content
    store = system_of(request).store
    records = await blocking(
        partial(member_report, restricted_content=cleared), store, year, platform_id
    )
    body = await blocking(members_workbook, records, year)
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition(year)})


def report_year(params: dict[str, str]) -> int:
    refuse_unknown(params, ("year",))
    text = params.get("year", "")
    if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise refusal(
            400,
            f"年份须在{FIRST_YEAR}至{LAST_YEAR}之间:{text[:10]}"
            f" (year must be {FIRST_YEAR}..{LAST_YEAR})",
            "BAD_USER_INPUT",
            "YEAR_OUT_OF_RANGE",
        )
    return int(text)


def disposition(year: int) -> str:
    """委员履职-2025.xlsx."""
    return attachment(f"member-records-{year}.xlsx", f"委员履职-{year}.xlsx")
