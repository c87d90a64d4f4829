"""Signing in from the browser (等保 身份鉴别): POST /auth/sign-in with the username, the
password and, when asked for, the second factor's code, opens a session whose id travels only
in an HttpOnly, SameSite=Strict cookie (Secure in production); GET /auth/session tells the page
who it is and hands it the CSRF token it sends back with every change; POST /auth/sign-out ends
the session. Every refusal is the same envelope as GraphQL's, in 中文 with English beside it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from application.accounts import SignedIn, TooManyAttempts
from application.sessions import Opened, SessionCaller
from application.settings import Settings
from domain.accounts import Grant
from domain.errors import DomainError, InvalidInput, UnknownCode
from domain.vocabulary import Role
from interfaces.doors import COOKIE, CrossSiteRefused
from interfaces.edge.blocking import blocking
from interfaces.edge.envelope import envelope
from interfaces.http.callers import STATUS_OF_KIND, refusal, system_of

JSON_ONLY = "application/json"


class SignInForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)
    code: str = Field(default="", max_length=64)
    role: str = Field(default="", max_length=40)
    scope: str = Field(default="", max_length=100)


def cookies_are_secure(settings: Settings) -> bool:
    """Whether the session's cookies go over HTTPS only (`YISHITING_COOKIE_SECURE`)."""
    if settings.cookie_secure == "production":
        return settings.environment == "production"
    return settings.cookie_secure == "always"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def sign_in_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/auth", tags=["登录 Sign-in"])
    secure = cookies_are_secure(settings)

    @router.post("/sign-in", summary="登录 Sign in with password (and second factor)")
    async def sign_in(request: Request) -> Response:
        _json_from_this_site(request)
        form = _form(await request.body())
        app = system_of(request).app
        try:
            signed: SignedIn = await blocking(
                app.sign_in,
                username=form.username,
                password=form.password,
                address=client_address(request),
                code=form.code,
            )
            opened: Opened = await blocking(
                app.open_session,
                signed,
                address=client_address(request),
                agent=request.headers.get("user-agent", ""),
                grant=_chosen(form),
            )
        except DomainError as error:
            return _refused(error)
        response = JSONResponse(_session_body(opened.csrf, opened.actor, opened.pending, signed))
        response.set_cookie(
            COOKIE, opened.secret, httponly=True, samesite="strict", secure=secure, path="/"
        )
        return response

    @router.get("/session", summary="当前会话 The session this browser holds")
    async def session(request: Request) -> Response:
        secret = request.cookies.get(COOKIE, "")
        app = system_of(request).app
        try:
            held: SessionCaller = await blocking(app.session_caller, secret)
        except DomainError as error:
            return _refused(error, forget=True)
        body = _session_body(app.csrf_token(secret), held.actor, held.pending)
        body["expiresAt"] = held.expires_at
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @router.post("/sign-out", summary="退出登录 Sign out (ends the session)")
    async def sign_out(request: Request) -> Response:
        secret = request.cookies.get(COOKIE, "")
        if not secret:
            # Nothing to end — and a page of another site lands here too (the Strict cookie
            # stays behind): answering with a cookie-deleting header would sign its victim out.
            return Response(status_code=204)
        try:
            request.app.state.doors.same_site(request, secret)
        except CrossSiteRefused as error:
            raise refusal(403, error.message, error.kind, error.code) from None
        await blocking(system_of(request).app.sign_out, secret, address=client_address(request))
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, path="/", samesite="strict", httponly=True, secure=secure)
        return response

    return router


def _json_from_this_site(request: Request) -> None:
    """A sign-in is JSON (a cross-site form cannot send it without the browser asking first)
    and, when the browser names its origin, from this site."""
    if request.headers.get("content-type", "").split(";")[0].strip() != JSON_ONLY:
        raise refusal(
            415, "登录请求须为 JSON (sign-in takes application/json)", "BAD_REQUEST", "NOT_JSON"
        )
    origin = request.headers.get("origin")
    if origin is not None and not request.app.state.doors.our_origin(request, origin):
        error = CrossSiteRefused()
        raise refusal(403, error.message, error.kind, error.code)


def _form(body: bytes) -> SignInForm:
    """The form from the body; what is not a form's JSON is refused naming what is wrong (and
    never echoing what was sent: it may hold a password)."""
    try:
        return SignInForm.model_validate_json(body)
    except ValidationError as error:
        named = sorted({".".join(str(p) for p in e["loc"]) or e["type"] for e in error.errors()})
        fields = ", ".join(named)[:200]
        raise refusal(
            400,
            f"登录请求无效:{fields} (invalid sign-in request: {fields})",
            "BAD_USER_INPUT",
            "INVALID_PARAMETER",
        ) from None


def _chosen(form: SignInForm) -> Grant | None:
    if not form.role:
        return None
    try:
        return Grant(Role.parse(form.role), form.scope)
    except UnknownCode:
        raise InvalidInput("没有这个角色", "no such role", field="role") from None


def _session_body(
    csrf: str, actor: Any, pending: str, signed: SignedIn | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "csrfToken": csrf,
        "actor": {
            "id": actor.id,
            "name": actor.name,
            "role": actor.role.code,
            "roleLabel": actor.role.label,
            "scope": actor.scope,
        },
        "pending": pending,
    }
    if signed is not None:
        body["roles"] = [
            {"role": g.role.code, "roleLabel": g.role.label, "scope": g.scope}
            for g in signed.grants
        ]
    return body


def _refused(error: DomainError, *, forget: bool = False) -> Response:
    status = 429 if isinstance(error, TooManyAttempts) else STATUS_OF_KIND.get(error.kind, 400)
    body = envelope(error.message, error.kind, error.code, **error.details)
    response = JSONResponse(body, status, headers={"Cache-Control": "no-store"})
    if forget:
        response.delete_cookie(COOKIE, path="/", samesite="strict", httponly=True)
    return response
