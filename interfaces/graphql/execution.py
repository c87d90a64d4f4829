"""GraphQL execution with a short path for plain leaf fields.

A page of 50 topics is some 900 fields, about 650 of them leaves read straight off an object
(`title`, `status { code label }` …). For each, graphql-core and strawberry build a resolve-info
tuple, go through three layers of resolver wrappers and complete the value through the generic type
checks: most of the CPU of such a page (issue 8, docs/BENCHMARKS.md "Read path"). Here a leaf field
that strawberry itself would resolve as `getattr(source, python_name)` (no resolver, no arguments,
no field extension, no schema extension hooking `resolve`) is read and coerced directly; anything
else, and any value that is not a plain str/int/float/bool/enum that coerces cleanly (null on a
non-null field, an error, an awaitable …), goes the ordinary way, which then does all of it again
and so answers or fails exactly as before. An enum member's name is found once per member
(strawberry looks it up among the enum's values each time: 150 times a page)."""

from __future__ import annotations

from enum import Enum
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# type name -> field name -> (attribute, leaf type, nullable, enum member -> name or None)
Plain = tuple[str, Any, bool, dict[Enum, Any] | None]
PlainLeaves = dict[str, dict[str, Plain]]
_PLAIN: WeakKeyDictionary[GraphQLSchema, PlainLeaves] = WeakKeyDictionary()
_SIMPLE = (str, int, float, Enum)  # bool is an int
_ABSENT = object()
DEFINITION = "strawberry-definition"  # where strawberry keeps its field on graphql-core's


def plain_leaves(schema: GraphQLSchema) -> PlainLeaves:
    """The fields of `schema` that the short path may read, found once per schema."""
    found = _PLAIN.get(schema)
    if found is None:
        found = _PLAIN[schema] = _collect(schema)
    return found


def _collect(schema: GraphQLSchema) -> PlainLeaves:
    plain: PlainLeaves = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        fields: dict[str, Plain] = {}
        for name, field in named.fields.items():
            definition = (field.extensions or {}).get(DEFINITION)
            nullable = not is_non_null_type(field.type)
            leaf = field.type if nullable else field.type.of_type  # type: ignore[attr-defined]
            if (
                definition is not None
                and getattr(field.resolve, "_is_default", False)
                and definition.is_basic_field
                and definition.default_resolver is getattr
                and not field.args
                and is_leaf_type(leaf)
            ):
                names = {} if isinstance(leaf, GraphQLEnumType) else None
                fields[name] = (definition.python_name, leaf, nullable, names)
        if fields:
            plain[named.name] = fields
    return plain


class PlainLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with the short path for plain leaf fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        hooked = manager is not None and bool(manager.middlewares)
        self.plain: PlainLeaves = {} if hooked else plain_leaves(self.schema)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        *rest: Any,
    ) -> Any:
        fields = self.plain.get(parent_type.name)
        if fields is not None:
            plain = fields.get(field_details_list[0].node.name.value)
            if plain is not None:
                value = getattr(source, plain[0], _ABSENT)
                if value is None:
                    if plain[2]:
                        return None
                elif isinstance(value, _SIMPLE):
                    names = plain[3] if isinstance(value, Enum) else None
                    if names is not None and value in names:
                        return names[value]
                    try:
                        coerced = plain[1].coerce_output_value(value)
                    except Exception:  # the ordinary path reports it
                        coerced = None
                    if coerced is not None and coerced is not Undefined:
                        if names is not None:
                            names[value] = coerced  # a member's name does not change
                        return coerced
        return super().execute_field(parent_type, source, field_details_list, path, *rest)
