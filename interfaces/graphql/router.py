"""The GraphQL endpoint over HTTP and WebSocket. A WebSocket's caller signs in with its
connection_init payload ({"Authorization": "Bearer …"}, or the handshake's header); a bad,
expired or missing token refuses the connection before any operation runs."""

from __future__ import annotations

from typing import Any

from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter

from domain.vocabulary import Role
from interfaces.auth import Authenticator, Unauthenticated
from interfaces.graphql.context import Context

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

    async def on_ws_connect(self, context: Context) -> None:
        try:
            actor = self.authenticator.actor(_authorization(context))
        except Unauthenticated as refusal:
            raise ConnectionRejectionError(
                {"message": refusal.message, "code": refusal.kind, "reason": refusal.code}
            ) from None
        if actor.role is Role.PUBLIC:
            raise ConnectionRejectionError(dict(TOKEN_REQUIRED))
        context.act_as(actor)
