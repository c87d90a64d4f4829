"""Fuzzing with schemathesis: every query and mutation of the GraphQL schema with generated
arguments, sent by a signed-in administrator and by a platform's staff, and the REST endpoints
of the OpenAPI document. No answer may be a server error, a fault (masked or not), or show a
fault's insides. FUZZ_EXAMPLES sets the examples per operation: a few in `make test`, many in
`make fuzz` (which also draws new ones each run, where `make test` repeats the same)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from interfaces.graphql.schema import sdl
from tests.support.world import World, leaks, running

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
CALLERS = ("admin", "platform_staff")
GRAPHQL = {
    op.label: op
    for op in (r.ok() for r in schemathesis.graphql.from_file(sdl()).get_all_operations())
}
REST = ("/healthz", "/readyz")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "yishiting.db"
    with running(f"sqlite:///{path}") as fuzzed:
        yield fuzzed


def faults(response: Any, sent: str) -> list[str]:
    """What is wrong with an answer: a server error, a fault, or a fault's insides shown."""
    if response.status_code >= 500:
        return [f"status {response.status_code}: {response.text[:300]}"]
    found = [f"shows {word!r}" for word in leaks(response.text) if word not in sent]
    if "json" not in response.headers.get("content-type", ""):
        return found
    body = response.json()
    for error in body.get("errors") or [] if isinstance(body, dict) else []:
        if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
            found.append(f"fault {error['extensions'].get('reference')} at {error.get('path')}")
    return found


@pytest.mark.parametrize("label", sorted(GRAPHQL))
def test_no_generated_graphql_operation_breaks_the_server(world: World, label: str) -> None:
    operation = GRAPHQL[label]

    @FUZZ
    @given(case=operation.as_strategy())
    def send(case: Any) -> None:
        request = case.as_transport_kwargs(base_url="http://testserver")["json"]
        sent = json.dumps(request)
        for caller in CALLERS:
            response = world.http.post("/graphql", json=request, headers=world.headers[caller])
            assert not faults(response, sent), (caller, request["query"], faults(response, sent))

    send()


@pytest.mark.parametrize("path", REST)
def test_the_rest_endpoints_never_fail(world: World, path: str) -> None:
    document = world.http.app.openapi()  # type: ignore[attr-defined]
    operations = schemathesis.openapi.from_dict(document).get_all_operations()
    (operation,) = (op for op in (r.ok() for r in operations) if op.path == path)

    @FUZZ
    @given(case=operation.as_strategy())
    def send(case: Any) -> None:
        request = case.as_transport_kwargs(base_url="http://testserver")
        for caller in (*CALLERS, "anonymous"):
            headers = {**request.get("headers", {}), **world.headers[caller]}
            response = world.http.request(
                request["method"], path, params=request.get("params"), headers=headers
            )
            assert not faults(response, json.dumps(request, default=str)), (caller, path)
            assert response.status_code == 200, (path, response.text)

    send()
