"""Expected failures become GraphQL errors with a stable code and a message in 中文 + English."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from graphql import GraphQLError

from domain.errors import DomainError
from projections.queries import InvalidCursor


class UserError(GraphQLError):
    """A refusal the caller can act on: `extensions.code` is the GraphQL class
    (BAD_USER_INPUT, CONFLICT, NOT_FOUND, FORBIDDEN, UNAUTHENTICATED) and `extensions.reason`
    the domain's stable code."""

    def __init__(self, message: str, code: str, reason: str, **details: Any) -> None:
        extensions = {"code": code, "reason": reason}
        if details:
            extensions["details"] = {k: _plain(v) for k, v in details.items()}
        super().__init__(message, extensions=extensions)


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


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
