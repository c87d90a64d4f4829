"""strawberry's internals (and graphql-core's execution methods it inherits), used here only:
the execution context below, the key strawberry keeps its field under on graphql-core's
(`strawberry-definition`), its type-cast marker, and its exception for a disallowed operation
type (`InvalidOperationTypeError`, re-exported for the schema's error masking), and its
`DateTime` scalar's definition (kept for parsing; interfaces/graphql/times.py answers its way).

GraphQL execution with a short path for plain fields.

A page of 50 topics is some 900 fields, about 650 of them leaves read straight off an object
(`title`, `status { code label }` …). For each, graphql-core and strawberry build a resolve-info
tuple, go through three layers of resolver wrappers and complete the value through the generic type
checks: most of the CPU of such a page (issue 8, docs/BENCHMARKS.md "Read path"). Here a leaf field
that strawberry itself would resolve as `getattr(source, python_name)` (no resolver, no arguments,
no field extension, no schema extension hooking `resolve`) is read and coerced directly, all the
plain leaves of an object in one loop (`execute_fields`); if any value is not a plain
str/int/float/bool/enum/date/datetime that coerces cleanly (null on a non-null field, an error,
an awaitable …), the whole object goes the ordinary way, which then does all of it again and so
answers or fails exactly as before. An enum member's name is found once per member (strawberry
looks it up among the enum's values each time: 150 times a page).

Plain object fields (`node`, `status` …: some 250 a page) take a short path too: a value that
strawberry's own type check would accept (an instance of the type's class, not cast to another
type) has its selection executed directly, without building a resolve info; anything else goes
the ordinary way. A field error below it is handled exactly as the ordinary path handles it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.cast import get_strawberry_type_cast

# type name -> field name -> (attribute, leaf type, nullable, enum member -> name or None)
Plain = tuple[str, Any, bool, dict[Enum, Any] | None]
PlainLeaves = dict[str, dict[str, Plain]]
# type name -> field name -> (attribute, object type, the field's type, class of its values)
Branch = tuple[str, GraphQLObjectType, Any, type]
PlainBranches = dict[str, dict[str, Branch]]
_PLAIN: WeakKeyDictionary[GraphQLSchema, PlainLeaves] = WeakKeyDictionary()
_BRANCHES: WeakKeyDictionary[GraphQLSchema, PlainBranches] = WeakKeyDictionary()
_SIMPLE = (str, int, float, Enum, date)  # bool is an int, a datetime a date
_ABSENT = object()
DEFINITION = "strawberry-definition"  # where strawberry keeps its field on graphql-core's
# strawberry's own DateTime scalar (its parsing and refusals), which the schema answers its way.
DATETIME_SCALAR = DateTimeDefinition
__all__ = [
    "DATETIME_SCALAR",
    "InvalidOperationTypeError",
    "PlainLeafExecutor",
    "RefusalSaysWhy",
    "graphql_core_info",
    "plain_branches",
    "plain_leaves",
]


def graphql_core_info(info: Any) -> GraphQLResolveInfo:
    """graphql-core's resolve info under strawberry's `Info` (its field nodes, fragments):
    strawberry keeps it as `_raw_info`."""
    raw: GraphQLResolveInfo = info._raw_info
    return raw


def plain_leaves(schema: GraphQLSchema) -> PlainLeaves:
    """The leaf fields of `schema` that the short path may read, found once per schema."""
    found = _PLAIN.get(schema)
    if found is None:
        found = _PLAIN[schema] = _collect(schema, _leaf)
    return found


def plain_branches(schema: GraphQLSchema) -> PlainBranches:
    """The object fields of `schema` that the short path may complete, found once per schema."""
    found = _BRANCHES.get(schema)
    if found is None:
        found = _BRANCHES[schema] = _collect(schema, _branch)
    return found


def _collect(schema: GraphQLSchema, plain: Callable[[GraphQLField, Any], Any]) -> dict[str, Any]:
    collected: dict[str, Any] = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        fields = {}
        for name, field in named.fields.items():
            definition = (field.extensions or {}).get(DEFINITION)
            if _read_by_getattr(field, definition):
                found = plain(field, definition)
                if found is not None:
                    fields[name] = found
        if fields:
            collected[named.name] = fields
    return collected


def _read_by_getattr(field: GraphQLField, definition: Any) -> bool:
    """Strawberry would resolve `field` as `getattr(source, python_name)`, and nothing else."""
    return (
        definition is not None
        and getattr(field.resolve, "_is_default", False)
        and definition.is_basic_field
        and definition.default_resolver is getattr
        and not field.args
    )


def _leaf(field: GraphQLField, definition: Any) -> Plain | None:
    nullable = not is_non_null_type(field.type)
    leaf = field.type if nullable else field.type.of_type  # type: ignore[attr-defined]
    if not is_leaf_type(leaf):
        return None
    names = {} if isinstance(leaf, GraphQLEnumType) else None
    return (definition.python_name, leaf, nullable, names)


def _branch(field: GraphQLField, definition: Any) -> Branch | None:
    named = field.type.of_type if is_non_null_type(field.type) else field.type
    if not isinstance(named, GraphQLObjectType):
        return None
    own = (named.extensions or {}).get(DEFINITION)
    if own is None or own.is_type_of is not None or not isinstance(own.origin, type):
        return None  # a type check of the schema's own: only the ordinary path calls it
    return (definition.python_name, named, field.type, own.origin)


class PlainLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with the short path for plain leaf and object fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        hooked = manager is not None and bool(manager.middlewares)
        self.plain: PlainLeaves = {} if hooked else plain_leaves(self.schema)
        self.branches: PlainBranches = {} if hooked else plain_branches(self.schema)
        self._plans: dict[tuple[str, int], Any] = {}
        self._kept: list[object] = []

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: dict[str, Any],
        *rest: Any,
    ) -> Any:
        """The plain leaves of an object read in one loop (no path, no call per field), the
        other fields executed the ordinary way; all of them the ordinary way if one leaf must
        be (reading a leaf twice changes nothing)."""
        plan = self._plan(parent_type, grouped_field_set)
        if plan is None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, *rest)
        leaves, others = plan
        read = {}
        for response_name, plain in leaves:
            value = self._leaf(plain, source_value)
            if value is _ABSENT:
                return super().execute_fields(
                    parent_type, source_value, path, grouped_field_set, *rest
                )
            read[response_name] = value
        if not others:
            return read
        executed = super().execute_fields(parent_type, source_value, path, others, *rest)
        if self.is_awaitable(executed):
            return self._merged_later(grouped_field_set, read, executed)
        return _merged(grouped_field_set, read, executed)

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: dict[str, Any]
    ) -> tuple[list[tuple[str, Plain]], dict[str, Any]] | None:
        """Which of the selection's fields are plain leaves; None if none is. Kept for the
        execution, whose memo of collected fields keeps each selection (and so its id)."""
        key = (parent_type.name, id(grouped_field_set))
        found = self._plans.get(key, _ABSENT)
        if found is _ABSENT:
            fields = self.plain.get(parent_type.name, {})
            leaves = [
                (response_name, fields[details[0].node.name.value])
                for response_name, details in grouped_field_set.items()
                if details[0].node.name.value in fields
            ]
            others = {
                response_name: details
                for response_name, details in grouped_field_set.items()
                if details[0].node.name.value not in fields
            }
            found = (leaves, others) if leaves else None
            self._plans[key] = found
            self._kept.append(grouped_field_set)
        return found  # type: ignore[return-value]

    async def _merged_later(
        self, grouped_field_set: dict[str, Any], read: dict[str, Any], executed: Awaitable[Any]
    ) -> dict[str, Any]:
        return _merged(grouped_field_set, read, await executed)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        *rest: Any,
    ) -> Any:
        branches = self.branches.get(parent_type.name)
        if branches is not None:
            branch = branches.get(field_details_list[0].node.name.value)
            if branch is not None:
                value = getattr(source, branch[0], _ABSENT)
                if type(value) is branch[3] and get_strawberry_type_cast(value) is None:
                    return self._complete_branch(branch, value, field_details_list, path, *rest)
        return super().execute_field(parent_type, source, field_details_list, path, *rest)

    def _leaf(self, plain: Plain, source: Any) -> Any:
        """The field's value, or _ABSENT where the ordinary path must answer."""
        value = getattr(source, plain[0], _ABSENT)
        if value is None:
            return None if plain[2] else _ABSENT
        if not isinstance(value, _SIMPLE):
            return _ABSENT
        names = plain[3] if isinstance(value, Enum) else None
        if names is not None and value in names:
            return names[value]
        try:
            coerced = plain[1].coerce_output_value(value)
        except Exception:  # the ordinary path reports it
            return _ABSENT
        if coerced is None or coerced is Undefined:
            return _ABSENT
        if names is not None:
            names[value] = coerced  # a member's name does not change
        return coerced

    def _complete_branch(
        self, branch: Branch, value: Any, field_details_list: Any, path: Any, *rest: Any
    ) -> Any:
        """What the ordinary path's completion of an object does, less the resolve info."""
        try:
            completed = self.collect_and_execute_subfields(
                branch[1], field_details_list, path, value, *rest
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, branch[2], field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._awaited(completed, branch[2], field_details_list, path)
        return completed

    async def _awaited(
        self, completed: Awaitable[Any], field_type: Any, field_details_list: Any, path: Any
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_type, field_details_list, path)
            return None


def _merged(
    grouped_field_set: dict[str, Any], read: dict[str, Any], executed: dict[str, Any]
) -> dict[str, Any]:
    """The object's answer, its fields in the order they were asked for."""
    return {
        name: read[name] if name in read else executed[name]
        for name in grouped_field_set
        if name in read or name in executed
    }


REFUSED = 4403  # graphql-transport-ws: connection_init refused
CLOSE_REASON_BYTES = 123  # RFC 6455: what a close frame's reason may hold


class RefusalSaysWhy(BaseGraphQLTransportWSHandler[Any, Any]):
    """strawberry closes a refused connection_init with 4403 and the bare reason "Forbidden"
    (in `handle_connection_init`); here that close says why instead: the text the view's
    `on_ws_connect` left on the context as `close_reason` before refusing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.websocket = _CloseSayingWhy(self.websocket, self.context)


class _CloseSayingWhy:
    def __init__(self, websocket: Any, context: Any) -> None:
        self._websocket, self._context = websocket, context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._websocket, name)

    async def close(self, code: int, reason: str) -> None:
        said = getattr(self._context, "close_reason", None)
        if code == REFUSED and said:
            reason = said.encode()[:CLOSE_REASON_BYTES].decode(errors="ignore")
        await self._websocket.close(code, reason)
