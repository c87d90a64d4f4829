"""Who is calling, by whichever door they came in (等保 身份鉴别, 访问控制):

- a browser session: the HttpOnly cookie `yishiting_session`, with its CSRF token in the
  `X-CSRF-Token` header on every change and an Origin, when sent, of this site;
- an integration account's named API token: `Authorization: Bearer yst_…`;
- a signed bearer token (JWT) from `yishiting token create` or an identity service.

Each answer is a Caller; a live stream asks `still_open` as it goes, so a session that is
ended, or a token that is revoked, ends its streams too."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from application.sessions import TOKEN_PREFIX, SessionEnded, SessionRefused, TokenRevoked
from domain.base import Actor
from domain.errors import DomainError
from interfaces.auth import ANONYMOUS, Authenticator, Unauthenticated, token_expired_error

COOKIE = "yishiting_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CrossSiteRefused(DomainError):
    kind = "FORBIDDEN"
    code = "CSRF_REJECTED"

    def __init__(self) -> None:
        super().__init__(
            "请求来源无法确认(缺少或错误的 CSRF 令牌),已拒绝",
            "the request's origin cannot be confirmed (CSRF token missing or wrong)",
        )


@dataclass(frozen=True)
class Caller:
    actor: Actor
    expires_at: float | None = None  # a bearer token's expiry (epoch seconds)
    session_key: str = ""
    pending: str = ""  # what a session must do first ("password", "second_factor")
    api_token: str = ""


ANONYMOUS_CALLER = Caller(ANONYMOUS)


class Doors:
    """Resolves callers against the application's sessions and tokens (the application is
    there once the server has started: `holder["system"]`)."""

    def __init__(
        self, authenticator: Authenticator, holder: dict[str, Any], allowed_origins: list[str]
    ) -> None:
        self.authenticator = authenticator
        self.holder = holder
        self.allowed_origins = set(allowed_origins)

    @property
    def app(self) -> Any:
        return self.holder["system"].app

    def caller(
        self, connection: HTTPConnection, authorization: str | None = None, *, changing: bool
    ) -> Caller:
        """The caller of a request (`changing`: it may change something, so a session must
        prove it comes from this site's pages). Raises Unauthenticated-kind DomainErrors."""
        given = (
            authorization if authorization is not None else connection.headers.get("authorization")
        )
        if given:
            return self._bearer(given)
        secret = connection.cookies.get(COOKIE)
        if not secret:
            return ANONYMOUS_CALLER
        session = self.app.session_caller(secret)
        if changing:
            self.same_site(connection, secret)
        return Caller(
            session.actor, session.expires_at, session_key=session.key, pending=session.pending
        )

    def _bearer(self, authorization: str) -> Caller:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token.startswith(TOKEN_PREFIX):
            return Caller(self.app.token_caller(token), api_token=token)
        actor, expires_at = self.authenticator.session(authorization)
        return Caller(actor, expires_at)

    def same_site(self, connection: HTTPConnection, secret: str) -> None:
        origin = connection.headers.get("origin")
        if origin is not None and not self.our_origin(connection, origin):
            raise CrossSiteRefused()
        if connection.scope["type"] == "websocket":
            if origin is None:  # a browser always sends one with a WebSocket's handshake
                raise CrossSiteRefused()
            return
        sent = connection.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), self.app.csrf_token(secret).encode()):
            raise CrossSiteRefused()

    def our_origin(self, connection: HTTPConnection, origin: str) -> bool:
        if origin in self.allowed_origins:
            return True
        host = connection.headers.get("host", "")
        return origin.split("://", 1)[-1] == host

    def refusal(self, caller: Caller) -> DomainError | None:
        """Why the caller may no longer act (a stream asks as it goes), or None."""
        if caller.session_key:
            ended: SessionEnded | None = self.app.session_ended(caller.session_key)
            return ended
        if caller.api_token:
            try:
                self.app.token_caller(caller.api_token)
            except TokenRevoked as revoked:
                return revoked
            return None
        if caller.expires_at is not None and time.time() > caller.expires_at:
            return token_expired_error()
        return None


REFUSALS = (Unauthenticated, SessionRefused, SessionEnded, TokenRevoked, CrossSiteRefused)
