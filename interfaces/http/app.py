"""The FastAPI app factory: /graphql, /healthz, /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from interfaces.graphql.context import Context, blocking
from interfaces.graphql.schema import schema

READY_MAX_LAG = 1000
DEVELOPER = Actor("developer", "开发者", Role.ADMIN)


def create_app(settings: Settings | None = None, *, embedded_projector: bool = True) -> FastAPI:
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
        return Context(holder["system"], actor_from(request))

    api = FastAPI(title="议事厅 yishiting", lifespan=lifespan)
    api.include_router(
        GraphQLRouter(schema, context_getter=context, graphql_ide="graphiql"), prefix="/graphql"
    )

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz")
    async def readyz() -> JSONResponse:
        system = holder["system"]
        try:
            log, views = (
                await blocking(system.app.position),
                await blocking(system.projector.position),
            )
        except Exception as error:  # any failure to reach storage means not ready
            return JSONResponse({"status": "unavailable", "error": type(error).__name__}, 503)
        lag = log - views
        status = 200 if lag <= READY_MAX_LAG else 503
        return JSONResponse(
            {
                "status": "ok" if status == 200 else "lagging",
                "log": log,
                "views": views,
                "lag": lag,
            },
            status,
        )

    return api


def actor_from(request: Request) -> Actor:
    """Until sign-in exists, the caller names itself in X-Yishiting-Actor-* headers."""
    headers = request.headers
    if "x-yishiting-actor-id" not in headers:
        return DEVELOPER
    return Actor(
        headers["x-yishiting-actor-id"],
        headers.get("x-yishiting-actor-name", headers["x-yishiting-actor-id"]),
        Role.parse(headers.get("x-yishiting-actor-role", "platform_staff")),
        headers.get("x-yishiting-actor-scope", ""),
    )
