"""Who gets past the door: anonymous callers reach only the public fields; everything else
asks for a token first (UNAUTHENTICATED), before any resolver runs. A WebSocket whose token
has expired or been revoked, or whose session has ended, since it connected gets that refusal
for every new operation; a session that must first change its password or enrol a second
factor may do only that. And what one
document may ask: one mutation, expensive fields a bounded number of times."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from application.sessions import pending_refusal
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.edge.errors import from_domain, sign_in_error
from interfaces.edge.observability import OperationTimer

PUBLIC_FIELDS = frozenset({"publicOverview", "vocabularies", "eventTypes", "__typename"})


def _root_fields(document: object) -> set[str]:
    names: set[str] = set()
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                names.add(selection.name.value if isinstance(selection, FieldNode) else "…")
    return names


# What a session may do while it must first change its password or enrol a second factor.
WHILE_PENDING = frozenset(
    {
        "viewer",
        "myAccount",
        "changeOwnPassword",
        "beginSecondFactor",
        "confirmSecondFactor",
        "__typename",
    }
)


def _pending(context: object, document: object) -> DomainError | None:
    caller = getattr(context, "caller", None)
    pending = getattr(caller, "pending", "")
    if not pending or _root_fields(document) <= WHILE_PENDING:
        return None
    return pending_refusal(pending)


def unauthenticated_error() -> GraphQLError:
    return sign_in_error()


class SignInRequired(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        refused = getattr(context, "refusal", lambda: None)()
        if refused is None:
            refused = _pending(context, self.execution_context.graphql_document)
        if refused is not None:
            self.execution_context.result = ExecutionResult(
                data=None, errors=[from_domain(refused)]
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


# ------------------------------------------------------------------------------ document limits

# Fields whose cost grows with the log, and how often one document may ask for each.
EXPENSIVE_FIELDS = {("Ledger", "verification"): 1}


class OneMutationPerDocument(ValidationRule):
    """A document runs at most one mutation. Several (aliases, fragments) would run one after
    another, and a failure halfway would leave the first ones stored but unacknowledged and
    the rest skipped: such a document is refused whole, and nothing runs."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation is not OperationType.MUTATION:
            return
        count = len(_root_response_keys(node.selection_set, self.context, set()))
        if count > 1:
            self.report_error(
                GraphQLError(
                    f"每个请求只能执行一个变更,本请求有 {count} 个,请分开提交"
                    f" (one mutation per document: this one has {count}; send each alone)",
                    node,
                    extensions={
                        "code": "GRAPHQL_VALIDATION_FAILED",
                        "reason": "ONE_MUTATION_PER_DOCUMENT",
                    },
                )
            )


def _root_response_keys(
    selections: SelectionSetNode, context: ValidationContext, seen: set[str]
) -> set[str]:
    keys: set[str] = set()
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                keys.add((selection.alias or selection.name).value)
        elif isinstance(selection, InlineFragmentNode):
            keys |= _root_response_keys(selection.selection_set, context, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = context.get_fragment(selection.name.value)
            if fragment is not None:
                keys |= _root_response_keys(fragment.selection_set, context, seen)
    return keys


class ExpensiveFieldsLimit(ValidationRule):
    """Ledger verification recomputes the ledger from the whole log: once per document, counted
    through aliases and every use of a fragment."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is None:
            return
        counts = _Counter(self.context).count(node.selection_set, root)
        for (type_name, field), limit in EXPENSIVE_FIELDS.items():
            asked = counts.get((type_name, field), 0)
            if asked > limit:
                self.report_error(
                    GraphQLError(
                        f"费时字段 {type_name}.{field} 每个请求至多 {limit} 次,本请求 {asked} 次"
                        f" ({type_name}.{field} at most {limit} per document; {asked} asked)",
                        node,
                        extensions={
                            "code": "GRAPHQL_VALIDATION_FAILED",
                            "reason": "EXPENSIVE_FIELD_LIMIT",
                        },
                    )
                )


class _Counter:
    """How many times each expensive field would run: each fragment counted once per use
    (its own counts found once), a fragment cycle counted as nothing (its own rule refuses it)."""

    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self.fragments: dict[str, Counter[tuple[str, str]]] = {}

    def count(self, selections: SelectionSetNode, parent: Any) -> Counter[tuple[str, str]]:
        counts: Counter[tuple[str, str]] = Counter()
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                counts += self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._type(condition.name.value) if condition else parent
                counts += self.count(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                counts += self._fragment(selection.name.value)
        return counts

    def _field(self, node: FieldNode, parent: Any) -> Counter[tuple[str, str]]:
        name = node.name.value
        counts: Counter[tuple[str, str]] = Counter()
        if (getattr(parent, "name", ""), name) in EXPENSIVE_FIELDS:
            counts[(parent.name, name)] += 1
        definition = (getattr(parent, "fields", None) or {}).get(name)
        if node.selection_set is not None and definition is not None:
            counts += self.count(node.selection_set, get_named_type(definition.type))
        return counts

    def _fragment(self, name: str) -> Counter[tuple[str, str]]:
        if name not in self.fragments:
            self.fragments[name] = Counter()  # a cycle back here finds nothing
            fragment = self.context.get_fragment(name)
            if fragment is not None:
                inner = self._type(fragment.type_condition.name.value)
                self.fragments[name] = self.count(fragment.selection_set, inner)
        return self.fragments[name]

    def _type(self, name: str) -> Any:
        return self.context.schema.get_type(name)
