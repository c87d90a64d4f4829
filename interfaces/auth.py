"""Bearer tokens (JWT): issued for operations and development, verified on every request.
HS256 with a configured secret, or EdDSA/RS256 public keys from a JWKS file."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import jwt

from application.memo import Memo
from application.permissions import InvalidScope, scope_kind
from application.settings import Settings
from domain.base import Actor
from domain.errors import DomainError, InvalidInput, UnknownCode
from domain.vocabulary import Role

ANONYMOUS = Actor("anonymous", "匿名访客", Role.PUBLIC)
DEV_SECRET_FILE = Path("var/token.secret")
ASYMMETRIC = ["EdDSA", "RS256", "ES256"]
LEEWAY_SECONDS = 30  # clocks of the issuer and of this server may differ that much
VERIFIED_TOKENS = 4096  # tokens whose signature and claims were checked, kept till they expire


class Unauthenticated(DomainError):
    kind = "UNAUTHENTICATED"
    code = "TOKEN_INVALID"


class TokenExpired(Unauthenticated):
    code = "TOKEN_EXPIRED"


class TokenScopeInvalid(Unauthenticated):
    code = "TOKEN_SCOPE_INVALID"


def token_expired_error() -> TokenExpired:
    return TokenExpired("令牌已过期,请重新登录", "the token has expired")


class MissingSigningKey(RuntimeError):
    """Start-up refuses to run in production without a way to verify tokens."""


@dataclass(frozen=True)
class Authenticator:
    secret: str
    jwks: dict[str, Any] | None
    issuer: str
    audience: str
    ttl_seconds: float
    # A keep-alive client sends the same token with every request: its signature and claims
    # are checked once, then only its expiry (a token is immutable: same string, same claims).
    _verified: Memo[str, tuple[Actor, float]] = field(
        default_factory=lambda: Memo(VERIFIED_TOKENS), init=False, repr=False, compare=False
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator:
        jwks = (
            json.loads(Path(settings.token_jwks_file).read_text())
            if (settings.token_jwks_file)
            else None
        )
        secret = settings.token_secret or _development_secret(settings, jwks is not None)
        return cls(
            secret,
            jwks,
            settings.token_issuer,
            settings.token_audience,
            settings.token_ttl_hours * 3600,
        )

    def issue(self, actor: Actor, ttl_seconds: float | None = None) -> str:
        if not self.secret:
            raise MissingSigningKey("令牌由外部签发 tokens are issued elsewhere (JWKS mode)")
        now = int(time.time())
        claims = {
            "sub": actor.id,
            "name": actor.name,
            "role": actor.role.code,
            "scope": actor.scope,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + int(ttl_seconds or self.ttl_seconds),
            "jti": uuid4().hex,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def actor(self, authorization: str | None) -> Actor:
        """The caller named by an `Authorization: Bearer …` header; anonymous without one."""
        return self.session(authorization)[0]

    def session(self, authorization: str | None) -> tuple[Actor, float | None]:
        """The caller and the moment (epoch seconds) their token stops being accepted: a
        connection that outlives its token (a WebSocket) is cut off then."""
        if not authorization:
            return ANONYMOUS, None
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("请使用 Bearer 令牌", "use an 'Authorization: Bearer' token")
        known = self._verified.get(token)
        if known is not None:
            if time.time() > known[1]:  # as jwt.decode's exp check, with the same leeway
                self._verified.pop(token, None)
                raise token_expired_error()
            return known
        claims = self._claims(token)
        session = self._actor_from(claims), float(claims["exp"]) + LEEWAY_SECONDS
        return self._verified.keep(token, session)

    def known_session(self, authorization: str) -> tuple[Actor, float | None] | None:
        """The caller of a bearer token verified before and not yet expired, from memory;
        None otherwise (then `session` verifies it, or refuses it)."""
        scheme, _, token = authorization.partition(" ")
        known = self._verified.get(token.strip()) if scheme.lower() == "bearer" else None
        return known if known is not None and time.time() <= known[1] else None

    def _claims(self, token: str) -> dict[str, Any]:
        options = {"require": ["exp", "iss", "aud", "sub", "role"]}
        try:
            key, algorithms = self._key_for(token)
            return jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                options=options,
                leeway=LEEWAY_SECONDS,
            )
        except jwt.ExpiredSignatureError:
            raise token_expired_error() from None
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise Unauthenticated(*in_our_words(error)) from None

    def _key_for(self, token: str) -> tuple[Any, list[str]]:
        header = jwt.get_unverified_header(token)
        if header.get("alg") == "HS256" and self.secret:
            return self.secret, ["HS256"]
        if self.jwks is None:
            raise jwt.InvalidAlgorithmError(header.get("alg"))
        keys = jwt.PyJWKSet.from_dict(self.jwks)
        key = next((k for k in keys.keys if k.key_id == header.get("kid")), None)
        if key is None:
            # A bare StopIteration here would escape as a server error (500), not a refusal.
            raise UntrustedKey(header.get("kid"))
        return key.key, ASYMMETRIC

    @staticmethod
    def _actor_from(claims: dict[str, Any]) -> Actor:
        try:
            role = Role.parse(str(claims["role"]))
        except UnknownCode:
            raise Unauthenticated("令牌中的角色无效", "the token names an unknown role") from None
        if role in (Role.SYSTEM, Role.PUBLIC):
            raise Unauthenticated("令牌中的角色无效", "the token names a reserved role")
        scope = claims.get("scope") or ""
        try:
            scope_kind(role, scope if isinstance(scope, str) else repr(scope))
        except InvalidScope as error:
            raise TokenScopeInvalid(
                f"令牌的范围无效:{error.message_zh}", f"invalid token scope: {error.message_en}"
            ) from None
        try:
            return Actor.checked(
                str(claims["sub"]), str(claims.get("name") or claims["sub"]), role, scope
            )
        except InvalidInput as error:
            raise Unauthenticated(
                f"令牌中的身份无效:{error.message_zh}",
                f"invalid token identity: {error.message_en}",
            ) from None


class UntrustedKey(ValueError):
    """The token names a key (kid) that is not in the JWKS file."""


# PyJWT's refusals, in the project's words: (its exception, 中文, English), most specific first.
_REFUSALS: tuple[tuple[type[Exception], str, str], ...] = (
    (jwt.InvalidSignatureError, "令牌签名无效", "the token's signature does not verify"),
    (jwt.InvalidAudienceError, "令牌不是签发给本系统的", "the token is meant for another service"),
    (jwt.InvalidIssuerError, "令牌的签发方不受信任", "the token's issuer is not trusted"),
    (jwt.ImmatureSignatureError, "令牌尚未生效", "the token is not valid yet"),
    (jwt.InvalidAlgorithmError, "令牌的签名算法不被接受", "the token's algorithm is not accepted"),
    (UntrustedKey, "令牌由不受信任的密钥签发", "the token is signed by a key not trusted here"),
    (jwt.DecodeError, "令牌格式错误", "the token is malformed"),
)


def in_our_words(error: Exception) -> tuple[str, str]:
    """Why a token was refused, 中文 and English, without the library's class names."""
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"令牌缺少必需的声明 {error.claim}", f"the token has no '{error.claim}' claim"
    for kind, chinese, english in _REFUSALS:
        if isinstance(error, kind):
            return chinese, english
    return "令牌无效", "the token is invalid"


def _development_secret(settings: Settings, has_jwks: bool) -> str:
    if has_jwks:
        return ""
    if settings.environment == "production":
        raise MissingSigningKey(
            "生产环境须配置 YISHITING_TOKEN_SECRET 或 YISHITING_TOKEN_JWKS_FILE "
            "(production needs a token secret or a JWKS file)"
        )
    if not DEV_SECRET_FILE.exists():
        DEV_SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEV_SECRET_FILE.write_text(secrets.token_urlsafe(48))
        DEV_SECRET_FILE.chmod(0o600)
    return DEV_SECRET_FILE.read_text().strip()
