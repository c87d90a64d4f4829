"""The FastAPI app factory: /graphql (signed-in callers; anonymous only the public view;
subscriptions over WebSocket), /events and /schemas/events (interfaces/http/feed.py),
/healthz and /readyz, and the web front end at /app (interfaces/web)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection

from application.erasure import complete_erasures_at_start
from application.production import refuse_unsafe_production
from application.settings import Settings
from application.storage import STORAGE_UNAVAILABLE
from interfaces.auth import ANONYMOUS, Authenticator
from interfaces.bootstrap import System, bootstrap
from interfaces.doors import SAFE_METHODS, Doors
from interfaces.edge.blocking import blocking
from interfaces.edge.consistency import READ_AFTER, token_of, views_reach_the_token
from interfaces.edge.envelope import envelope
from interfaces.edge.errors import RETRY_AFTER_SECONDS
from interfaces.edge.limits import BodySizeLimit, WriteRateLimit
from interfaces.edge.observability import CorrelationIds, Metrics, SystemGauges
from interfaces.edge.workers import ShuttingDown, Workers, stop
from interfaces.graphql.context import Context
from interfaces.graphql.router import YishitingRouter, unavailable_response
from interfaces.graphql.schema import build_schema
from interfaces.graphql.streams import active_streams
from interfaces.http.attachments import router as attachments_router
from interfaces.http.audit_export import router as audit_export_router
from interfaces.http.callers import caller_of, metrics_reader, refusal
from interfaces.http.exports import router as exports_router
from interfaces.http.feed import feed_router
from interfaces.http.hotline import router as hotline_router
from interfaces.http.hotline_imports import router as hotline_imports_router
from interfaces.http.members_export import router as members_export_router
from interfaces.http.sign_in import sign_in_router
from interfaces.http.sso import sso_router
from interfaces.web import mount_web
from projections.health import stall_watch

EXECUTOR_THREADS = 32
STALE_UPLOAD_SECONDS = 24 * 3600  # a pending upload not attached within a day is dropped
MULTIPART_MARGIN = 64 * 1024  # an upload's multipart framing and headers, beyond the file
log = logging.getLogger("yishiting.http")


@dataclass(frozen=True)
class Gate:
    """What stands at the web edge, one per app: who may come in, how often they may write,
    and the count kept of it all."""

    authenticator: Authenticator
    limiter: WriteRateLimit
    metrics: Metrics

    @classmethod
    def from_settings(cls, settings: Settings) -> Gate:
        return cls(
            Authenticator.from_settings(settings),
            WriteRateLimit(settings.writes_per_minute, settings.write_burst),
            Metrics(),
        )


def create_app(
    settings: Settings | None = None, *, embedded_projector: bool = True, gate: Gate | None = None
) -> FastAPI:
    settings = settings or Settings()
    refuse_unsafe_production(settings)
    gate = gate or Gate.from_settings(settings)
    holder: dict[str, System] = {}
    production = settings.environment == "production"
    api = FastAPI(
        title="议事厅 yishiting",
        lifespan=_lifespan(settings, holder, gate.metrics, embedded_projector=embedded_projector),
        docs_url=None if production else "/docs",
        openapi_url=None if production else "/openapi.json",
        redoc_url=None,
    )
    api.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        body_seconds=settings.request_body_seconds,
        larger={
            "/attachments": settings.attachment_max_bytes + MULTIPART_MARGIN,
            "/hotline/imports": settings.import_max_file_bytes + MULTIPART_MARGIN,
        },
    )
    api.add_middleware(CorrelationIds, metrics=gate.metrics)
    doors = Doors(gate.authenticator, holder, settings.allowed_origins)
    router = YishitingRouter(
        build_schema(production),
        context_getter=_context_getter(settings, holder, gate, doors),
        graphql_ide=None if production else "graphiql",
        doors=doors,
        allowed_origins=settings.allowed_origins,
    )
    router.serve(api, "/graphql")
    api.include_router(exports_router)
    api.include_router(audit_export_router)
    api.include_router(members_export_router)
    api.include_router(attachments_router)
    api.include_router(hotline_router)
    api.include_router(hotline_imports_router)
    api.include_router(feed_router(holder, settings))
    api.include_router(sign_in_router(settings))
    api.include_router(sso_router(settings))
    api.add_exception_handler(StarletteHTTPException, _graphql_shaped)  # fastapi's too
    api.add_exception_handler(RequestValidationError, _bad_parameters)
    for unreachable in STORAGE_UNAVAILABLE:  # /events, /exports, /hotline: 503 as /graphql does
        api.add_exception_handler(unreachable, _storage_unavailable)
    api.add_exception_handler(ShuttingDown, _shutting_down)
    api.state.holder = holder
    api.state.authenticator = gate.authenticator
    api.state.doors = doors
    api.state.limiter = gate.limiter  # POST /hotline/imports counts one write per file
    _probes(api, settings, holder, gate.metrics)
    mount_web(api)
    return api


def _lifespan(
    settings: Settings, holder: dict[str, System], metrics: Metrics, *, embedded_projector: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        # The application and the views are synchronous and run in the loop's default executor
        # (`blocking`); a command holds a thread while it waits for its views. asyncio's
        # default, cpu_count + 4 threads (6 on 2 CPUs), then queues the next client's command
        # behind those waits: give every concurrent request its threads.
        workers = served.state.workers = Workers(EXECUTOR_THREADS)
        asyncio.get_running_loop().set_default_executor(workers)
        system = holder["system"] = await blocking(bootstrap, settings)
        await blocking(complete_erasures_at_start, system.app)
        # Uploads never attached, and writes cut off by a crash, are left in the store's tmp/.
        await blocking(system.app.attachments.clean_tmp, STALE_UPLOAD_SECONDS)
        metrics.watch(SystemGauges(system, active_streams))
        if embedded_projector:
            system.projector.start()
        system.integration.start(
            delivering=embedded_projector,
            projector=system.projector if embedded_projector else None,
        )
        # Its log watcher now hears every append: sessions may be read from memory between them.
        system.app.hears_every_append = True
        try:
            yield
        finally:
            await stop(system, workers)  # streams, then threads, then stores (workers.py)

    return lifespan


def _context_getter(
    settings: Settings, holder: dict[str, System], gate: Gate, doors: Doors
) -> Callable[[HTTPConnection], Awaitable[Context]]:
    async def context(request: HTTPConnection) -> Context:
        if request.scope["type"] == "websocket":  # signed in by connection_init (router.py)
            return Context(
                holder["system"],
                ANONYMOUS,
                limiter=gate.limiter,
                public_view=False,
                metrics=gate.metrics,
            )
        changing = request.scope.get("method", "GET") not in SAFE_METHODS
        caller = await caller_of(doors, request, changing=changing)
        await _views_reach_the_token(holder["system"], request)
        return Context(
            holder["system"],
            caller.actor,
            limiter=gate.limiter,
            public_view=settings.public_view,
            metrics=gate.metrics,
            caller=caller,
        )

    return context


async def _views_reach_the_token(system: System, request: HTTPConnection) -> None:
    """A request carrying a consistency token (`X-Read-After`) reads once the views show the
    log up to it."""
    try:
        token = token_of(request.headers.get(READ_AFTER))
    except ValueError:
        raise refusal(
            400,
            "X-Read-After 请求头须为日志位置(非负整数,即变更回答中的 position) (the"
            " X-Read-After header must be a log position: a whole number, a mutation's"
            " `position`)",
            "BAD_REQUEST",
            "BAD_READ_AFTER",
        ) from None
    if token is not None:
        await views_reach_the_token(system, token)


def _probes(api: FastAPI, settings: Settings, holder: dict[str, System], metrics: Metrics) -> None:
    """/metrics for Prometheus, /healthz (the process answers), /readyz (storage reachable,
    the projector keeping up)."""

    @api.get("/metrics", include_in_schema=False)
    async def prometheus(request: Request) -> Response:
        await metrics_reader(request, settings.metrics_token)
        exposition = await blocking(metrics.exposition)
        return Response(exposition, media_type="text/plain; version=0.0.4; charset=utf-8")

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz")
    async def readyz() -> JSONResponse:
        system = holder["system"]
        watch = stall_watch(system.projector, settings.projector_stall_seconds)
        try:
            log = await blocking(system.app.position)
            health = await blocking(watch.health, log)
        except Exception as error:  # any failure to reach storage means not ready
            return JSONResponse({"status": "unavailable", "error": type(error).__name__}, 503)
        return JSONResponse(health.as_dict(), 200 if health.ready else 503)


async def _storage_unavailable(request: Request, error: Exception) -> JSONResponse:
    log.warning("%s: storage unavailable: %s", request.url.path, error)
    return unavailable_response()


async def _shutting_down(_: Request, error: Exception) -> JSONResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(
        envelope(str(error), "SERVICE_UNAVAILABLE", ShuttingDown.code), 503, headers
    )


# Starlette's own refusals (no route, wrong method …): (code, reason, 中文) by status.
_HTTP_STATUS = {
    404: ("NOT_FOUND", "NOT_FOUND", "未找到"),
    405: ("BAD_REQUEST", "METHOD_NOT_ALLOWED", "不支持该请求方法"),
}


async def _graphql_shaped(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, reason, chinese = _HTTP_STATUS.get(
        error.status_code, ("BAD_REQUEST", "HTTP_ERROR", "请求无效")
    )
    detail = (
        error.detail
        if isinstance(error.detail, dict)
        else envelope(f"{chinese} ({error.detail})", code, reason)
    )
    headers = dict(error.headers or {})  # Retry-After of a 429, for one
    if error.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(detail, error.status_code, headers=headers)


async def _bad_parameters(_: Request, error: Exception) -> JSONResponse:
    """A query or path parameter of the wrong form: 400 naming it, not FastAPI's bare 422."""
    assert isinstance(error, RequestValidationError)
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in error.errors()})
    named = ", ".join(fields)[:200]
    body = envelope(
        f"请求参数无效:{named} (invalid parameter: {named})", "BAD_USER_INPUT", "INVALID_PARAMETER"
    )
    return JSONResponse(body, 400)
