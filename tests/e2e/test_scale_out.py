"""The deployment of docker-compose.yml on one PostgreSQL schema: two API processes
(`yishiting serve --no-projector`) and two projector workers (`yishiting project`), all started
at once on a fresh schema. Writes go through both APIs in turn (each reading its own writes,
which the projector of another process applies); the projector holding the advisory lock is
SIGKILLed mid-stream and the other takes over; every view then equals a rebuild from the log.

And graceful shutdown: SIGTERM to `yishiting project` stops it after the batch it is applying
(exit 0, positions committed); SIGTERM to `yishiting serve` lets an in-flight request finish,
closes WebSocket subscriptions with a close frame (not a reset), and saves the positions."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import psycopg
import pytest
import websockets

from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from projections.leadership import Leadership, lock_key
from tests.support.graphql import (
    ADMIN,
    Credentials,
    GraphQLClient,
    GraphQLDistrict,
    tell_the_story,
)
from tests.support.live import run
from tests.support.postgres_server import PostgresServer, own_postgres_server
from tests.support.servers import ROOT, Server, credentials_for, free_port, wait_until_ready
from tests.support.views import dump_views, tracking_positions

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

HANG_GUARD = 60.0  # seconds; only to fail rather than hang while waiting for a condition
REQUEST_TIMEOUT = 30.0
PROPOSE = """mutation Propose($input: ProposeTopicInput!) {
  proposeTopic(input: $input) { id position }
}"""
PROPOSE_AND_SHOW = """mutation Propose($input: ProposeTopicInput!) {
  proposeTopic(input: $input) { id topic { id } }
}"""


def matter(platform_id: str, title: str, command_id: str | None = None) -> dict[str, Any]:
    given = {
        "title": title,
        "content": "楼道堆放杂物,存在消防隐患。",
        "channel": "MASSES",
        "category": "LIVELIHOOD",
        "platformId": platform_id,
        "proposer": {"name": "居民", "phone": "13800000000"},
    }
    return {**given, "commandId": command_id} if command_id else given


@dataclass
class Worker:
    """A `yishiting` process of the test's and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} did not stop on {sig.name}:\n{self.output()}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class Deployment:
    url: str
    secret: str
    folder: Path
    workers: list[Worker] = field(default_factory=list)

    def spawn(self, name: str, *args: str, **env: str) -> Worker:
        environment = {
            **os.environ,
            "YISHITING_DATABASE_URL": self.url,
            "YISHITING_TOKEN_SECRET": self.secret,
            "YISHITING_WRITES_PER_MINUTE": "100000",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        log = self.folder / f"{name}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "interfaces.cli.main", *args],
                cwd=ROOT,
                env=environment,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(name, process, log)
        self.workers.append(worker)
        return worker

    def api(self, name: str, *args: str) -> tuple[Worker, Server]:
        port = free_port()
        worker = self.spawn(name, "serve", "--port", str(port), *args)
        server = Server(f"http://127.0.0.1:{port}", worker.process, worker.log, self.credentials)
        return worker, server

    @property
    def credentials(self) -> Credentials:
        return credentials_for(self.secret)

    def outputs(self) -> str:
        return "\n".join(f"--- {w.name}\n{w.output()}" for w in self.workers)

    def kill_all(self) -> None:
        for worker in self.workers:
            worker.kill()


@pytest.fixture(scope="module")
def database() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this module's own: four processes of a deployment hold dozens of
    connections, which the shared test server (max_connections) may not have to spare while
    other tests run."""
    server = own_postgres_server(free_port())
    yield server
    server.remove()


@pytest.fixture
def deployment(database: PostgresServer, tmp_path: Path) -> Iterator[Deployment]:
    url = f"{database.url}?schema=t_{uuid4().hex[:12]}"  # a fresh schema for each test
    running = Deployment(url, secrets.token_urlsafe(32), tmp_path)
    yield running
    running.kill_all()


def leader(url: str) -> int | None:
    """The process id of the projector holding the schema's advisory lock, from the name its
    leadership connection gives itself (pg_stat_activity.application_name)."""
    key = lock_key(Leadership(Database.from_url(url)).name)
    high, low = (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF
    with psycopg.connect(Database.from_url(url).conninfo(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s"
            " AND l.objsubid = 1 AND l.database ="
            " (SELECT oid FROM pg_database WHERE datname = current_database())",
            (high, low),
        ).fetchone()
    if row is None:
        return None
    name = str(row[0])
    assert name.startswith("yishiting-projector-"), name
    return int(name.rsplit("-", 1)[1])


def wait_until(holds: Callable[[], bool], what: str, details: Callable[[], str]) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not holds():
        assert time.monotonic() < deadline, f"never {what}:\n{details()}"
        time.sleep(0.05)


class Alternating:
    """An httpx-like client whose every request goes to the next API process in turn."""

    def __init__(self, *clients: httpx.Client) -> None:
        self._next = cycle(clients)
        self._lock = threading.Lock()

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        with self._lock:
            client = next(self._next)
        return client.post(url, **kwargs)


class Proposals:
    """Matters proposed through both APIs in turn, in a thread, until stopped."""

    def __init__(self, hall: GraphQLDistrict, via: Alternating, credentials: Credentials) -> None:
        staff = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id)
        self.staff = GraphQLClient(via, credentials=credentials).acting_as(staff)
        self.platform_id = hall.platform_id
        self.ids: list[str] = []
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            number = 0
            while not self.stopping.is_set():
                number += 1
                given = matter(self.platform_id, f"楼道堆物 {number}", f"scale-{number:04d}")
                proposed = self.staff.query(PROPOSE, input=given)["proposeTopic"]
                self.ids.append(proposed["id"])
        except BaseException as error:
            self.error = error

    def __enter__(self) -> Proposals:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=HANG_GUARD)
        assert not self.thread.is_alive(), "the proposals did not stop"
        assert self.error is None, self.error


def reached(system: System) -> int:
    positions = tracking_positions(system.store)
    return min(positions.values()) if positions else 0


def test_two_apis_and_two_projectors_survive_the_leader_being_killed(
    deployment: Deployment,
) -> None:
    url = deployment.url
    # All four at once on a fresh schema, as `docker compose up` starts them.
    first_api, a = deployment.api("api-a", "--no-projector")
    second_api, b = deployment.api("api-b", "--no-projector")
    projectors = [deployment.spawn(f"projector-{n}", "project") for n in (1, 2)]
    for server in (a, b):
        wait_until_ready(server)
    by_pid = {p.process.pid: p for p in projectors}
    wait_until(lambda: leader(url) in by_pid, "a projector leading", deployment.outputs)
    system = bootstrap(Settings(database_url=url))
    try:
        with (
            httpx.Client(base_url=a.base_url, timeout=REQUEST_TIMEOUT) as via_a,
            httpx.Client(base_url=b.base_url, timeout=REQUEST_TIMEOUT) as via_b,
        ):
            both = Alternating(via_a, via_b)
            api = GraphQLClient(both, credentials=deployment.credentials).acting_as(ADMIN)
            hall = GraphQLDistrict.build(api)
            # Each step through the other API than the last, which must read what it wrote.
            told = tell_the_story(hall)
            # Read-your-writes across processes: the API that took a command answers with the
            # views showing it (a projector elsewhere applied it), and so does the other API.
            staff = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id)
            for writer, other in ((via_a, via_b), (via_b, via_a)):
                proposed = (
                    GraphQLClient(writer, credentials=deployment.credentials)
                    .acting_as(staff)
                    .query(PROPOSE_AND_SHOW, input=matter(hall.platform_id, "读己之写"))
                )["proposeTopic"]
                assert proposed["topic"] == {"id": proposed["id"]}, proposed
                seen = (
                    GraphQLClient(other, credentials=deployment.credentials)
                    .acting_as(ADMIN)
                    .query("query($id: ID!) { topic(id: $id) { id } }", id=proposed["id"])
                )
                assert seen == {"topic": {"id": proposed["id"]}}

            first_leader = by_pid[leader(url) or 0]
            alive = [p.process.poll() is None for p in projectors]
            assert alive == [True, True], f"one leads, one stands by:\n{deployment.outputs()}"
            with Proposals(hall, both, deployment.credentials) as proposals:
                wait_until(
                    lambda: len(proposals.ids) >= 10 or proposals.error is not None,
                    "proposing",
                    deployment.outputs,
                )
                first_leader.process.send_signal(signal.SIGKILL)
                assert first_leader.process.wait(timeout=HANG_GUARD) == -signal.SIGKILL
                killed_at = len(proposals.ids)
                wait_until(
                    lambda: len(proposals.ids) >= killed_at + 10 or proposals.error is not None,
                    "proposing after the kill",
                    deployment.outputs,
                )
            survivor = next(p for p in projectors if p is not first_leader)
            wait_until(
                lambda: leader(url) == survivor.process.pid,
                "taken over by the standby",
                deployment.outputs,
            )
            last = system.app.position()
            wait_until(
                lambda: reached(system) >= last,
                f"views at the log's last position {last}",
                lambda: f"{tracking_positions(system.store)}\n{deployment.outputs()}",
            )
            assert set(tracking_positions(system.store).values()) == {last}

            # What each API answers now: every proposal, and the story's end.
            for http in (via_a, via_b):
                reader = GraphQLClient(http, credentials=deployment.credentials).acting_as(ADMIN)
                total = reader.query("{ topics { totalCount } }")["topics"]["totalCount"]
                assert total == 2 + 2 + len(proposals.ids)
                item = reader.query(
                    "query($id: ID!) { supervisionItem(id: $id) { status { code } } }",
                    id=told.item_id,
                )
                assert item == {"supervisionItem": {"status": {"code": "RESOLVED"}}}

        # The survivor stops gracefully; then the APIs.
        assert survivor.stop() == 0, survivor.output()
        for worker in (first_api, second_api):
            assert worker.stop() == 0, worker.output()
        for worker in (survivor, first_api, second_api):
            assert "Traceback" not in worker.output(), worker.output()

        incremental = dump_views(system.store)
        system.projector.rebuild()
        assert system.projector.position() == last
        assert dump_views(system.store) == incremental
    finally:
        system.close()


EVENTS = 400
BATCH = 5  # small batches: catching up takes many commits, so SIGTERM lands mid-way


def test_sigterm_to_a_projector_stops_it_after_the_current_batch(
    deployment: Deployment,
) -> None:
    system = bootstrap(Settings(database_url=deployment.url))
    try:
        admin = Command(ADMIN)
        for number in range(EVENTS):
            system.app.establish_committee(admin, name=f"专委会 {number}")
        last = system.app.position()
        worker = deployment.spawn(
            "projector",
            "project",
            "--poll-interval",
            "0.05",
            YISHITING_PROJECTOR_BATCH_SIZE=str(BATCH),
        )
        wait_until(lambda: reached(system) > 0, "a batch committed", worker.output)
        assert worker.stop(signal.SIGTERM) == 0, worker.output()
        assert "Traceback" not in worker.output(), worker.output()

        positions = tracking_positions(system.store)
        stopped_at = min(positions.values())
        assert set(positions.values()) == {stopped_at}, positions
        assert 0 < stopped_at < last, "stopped mid-way, after a batch, not after all of them"
        wait_until(lambda: leader(deployment.url) is None, "the lock let go", worker.output)

        again = deployment.spawn("projector-again", "project", "--once")
        assert again.process.wait(timeout=HANG_GUARD) == 0, again.output()
        assert tracking_positions(system.store) == dict.fromkeys(positions, last)
        resumed = dump_views(system.store)
        system.projector.rebuild()
        assert dump_views(system.store) == resumed
    finally:
        system.close()


SUBSCRIBE = "subscription { events { cursor type } }"


async def until_closed(ws: Any, received: list[Any]) -> websockets.ConnectionClosed:
    """Receives until the server closes the connection; how it closed."""
    while True:
        try:
            received.append(json.loads(await asyncio.wait_for(ws.recv(), HANG_GUARD)))
        except websockets.ConnectionClosed as closed:
            return closed


ESTABLISH = 'mutation { establishCommittee(input: {name: "经济委员会"}) { id position } }'


def test_sigterm_to_serve_finishes_the_request_in_flight_and_closes_subscriptions(
    deployment: Deployment,
) -> None:
    url = deployment.url
    system = bootstrap(Settings(database_url=url))
    # The test leads in the embedded projector's stead for a while: a command then waits for
    # its views (read-your-writes), so it is still in flight when SIGTERM comes.
    stand_in = Leadership(Database.from_url(url))
    assert stand_in.try_acquire()
    try:
        worker, server = deployment.api("api")
        wait_until_ready(server)
        token = server.credentials(ADMIN)["Authorization"].split(" ", 1)[1]

        def establish() -> httpx.Response:
            with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as http:
                return http.post(
                    "/graphql", json={"query": ESTABLISH}, headers=server.credentials(ADMIN)
                )

        async def scenario() -> tuple[websockets.ConnectionClosed, httpx.Response, list[Any]]:
            ws_url = server.base_url.replace("http://", "ws://") + "/graphql"
            received: list[Any] = []
            async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
                init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                await ws.send(json.dumps(init))
                ack = json.loads(await asyncio.wait_for(ws.recv(), HANG_GUARD))
                assert ack["type"] == "connection_ack", ack
                subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
                await ws.send(json.dumps(subscribe))
                in_flight = asyncio.ensure_future(asyncio.to_thread(establish))
                # The command is recorded (the subscriber sees its event) and waits for views.
                received.append(json.loads(await asyncio.wait_for(ws.recv(), HANG_GUARD)))
                assert not in_flight.done(), "the request was still waiting for its views"
                server.process.send_signal(signal.SIGTERM)
                await asyncio.to_thread(stand_in.release)  # the embedded projector may lead
                closed = await until_closed(ws, received)
                response = await asyncio.wait_for(in_flight, HANG_GUARD)
            return closed, response, received

        closed, response, received = run(scenario())

        assert response.status_code == 200, response.text
        established = response.json()["data"]["establishCommittee"]
        assert established["id"], response.text
        assert [m["payload"]["data"]["events"]["type"] for m in received] == [
            "cn.gov.cppcc.yishiting.committee.established"
        ]
        assert closed.rcvd is not None, f"a reset, not a close: {closed!r}"
        assert closed.rcvd.code in (1001, 1012), closed.rcvd  # going away / service restart

        assert worker.stop() == 0, worker.output()
        assert "Traceback" not in worker.output(), worker.output()
        last = system.app.position()
        assert last == established["position"]
        assert set(tracking_positions(system.store).values()) == {last}, "positions saved"
    finally:
        stand_in.release()
        system.close()
