"""The short path for plain leaf fields (interfaces/fences/strawberry_internals.py) answers and
fails exactly as strawberry's own execution does, and is taken for the API's plain fields."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from interfaces.fences.strawberry_internals import PlainLeafExecutor, plain_branches, plain_leaves
from interfaces.graphql.schema import schema as api_schema


@strawberry.enum
class Colour(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.type
class Inner:
    label: str
    required: str  # None in one row: the error propagates up to the nullable `maybe_inner`

    @strawberry.field
    async def later(self) -> str:  # awaited: the object's answer is merged once it is in
        if self.label == "坏":
            raise ValueError("坏了")
        return self.label + "后"


@strawberry.type
class Other:
    label: str


@strawberry.type
class Thing:
    inner: Inner
    maybe_inner: Inner | None
    name: str
    nickname: str | None
    count: int
    ratio: float
    flag: bool
    colour: Colour
    maybe_colour: Colour | None
    ident: strawberry.ID
    required: str  # holds None in one row: a field error, and null propagates to the parent
    odd: int  # holds "many" in one row: Int cannot represent it

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


def _things() -> list[Thing | None]:
    def thing(**changed: Any) -> Thing:
        values: dict[str, Any] = {
            "name": "甲",
            "nickname": None,
            "count": 3,
            "ratio": 0.5,
            "flag": True,
            "colour": Colour.RED,
            "maybe_colour": None,
            "ident": strawberry.ID("t-1"),
            "required": "yes",
            "odd": 1,
            "inner": Inner(label="内", required="yes"),
            "maybe_inner": None,
        }
        return Thing(**{**values, **changed})

    return [
        thing(),
        thing(name="乙", nickname="小乙", flag=False, maybe_colour=Colour.GREEN, count=0),
        thing(required=None),
        thing(odd="many"),
        thing(maybe_inner=Inner(label="坏", required=None)),  # a field error below an object
        thing(maybe_inner=Other(label="别")),  # not an Inner: the type check refuses it
        thing(inner=strawberry.cast(Other, Inner(label="伪", required="x"))),  # cast elsewhere
        None,
    ]


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return _things()

    @strawberry.field
    def thing(self) -> Thing:
        return _things()[2]  # required is null: the error reaches the root


EVERY_FIELD = """{ things { name nickname count ratio flag colour maybeColour ident required odd
  shout alias: name __typename inner { label } maybeInner { label required } } }"""


class CountsResolves(SchemaExtension):
    calls = 0

    def resolve(
        self, _next: Callable[..., object], root: object, info: Any, *args: Any, **kwargs: Any
    ) -> object:
        CountsResolves.calls += 1
        return _next(root, info, *args, **kwargs)


def _run(query: str, **schema_options: Any) -> tuple[Any, list[dict[str, Any]]]:
    schema = strawberry.Schema(query=Query, **schema_options)
    result = schema.execute_sync(query)
    return result.data, [error.formatted for error in result.errors or []]


def test_answers_and_errors_are_those_of_the_ordinary_path() -> None:
    plain = plain_leaves(strawberry.Schema(query=Query)._schema)["Thing"]
    assert "shout" not in plain
    branches = plain_branches(strawberry.Schema(query=Query)._schema)["Thing"]
    assert set(branches) == {"inner", "maybeInner"}
    assert {"name", "nickname", "colour", "maybeColour", "ident", "required", "odd"} <= set(plain)
    for query in (EVERY_FIELD, "{ thing { name required } }", "{ things { name } }"):
        ordinary = _run(query)
        short = _run(query, execution_context_class=PlainLeafExecutor)
        assert short == ordinary
    data, errors = _run(EVERY_FIELD, execution_context_class=PlainLeafExecutor)
    assert data["things"][0]["colour"] == "RED"
    assert data["things"][1]["nickname"] == "小乙"
    assert data["things"][2] is None  # `required` was null
    assert data["things"][3] is None  # `odd` could not be an Int
    assert data["things"][0]["inner"] == {"label": "内"}
    assert data["things"][4]["maybeInner"] is None  # its `required` was null
    assert data["things"][4]["name"] == "甲"  # …and the error stopped there
    assert data["things"][6]["inner"] == {"label": "伪"}
    assert data["things"][7] is None
    assert [error["path"] for error in errors] == [
        ["things", 2, "required"],
        ["things", 3, "odd"],
        ["things", 4, "maybeInner", "required"],
        ["things", 5, "maybeInner", "required"],
    ]


def test_awaited_fields_below_plain_objects_answer_as_on_the_ordinary_path() -> None:
    query = "{ things { name inner { label later } maybeInner { later label } } }"

    async def both() -> list[Any]:
        answers = []
        for options in ({}, {"execution_context_class": PlainLeafExecutor}):
            schema = strawberry.Schema(query=Query, **options)
            result = await schema.execute(query)
            answers.append((result.data, [e.formatted for e in result.errors or []]))
        return answers

    ordinary, short = asyncio.run(both())
    assert short == ordinary
    data, errors = short
    assert data["things"][0]["inner"] == {"label": "内", "later": "内后"}
    assert data["things"][4]["maybeInner"] is None  # `later` failed: null up to here
    assert data["things"][4]["inner"] == {"label": "内", "later": "内后"}
    assert [error["path"] for error in errors] == [["things", 4, "maybeInner", "later"]]


def test_an_extension_hooking_every_field_still_sees_every_field() -> None:
    CountsResolves.calls = 0
    _run("{ things { name count } }", extensions=[CountsResolves])
    ordinary = CountsResolves.calls
    CountsResolves.calls = 0
    _run(
        "{ things { name count } }",
        extensions=[CountsResolves],
        execution_context_class=PlainLeafExecutor,
    )
    assert CountsResolves.calls == ordinary > 0


def test_the_api_reads_its_plain_leaves_on_the_short_path() -> None:
    assert api_schema.execution_context_class is PlainLeafExecutor
    plain = plain_leaves(api_schema._schema)
    assert plain["Topic"]["title"][0] == "title"
    assert plain["Topic"]["draftedTitle"][0] == "drafted_title"
    assert "code" in plain["TopicStatusTerm"]
    branches = plain_branches(api_schema._schema)
    assert branches["Topic"]["status"][0] == "status"
    assert "node" in branches["TopicEdge"]
    assert "platform" not in branches["Topic"]
    # fields with a resolver of their own are not plain
    assert "platform" not in plain["Topic"]
    assert "proposerName" not in plain["Topic"]
