"""Who gets past the door: anonymous callers reach only the public fields; everything else
asks for a token first (UNAUTHENTICATED), before any resolver runs. A WebSocket whose token
has expired since it connected gets TOKEN_EXPIRED for every new operation."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import ExecutionResult, FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

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
    """Feeds /metrics: each operation's duration by its first root field and type. Not by
    the operation's name: clients choose those, and each new one would be a new series."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        kind = context.operation_type.value if context.operation_type else "unknown"
        OperationTimer.observe(
            context.context, root_field_label(context), kind, time.perf_counter() - started
        )


NOT_AN_OPERATION = "(invalid)"


def root_field_label(context: ExecutionContext) -> str:
    """The schema's name of the operation's first root field (aliases aside); one fixed label
    for a document that has none the schema knows."""
    operation = _chosen(context.graphql_document, context.operation_name)
    schema = getattr(context.schema, "_schema", None)
    if operation is None or schema is None or not operation.selection_set.selections:
        return NOT_AN_OPERATION
    first = operation.selection_set.selections[0]
    root = schema.get_root_type(operation.operation)
    if not isinstance(first, FieldNode) or root is None:
        return NOT_AN_OPERATION
    name = first.name.value
    return name if name in root.fields or name == "__typename" else NOT_AN_OPERATION


def _chosen(document: object, name: str | None) -> OperationDefinitionNode | None:
    operations = [
        d for d in getattr(document, "definitions", ()) if isinstance(d, OperationDefinitionNode)
    ]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)
