"""The error envelope both edges answer with, and the sign-in refusal: written once.

`{"errors": [{"message": "中文 (English)", "extensions": {"code", "reason"[, "details"]}}]}`,
the shape GraphQL answers errors in, used for HTTP routes too so a client reads one form."""

from __future__ import annotations

from typing import Any

SIGN_IN_FIRST = "请先登录:需要 Bearer 令牌 (sign in first: a bearer token is required)"
SIGN_IN_CODE = "UNAUTHENTICATED"
SIGN_IN_REASON = "TOKEN_REQUIRED"


def error_entry(message: str, code: str, reason: str, **details: object) -> dict[str, Any]:
    """One error: its message, its stable code and reason, and details (text or numbers)."""
    extensions: dict[str, object] = {"code": code, "reason": reason}
    if details:
        extensions["details"] = {
            k: v if isinstance(v, str | int) else str(v) for k, v in details.items()
        }
    return {"message": message, "extensions": extensions}


def envelope(message: str, code: str, reason: str, **details: object) -> dict[str, Any]:
    """The body of a refusal: one error in the envelope."""
    return {"errors": [error_entry(message, code, reason, **details)]}


def sign_in_parts() -> dict[str, str]:
    """The sign-in refusal's message, code and reason, for an edge that shapes them its own way
    (a GraphQL error, a WebSocket's rejection payload)."""
    return {"message": SIGN_IN_FIRST, "code": SIGN_IN_CODE, "reason": SIGN_IN_REASON}


def sign_in_first() -> dict[str, Any]:
    """The refusal of a caller without a token, wherever a token is required."""
    return envelope(SIGN_IN_FIRST, SIGN_IN_CODE, SIGN_IN_REASON)
