"""The GraphQL endpoint over HTTP and WebSocket. A WebSocket's caller signs in with its
connection_init payload ({"Authorization": "Bearer …"}, or the handshake's header); a bad,
expired or missing token refuses the connection before any operation runs. When the token
expires later, its subscriptions end with TOKEN_EXPIRED and new operations are refused."""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi.responses import JSONResponse, Response
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse

from domain.vocabulary import Role
from interfaces.auth import Authenticator, Unauthenticated
from interfaces.graphql.context import Context
from interfaces.graphql.errors import RETRY_AFTER_SECONDS, UNAVAILABLE_CODE, unavailable_body

TOKEN_REQUIRED = {
    "message": "请先登录:需要 Bearer 令牌 (sign in first: a bearer token is required)",
    "code": "UNAUTHENTICATED",
    "reason": "TOKEN_REQUIRED",
}


def _authorization(context: Context) -> str | None:
    params = context.connection_params if isinstance(context.connection_params, dict) else {}
    given = params.get("Authorization") or params.get("authorization")
    if isinstance(given, str):
        return given
    request = context.request
    return request.headers.get("authorization") if request is not None else None


class YishitingRouter(GraphQLRouter[Context, None]):
    def __init__(self, *args: Any, authenticator: Authenticator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authenticator = authenticator

    def encode_json(self, data: object) -> str:
        """UTF-8 JSON by orjson (Chinese as itself, not \\u escapes: half the bytes), as text:
        WebSocket messages go out as text frames (graphql-transport-ws). What orjson cannot
        write goes the standard way."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # orjson.JSONEncodeError: a 64-bit overflow, a non-str key …
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:  # what the standard reader accepts, or refuses, it says
            return json.loads(data)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Storage unreachable anywhere in the operation: 503 with Retry-After, not a 200 that
        a client might take for an answer."""
        if _unavailable(response_data):
            return unavailable_response()
        return super().create_response(response_data, sub_response)

    async def on_ws_connect(self, context: Context) -> None:
        try:
            actor, expires_at = self.authenticator.session(_authorization(context))
        except Unauthenticated as refusal:
            raise ConnectionRejectionError(
                {"message": refusal.message, "code": refusal.kind, "reason": refusal.code}
            ) from None
        if actor.role is Role.PUBLIC:
            raise ConnectionRejectionError(dict(TOKEN_REQUIRED))
        context.act_as(actor, expires_at)


def _unavailable(response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    answers = response_data if isinstance(response_data, list) else [response_data]
    return any(
        (error.get("extensions") or {}).get("code") == UNAVAILABLE_CODE
        for answer in answers
        for error in answer.get("errors") or []
    )


def unavailable_response() -> JSONResponse:
    return JSONResponse(unavailable_body(), 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
