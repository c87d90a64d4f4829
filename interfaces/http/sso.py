"""Single sign-on through the district's identity service (统一身份认证), OpenID Connect's
authorization code flow with PKCE (S256), by Authlib:

- GET /auth/sso → {"enabled", "label"}: whether the page offers it;
- GET /auth/sso/start?next=#/… → 303 to the provider, with state, nonce and a PKCE challenge;
  the state, nonce, verifier and where to go back to travel in a short-lived HttpOnly cookie
  sealed with the event key (SameSite=Lax: the provider's redirect back is a cross-site
  navigation, which a Strict cookie would not survive), so any process may take the callback;
- GET /auth/sso/callback?code&state → the code exchanged (with the verifier), the ID token
  verified (signature by the provider's JWKS, issuer, audience, nonce, expiry), its username
  claim mapped to an account here (roles are granted here, never by the provider), a session
  opened as by a password sign-in, and 303 back to the page. Any refusal: 303 to the sign-in
  page with its reason (SSO_STATE_EXPIRED, SSO_STATE_INVALID, SSO_ACCOUNT_UNKNOWN, …)."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from application.settings import Settings
from domain.errors import DomainError
from interfaces.doors import COOKIE
from interfaces.edge.blocking import blocking
from interfaces.http.callers import system_of
from interfaces.http.sign_in import client_address, cookies_are_secure

STATE_COOKIE = "yishiting_sso"
STATE_SECONDS = 600  # from leaving for the provider to coming back
LEEWAY_SECONDS = 30
SIGN_IN_PAGE = "/app/#/signin"
ALGORITHMS = ["RS256", "ES256", "EdDSA", "PS256"]


class SsoRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Provider:
    """The provider's discovery document and keys, fetched once (keys again on an unknown
    key id: the provider rotated them)."""

    issuer: str
    client_id: str
    client_secret: str
    _discovery: dict[str, Any] = field(default_factory=dict)
    _keys: dict[str, Any] = field(default_factory=dict)

    def discovery(self) -> dict[str, Any]:
        if not self._discovery:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            answer = requests.get(url, timeout=10)
            answer.raise_for_status()
            found: dict[str, Any] = answer.json()
            if found.get("issuer") != self.issuer:
                raise SsoRefused("SSO_PROVIDER_MISMATCH")
            self._discovery = found
        return self._discovery

    def keys(self, *, fresh: bool = False) -> dict[str, Any]:
        if fresh or not self._keys:
            url = self.discovery()["jwks_uri"]
            answer = requests.get(url, timeout=10)
            answer.raise_for_status()
            self._keys = answer.json()
        return self._keys

    def client(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope="openid profile",
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )


def sso_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/auth/sso", tags=["登录 Sign-in"])
    provider = Provider(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)
    enabled = bool(settings.oidc_issuer and settings.oidc_client_id)
    secure = cookies_are_secure(settings)

    @router.get("", summary="统一身份认证是否可用 Whether single sign-on is offered")
    async def offered() -> JSONResponse:
        return JSONResponse({"enabled": enabled, "label": "统一身份认证登录"})

    @router.get("/start", summary="前往统一身份认证 Go to the identity service")
    async def start(request: Request, next: str = "") -> Response:
        if not enabled:
            return _back("SSO_NOT_CONFIGURED")
        try:
            endpoint = (await blocking(provider.discovery))["authorization_endpoint"]
        except (requests.RequestException, ValueError, KeyError, SsoRefused):
            return _back("SSO_PROVIDER_UNAVAILABLE")
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        client = provider.client(_callback_url(request, settings))
        url, _ = client.create_authorization_url(
            endpoint,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        sealed = _seal(request, {"s": state, "n": nonce, "v": verifier, "to": _page(next)})
        response = RedirectResponse(url, 303)
        response.set_cookie(
            STATE_COOKIE,
            sealed,
            max_age=STATE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/auth/sso",
        )
        return response

    @router.get("/callback", summary="统一身份认证回调 Back from the identity service")
    async def callback(request: Request) -> Response:
        try:
            kept = _opened(request, request.cookies.get(STATE_COOKIE, ""))
            given = request.query_params
            if given.get("error"):
                raise SsoRefused("SSO_DENIED")
            if not hmac.compare_digest(given.get("state", ""), kept["s"]):
                raise SsoRefused("SSO_STATE_INVALID")
            claims = await blocking(
                _verified_claims, provider, request, settings, given.get("code", ""), kept
            )
            username = claims.get(settings.oidc_username_claim)
            if not isinstance(username, str) or not username:
                raise SsoRefused("SSO_NO_USERNAME")
            app = system_of(request).app
            address = client_address(request)
            signed = await blocking(
                app.sign_in_elsewhere, username=username, address=address, issuer=provider.issuer
            )
            opened = await blocking(
                app.open_session,
                signed,
                address=address,
                agent=request.headers.get("user-agent", ""),
            )
        except SsoRefused as refused:
            return _back(refused.reason)
        except DomainError as error:
            return _back(error.code)
        response = RedirectResponse(f"/app/{kept['to']}", 303)
        response.set_cookie(
            COOKIE, opened.secret, httponly=True, samesite="strict", secure=secure, path="/"
        )
        response.delete_cookie(STATE_COOKIE, path="/auth/sso")
        return response

    return router


def _verified_claims(
    provider: Provider, request: Request, settings: Settings, code: str, kept: dict[str, Any]
) -> dict[str, Any]:
    if not code or len(code) > 2000:
        raise SsoRefused("SSO_STATE_INVALID")
    client = provider.client(_callback_url(request, settings))
    try:
        tokens = client.fetch_token(  # client_secret_basic, with the PKCE verifier
            provider.discovery()["token_endpoint"],
            code=code,
            code_verifier=kept["v"],
            grant_type="authorization_code",
        )
    except Exception:
        raise SsoRefused("SSO_CODE_REFUSED") from None
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SsoRefused("SSO_NO_ID_TOKEN")
    return _decoded(provider, id_token, kept["n"], str(tokens.get("access_token", "")))


def _decoded(provider: Provider, id_token: str, nonce: str, access_token: str) -> dict[str, Any]:
    """The ID token's signature by the provider's keys, then its claims as Authlib's OpenID
    clients check them (iss, aud, exp, iat, nonce, at_hash)."""
    registry = JWSRegistry(algorithms=ALGORITHMS)
    for fresh in (False, True):
        try:
            keys = KeySet.import_key_set(provider.keys(fresh=fresh))
            decoded = jwt.decode(id_token, keys, registry=registry)
        except ValueError:  # no key with the token's kid: the provider may have rotated
            continue
        except JoseError:
            raise SsoRefused("SSO_ID_TOKEN_INVALID") from None
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
            },
            {"nonce": nonce, "client_id": provider.client_id, "access_token": access_token},
        )
        try:
            claims.validate(leeway=LEEWAY_SECONDS)
        except Exception:
            raise SsoRefused("SSO_ID_TOKEN_INVALID") from None
        return dict(claims)
    raise SsoRefused("SSO_ID_TOKEN_INVALID")


def _seal(request: Request, kept: dict[str, Any]) -> str:
    kept = {**kept, "exp": time.time() + STATE_SECONDS}
    body = base64.urlsafe_b64encode(json.dumps(kept).encode()).decode()
    return f"{body}.{system_of(request).app.event_key.seal('sso-state', body)}"


def _opened(request: Request, sealed: str) -> dict[str, Any]:
    body, _, tag = sealed.partition(".")
    if not body or len(sealed) > 4000:
        raise SsoRefused("SSO_STATE_EXPIRED")  # no cookie: gone (it lives ten minutes)
    expected = system_of(request).app.event_key.seal("sso-state", body)
    if not hmac.compare_digest(tag, expected):
        raise SsoRefused("SSO_STATE_INVALID")
    kept: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
    if time.time() > float(kept["exp"]):
        raise SsoRefused("SSO_STATE_EXPIRED")
    return kept


def _callback_url(request: Request, settings: Settings) -> str:
    base = settings.public_url.rstrip("/") if settings.public_url else str(request.base_url)
    return base.rstrip("/") + "/auth/sso/callback"


def _page(next_page: str) -> str:
    """Only a page of this app's own (a fragment route), never another site."""
    return next_page if next_page.startswith("#/") and len(next_page) < 200 else "#/"


def _back(reason: str) -> RedirectResponse:
    return RedirectResponse(f"{SIGN_IN_PAGE}?sso={quote(reason)}", 303)
