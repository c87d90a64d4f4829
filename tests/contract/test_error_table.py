"""The error table of docs/API.md, provoked over the wire by the third-party `gql` client
against a real server (SQLite and PostgreSQL), as an integrator asking for
`application/graphql-response+json` meets it: each refusal with its `extensions.code`,
`extensions.reason` and the HTTP status § 5 gives it (200 once the operation ran, 401 without a
credential, 403 refused whole, 400 when it could not run otherwise, 429 with `Retry-After` for
the write limit), and the WebSocket's `connection_init` authentication.

The tables are read from docs/API.md: every row of the edge table, and every
`extensions.code` of the application's table, is provoked here, or named in NOT_OVER_GRAPHQL
with why; a new row without either fails `test_every_row_of_the_table_is_provoked_or_excused`.
Unknown and out-of-scope ids (`NOT_FOUND`) have their own module, test_not_found.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from domain.base import Actor
from domain.vocabulary import Role
from tests.support.contract import (
    API_DOCUMENT,
    GRAPHQL_RESPONSE,
    SECRET,
    Answer,
    ContractServer,
    backticked,
    database_for,
    serve,
    table_rows,
)

pytestmark = pytest.mark.e2e
ADMIN = Actor("contract-admin", "系统管理员", Role.ADMIN)
HOTLINE = Actor("contract-hotline", "12345热线", Role.INTEGRATION)

TOPICS = "{ topics { totalCount } }"
REGISTER = """mutation($name: String!, $commandId: String) {
  registerUnit(input: {name: $name, kind: VILLAGE_OR_COMMUNITY, commandId: $commandId}) {
    id version position
  }
}"""
RENAME = """mutation($id: ID!, $name: String!, $reason: String!, $expected: Int) {
  renameUnit(input: {unitId: $id, name: $name, reason: $reason, expectedVersion: $expected}) {
    id version
  }
}"""
ESTABLISH = "mutation($name: String!) { establishCommittee(input: {name: $name}) { id } }"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractServer]:
    """A server whose write limit is a burst of 2, then 4 a minute."""
    directory = tmp_path_factory.mktemp("contract-limited")
    for url in database_for("sqlite", directory):
        yield from serve(
            url,
            directory / "server.log",
            SECRET,
            YISHITING_WRITE_BURST="2",
            YISHITING_WRITES_PER_MINUTE="4",
        )


def a_unit(contract: ContractServer, name: str, command_id: str | None = None) -> Answer:
    return contract.wire(ADMIN).execute(REGISTER, name=name, commandId=command_id)


# --- each refusal, provoked as a client can -------------------------------------------------


def signed_out(contract: ContractServer) -> Answer:
    return contract.wire().execute(TOPICS)


def bad_token(contract: ContractServer) -> Answer:
    wire = contract.wire()
    wire.token = "not-a-token"
    return wire.execute(TOPICS)


def not_permitted(contract: ContractServer) -> Answer:
    return contract.wire(HOTLINE).execute(REGISTER, name="十二三四五社区")


def stale_version(contract: ContractServer) -> Answer:
    unit = a_unit(contract, "版本社区").data["registerUnit"]
    rename = contract.wire(ADMIN)
    rename.execute(
        RENAME, id=unit["id"], name="版本社区一", reason="更名", expected=unit["version"]
    )
    return rename.execute(
        RENAME, id=unit["id"], name="版本社区二", reason="更名", expected=unit["version"]
    )


def command_id_reused(contract: ContractServer) -> Answer:
    a_unit(contract, "幂等社区", command_id="contract-reused-1")
    return a_unit(contract, "另一社区", command_id="contract-reused-1")


def reason_missing(contract: ContractServer) -> Answer:
    unit = a_unit(contract, "理由社区").data["registerUnit"]
    return contract.wire(ADMIN).execute(RENAME, id=unit["id"], name="理由社区一", reason="")


def page_too_large(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute("{ topics(first: 1000) { totalCount } }")


def id_not_a_uuid(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute('{ topic(id: "not-a-uuid") { id } }')


def tree_sizes_unprovable(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute("{ ledger { consistency(oldSize: 5, newSize: 2) } }")


def variable_not_of_its_type(contract: ContractServer) -> Answer:
    document = "query($n: Int) { topics(first: $n) { totalCount } }"
    return contract.wire(ADMIN).execute(document, n="many")


def value_not_of_its_type_inline(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute('{ topics(first: "many") { totalCount } }')


def variable_missing(contract: ContractServer) -> Answer:
    document = "query($n: Int!) { topics(first: $n) { totalCount } }"
    return contract.wire(ADMIN).execute(document)


def unknown_field(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute("{ nothingHere }")


UNKNOWN_INPUT_FIELD = (
    'mutation { establishCommittee(input: {name: "未知字段委", colour: "红"}) { id } }'
)
INPUT_OF = "mutation($input: EstablishCommitteeInput!) { establishCommittee(input: $input) { id } }"


def unknown_input_field_inline(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute(UNKNOWN_INPUT_FIELD)


def unknown_input_field_as_variable(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute(INPUT_OF, input={"name": "未知字段委", "colour": "红"})


MALFORMED_AT = '{ asOf(aggregateId: "%s", at: "not a time") { version } }' % ("0" * 32)


def malformed_datetime_inline(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute(MALFORMED_AT)


def malformed_datetime_as_variable(contract: ContractServer) -> Answer:
    document = "query($id: ID!, $at: DateTime!) { asOf(aggregateId: $id, at: $at) { version } }"
    return contract.wire(ADMIN).execute(document, id="0" * 32, at="not a time")


def two_mutations(contract: ContractServer) -> Answer:
    document = """mutation {
      a: establishCommittee(input: {name: "甲委员会"}) { id }
      b: establishCommittee(input: {name: "乙委员会"}) { id }
    }"""
    return contract.wire(ADMIN).execute(document)


def too_many_tokens(contract: ContractServer) -> Answer:
    fields = " ".join(f"f{n}: __typename" for n in range(700))  # 2100 tokens, 700 aliases
    return contract.wire(ADMIN).execute(f"{{ {fields} }}")


def body_too_large(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute(REGISTER, name="大" * 400_000)  # 1.2 MB as UTF-8


def a_batch(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN).execute_batch(TOPICS, TOPICS)


def no_such_route(contract: ContractServer) -> Answer:
    return contract.wire(ADMIN, path="/graphql-nowhere").execute(TOPICS)


@dataclass(frozen=True)
class Case:
    code: str
    reason: str
    status: int
    provoke: Callable[[ContractServer], Answer]


# The status is § 5's rule under graphql-response+json: 200 once the operation ran, `data` null
# too when a refused non-null field took it (a partial response, as GraphQL over HTTP has it);
# 401/403 for credentials and rights wherever they are refused; 400 when it could not run.
CASES = {
    "no credential": Case("UNAUTHENTICATED", "TOKEN_REQUIRED", 401, signed_out),
    "a bad token": Case("UNAUTHENTICATED", "TOKEN_INVALID", 401, bad_token),
    "a role that may not": Case("FORBIDDEN", "NOT_PERMITTED", 403, not_permitted),
    "a stale version": Case("CONFLICT", "CONCURRENT_MODIFICATION", 200, stale_version),
    "a command id reused": Case("CONFLICT", "COMMAND_ID_REUSED", 200, command_id_reused),
    "a decision without reason": Case("BAD_USER_INPUT", "REASON_REQUIRED", 200, reason_missing),
    "a page too large": Case("BAD_USER_INPUT", "PAGE_SIZE", 200, page_too_large),
    "an id not a UUID": Case("BAD_USER_INPUT", "INVALID_ID", 200, id_not_a_uuid),
    "unprovable tree sizes": Case(
        "BAD_USER_INPUT", "INVALID_TREE_SIZE", 200, tree_sizes_unprovable
    ),
    "a variable not of its type": Case(
        "BAD_USER_INPUT", "INVALID_VALUE", 400, variable_not_of_its_type
    ),
    "a value not of its type, inline": Case(
        "BAD_USER_INPUT", "INVALID_VALUE", 400, value_not_of_its_type_inline
    ),
    "a required variable missing": Case(
        "BAD_USER_INPUT", "INVALID_VARIABLES", 400, variable_missing
    ),
    "an unknown field": Case("GRAPHQL_VALIDATION_FAILED", "INVALID_QUERY", 400, unknown_field),
    "an unknown input field, inline": Case(
        "BAD_USER_INPUT", "INVALID_VALUE", 400, unknown_input_field_inline
    ),
    "an unknown input field, as a variable": Case(
        "BAD_USER_INPUT", "INVALID_VALUE", 400, unknown_input_field_as_variable
    ),
    "a malformed DateTime, inline": Case(
        "BAD_USER_INPUT", "INVALID_VALUE", 400, malformed_datetime_inline
    ),
    "two mutations": Case(
        "GRAPHQL_VALIDATION_FAILED", "ONE_MUTATION_PER_DOCUMENT", 400, two_mutations
    ),
    "too many tokens": Case("GRAPHQL_PARSE_FAILED", "QUERY_TOO_LONG", 400, too_many_tokens),
    "a body too large": Case("BAD_USER_INPUT", "BODY_TOO_LARGE", 413, body_too_large),
    "a batch": Case("BAD_REQUEST", "INVALID_REQUEST", 400, a_batch),
    "no such route": Case("NOT_FOUND", "NOT_FOUND", 404, no_such_route),
}
# Provoked below by their own tests (a limited server; the WebSocket).
OWN_TESTS = {
    ("RATE_LIMITED", "RATE_LIMITED"): "test_a_burst_beyond_the_limit_is_told_when_to_retry",
    ("BAD_USER_INPUT", "CURSOR_AND_FROM_NOW"): "test_the_websocket_takes_its_token_in_init",
}
# Rows of the edge table a GraphQL client cannot provoke, keyed by (code, first reason).
NOT_OVER_GRAPHQL = {
    ("BAD_REQUEST", "INVALID_JSON"): "gql always sends well-formed UTF-8 JSON",
    ("BAD_REQUEST", "UNSUPPORTED_CONTENT_TYPE"): "gql sends JSON (its uploads: INVALID_REQUEST)",
    ("BAD_REQUEST", "METHOD_NOT_ALLOWED"): "gql's HTTP transports POST",
    ("BAD_REQUEST", "BODY_TIMEOUT"): "a client that stalls mid-body; test_hostile_input.py",
    ("BAD_REQUEST", "NOT_JSON"): "/auth/sign-in, a browser route, not GraphQL",
    ("BAD_USER_INPUT", "INVALID_PARAMETER"): "/events, a REST route; test_event_feed.py",
    ("BAD_USER_INPUT", "UNKNOWN_PARAMETER"): "the exports, REST; test_supervision_export.py",
    ("SERVICE_UNAVAILABLE", "(none)"): "the database down; tests/e2e/test_database_restart.py",
    ("SERVICE_UNAVAILABLE", "SHUTTING_DOWN"): "the process stopping; test_shutdown.py",
    ("INTERNAL_SERVER_ERROR", "(none)"): "a fault of the server, not of a request",
}


def edge_rows() -> list[tuple[str, list[str]]]:
    """The edge table: each row's code and its reasons ("(none)" for a row without one)."""
    rows = table_rows(API_DOCUMENT.read_text(encoding="utf-8"), "| `extensions.code` |")
    return [(backticked(code)[0], reasons_in(cell)) for code, cell, *_ in rows]


def reasons_in(cell: str) -> list[str]:
    return ["(none)"] if cell.startswith("(none") else backticked(cell)


def application_codes() -> set[str]:
    rows = table_rows(API_DOCUMENT.read_text(encoding="utf-8"), "| `extensions.reason` |")
    return {code for _, codes, *_ in rows for code in backticked(codes)}


def test_every_row_of_the_table_is_provoked_or_excused() -> None:
    provoked = {(c.code, c.reason) for c in CASES.values()} | set(OWN_TESTS)
    for code, reasons in edge_rows():
        row = {(code, reason) for reason in reasons}
        excused = (code, reasons[0]) in NOT_OVER_GRAPHQL
        assert excused or row & provoked, f"no contract test provokes {code} / {reasons}"
    provoked_codes = {code for code, _ in provoked}
    assert application_codes() <= provoked_codes, application_codes() - provoked_codes


def test_the_cases_and_excuses_are_rows_of_the_table() -> None:
    documented = {(code, reason) for code, reasons in edge_rows() for reason in reasons}
    application = table_rows(API_DOCUMENT.read_text(encoding="utf-8"), "| `extensions.reason` |")
    documented |= {
        (code, backticked(reason)[0])
        for reason, codes, *_ in application
        for code in backticked(codes)
    }
    claimed = {(c.code, c.reason) for c in CASES.values()} | set(OWN_TESTS) | set(NOT_OVER_GRAPHQL)
    assert claimed <= documented, claimed - documented


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_refusal_has_its_code_and_status(contract: ContractServer, case: Case) -> None:
    answer = case.provoke(contract)
    assert (case.code, case.reason) in answer.codes, answer.errors
    assert answer.status == case.status, (answer.status, answer.errors)
    assert answer.headers["content-type"].startswith(("application/json", GRAPHQL_RESPONSE))
    for error in answer.errors:
        assert error["message"], error
    if answer.status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "provoke",
    [
        (unknown_input_field_inline, unknown_input_field_as_variable),
        (malformed_datetime_inline, malformed_datetime_as_variable),
    ],
    ids=["an unknown input field", "a malformed DateTime"],
)
def test_a_value_not_of_its_type_answers_alike_inline_and_as_a_variable(
    contract: ContractServer, provoke: tuple[Callable[[ContractServer], Answer], ...]
) -> None:
    """One code, one Chinese message (the English beside it), whichever way it was written;
    nothing stored (a refused committee is not among the committees)."""
    inline, variable = (p(contract) for p in provoke)
    assert inline.codes == variable.codes == [("BAD_USER_INPUT", "INVALID_VALUE")]
    chinese = [e["message"].split(" (", 1)[0] for e in (*inline.errors, *variable.errors)]
    assert chinese[0] == chinese[1]
    assert chinese[0].startswith("取值无效"), chinese
    committees = contract.wire(ADMIN).execute("{ committees { name } }")
    assert "未知字段委" not in {c["name"] for c in committees.data["committees"]}


def test_a_refusal_of_the_application_answers_200_under_application_json(
    contract: ContractServer,
) -> None:
    wire = contract.wire(HOTLINE)
    wire.accept = "application/json"
    answer = wire.execute(REGISTER, name="仍是二百社区")
    assert (answer.status, answer.codes) == (200, [("FORBIDDEN", "NOT_PERMITTED")])


def test_a_burst_beyond_the_limit_is_told_when_to_retry(limited: ContractServer) -> None:
    wire = limited.wire(ADMIN)
    answers = [wire.execute(ESTABLISH, name=f"第{n}专委会") for n in range(3)]
    assert [a.status for a in answers] == [200, 200, 429], "a burst of 2, then the rate"
    refused = answers[2]
    assert refused.codes == [("RATE_LIMITED", "RATE_LIMITED")]
    wait = refused.errors[0]["extensions"]["retryAfterSeconds"]
    assert 1 <= wait <= 15, "4 a minute: one write every 15 s"
    assert refused.headers["retry-after"] == str(wait)


async def first_event(url: str, token: str, document: str, variables: dict[str, Any]) -> Any:
    transport = WebsocketsTransport(
        url=url,
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:
        async for answer in session.subscribe(GraphQLRequest(document, variable_values=variables)):
            return answer
    raise AssertionError("the subscription ended without an event")


EVENTS = """subscription($after: String, $fromNow: Boolean! = false) {
  events(after: $after, fromNow: $fromNow) { cursor type subject }
}"""


def test_the_websocket_takes_its_token_in_init(contract: ContractServer) -> None:
    a_unit(contract, "订阅社区")  # the log holds an event to replay
    hotline, url = contract.token(HOTLINE), contract.websocket_url
    event = asyncio.run(first_event(url, hotline, EVENTS, {"after": None}))["events"]
    assert event["type"].startswith("cn.gov.cppcc.yishiting.")

    with pytest.raises(TransportQueryError) as both:
        asyncio.run(first_event(url, hotline, EVENTS, {"after": event["cursor"], "fromNow": True}))
    (error,) = both.value.errors or []
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "BAD_USER_INPUT",
        "CURSOR_AND_FROM_NOW",
    )


def test_a_bad_token_in_init_closes_the_websocket_with_4403(contract: ContractServer) -> None:
    with pytest.raises(Exception) as refused:  # noqa: PT011 (gql's closing error, its cause)
        asyncio.run(first_event(contract.websocket_url, "not-a-token", EVENTS, {"after": None}))
    causes = []
    error: BaseException | None = refused.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    closes = [getattr(getattr(e, "rcvd", None), "code", None) for e in causes]
    assert 4403 in closes, [repr(e) for e in causes]
