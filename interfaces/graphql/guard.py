"""Who gets past the door: anonymous callers reach only the public fields; everything else
asks for a token first (UNAUTHENTICATED), before any resolver runs. A WebSocket whose token
has expired since it connected gets TOKEN_EXPIRED for every new operation."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import ExecutionResult, FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from domain.vocabulary import Role
from interfaces.auth import token_expired_error
from interfaces.graphql.errors import from_domain
from interfaces.http.observability import OperationTimer

PUBLIC_FIELDS = frozenset({"publicOverview", "vocabularies", "__typename"})


def _root_fields(document: object) -> set[str]:
    names: set[str] = set()
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                names.add(selection.name.value if isinstance(selection, FieldNode) else "…")
    return names


def unauthenticated_error() -> GraphQLError:
    return GraphQLError(
        "请先登录:需要 Bearer 令牌 (sign in first: a bearer token is required)",
        extensions={"code": "UNAUTHENTICATED", "reason": "TOKEN_REQUIRED"},
    )


class SignInRequired(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "token_expired", lambda: False)():
            self.execution_context.result = ExecutionResult(
                data=None, errors=[from_domain(token_expired_error())]
            )
            yield
            return
        actor = getattr(context, "actor", None)
        if actor is not None and actor.role is Role.PUBLIC:
            allowed = PUBLIC_FIELDS if getattr(context, "public_view", True) else {"__typename"}
            if not _root_fields(self.execution_context.graphql_document) <= allowed:
                self.execution_context.result = ExecutionResult(
                    data=None, errors=[unauthenticated_error()]
                )
        yield


class TimedOperations(SchemaExtension):
    """Feeds /metrics: each operation's duration by name and type."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        kind = context.operation_type.value if context.operation_type else "unknown"
        OperationTimer.observe(
            context.context, context.operation_name, kind, time.perf_counter() - started
        )
