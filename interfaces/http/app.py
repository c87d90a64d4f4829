"""The FastAPI app factory: /graphql (signed-in callers; anonymous only the public view),
/healthz and /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from application.settings import Settings
from interfaces.auth import Authenticator, Unauthenticated
from interfaces.bootstrap import System, bootstrap
from interfaces.graphql.context import Context, blocking
from interfaces.graphql.schema import build_schema
from interfaces.http.limits import BodySizeLimit, WriteRateLimit

READY_MAX_LAG = 1000


def create_app(settings: Settings | None = None, *, embedded_projector: bool = True) -> FastAPI:
    settings = settings or Settings()
    authenticator = Authenticator.from_settings(settings)
    limiter = WriteRateLimit(settings.writes_per_minute)
    holder: dict[str, System] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        system = holder["system"] = await blocking(bootstrap, settings)
        if embedded_projector:
            system.projector.start()
        try:
            yield
        finally:
            await blocking(system.close)

    async def context(request: Request) -> Context:
        try:
            actor = authenticator.actor(request.headers.get("authorization"))
        except Unauthenticated as refusal:
            raise HTTPException(
                401, detail=_errors(refusal.message, refusal.kind, refusal.code)
            ) from None
        return Context(holder["system"], actor, limiter=limiter, public_view=settings.public_view)

    production = settings.environment == "production"
    api = FastAPI(
        title="议事厅 yishiting",
        lifespan=lifespan,
        docs_url=None if production else "/docs",
        redoc_url=None,
    )
    api.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    router = GraphQLRouter(
        build_schema(production),
        context_getter=context,
        graphql_ide=None if production else "graphiql",
    )
    api.include_router(router, prefix="/graphql")
    api.add_exception_handler(HTTPException, _graphql_shaped)
    api.state.holder = holder
    api.state.authenticator = authenticator

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz")
    async def readyz() -> JSONResponse:
        system = holder["system"]
        try:
            log = await blocking(system.app.position)
            views = await blocking(system.projector.position)
        except Exception as error:  # any failure to reach storage means not ready
            return JSONResponse({"status": "unavailable", "error": type(error).__name__}, 503)
        lag = log - views
        status = 200 if lag <= READY_MAX_LAG else 503
        body = {
            "status": "ok" if status == 200 else "lagging",
            "log": log,
            "views": views,
            "lag": lag,
        }
        return JSONResponse(body, status)

    return api


def _errors(message: str, code: str, reason: str) -> dict[str, object]:
    return {"errors": [{"message": message, "extensions": {"code": code, "reason": reason}}]}


async def _graphql_shaped(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail = (
        error.detail
        if isinstance(error.detail, dict)
        else _errors(str(error.detail), "BAD_REQUEST", "HTTP_ERROR")
    )
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    return JSONResponse(detail, error.status_code, headers=headers)
