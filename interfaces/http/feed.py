"""GET /events: the log as a batch of CloudEvents for the signed-in caller, paged by the same
cursor as the GraphQL subscription (Link: rel="next"); GET /schemas/events/v1/…: the JSON
Schema of every event type's data, and their index."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from application.publishing.catalogue import CATALOGUE
from application.publishing.envelope import BATCH_MEDIA_TYPE, sequence
from application.publishing.schemas import SCHEMA_PATH, data_schema, schema_index
from application.settings import Settings
from domain.errors import DomainError
from interfaces.edge.blocking import blocking
from interfaces.edge.envelope import envelope
from interfaces.edge.errors import UserError
from interfaces.edge.feed_query import feed_query
from interfaces.http.callers import signed_in

MAX_LIMIT = 1000
SCHEMA_MEDIA_TYPE = "application/schema+json"


def _bad(error: UserError | DomainError) -> HTTPException:
    if isinstance(error, DomainError):
        return HTTPException(400, envelope(error.message, error.kind, error.code))
    extensions = error.extensions or {}
    return HTTPException(400, envelope(error.message, extensions["code"], extensions["reason"]))


def feed_router(holder: dict[str, Any], settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/events", summary="事件流 The log as CloudEvents (batch)")
    async def events(
        request: Request,
        after: str | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
        type: Annotated[list[str] | None, Query()] = None,
    ) -> Response:
        actor = await signed_in(request)
        try:
            query = feed_query(after, type, None, limit)
        except UserError as error:
            raise _bad(error) from None
        page = await blocking(holder["system"].integration.feed.page, actor, query)
        following = request.url.include_query_params(after=sequence(page.last))
        return Response(
            json.dumps(page.events, ensure_ascii=False),
            media_type=BATCH_MEDIA_TYPE,
            headers={"Link": f'<{following}>; rel="next"', "Cache-Control": "no-store"},
        )

    @router.get(f"{SCHEMA_PATH}/index.json", summary="事件类型索引 Event types and schemas")
    async def index() -> JSONResponse:
        return JSONResponse(schema_index(settings.public_url), media_type=SCHEMA_MEDIA_TYPE)

    @router.get(f"{SCHEMA_PATH}/{{name}}.json", summary="事件数据的 JSON Schema")
    async def schema(name: str) -> JSONResponse:
        published = CATALOGUE.get(name)
        if published is None:
            message = f"没有此事件类型:{name[:80]} (no such event type)"
            raise HTTPException(404, envelope(message, "NOT_FOUND", "UNKNOWN_EVENT_TYPE"))
        return JSONResponse(
            data_schema(published, settings.public_url), media_type=SCHEMA_MEDIA_TYPE
        )

    return router
