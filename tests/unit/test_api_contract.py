"""docs/API.md says what the code does: its generated tables are the code's (roles × mutations,
refusals), every refusal the code can answer is named in it, and the numbers it gives (limits,
page sizes) and the SQLite files it names are the code's own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from application.settings import Settings
from application.storage import Database
from interfaces import contract
from interfaces.contract import (
    API_DOC,
    BASES,
    COMMAND,
    ERRORS,
    ROLES,
    domain_errors,
    errors_table,
    mutations,
    roles_table,
    table_in,
)
from interfaces.edge.envelope import SIGN_IN_REASON
from interfaces.edge.errors import UNAVAILABLE_CODE
from interfaces.edge.limits import WriteRateLimit
from interfaces.edge.workers import ShuttingDown
from interfaces.fences.graphql_core_internals import GRAPHQL_REFUSALS
from interfaces.graphql import reads, router, schema
from interfaces.graphql.public import MAX_PUBLIC
from interfaces.http import feed

ROOT = Path(__file__).resolve().parents[2]
TEXT = API_DOC.read_text(encoding="utf-8")
OUT_OF_DATE = f"docs/API.md is out of date with the code: run `{COMMAND}` and commit it"


def test_the_roles_table_is_the_codes() -> None:
    assert table_in(TEXT, ROLES) == roles_table(), OUT_OF_DATE


def test_the_refusals_table_is_the_codes() -> None:
    assert table_in(TEXT, ERRORS) == errors_table(), OUT_OF_DATE


def test_every_mutation_of_the_schema_has_a_row() -> None:
    table = table_in(TEXT, ROLES)
    missing = [m for m in mutations() if f"| `{m}` |" not in table]
    assert not missing, missing


def test_every_domain_error_is_in_the_refusals_table() -> None:
    table = table_in(TEXT, ERRORS)
    errors = [e for e in domain_errors() if e.code not in BASES]
    assert len(errors) > 50  # every module was imported: the refusals are all found
    missing = sorted({e.code for e in errors if f"| `{e.code}` | `" not in table})
    assert not missing, f"{missing}: {OUT_OF_DATE}"
    for error in errors:  # and with its kind, as `extensions.code`
        row = next(r for r in table.splitlines() if r.startswith(f"| `{error.code}` |"))
        assert f"`{error.kind}`" in row, (error, row)


def test_a_reason_without_words_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(contract.WHEN, "WRONG_STATE")
    with pytest.raises(LookupError, match="WRONG_STATE"):
        errors_table()


def test_every_refusal_made_at_the_edge_is_named() -> None:
    reasons = {reason for _, _, reason, _ in GRAPHQL_REFUSALS}
    reasons |= {reason for _, reason, _ in router._HTTP_REFUSALS}
    reasons |= {
        "BODY_TOO_LARGE",
        "BODY_TIMEOUT",
        "INVALID_PARAMETER",
        "ONE_MUTATION_PER_DOCUMENT",
        "EXPENSIVE_FIELD_LIMIT",
        "OPERATION_NOT_ALLOWED",
        "INVALID_QUERY",
        "RATE_LIMITED",
        "PAGE_SIZE",
        "INVALID_ID",
        "INVALID_TREE_SIZE",
        "CURSOR_AND_FROM_NOW",
        "UNKNOWN_PARAMETER",
        "INVALID_DATE",
        SIGN_IN_REASON,
        ShuttingDown.code,
        UNAVAILABLE_CODE,
    }
    missing = sorted(r for r in reasons if f"`{r}`" not in TEXT)
    assert not missing, missing


def test_the_limits_are_the_codes() -> None:
    per_minute, burst = Settings().writes_per_minute, Settings().write_burst
    bucket = WriteRateLimit(per_minute, burst)
    assert f"burst of {bucket.capacity:g}**" in TEXT
    assert f"**{bucket.rate:g} per second**" in TEXT
    assert f"`YISHITING_WRITES_PER_MINUTE` = {per_minute}" in TEXT
    assert f"`YISHITING_WRITE_BURST` = {burst}" in TEXT
    assert f"refused from about the {burst + 1}st on" in TEXT
    # The bucket does what the table says: the burst, then refused, then one per 1/rate s.
    assert all(bucket.wait_before("clerk", now=0.0) == 0 for _ in range(int(bucket.capacity)))
    assert bucket.wait_before("clerk", now=0.0) == 1 / bucket.rate, "how long to wait"
    assert bucket.wait_before("clerk", now=1 / bucket.rate) == 0
    assert f"{schema.MAX_DEPTH} levels, {schema.MAX_ALIASES} aliases" in TEXT
    assert f"{schema.MAX_TOKENS} tokens" in TEXT
    assert f"1–{reads.MAX_PAGE} (default 20" in TEXT
    assert f"public lists 1–{MAX_PUBLIC}" in TEXT
    assert f"1–{feed.MAX_LIMIT} (default 100)" in TEXT
    assert f"{Settings().max_body_bytes // 1024 // 1024} MiB" in TEXT


def test_the_sqlite_files_are_named_as_the_code_names_them() -> None:
    default = Settings.model_fields["database_url"].default
    assert f"`{default}`" in TEXT
    database = Database.from_url(default)
    assert f"`{database.path}`" in TEXT
    assert f"`{database.views_path()}`" in TEXT


def test_the_readme_points_to_the_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\]\(docs/API\.md\)", readme)


def test_every_graphql_example_fits_the_schema() -> None:
    from graphql import build_schema, parse, validate

    from interfaces.graphql.schema import sdl

    built = build_schema(sdl())
    examples = re.findall(r"```graphql\n(.*?)\n```", TEXT, re.DOTALL)
    examples += re.findall(r'"query": "((?:[^"\\]|\\.)*)"', TEXT)  # in curl's JSON
    assert len(examples) >= 4
    for example in examples:
        document = example.replace('\\"', '"').replace("…", "x")
        problems = validate(built, parse(document))
        assert not problems, (example, problems)


def test_the_export_and_push_parameters_are_the_codes() -> None:
    from interfaces.http.exports import PARAMETERS
    from interfaces.http.hotline import ServiceRequest

    section = TEXT.split("## 10.", 1)[1].split("## 11.", 1)[0]
    missing = [p for p in (*PARAMETERS, *ServiceRequest.model_fields) if f"`{p}`" not in section]
    assert not missing, missing


def test_the_forms_columns_are_the_codes() -> None:
    from interfaces.export.form import COLUMNS, PLAN_COLUMNS

    section = TEXT.split("## 10.", 1)[1].split("## 11.", 1)[0]
    documented = re.findall(r"^\| (\d+) \| (\S+) \|", section, re.MULTILINE)
    assert documented == [(str(n), c) for n, c in enumerate(COLUMNS, start=1)]
    assert COLUMNS[: len(PLAN_COLUMNS)] == PLAN_COLUMNS, "the plan's ten keep their places"
