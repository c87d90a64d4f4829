"""CHANGELOG.md kept honest against the SDL: the schema as last released
(docs/schema/previous-release.graphql, frozen) is compared with the current one
(interfaces/graphql/schema.graphql) with graphql-core, coordinate by coordinate — types, fields,
arguments, input fields, enum values and directives added, removed or changed (type, default,
deprecation, kind, members) — and every such coordinate must be named in backticks under
"## Unreleased" in CHANGELOG.md: as the coordinate itself (`Mutation.excludeTopic(reason:)`)
or by its last name (`reason`, `proposedAt`, `Attachment`). Descriptions are not compared.
CHANGELOG.md's header says how to cut a release."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    print_ast,
)

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = ROOT / "docs" / "schema" / "previous-release.graphql"
CURRENT = ROOT / "interfaces" / "graphql" / "schema.graphql"
CHANGELOG = ROOT / "CHANGELOG.md"
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def default_of(value: object) -> str:
    node = getattr(value, "ast_node", None)
    default = getattr(node, "default_value", None)
    return print_ast(default) if default is not None else ""


def deprecation_of(value: object) -> str:
    reason = getattr(value, "deprecation_reason", None)
    return f" @deprecated({reason})" if reason is not None else ""


def shape(schema: GraphQLSchema) -> dict[str, str]:
    """Every coordinate of the schema and what a client depends on there."""
    found: dict[str, str] = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__"):
            continue
        found[name] = type(kind).__name__
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            found[name] += " implements " + ",".join(sorted(i.name for i in kind.interfaces))
            for field_name, field in kind.fields.items():
                at = f"{name}.{field_name}"
                found[at] = f"{field.type}{deprecation_of(field)}"
                for arg_name, arg in field.args.items():
                    found[f"{at}({arg_name}:)"] = (
                        f"{arg.type} = {default_of(arg)}{deprecation_of(arg)}"
                    )
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, input_field in kind.fields.items():
                found[f"{name}.{field_name}"] = (
                    f"{input_field.type} = {default_of(input_field)}{deprecation_of(input_field)}"
                )
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                found[f"{name}.{value_name}"] = deprecation_of(value)
        elif isinstance(kind, GraphQLUnionType):
            found[name] += " = " + "|".join(sorted(t.name for t in kind.types))
        elif isinstance(kind, GraphQLScalarType):
            found[name] += f" {kind.specified_by_url or ''}"
    for directive in schema.directives:
        found[f"@{directive.name}"] = ",".join(sorted(str(p) for p in directive.locations))
        for arg_name, arg in directive.args.items():
            found[f"@{directive.name}({arg_name}:)"] = f"{arg.type} = {default_of(arg)}"
    return found


def owner(coordinate: str) -> str:
    """The coordinate one level up: a field's type, an argument's field ("" for a type)."""
    if coordinate.endswith(":)"):
        return coordinate[: coordinate.index("(")]
    return coordinate.rpartition(".")[0]


def last_name(coordinate: str) -> str:
    return WORD.findall(coordinate)[-1]


def changed_coordinates(previous: GraphQLSchema, current: GraphQLSchema) -> list[str]:
    """Added, removed and changed coordinates; members of an added or removed type or field
    are not listed apart from it."""
    before, after = shape(previous), shape(current)
    appeared_or_gone = set(before) ^ set(after)
    changed = appeared_or_gone | {c for c in set(before) & set(after) if before[c] != after[c]}
    return sorted(c for c in changed if not any(o in appeared_or_gone for o in owners(c)))


def owners(coordinate: str) -> list[str]:
    found = []
    while coordinate := owner(coordinate):
        found.append(coordinate)
    return found


def unreleased(changelog: str) -> str:
    start = changelog.index("\n## Unreleased")
    end = changelog.find("\n## ", start + 1)
    return changelog[start : end if end != -1 else len(changelog)]


def named_in(section: str) -> tuple[set[str], set[str]]:
    """The backticked spans of a section, and every name written in them."""
    spans = set(re.findall(r"`([^`]+)`", section))
    return spans, {word for span in spans for word in WORD.findall(span)}


def undocumented(coordinates: list[str], section: str) -> list[str]:
    spans, words = named_in(section)
    return [
        c for c in coordinates if last_name(c) not in words and not any(c in span for span in spans)
    ]


def schemas() -> tuple[GraphQLSchema, GraphQLSchema]:
    return (
        build_schema(PREVIOUS.read_text(encoding="utf-8")),
        build_schema(CURRENT.read_text(encoding="utf-8")),
    )


def test_every_sdl_change_since_the_last_release_is_in_the_changelog() -> None:
    previous, current = schemas()
    section = unreleased(CHANGELOG.read_text(encoding="utf-8"))
    missing = undocumented(changed_coordinates(previous, current), section)
    assert missing == [], (
        "SDL changes since docs/schema/previous-release.graphql not named under "
        f"'## Unreleased' in CHANGELOG.md (write them in backticks): {missing}"
    )


def test_what_graphql_core_calls_breaking_or_dangerous_is_among_the_coordinates() -> None:
    """graphql-core's own comparison, as a check that the walk above misses nothing it sees."""
    previous, current = schemas()
    coordinates = changed_coordinates(previous, current)
    names = set(coordinates) | {o for c in coordinates for o in owners(c)}
    changes = [
        *find_breaking_changes(previous, current),
        *find_dangerous_changes(previous, current),
    ]
    for change in changes:
        said = change.description
        assert any(re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", said) for n in names), said


def test_the_diff_sees_each_kind_of_change() -> None:
    previous = build_schema(
        """
        type Query { topic(id: ID!): Topic  old: String }
        type Topic { proposedAt: String  title: String }
        enum Ground { A B }
        input ExcludeInput { explanation: String  ground: Ground = A }
        type Mutation { exclude(input: ExcludeInput!): Topic }
        """
    )
    current = build_schema(
        """
        scalar DateTime
        type Query { topic(id: ID!, asOf: DateTime): Topic }
        type Topic { proposedAt: DateTime  title: String @deprecated(reason: "name") }
        enum Ground { A C }
        input ExcludeInput { explanation: String @deprecated  reason: String  ground: Ground = C }
        type Mutation { exclude(input: ExcludeInput!): Topic }
        """
    )
    assert changed_coordinates(previous, current) == [
        "DateTime",
        "ExcludeInput.explanation",
        "ExcludeInput.ground",
        "ExcludeInput.reason",
        "Ground.B",
        "Ground.C",
        "Query.old",
        "Query.topic(asOf:)",
        "Topic.proposedAt",
        "Topic.title",
    ]
    section = "- `Topic.proposedAt` is a `DateTime`; `exclude(input: {reason})`; `Ground.C`"
    assert undocumented(["Topic.proposedAt", "ExcludeInput.reason", "Ground.B"], section) == [
        "Ground.B"
    ]
