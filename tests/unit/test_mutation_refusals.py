"""Each mutation's SDL description names the codes it can answer, and each is in the error
table of docs/API.md."""

from __future__ import annotations

import re

from graphql import build_schema

from interfaces.contract import API_DOC
from interfaces.graphql.refusal_codes import EVERY_MUTATION
from interfaces.graphql.schema import sdl

NAMED = re.compile(r"Refusals \(extensions\.code\): (.*)$", re.MULTILINE)
CODE = re.compile(r"\b[A-Z][A-Z_]{3,}\b")


def _codes_in_the_error_tables() -> set[str]:
    rows = [line for line in API_DOC.read_text().splitlines() if line.startswith("| `")]
    return {code for row in rows for code in re.findall(r"`([A-Z_]+)`", row)}


def test_every_mutation_names_the_codes_it_can_answer_and_each_is_documented() -> None:
    mutation_type = build_schema(sdl()).mutation_type
    assert mutation_type is not None
    documented = _codes_in_the_error_tables()
    for name, field in mutation_type.fields.items():
        named = NAMED.search(field.description or "")
        assert named, f"{name}: its description names no refusal codes"
        codes = set(CODE.findall(named.group(1)))
        assert set(EVERY_MUTATION) <= codes, name
        assert codes <= documented, (name, codes - documented)


def test_a_use_case_mutation_names_not_found_and_conflict() -> None:
    field = build_schema(sdl()).mutation_type.fields["excludeTopic"]  # type: ignore[union-attr]
    assert "NOT_FOUND" in field.description
    assert "CONCURRENT_MODIFICATION" in field.description
