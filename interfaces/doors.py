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

from starlette.requests import HTTPConnection, cookie_parser

from application.memo import Memo
from application.sessions import (
    SESSIONS_KEPT,
    TOKEN_PREFIX,
    SessionCaller,
    SessionEnded,
    SessionRefused,
    TokenRevoked,
)
from domain.base import Actor
from domain.errors import DomainError
from interfaces.auth import ANONYMOUS, Authenticator, Unauthenticated, token_expired_error

COOKIE = "yishiting_session"
CSRF_HEADER = "x-csrf-token"
# The request headers a door reads, found in one pass (the first of each, as Starlette's).
CSRF_HEADER_KEY = CSRF_HEADER.encode()
DOOR_HEADERS = frozenset({b"authorization", b"cookie", b"origin", CSRF_HEADER_KEY})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COOKIE_HEADER_KEPT = 1024  # the longest Cookie header whose session secret is remembered


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
        # A session's answer (the application gives the same one while it holds) → its Caller.
        self._session_callers: Memo[str, tuple[SessionCaller, Caller]] = Memo(SESSIONS_KEPT)
        # An open session's Cookie header → its secret: a browser sends the same header each
        # time. Only a header that opened a session, and not a long one, is kept, so forged or
        # padded headers cannot fill the process (10,000 × 1 KiB at most).
        self._cookie_secrets: Memo[str, str] = Memo(SESSIONS_KEPT)

    @property
    def app(self) -> Any:
        return self.holder["system"].app

    def caller(
        self, connection: HTTPConnection, authorization: str | None = None, *, changing: bool
    ) -> Caller:
        """The caller of a request (`changing`: it may change something, so a session must
        prove it comes from this site's pages). Raises Unauthenticated-kind DomainErrors."""
        headers = door_headers(connection)
        given = authorization if authorization is not None else headers.get(b"authorization")
        if given:
            return self._bearer(given)
        cookie = headers.get(b"cookie")
        if not cookie:
            return ANONYMOUS_CALLER
        remembered = self._cookie_secrets.get(cookie)
        secret = remembered or cookie_parser(cookie).get(COOKIE)
        if not secret:
            return ANONYMOUS_CALLER
        session = self.app.session_caller(secret)
        if remembered is None and len(cookie) <= COOKIE_HEADER_KEPT:
            self._cookie_secrets.keep(cookie, secret)  # only an open session's header
        if changing:
            self._same_site(connection, headers, secret)
        return self._session_caller(secret, session)

    def known_caller(self, connection: HTTPConnection, *, changing: bool) -> Caller | None:
        """`caller`, when memory alone tells it: no credentials at all, a bearer JWT verified
        before and not expired, or a session cookie whose last answer still holds (the same
        checks as `caller`, the same-site one included). None: ask `caller`, which may read
        or write the session and API token tables."""
        headers = door_headers(connection)
        given = headers.get(b"authorization")
        if given:
            if given.partition(" ")[2].strip().startswith(TOKEN_PREFIX):
                return None
            known = self.authenticator.known_session(given)
            return None if known is None else Caller(*known)
        cookie = headers.get(b"cookie")
        if not cookie:
            return ANONYMOUS_CALLER
        secret = self._cookie_secrets.get(cookie)  # an open session's header, seen before
        session = self.app.known_session_caller(secret) if secret else None
        if secret is None or session is None:
            return None
        if changing:
            self._same_site(connection, headers, secret)
        return self._session_caller(secret, session)

    def _session_caller(self, secret: str, session: SessionCaller) -> Caller:
        known = self._session_callers.get(secret)
        if known is not None and known[0] is session:
            return known[1]
        caller = Caller(
            session.actor, session.expires_at, session_key=session.key, pending=session.pending
        )
        self._session_callers.keep(secret, (session, caller))
        return caller

    def _bearer(self, authorization: str) -> Caller:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token.startswith(TOKEN_PREFIX):
            return Caller(self.app.token_caller(token), api_token=token)
        actor, expires_at = self.authenticator.session(authorization)
        return Caller(actor, expires_at)

    def same_site(self, connection: HTTPConnection, secret: str) -> None:
        self._same_site(connection, door_headers(connection), secret)

    def _same_site(
        self, connection: HTTPConnection, headers: dict[bytes, str], secret: str
    ) -> None:
        origin = headers.get(b"origin")
        if origin is not None and not self.our_origin(connection, origin):
            raise CrossSiteRefused()
        if connection.scope["type"] == "websocket":
            if origin is None:  # a browser always sends one with a WebSocket's handshake
                raise CrossSiteRefused()
            return
        sent = headers.get(CSRF_HEADER_KEY, "")
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


def door_headers(connection: HTTPConnection) -> dict[bytes, str]:
    """The headers a door reads, in one pass over the request's (ASGI gives their names in
    lower case), without the exception Starlette's lookup raises and catches for each absent
    one; the first of each counts, as in Starlette."""
    found: dict[bytes, str] = {}
    for name, value in connection.scope["headers"]:
        if name in DOOR_HEADERS and name not in found:
            found[name] = value.decode("latin-1")
    return found


REFUSALS = (Unauthenticated, SessionRefused, SessionEnded, TokenRevoked, CrossSiteRefused)
