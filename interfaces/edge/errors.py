"""Expected failures become GraphQL errors with a stable code and a message in 中文 + English."""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

from graphql import GraphQLError

from application.storage import STORAGE_UNAVAILABLE
from domain.errors import DomainError
from interfaces.edge.envelope import sign_in_parts
from interfaces.fences.graphql_core_internals import GRAPHQL_REFUSALS, SUGGESTION
from projections.reads.queries import InvalidCursor


class UserError(GraphQLError):
    """A refusal the caller can act on: `extensions.code` is the GraphQL class
    (BAD_USER_INPUT, CONFLICT, NOT_FOUND, FORBIDDEN, UNAUTHENTICATED) and `extensions.reason`
    the domain's stable code."""

    def __init__(self, message: str, code: str, reason: str, **details: Any) -> None:
        extensions = {"code": code, "reason": reason}
        if details:
            extensions["details"] = {k: _plain(v) for k, v in details.items()}
        super().__init__(message, extensions=extensions)


class RateLimited(UserError):
    """Too many writes: when to try again is in `extensions.retryAfterSeconds` (and, for
    clients that ask for application/graphql-response+json, HTTP 429 with Retry-After)."""

    def __init__(self, wait: float) -> None:
        super().__init__(
            "操作过于频繁,请稍后再试 (too many writes; slow down)", "RATE_LIMITED", "RATE_LIMITED"
        )
        assert self.extensions is not None
        self.extensions["retryAfterSeconds"] = max(1, math.ceil(wait))


def write_allowed(limiter: Any, caller: str) -> None:
    """Counts a write against the caller's limit, or refuses it saying when to retry."""
    wait = limiter.wait_before(caller) if limiter is not None else 0.0
    if wait > 0:
        raise RateLimited(wait)


def sign_in_error() -> UserError:
    """The sign-in refusal as a GraphQL error (the same parts as the HTTP envelope's)."""
    parts = sign_in_parts()
    return UserError(parts["message"], parts["code"], parts["reason"])


UNAVAILABLE_CODE = "SERVICE_UNAVAILABLE"
UNAVAILABLE_MESSAGE = "数据库暂时不可用,请稍后重试 (database unavailable, retry later)"
RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(GraphQLError):
    """Storage cannot be reached: the request did nothing the caller can rely on and may be
    sent again (with the same commandId, a command that did get through is not repeated).
    Over HTTP it is answered 503 with Retry-After (interfaces/graphql/router.py)."""

    def __init__(self, *, nodes: Any = None, path: Any = None) -> None:
        super().__init__(
            UNAVAILABLE_MESSAGE, nodes=nodes, path=path, extensions={"code": UNAVAILABLE_CODE}
        )


def unavailable_body() -> dict[str, Any]:
    """The whole body of a 503: GraphQL-shaped, no data."""
    return {"errors": [{"message": UNAVAILABLE_MESSAGE, "extensions": {"code": UNAVAILABLE_CODE}}]}


def is_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, STORAGE_UNAVAILABLE)


def from_domain(error: DomainError) -> UserError:
    return UserError(error.message, error.kind, error.code, **error.details)


def bad_input(
    message_zh: str, message_en: str, reason: str = "INVALID_INPUT", **details: Any
) -> UserError:
    return UserError(f"{message_zh} ({message_en})", "BAD_USER_INPUT", reason, **details)


def from_cursor(error: InvalidCursor) -> UserError:
    return UserError(str(error), "BAD_USER_INPUT", error.code)


def parse_id(value: str, field: str = "id") -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input(
            f"无效的编号:{str(value)[:60]}",
            f"'{field}' is not a valid id",
            reason="INVALID_ID",
            field=field,
        ) from None


_INVALID_QUERY = ("GRAPHQL_VALIDATION_FAILED", "INVALID_QUERY", "查询无效")


def explain(error: GraphQLError) -> None:
    """Give one of GraphQL's own refusals (syntax, validation, variables, limits) a stable code
    and a Chinese message beside the English. In place, and only once: a cached validation
    result hands out the same error objects again."""
    fault = error.original_error is not None and not isinstance(error.original_error, GraphQLError)
    if fault or (error.extensions or {}).get("code"):
        return
    code, reason, chinese = next(
        ((c, r, zh) for marker, c, r, zh in GRAPHQL_REFUSALS if marker in error.message),
        _INVALID_QUERY,
    )
    error.message = f"{chinese} ({error.message})"
    error.extensions = {**(error.extensions or {}), "code": code, "reason": reason}


def hide_suggestions(error: GraphQLError) -> None:
    """Production names no field, argument, type or enum value the caller did not send: the
    schema is not to be learnt by guessing. In place, as `explain`."""
    error.message = SUGGESTION.sub("", error.message)


def operation_not_allowed(error: GraphQLError, kind: object) -> GraphQLError:
    """A query or mutation sent where only subscriptions run (the legacy graphql-ws protocol's
    `start`): the caller's to fix, not a fault."""
    name = getattr(kind, "value", str(kind))
    return GraphQLError(
        f"此连接只能执行订阅,不能执行 {name} 操作,请改用 HTTP 或 graphql-transport-ws"
        f" (only subscriptions run here, not a {name}: use HTTP or graphql-transport-ws)",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "GRAPHQL_VALIDATION_FAILED", "reason": "OPERATION_NOT_ALLOWED"},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
