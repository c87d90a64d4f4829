"""PostgreSQL restarted under a stream of commands through a real server (`yishiting serve`, its
projector inside): every command is either acknowledged with an id or refused at once with
HTTP 503 SERVICE_UNAVAILABLE and Retry-After, never left hanging; no acknowledged command is
lost; and the same server process serves again by itself once the database is back.

The test runs a PostgreSQL server of its own (initdb in a temporary folder, a free port), so
that stopping it disturbs nobody else's tests; it is stopped the way a restart does ("fast":
every session ended, committed work kept) and kept down until commands have been refused."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import application_for
from interfaces.edge.errors import UNAVAILABLE_MESSAGE
from tests.support.graphql import ADMIN, GraphQLClient, GraphQLDistrict
from tests.support.postgres_server import PostgresServer, own_postgres_server
from tests.support.servers import Server, free_port, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

# Each request's bound: the server answers within about 5 s, acknowledged or refused, however
# long the database stays away. A request still unanswered after this long is a hang.
CLIENT_TIMEOUT = 12.0
HANG_GUARD = 60.0  # seconds; only to fail rather than hang while waiting for a condition
UNAVAILABLE_BODY = {
    "errors": [{"message": UNAVAILABLE_MESSAGE, "extensions": {"code": "SERVICE_UNAVAILABLE"}}]
}
PROPOSE = """mutation Propose($input: ProposeTopicInput!) {
  proposeTopic(input: $input) { id }
}"""


@dataclass(frozen=True)
class Answer:
    """One command of the stream and what became of it."""

    command_id: str
    status: int | None  # None: no HTTP answer at all (timed out, connection failed)
    body: Any
    retry_after: str | None
    problem: str = ""

    @property
    def acknowledged_id(self) -> str | None:
        if self.status != 200 or not isinstance(self.body, dict) or self.body.get("errors"):
            return None
        found: str | None = ((self.body.get("data") or {}).get("proposeTopic") or {}).get("id")
        return found

    @property
    def refused(self) -> bool:
        return self.status == 503

    @property
    def well_formed(self) -> bool:
        if self.acknowledged_id is not None:
            return True
        return (
            self.refused
            and self.body == UNAVAILABLE_BODY
            and (self.retry_after or "").isdigit()
            and int(self.retry_after or 0) > 0
        )


class CommandStream:
    """Matters proposed one after another, each with its own command id, in a thread."""

    def __init__(self, server: Server, staff: Actor, platform_id: str) -> None:
        self.server = server
        self.headers = server.credentials(staff)
        self.platform_id = platform_id
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CommandStream:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=HANG_GUARD)
        assert not self.thread.is_alive(), "the command stream did not stop"

    def snapshot(self) -> list[Answer]:
        with self.lock:
            return list(self.answers)

    def wait_until(self, holds: Callable[[list[Answer]], bool], what: str) -> None:
        deadline = time.monotonic() + HANG_GUARD
        while not holds(self.snapshot()):
            assert self.thread.is_alive(), "the command stream stopped"
            assert time.monotonic() < deadline, f"never {what}: {describe(self.snapshot())}"
            time.sleep(0.05)

    def _run(self) -> None:
        with httpx.Client(base_url=self.server.base_url, timeout=CLIENT_TIMEOUT) as http:
            number = 0
            while not self.stopping.is_set():
                number += 1
                answer = self._send(http, f"restart-{number:04d}", number)
                with self.lock:
                    self.answers.append(answer)
                time.sleep(0.02)

    def _send(self, http: httpx.Client, command_id: str, number: int) -> Answer:
        matter = {
            "title": f"路灯不亮 {number}",
            "content": "小区北门路灯损坏,夜间出行不便。",
            "channel": "MASSES",
            "category": "LIVELIHOOD",
            "platformId": self.platform_id,
            "proposer": {"name": f"居民{number}", "phone": "13800000000"},
            "commandId": command_id,
        }
        try:
            response = http.post(
                "/graphql",
                json={"query": PROPOSE, "variables": {"input": matter}},
                headers=self.headers,
            )
        except httpx.HTTPError as error:
            return Answer(command_id, None, None, None, f"{type(error).__name__}: {error}")
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return Answer(command_id, response.status_code, body, response.headers.get("retry-after"))


def describe(answers: list[Answer]) -> str:
    return ", ".join(
        f"{a.command_id}:{'ok' if a.acknowledged_id else a.status or a.problem}" for a in answers
    )


def acknowledged(answers: list[Answer]) -> list[Answer]:
    return [a for a in answers if a.acknowledged_id is not None]


@pytest.fixture
def database() -> Iterator[PostgresServer]:
    server = own_postgres_server(free_port())
    yield server
    server.remove()


def probe(server: Server, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request with the same bound as the stream's; a hang fails here."""
    with httpx.Client(base_url=server.base_url, timeout=CLIENT_TIMEOUT) as http:
        try:
            return http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            pytest.fail(f"{method} {path} hung while the database was away:\n{server.output()}")


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == UNAVAILABLE_BODY
    assert int(response.headers["retry-after"]) > 0


def test_a_restart_of_postgresql_under_a_stream_of_commands(
    database: PostgresServer, tmp_path: Path
) -> None:
    url = f"{database.url}?schema=yishiting"
    secret = secrets.token_urlsafe(32)
    server = start_server(url, secret, tmp_path / "server.log")
    try:
        with httpx.Client(base_url=server.base_url, timeout=30.0) as http:
            api = GraphQLClient(http, credentials=server.credentials).acting_as(ADMIN)
            hall = GraphQLDistrict.build(api)
        staff = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id)
        admin = server.credentials(ADMIN)

        with CommandStream(server, staff, hall.platform_id) as stream:
            stream.wait_until(lambda got: len(acknowledged(got)) >= 5, "acknowledged")
            before = len(stream.snapshot())
            database.stop("fast")
            try:
                stream.wait_until(
                    lambda got: any(not a.acknowledged_id for a in got[before:]),
                    "refused while the database was down",
                )
                # Reads are refused the same way, over GraphQL and over plain HTTP.
                assert_refused(
                    probe(
                        server,
                        "POST",
                        "/graphql",
                        json={"query": "{ topics { totalCount } }"},
                        headers=admin,
                    )
                )
                assert_refused(probe(server, "GET", "/events", headers=admin))
                ready = probe(server, "GET", "/readyz")
                assert ready.status_code == 503, ready.text
            finally:
                if not database.running():
                    database.start()
            restarted_at = len(stream.snapshot())
            stream.wait_until(
                lambda got: len(acknowledged(got[restarted_at:])) >= 5,
                "acknowledged again after the restart",
            )
        answers = stream.snapshot()

        assert server.process.poll() is None, "the same server process serves throughout"
        odd = [a for a in answers if not a.well_formed]
        assert not odd, [(a.command_id, a.status, a.body, a.retry_after, a.problem) for a in odd]
        refused = [a for a in answers if a.refused]
        assert refused, f"no command was refused while the database was down: {describe(answers)}"
        ids = [str(a.acknowledged_id) for a in acknowledged(answers)]
        assert len(ids) == len(set(ids)), "each acknowledged command made its own record"

        deadline = time.monotonic() + HANG_GUARD
        with httpx.Client(base_url=server.base_url, timeout=CLIENT_TIMEOUT) as http:
            while True:
                ready = http.get("/readyz")
                if ready.status_code == 200 and ready.json()["lag"] == 0:
                    break
                assert time.monotonic() < deadline, f"never ready again: {ready.text}"
                time.sleep(0.1)
            api = GraphQLClient(http, credentials=server.credentials).acting_as(ADMIN)
            for topic_id in ids:
                found = api.query("query($id: ID!) { topic(id: $id) { id } }", id=topic_id)
                assert found["topic"] == {"id": topic_id}, f"acknowledged {topic_id} is missing"

        log = application_for(Settings(database_url=url))
        try:
            recorded = {
                str(e.originator_id)
                for i in ids
                for e in log.recorder.select_events(UUID(i), limit=1)
            }
        finally:
            log.close()
        assert recorded == set(ids), "every acknowledged command is in the log"
    finally:
        if not database.running():
            database.start()
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
    output = server.output()
    assert "Traceback" not in output, output
    assert "unexpected error" not in output, output  # no fault masked as INTERNAL_SERVER_ERROR
