"""The contract suite's side of the wire: a real server per module (`yishiting serve` in its own
process, on SQLite or PostgreSQL), and the third-party `gql` client speaking to it as an
integrator would, with `Accept: application/graphql-response+json`, keeping each answer's HTTP
status and headers beside what gql makes of the body."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import psycopg
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError, TransportServerError
from gql.transport.httpx import HTTPXTransport

from domain.base import Actor
from tests.conftest import PG, require_postgres
from tests.support.servers import (
    Server,
    credentials_for,
    environment,
    kill,
    launch,
    wait_until_ready,
)

SECRET = "contract-suite-token-secret-of-enough-length"  # the suite's servers' token secret
GRAPHQL_RESPONSE = "application/graphql-response+json"
API_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "API.md"


@dataclass
class Answer:
    """One request's answer as the client saw it: the HTTP status and headers of the wire, and
    the GraphQL result gql parsed (its errors as the server sent them)."""

    status: int
    headers: httpx.Headers
    data: Any
    errors: list[dict[str, Any]]

    @property
    def codes(self) -> list[tuple[str, str]]:
        extensions = [e.get("extensions") or {} for e in self.errors]
        return [(x.get("code", ""), x.get("reason", "")) for x in extensions]


@dataclass
class Wire:
    """gql's HTTP transport (httpx) against `url`, with a bearer token or none."""

    url: str
    token: str | None = None
    accept: str = GRAPHQL_RESPONSE
    responses: list[httpx.Response] = field(default_factory=list)

    def _keep(self, response: httpx.Response) -> None:
        self.responses.append(response)

    def transport(self) -> HTTPXTransport:
        headers = {"Accept": self.accept}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return HTTPXTransport(
            url=self.url, headers=headers, timeout=60, event_hooks={"response": [self._keep]}
        )

    def execute(self, document: str, **variables: Any) -> Answer:
        request = GraphQLRequest(document, variable_values=variables or None)
        with Client(transport=self.transport()) as session:
            try:
                data = session.execute(request)
                errors: list[dict[str, Any]] = []
            except TransportQueryError as refused:
                data, errors = refused.data, list(refused.errors or [])
            except TransportServerError:  # an answer without "data" or "errors"
                data, errors = None, []
        return self._answer(data, errors)

    def execute_batch(self, *documents: str) -> Answer:
        requests = [GraphQLRequest(d) for d in documents]
        with Client(transport=self.transport()) as session, pytest.raises(TransportServerError):
            session.execute_batch(requests)
        return self._answer(None, self.responses[-1].json().get("errors") or [])

    def _answer(self, data: Any, errors: list[dict[str, Any]]) -> Answer:
        last = self.responses[-1]
        return Answer(last.status_code, last.headers, data, errors)


@dataclass
class ContractServer:
    """A running server and how to reach it: tokens signed with its secret."""

    server: Server

    @property
    def graphql_url(self) -> str:
        return f"{self.server.base_url}/graphql"

    @property
    def websocket_url(self) -> str:
        return self.graphql_url.replace("http://", "ws://", 1)

    def token(self, actor: Actor) -> str:
        header = self.server.credentials(actor)["Authorization"]
        return header.removeprefix("Bearer ")

    def wire(self, actor: Actor | None = None, path: str = "/graphql") -> Wire:
        url = f"{self.server.base_url}{path}"
        return Wire(url, self.token(actor) if actor is not None else None)


def serve(url: str, log: Path, secret: str, **settings: str) -> Iterator[ContractServer]:
    """A server on `url` with the deployment's default write limit unless `settings` set one
    (the test servers' raised limit is taken away: this suite measures the real one)."""
    env = environment(url, secret, **settings)
    for limit in ("YISHITING_WRITES_PER_MINUTE", "YISHITING_WRITE_BURST"):
        if limit not in settings:
            env.pop(limit, None)
    base_url, process = launch(env, log)
    server = Server(base_url, process, log, credentials_for(secret))
    try:
        wait_until_ready(server)
        yield ContractServer(server)
    finally:
        kill(server)


def database_for(backend: str, directory: Path) -> Iterator[str]:
    """A fresh database for a module: a SQLite file, or a PostgreSQL schema dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/yishiting.db"
        return
    require_postgres()
    schema = f"c_{uuid4().hex[:12]}"
    yield f"{PG}?schema={schema}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


BACKTICKED = re.compile(r"`([^`]+)`")


def table_rows(text: str, header_start: str) -> list[list[str]]:
    """The cells of the Markdown table whose header row starts with `header_start`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def backticked(cell: str) -> list[str]:
    return BACKTICKED.findall(cell)
