"""Who calls a REST endpoint (the bearer token, as for /graphql), and refusals in the same
shape as GraphQL errors: a message in 中文 with English beside it, a code and a reason."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request
from starlette.requests import HTTPConnection

from application.permissions import Visibility, visibility
from application.sessions import pending_refusal
from domain.base import Actor
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.bootstrap import System
from interfaces.doors import REFUSALS, SAFE_METHODS, Caller, CrossSiteRefused, Doors
from interfaces.edge.blocking import blocking
from interfaces.edge.envelope import envelope, sign_in_first

STATUS_OF_KIND = {
    "BAD_USER_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
}


def refusal(status: int, message: str, code: str, reason: str) -> HTTPException:
    return HTTPException(status, detail=envelope(message, code, reason))


def from_domain(error: DomainError) -> HTTPException:
    return HTTPException(
        STATUS_OF_KIND.get(error.kind, 400),
        detail=envelope(error.message, error.kind, error.code, **error.details),
    )


def system_of(request: Request) -> System:
    system: System = request.app.state.holder["system"]
    return system


async def caller_of(doors: Doors, request: HTTPConnection, *, changing: bool) -> Caller:
    """The caller by whichever door (doors.py); a refused one is answered 401 (403 for a
    request from another site). A session or API token is read from its table: off the loop;
    a caller memory alone tells (a JWT verified before, a session's answer that still holds,
    no credentials) is told on the loop, without a thread's round trip."""
    try:
        known = doors.known_caller(request, changing=changing)
        if known is not None:
            return known
        return await blocking(doors.caller, request, changing=changing)
    except REFUSALS as error:
        status = 403 if isinstance(error, CrossSiteRefused) else 401
        raise refusal(status, error.message, error.kind, error.code) from None


async def signed_in(request: Request) -> Actor:
    """The caller (bearer token, API token or session); anonymous callers are refused (401)."""
    changing = request.method not in SAFE_METHODS
    caller = await caller_of(request.app.state.doors, request, changing=changing)
    if caller.actor.role is Role.PUBLIC:
        raise HTTPException(401, detail=sign_in_first())
    if caller.pending:
        raise from_domain(pending_refusal(caller.pending))
    return caller.actor


async def reader(request: Request) -> Actor:
    """A signed-in caller whose role may read the problem list (403 otherwise)."""
    actor = await signed_in(request)
    if visibility(actor) == Visibility():
        raise refusal(
            403,
            f"“{actor.role.label}”无权查看督办落实情况 (role {actor.role.code} may not read it)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
    return actor


async def metrics_reader(request: Request, metrics_token: str) -> None:
    """/metrics is read with the scrape token (YISHITING_METRICS_TOKEN) or an administrator's
    bearer token; anyone else is refused (401 without a token, 403 for other roles)."""
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    scraper = scheme.lower() == "bearer" and bool(metrics_token)
    if scraper and hmac.compare_digest(given.strip().encode(), metrics_token.encode()):
        return
    actor = await signed_in(request)
    if actor.role is not Role.ADMIN:
        raise refusal(
            403,
            f"“{actor.role.label}”无权读取运行指标 (role {actor.role.code} may not read /metrics)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
