"""Hostile or runaway input: query depth, aliases and size; request bodies over the limit
(declared or streamed); over-long text in every field of every mutation; production's closed
doors (introspection, suggestions, GraphiQL); unexpected faults masked with a reference that
the log keeps; and the per-token write rate limit."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import graphql
import httpx
import pytest

from application.settings import Settings
from interfaces.graphql.schema import sdl
from tests.support.graphql import CHINESE, mutation_document
from tests.support.scenarios import SCENARIOS, Input
from tests.support.servers import (
    Server,
    credentials_for,
    environment,
    kill,
    launch,
    wait_until_ready,
)
from tests.support.world import PRODUCTION_SECRET, World, leaks, running, running_in_production

TOO_LONG = "长" * 20_001  # past every text limit of the domain (the longest is 20,000)
ID_LIKE = {
    "attendeeIds",
    "after",
    "tokenId",
    "uploadId",
}  # ids and cursors: refused as unknown, whatever their length
# Fields under a rule of their own, refused by it when over-long.
OWN_RULE = {
    "temporaryPassword": ("BAD_USER_INPUT", "WEAK_PASSWORD"),
    "weights": ("BAD_USER_INPUT", "UNKNOWN_CODE"),  # its one text, a kind: a code or unknown
}
# A deprecated spelling is given instead of the current one, not beside it (both is refused).
SPELLED_BEFORE = {"explanation": "reason"}
# One's own password: a bearer token (these tests' callers) is refused before anything else;
# the same hostile input from a signed-in holder: tests/integration/test_sign_in.py.
ACCOUNT_ONLY = {"changeOwnPassword"}
# Who performs each mutation in these tests (any permitted role would do).
PERFORMER = {
    "approveTopic": "committee",
    "returnTopic": "committee",
    "resolveItem": "committee",
    "reopenItem": "committee",
    "establishCommittee": "admin",
    "registerUnit": "admin",
    "renameUnit": "admin",
    "registerPerson": "admin",
    "registerPlatform": "admin",
    "changeResponsiblePerson": "admin",
    "eraseSubject": "admin",
    "registerWebhook": "admin",
    "unregisterWebhook": "admin",
    "resumeWebhook": "admin",
    "issueCheckpoint": "admin",
    "enterHolidaySchedule": "admin",
    "setPointsScheme": "admin",
    "createAccount": "security_admin",
    "grantRole": "security_admin",
    "revokeRole": "security_admin",
    "disableAccount": "security_admin",
    "reenableAccount": "security_admin",
    "unlockAccount": "security_admin",
    "resetPassword": "security_admin",
    "resetSecondFactor": "security_admin",
    "issueApiToken": "security_admin",
    "revokeApiToken": "security_admin",
}


def performer(mutation: str) -> str:
    return PERFORMER.get(mutation, "platform_staff")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("hostile") / "yishiting.db"
    with running(f"sqlite:///{path}", max_body_bytes=64 * 1024) as running_world:
        yield running_world


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = body.get("errors") or []
    assert errors, body
    return errors


def refused(body: dict[str, Any], code: str, reason: str) -> str:
    """Nothing ran; the first error carries the stable code and reason, in 中文 and English."""
    assert body.get("data") is None
    error = errors_of(body)[0]
    assert error["extensions"] == {"code": code, "reason": reason}, error
    assert CHINESE.search(error["message"]), error
    message: str = error["message"]
    return message


# ------------------------------------------------------------------------------ query limits


def chain(levels: int) -> str:
    selection = "id"
    for level in range(levels):
        selection = f"{('consultations', 'topic')[level % 2]} {{ {selection} }}"
    return selection


def test_a_query_deeper_than_ten_runs_nothing(world: World) -> None:
    given = SCENARIOS["proposeTopic"].prepare(world.home)
    before = world.position()
    deep = (
        "mutation($input: ProposeTopicInput!) { proposeTopic(input: $input)"
        f" {{ topic {{ {chain(9)} }} }} }}"
    )
    body = world.execute("platform_staff", deep, {"input": given})
    assert "depth" in refused(body, "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_DEEP")
    assert world.position() == before


def test_more_than_thirty_aliases_run_nothing(world: World) -> None:
    given = SCENARIOS["establishCommittee"].prepare(world.home)
    before = world.position()
    fields = " ".join(f"a{n}: establishCommittee(input: $input) {{ id }}" for n in range(31))
    body = world.execute(
        "admin", f"mutation($input: EstablishCommitteeInput!) {{ {fields} }}", {"input": given}
    )
    assert "aliases" in refused(body, "GRAPHQL_VALIDATION_FAILED", "TOO_MANY_ALIASES")
    assert world.position() == before


def test_a_huge_query_is_refused_before_it_is_parsed_in_full(world: World) -> None:
    huge = "{ vocabularies { " + "name " * 3000 + "} }"
    body = world.execute("admin", huge)
    assert "tokens" in refused(body, "GRAPHQL_PARSE_FAILED", "QUERY_TOO_LONG")


MALFORMED = [
    ("{ topics { totalCount ", "GRAPHQL_PARSE_FAILED", "SYNTAX_ERROR"),
    ("{ topicz { totalCount } }", "GRAPHQL_VALIDATION_FAILED", "INVALID_QUERY"),
    ("query($n: Int) { topics { totalCount } }", "GRAPHQL_VALIDATION_FAILED", "INVALID_QUERY"),
    (
        "mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }",
        "BAD_USER_INPUT",
        "INVALID_VARIABLES",
    ),
]


@pytest.mark.parametrize(("document", "code", "reason"), MALFORMED)
def test_graphql_s_own_refusals_have_a_code_and_chinese(
    world: World, document: str, code: str, reason: str
) -> None:
    before = world.position()
    english = refused(world.execute("platform_staff", document), code, reason)
    assert english.endswith(")")  # GraphQL's own words stay beside the Chinese
    assert world.position() == before


def test_a_variable_of_the_wrong_shape_is_refused_field_by_field(world: World) -> None:
    document = "mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }"
    given = SCENARIOS["proposeTopic"].prepare(world.home) | {"channel": "PIGEON", "title": 3}
    before = world.position()
    body = world.execute("platform_staff", document, {"input": given})
    assert body.get("data") is None
    errors = errors_of(body)
    assert {e["extensions"]["reason"] for e in errors} == {"INVALID_VALUE"}
    said = " ".join(e["message"] for e in errors)
    assert "PIGEON" in said
    assert ".title" in said
    assert world.position() == before


# -------------------------------------------------------------------------------- body size


def assert_too_large(response: Any) -> None:
    assert response.status_code == 413, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "BODY_TOO_LARGE"}
    assert CHINESE.search(error["message"])


def oversized(world: World) -> bytes:
    given = SCENARIOS["proposeTopic"].prepare(world.home) | {"content": "长" * 40_000}
    document = {"query": mutation_document("proposeTopic"), "variables": {"input": given}}
    return json.dumps(document, ensure_ascii=False).encode()


def test_a_body_declared_over_the_limit_is_refused_with_413(world: World) -> None:
    before = world.position()
    response = world.http.post(
        "/graphql",
        content=oversized(world),
        headers={**world.headers["platform_staff"], "Content-Type": "application/json"},
    )
    assert_too_large(response)
    assert world.position() == before


def test_a_streamed_body_over_the_limit_is_refused_with_413(world: World) -> None:
    body = oversized(world)
    before = world.position()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    response = world.http.post(
        "/graphql",
        content=chunks(),
        headers={**world.headers["platform_staff"], "Content-Type": "application/json"},
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_too_large(response)
    assert world.position() == before


# ------------------------------------------------------------------------ over-long strings


def text_fields(type_: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every String of an input type (into the first element of a list)."""
    named = graphql.get_named_type(type_)
    if isinstance(named, graphql.GraphQLInputObjectType):
        for name, field in named.fields.items():
            inner = graphql.get_nullable_type(field.type)
            step = (name, 0) if isinstance(inner, graphql.GraphQLList) else (name,)
            yield from text_fields(field.type, path + step)
    elif named is graphql.GraphQLString:
        yield path


def with_value(given: Input, path: tuple[Any, ...], value: str) -> Input:
    copy: Any = json.loads(json.dumps(given))
    holder = copy
    for step in path[:-1]:
        if isinstance(step, int):
            while len(holder) <= step:
                holder.append({})
        elif step not in holder:
            holder[step] = {} if not isinstance(path[path.index(step) + 1], int) else []
        holder = holder[step]
    last = path[-1]
    if isinstance(last, int):
        holder[:] = [value]
    else:
        holder.pop(SPELLED_BEFORE.get(last, ""), None)
        holder[last] = value
    return copy


def every_text_field() -> list[tuple[str, tuple[Any, ...]]]:
    built = graphql.build_schema(sdl())
    assert built.mutation_type is not None
    found = []
    for name, field in built.mutation_type.fields.items():
        if "input" in field.args and name in SCENARIOS:
            found += [(name, path) for path in text_fields(field.args["input"].type)]
    return found


@pytest.mark.parametrize("mutation", sorted(SCENARIOS))
def test_over_long_text_in_any_field_is_refused_and_stores_nothing(
    world: World, mutation: str
) -> None:
    given = SCENARIOS[mutation].prepare(world.home)
    wrong = []
    for path in (p for name, p in every_text_field() if name == mutation):
        before = world.position()
        body = world.mutate(performer(mutation), mutation, with_value(given, path, TOO_LONG))
        extensions = [e.get("extensions") or {} for e in body.get("errors") or []]
        want = (
            ("FORBIDDEN", "ACCOUNT_ONLY")
            if mutation in ACCOUNT_ONLY
            else ("BAD_USER_INPUT", "?")
            if path[0] in ID_LIKE
            else OWN_RULE.get(str(path[0]), ("BAD_USER_INPUT", "FIELD_TOO_LONG"))
        )
        got = [(e.get("code"), e.get("reason") if want[1] != "?" else "?") for e in extensions]
        if body.get("data") is not None or got != [want] or world.position() != before:
            wrong.append(f"{'.'.join(map(str, path))}: {got or 'stored'}")
            given = SCENARIOS[mutation].prepare(world.home)
    assert not wrong, f"{mutation}:\n" + "\n".join(wrong)


# ------------------------------------------------------------------------------- production

SECRET = PRODUCTION_SECRET


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_in_production(tmp_path_factory.mktemp("production")) as production_world:
        yield production_world


INTROSPECTION = [
    "{ __schema { types { name } } }",
    '{ __type(name: "Topic") { fields { name } } }',
    "query { topics { totalCount } __schema { queryType { name } } }",
]


@pytest.mark.parametrize("document", INTROSPECTION)
def test_production_refuses_introspection(production: World, document: str) -> None:
    body = production.execute("admin", document)
    assert "introspection" in refused(body, "GRAPHQL_VALIDATION_FAILED", "INTROSPECTION_DISABLED")


MISSPELT = {
    "a field": ("{ topicz { totalCount } platforms { nmae } }", None),
    "an enum value": ("{ topics(filter: {channel: HOTLINE_1234}) { totalCount } }", None),
    "an enum value in a variable": (
        "query($f: TopicFilter) { topics(filter: $f) { totalCount } }",
        {"f": {"channel": "HOTLINE_1234"}},
    ),
    "an input field in a variable": (
        "query($f: TopicFilter) { topics(filter: $f) { totalCount } }",
        {"f": {"chanel": "HOTLINE_12345"}},
    ),
    "an argument": ("{ topics(filtr: {}) { totalCount } }", None),
    "a type": ("query($f: TopicFiltr) { topics(filter: $f) { totalCount } }", None),
}


@pytest.mark.parametrize("case", sorted(MISSPELT))
def test_production_gives_no_suggestions(production: World, world: World, case: str) -> None:
    document, variables = MISSPELT[case]
    said = json.dumps(production.execute("admin", document, variables), ensure_ascii=False)
    refusals = ("GRAPHQL_VALIDATION_FAILED", "INVALID_VARIABLES", "INVALID_VALUE")
    assert any(code in said for code in refusals), said
    assert "Did you mean" not in said
    # development does suggest, so the check above can tell the difference
    assert "Did you mean" in json.dumps(world.execute("admin", document, variables))


def test_production_serves_no_graphiql(production: World, world: World) -> None:
    page = {"Accept": "text/html"}
    response = production.http.get("/graphql", headers=page)
    assert response.status_code != 200
    assert "graphiql" not in response.text.lower()
    assert production.http.get("/docs").status_code == 404
    assert "graphiql" in world.http.get("/graphql", headers=page).text.lower()


# ------------------------------------------------------------------------- unexpected faults


def test_an_unexpected_fault_is_masked_and_its_reference_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with running(f"sqlite:///{tmp_path}/yishiting.db") as broken:
        with sqlite3.connect(broken.system.store.path) as views:  # type: ignore[attr-defined]
            views.execute("DROP TABLE topic_board")
        with caplog.at_level(logging.ERROR, logger="yishiting.graphql"):
            body = broken.execute("admin", "{ topics { totalCount } platforms { id } }")
    assert body["data"] is None or body["data"].get("topics") is None
    (error,) = body["errors"]
    reference = error["extensions"]["reference"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert reference in error["message"]
    assert CHINESE.search(error["message"])
    assert not leaks(json.dumps(body)), body
    assert any(reference in record.getMessage() for record in caplog.records)


# ------------------------------------------------------------------------------- rate limit


def test_writes_beyond_the_rate_are_refused_while_reads_and_other_callers_go_on(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path}/yishiting.db"
    with running(database, writes_per_minute=4, write_burst=1) as limited:
        burst = [SCENARIOS["proposeTopic"].prepare(limited.home) for _ in range(8)]
        outcomes = []
        for given in burst:
            before = limited.position()
            body = limited.mutate("platform_staff", "proposeTopic", given)
            if body.get("errors"):
                (error,) = body["errors"]
                assert error["extensions"]["code"] == "RATE_LIMITED"
                assert 1 <= error["extensions"]["retryAfterSeconds"] <= 15
                assert CHINESE.search(error["message"])
                assert limited.position() == before
            outcomes.append("limited" if body.get("errors") else "written")
        assert outcomes[0] == "written"
        assert outcomes[4:] == ["limited"] * 4, outcomes
        assert outcomes == sorted(outcomes, reverse=True), "once limited, limited for the burst"
        # reads go on for the same caller; another caller still writes
        assert limited.execute("platform_staff", "{ topics { totalCount } }")["data"]
        another = SCENARIOS["establishCommittee"].prepare(limited.home)
        assert limited.mutate("admin", "establishCommittee", another)["data"]


# ------------------------------------------------------------------- malformed HTTP requests


def refused_request(response: Any, status: int, reason: str) -> None:
    """A 4xx in the GraphQL errors' shape: code, stable reason, 中文 first, no fault words."""
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["reason"] == reason, error
    assert error["extensions"]["code"] in ("BAD_REQUEST", "BAD_USER_INPUT", "NOT_FOUND"), error
    assert CHINESE.search(error["message"].split(" (")[0]), "中文 first, English beside it"
    assert not leaks(response.text), response.text


def nested(depth: int) -> bytes:
    return b'{"query": "{ platforms { id } }", "variables": {"x": %s%s}}' % (
        b"[" * depth,
        b"]" * depth,
    )


BAD_BODIES = {
    "JSON nested 30,000 deep": (nested(30_000), 400, "JSON_TOO_DEEP"),
    "invalid UTF-8": (b'{"query": "{ platforms { id } }", "x": "\xff\xc3"}', 400, "INVALID_UTF8"),
    "not JSON": (b"{{{", 400, "INVALID_JSON"),
    "no query": (b"{}", 400, "NO_QUERY"),
    "a query that is not text": (b'{"query": 3}', 400, "INVALID_REQUEST"),
    "variables that are a list": (
        b'{"query": "{ platforms { id } }", "variables": [1]}',
        400,
        "INVALID_REQUEST",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_a_malformed_body_answers_4xx_with_a_code_and_no_traceback(
    world: World, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    body, status, reason = BAD_BODIES[case]
    headers = {**world.headers["admin"], "Content-Type": "application/json"}
    with caplog.at_level(logging.DEBUG):
        response = world.http.post("/graphql", content=body, headers=headers)
    refused_request(response, status, reason)
    assert not [r for r in caplog.records if r.exc_info], "nothing logged as a fault"


def test_a_deeply_nested_variable_in_a_get_answers_400(world: World) -> None:
    response = world.http.get(
        "/graphql",
        params={"query": "{ platforms { id } }", "variables": "[" * 3000 + "]" * 3000},
        headers=world.headers["admin"],
    )
    refused_request(response, 400, "JSON_TOO_DEEP")


def test_a_mutation_by_get_and_an_unknown_content_type_answer_with_a_code(world: World) -> None:
    mutation = 'mutation { establishCommittee(input: {name: "经济委员会"}) { id } }'
    before = world.position()
    by_get = world.http.get("/graphql", params={"query": mutation}, headers=world.headers["admin"])
    refused_request(by_get, 400, "METHOD_NOT_ALLOWED")
    as_text = world.http.post(
        "/graphql",
        content=b"query=1",
        headers={**world.headers["admin"], "Content-Type": "text/plain"},
    )
    refused_request(as_text, 400, "UNSUPPORTED_CONTENT_TYPE")
    assert world.position() == before


def test_json_nested_100_000_deep_answers_400_under_the_default_body_limit(
    production: World,
) -> None:
    body = nested(100_000)
    assert len(body) < Settings().max_body_bytes
    headers = {**production.headers["admin"], "Content-Type": "application/json"}
    refused_request(
        production.http.post("/graphql", content=body, headers=headers), 400, "JSON_TOO_DEEP"
    )


# --------------------------------------------------------------- slow and vanishing clients


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`yishiting serve` in its own process, giving clients 1 s for headers, for a body, and
    between two requests on one connection."""
    directory = tmp_path_factory.mktemp("served")
    env = environment(
        f"sqlite:///{directory}/yishiting.db",
        SECRET,
        YISHITING_REQUEST_HEAD_SECONDS="1",
        YISHITING_REQUEST_BODY_SECONDS="1",
        YISHITING_KEEP_ALIVE_SECONDS="1",
    )
    base_url, process = launch(env, directory / "serve.log")
    server = Server(base_url, process, directory / "serve.log", credentials_for(SECRET))
    try:
        wait_until_ready(server)
        yield server
    finally:
        kill(server)


WAIT_FOR_THE_SERVER = 15.0  # far beyond its 1 s deadlines: only to fail instead of hanging


def connect(server: Server) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)))
    client.settimeout(WAIT_FOR_THE_SERVER)
    return client


def until_closed(client: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    return received


def test_a_client_that_never_finishes_its_headers_is_disconnected(served: Server) -> None:
    with connect(served) as client:
        client.sendall(b"POST /graphql HTTP/1.1\r\nHost: yishiting\r\nX-Slow: ")
        assert until_closed(client) == b"", "closed without an answer"
    with connect(served) as idle:  # one that says nothing at all
        assert until_closed(idle) == b""


def test_a_request_head_over_its_limit_is_refused_and_the_connection_closed(
    served: Server,
) -> None:
    """`yishiting serve` reads at most 16 KiB of request line and headers (HEAD_LIMIT_BYTES):
    a client sending more without ending them is answered 400 and cut off, well before its
    deadline, instead of being buffered."""
    pads = [b"X-Pad-%d: %s\r\n" % (n, b"a" * 1000) for n in range(20)]
    start = b"GET /healthz HTTP/1.1\r\nHost: yishiting\r\n"
    with connect(served) as client:
        client.sendall(start + b"".join(pads))  # 20 KB, not ended
        answer = until_closed(client)
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert b"Traceback" not in answer
    with connect(served) as client:  # 12 KB of headers, under the limit: answered
        client.sendall(start + b"".join(pads[:12]) + b"Connection: close\r\n\r\n")
        assert until_closed(client).startswith(b"HTTP/1.1 200")


def test_an_idle_keep_alive_connection_is_closed(served: Server) -> None:
    with connect(served) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: yishiting\r\n\r\n")
        answer = until_closed(client)  # the answer, then the close once idle
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert answer.endswith(b'{"status":"ok"}'), answer


def test_a_body_that_does_not_arrive_in_time_answers_408_with_a_code(served: Server) -> None:
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: yishiting\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n"
    )
    with connect(served) as client:
        client.sendall(head + b'{"query": ')
        answer = until_closed(client)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408"), answer
    assert b'"reason": "BODY_TIMEOUT"' in rest
    assert "请求内容未在".encode() in rest


def test_a_client_hanging_up_mid_body_leaves_no_traceback(served: Server) -> None:
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: yishiting\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n"
    )
    with connect(served) as client:
        client.sendall(head + b'{"query": "{ platforms')
    deadline = time.monotonic() + WAIT_FOR_THE_SERVER
    while "hung up before its request body arrived" not in served.output():
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.05)
    assert "Traceback" not in served.output()
    assert "Exception in ASGI" not in served.output()
    with httpx.Client(base_url=served.base_url) as http:
        assert http.get("/readyz").status_code == 200


# ------------------------------------------------------------------ what one document may ask


@pytest.fixture(params=["sqlite", "postgres"])
def stored(request: pytest.FixtureRequest) -> Iterator[World]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    with running(url) as running_world:
        yield running_world


def ten_mutations(world: World) -> tuple[str, dict[str, Any]]:
    """Ten aliased proposals; the sixth names a platform that does not exist, so it would fail
    after five were stored."""
    given = {f"in{n}": SCENARIOS["proposeTopic"].prepare(world.home) for n in range(10)}
    given["in5"] = given["in5"] | {"platformId": str(uuid4())}
    arguments = ", ".join(f"$in{n}: ProposeTopicInput!" for n in range(10))
    fields = " ".join(f"p{n}: proposeTopic(input: $in{n}) {{ id }}" for n in range(10))
    return f"mutation({arguments}) {{ {fields} }}", given


def test_a_document_of_ten_mutations_is_refused_whole_and_stores_nothing(stored: World) -> None:
    document, given = ten_mutations(stored)
    before = stored.position()
    body = stored.execute("platform_staff", document, given)
    message = refused(body, "GRAPHQL_VALIDATION_FAILED", "ONE_MUTATION_PER_DOCUMENT")
    assert "10" in message
    assert stored.position() == before, "not one of the ten was stored"
    # each sent alone: the five good ones before the bad one are stored and acknowledged
    outcomes = []
    for n in range(10):
        single = "mutation($input: ProposeTopicInput!) { proposeTopic(input: $input) { id } }"
        answer = stored.execute("platform_staff", single, {"input": given[f"in{n}"]})
        outcomes.append("stored" if (answer.get("data") or {}).get("proposeTopic") else "refused")
    assert outcomes == ["stored"] * 5 + ["refused"] + ["stored"] * 4


SPREAD_MUTATIONS = (
    "mutation($a: EstablishCommitteeInput!, $b: EstablishCommitteeInput!) { ...Both }"
    " fragment Both on Mutation { one: establishCommittee(input: $a) { id }"
    " two: establishCommittee(input: $b) { id } }"
)


def test_two_mutations_through_a_fragment_are_refused_too(world: World) -> None:
    given = SCENARIOS["establishCommittee"].prepare(world.home)
    before = world.position()
    body = world.execute("admin", SPREAD_MUTATIONS, {"a": given, "b": given})
    refused(body, "GRAPHQL_VALIDATION_FAILED", "ONE_MUTATION_PER_DOCUMENT")
    assert world.position() == before
    alone = 'mutation { __typename committee: establishCommittee(input: {name: "文史委"}) { id } }'
    assert world.execute("admin", alone)["data"]["committee"]["id"]


VERIFICATIONS = {
    "two aliases": "{ a: ledger { verification { ok } } b: ledger { verification { ok } } }",
    "thirty aliases": "{ ledger { "
    + " ".join(f"v{n}: verification {{ ok }}" for n in range(30))
    + " } }",
    "one fragment used three times": (
        "{ ledger { ...V ...V } again: ledger { ...V } }"
        " fragment V on Ledger { verification { ok } }"
    ),
}


@pytest.mark.parametrize("case", sorted(VERIFICATIONS))
def test_ledger_verification_runs_at_most_once_per_document(world: World, case: str) -> None:
    body = world.execute("auditor", VERIFICATIONS[case])
    message = refused(body, "GRAPHQL_VALIDATION_FAILED", "EXPENSIVE_FIELD_LIMIT")
    assert "Ledger.verification" in message
    once = world.execute("auditor", "{ ledger { verification { ok eventsChecked } } }")
    assert once["data"]["ledger"]["verification"]["ok"] is True, once


def test_a_query_started_over_the_legacy_graphql_ws_protocol_is_refused_with_a_code(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    token = world.headers["admin"]["Authorization"]
    with (
        caplog.at_level(logging.WARNING),
        world.http.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as socket_,
    ):
        socket_.send_json({"type": "connection_init", "payload": {"Authorization": token}})
        assert socket_.receive_json()["type"] == "connection_ack"
        start = {"type": "start", "id": "1", "payload": {"query": "{ platforms { id } }"}}
        socket_.send_json(start)
        answer = socket_.receive_json()
    assert answer["type"] == "error", answer
    assert answer["payload"]["extensions"] == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "reason": "OPERATION_NOT_ALLOWED",
    }
    assert CHINESE.search(answer["payload"]["message"])
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


# ------------------------------------------------------------------------- REST's refusals

REST_REFUSALS = {
    "no such path": ("GET", "/no/such/path", {}, 404, "NOT_FOUND"),
    "a method the route does not take": ("DELETE", "/healthz", {}, 405, "METHOD_NOT_ALLOWED"),
    "PUT to GraphQL": ("PUT", "/graphql", {}, 405, "METHOD_NOT_ALLOWED"),
    "DELETE to GraphQL": ("DELETE", "/graphql", {}, 405, "METHOD_NOT_ALLOWED"),
    "a limit that is not a number": ("GET", "/events", {"limit": "many"}, 400, "INVALID_PARAMETER"),
    "a limit out of range": ("GET", "/events", {"limit": "0"}, 400, "INVALID_PARAMETER"),
    "a misspelt export filter": (
        "GET",
        "/exports/supervision.csv",
        {"platform": "x"},
        400,
        "UNKNOWN_PARAMETER",
    ),
    "a misspelt audit export filter": (
        "GET",
        "/exports/audit.xlsx",
        {"actor": "x"},
        400,
        "UNKNOWN_PARAMETER",
    ),
    "an audit export actor with a control character": (
        "GET",
        "/exports/audit.xlsx",
        {"actor_id": "staff\x00"},
        400,
        "INVALID_TEXT",
    ),
    "an export period that is no day": (
        "GET",
        "/exports/supervision.xlsx",
        {"period_to": "2024-13-45"},
        400,
        "INVALID_DATE",
    ),
}


@pytest.mark.parametrize("case", sorted(REST_REFUSALS))
def test_rest_refusals_have_a_code_and_chinese(world: World, case: str) -> None:
    method, path, params, status, reason = REST_REFUSALS[case]
    response = world.http.request(method, path, params=params, headers=world.headers["admin"])
    refused_request(response, status, reason)
    if status == 405 and path == "/graphql":
        assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}


def test_head_to_graphql_is_refused_with_the_methods_it_takes(world: World) -> None:
    response = world.http.head("/graphql", headers=world.headers["admin"])
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}


def test_a_hotline_push_nested_100_000_deep_answers_400(production: World) -> None:
    headers = {**production.headers["integration"], "Content-Type": "application/json"}
    body = b'{"service_request_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = production.http.post("/hotline/service-requests", content=body, headers=headers)
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert CHINESE.search(error["message"])


ONE_BAD_CHANNEL = {
    "inline": ("{ topics(filter: {channel: PIGEON}) { totalCount } }", None),
    "as a variable": (
        "query($f: TopicFilter) { topics(filter: $f) { totalCount } }",
        {"f": {"channel": "PIGEON"}},
    ),
}


def test_an_unknown_enum_value_is_one_refusal_inline_or_as_a_variable(world: World) -> None:
    answers = {
        spelling: errors_of(world.execute("admin", document, variables))[0]
        for spelling, (document, variables) in ONE_BAD_CHANNEL.items()
    }
    for error in answers.values():
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["reason"] == "INVALID_VALUE", error
        assert "PIGEON" in error["message"]
        assert "'Channel' enum" in error["message"]
        assert CHINESE.search(error["message"])
