"""Benchmark: commands per second through the public GraphQL API, beside a raw INSERT loop.

    .venv/bin/python -m bench.write_path [--quick] [--seconds S] [--clients C] [--profile]

In one run, in a schema of its own on PostgreSQL:
  (raw)  psycopg, one connection: INSERT one events-shaped row (uuid, version, topic, a
         payload the size of an average stored event), COMMIT; repeated — the baseline;
  (save) the bare eventsourcing loop: `app.save(Topic.propose(...))`, one new aggregate per
         save, one thread, in process;
  (use)  the use case in process: `app.propose_topic(Command(...))` with a command id (loads
         the platform, checks the actor's reach, saves the topic with its idempotency receipt);
  (http) `yishiting serve` in its own process (uvicorn, the app, the embedded projector), and
         C concurrent keep-alive HTTP/1.1 clients sending `proposeTopic` mutations with bearer
         tokens and command ids for S seconds: commands/s counted over the window, each
         command answered once its events are in the views (read-your-writes), each answer
         checked (200, no errors, the topic's id). Run with YISHITING_GROUP_COMMIT off, then
         on, then on again as docker-compose deploys it: `serve --no-projector` beside a
         `yishiting project` worker (its batches announced to the API's waiters by NOTIFY),
         with one such API and then with two (docker-compose runs two replicas; client c
         talks to API c mod 2, and the CPU shown is both APIs' together).
         The clients are asyncio connections of this process writing pre-encoded requests
         (only the command id, title and proposer differ) and reading the answers: a light
         client, so that what is measured is the server, not an HTTP library sharing its
         two CPUs (httpx threads took about a third of a CPU at 130 commands/s). The CPU
         the client side used is printed beside each run.
Then the floor: the same clients asking `{ __typename }` of the API as deployed, no command
and no database, the most requests per second the HTTP + GraphQL stack answers at all.
Last, the CRUD peer (bench/crud_peer.py: FastAPI, pydantic, one INSERT … RETURNING by psycopg,
the same uvicorn settings), what a team would build instead: the same clients posting the same
fields as JSON, 8 clients (requests/s) and 1 client (p50 latency), beside `proposeTopic` as
deployed with 8 clients and with 1; the ratios are proposeTopic ÷ the CRUD peer.
Then `proposeTopic` as deployed again, answered from the log (`readYourWrites: false`: no wait
for the views; the answer's position is the consistency token a later query may send as
X-Read-After), 8 clients and 1, beside the same CRUD peer.
With --profile, py-spy samples the API during that last run with 8 clients (`pip install
py-spy` into the venv) and the heaviest frames are printed."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import psycopg

from application.receipts import Command
from application.settings import Settings
from bench.common import DEFAULT_URL, ROOT, Figure, Server, free_port, percentile, schema, stop
from bench.workload import STAFF, Workload
from domain.base import Actor
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel, Role
from interfaces.bootstrap import application_for, bootstrap

TARGET = 0.5
PEER_RATE_TARGET = 0.5  # proposeTopic as deployed, 8 clients: requests/s ÷ the CRUD peer's
PEER_LATENCY_TARGET = 2.0  # 1 client: p50 ÷ the CRUD peer's p50
DEPLOYED = "group commit on; API without projector + `project` worker"
TOKEN = "`readYourWrites: false`: answered from the log, the position a consistency token"
# (group commit, API without projector + `project` worker, API processes) of each HTTP run
HTTP_RUNS = ((False, False, 1), (True, False, 1), (True, True, 1), (True, True, 2))
PAYLOAD_BYTES = 674  # the average stored event of bench/workload.py's log
# The stack's floor: the same clients, tokens and server, a request that does no work at all.
FLOOR = "query Floor { __typename }"
PROPOSE = """mutation Propose($input: ProposeTopicInput!) {
  proposeTopic(input: $input) { id version position }
}"""
RAW_TABLE = (
    "CREATE TABLE raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
    " topic text, state bytea, notification_id bigserial,"
    " PRIMARY KEY (originator_id, originator_version))"
)
RAW_INSERT = (
    "INSERT INTO raw_events (originator_id, originator_version, topic, state)"
    " VALUES (%s, 1, 'domain.topic:Topic.TopicProposed', %s)"
)


@dataclass
class HttpRun:
    label: str
    clients: int
    seconds: float
    commands: int
    latencies: list[float] = field(default_factory=list)
    profile: list[tuple[float, str]] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds the clients used per second of the window
    server_cpu: float = 0.0  # …and the API process(es), together
    apis: int = 1

    @property
    def rate(self) -> float:
        return self.commands / self.seconds

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.5)

    def described(self, unit: str = "commands") -> str:
        return (
            f"{self.rate:,.0f} {unit}/s (p50 {self.p50 * 1e3:.1f} ms,"
            f" p99 {percentile(self.latencies, 0.99) * 1e3:.1f} ms)"
        )

    def size(self, unit: str = "commands") -> str:
        return (
            f"{self.commands:,} {unit} in {self.seconds:.0f} s"
            f" ({_processes(self)}: {self.server_cpu:.0%} of a CPU)"
        )


@dataclass
class Result:
    raw: float = 0.0
    save: float = 0.0
    use_case: float = 0.0
    http: list[HttpRun] = field(default_factory=list)
    floor: HttpRun | None = None
    loops: int = 0
    # clients → the CRUD peer's run, and `proposeTopic` as deployed's with those clients
    crud: dict[int, HttpRun] = field(default_factory=dict)
    deployed: dict[int, HttpRun] = field(default_factory=dict)
    # …and as deployed, answered from the log (`readYourWrites: false`, the consistency token)
    token: dict[int, HttpRun] = field(default_factory=dict)

    def figures(self) -> list[Figure]:
        baseline = f"raw INSERT+COMMIT, 1 client: {self.raw:,.0f}/s"
        rows = [
            Figure(
                f"write path: `proposeTopic` over HTTP, {run.clients} clients ({run.label})",
                run.described(),
                baseline,
                run.rate / self.raw,
                f"≥ {TARGET:g}×",
                run.rate / self.raw >= TARGET,
                run.size(),
            )
            for run in self.http
        ]
        rows.extend(self._beside_the_peer())
        if self.floor is not None:
            rows.append(self._floor(self.floor, baseline))
        rows.append(
            Figure(
                "write path: bare eventsourcing `app.save()` loop, 1 thread",
                f"{self.save:,.0f} saves/s",
                baseline,
                self.save / self.raw,
                size=f"{self.loops:,} saves",
            )
        )
        rows.append(
            Figure(
                "write path: the use case in process (`app.propose_topic`), 1 thread",
                f"{self.use_case:,.0f} commands/s",
                baseline,
                self.use_case / self.raw,
                size=f"{self.loops:,} commands",
            )
        )
        return rows

    def _beside_the_peer(self) -> list[Figure]:
        rows = []
        for clients, peer in sorted(self.crud.items(), reverse=True):
            rows.append(
                Figure(
                    f"write path: the CRUD peer (FastAPI + pydantic + one psycopg INSERT,"
                    f" bench/crud_peer.py), {clients} client{'s' if clients > 1 else ''}",
                    peer.described("requests"),
                    f"raw INSERT+COMMIT, 1 client: {self.raw:,.0f}/s",
                    peer.rate / self.raw,
                    size=peer.size("requests"),
                )
            )
            for how, runs in ((DEPLOYED, self.deployed), (f"{DEPLOYED}; {TOKEN}", self.token)):
                ours = runs.get(clients)
                if ours is not None:
                    rows.append(_beside(ours, peer, how))
        return rows

    def _floor(self, floor: HttpRun, baseline: str) -> Figure:
        return Figure(
            f"write path: the stack's floor, `{FLOOR}` over HTTP, {floor.clients} clients"
            " (no command, no database; API as deployed)",
            f"{floor.rate:,.0f} requests/s (p50 {percentile(floor.latencies, 0.5) * 1e3:.1f} ms)",
            baseline,
            floor.rate / self.raw,
            size=f"{floor.commands:,} requests in {floor.seconds:.0f} s"
            f" ({_processes(floor)}: {floor.server_cpu:.0%} of a CPU)",
        )


def _beside(ours: HttpRun, peer: HttpRun, how: str) -> Figure:
    """`proposeTopic` ÷ the CRUD peer: requests/s with several clients, p50 with one."""
    peer_says = f"the CRUD peer: {peer.described('requests')}"
    if ours.clients > 1:
        ratio = ours.rate / peer.rate
        return Figure(
            f"write path: `proposeTopic` as deployed ({how}), {ours.clients} clients,"
            " requests/s ÷ the CRUD peer's",
            ours.described(),
            peer_says,
            ratio,
            f"≥ {PEER_RATE_TARGET:g}×",
            ratio >= PEER_RATE_TARGET,
            ours.size(),
        )
    ratio = ours.p50 / peer.p50
    return Figure(
        f"write path: `proposeTopic` as deployed ({how}), 1 client, p50 ÷ the CRUD peer's p50",
        ours.described(),
        peer_says,
        ratio,
        f"≤ {PEER_LATENCY_TARGET:g}×",
        ratio <= PEER_LATENCY_TARGET,
        ours.size(),
    )


def _processes(run: HttpRun) -> str:
    return "server process" if run.apis == 1 else f"{run.apis} API processes together"


def run(
    url: str,
    *,
    seconds: float = 5.0,
    clients: int = 8,
    loops: int = 500,
    profile: bool = False,
    say: object = print,
) -> Result:
    tell = say if callable(say) else print
    result = Result(loops=loops)
    with schema(url, "bench_write") as log_url:
        platform_id = _prepare(log_url)
        tell(f"(raw) {loops:,} single-row INSERT+COMMIT …")
        result.raw = raw_inserts(log_url, loops)
        tell(f"      {result.raw:,.0f}/s")
        tell(f"(save) {loops:,} app.save() …")
        result.save, result.use_case = app_loops(log_url, platform_id, loops)
        tell(f"      {result.save:,.0f} saves/s; use case {result.use_case:,.0f}/s")
        for grouped, split, apis in (
            (False, False, 1),
            (True, False, 1),
            (True, True, 1),
            (True, True, 2),
        ):
            label = "group commit on" if grouped else "group commit off"
            if split and apis == 1:
                label = f"{DEPLOYED}, as deployed"
            elif split:
                label += f"; {apis} APIs without projector + `project` worker, as docker-compose"
                label += " deploys them (the clients split between them)"
            tell(f"(http) {clients} clients, {seconds:g} s, {label} …")
            http = http_run(
                log_url,
                platform_id,
                clients,
                seconds,
                grouped,
                False,
                split,
                apis=apis,
            )
            http.label = label
            result.http.append(http)
            cpu = f"CPU: server {http.server_cpu:.0%}, clients {http.client_cpu:.0%}"
            tell(f"      {http.rate:,.0f} commands/s ({cpu})")
            if grouped and split and apis == 1:
                result.deployed[clients] = http
        tell(f"(floor) {clients} clients, {seconds:g} s, `{FLOOR}`, as deployed …")
        result.floor = http_run(log_url, platform_id, clients, seconds, True, False, True, True)
        tell(f"      {result.floor.rate:,.0f} requests/s (server {result.floor.server_cpu:.0%})")
        beside_the_peer(result, log_url, platform_id, clients, seconds, tell, profile)
    return result


def beside_the_peer(
    result: Result,
    url: str,
    platform_id: str,
    clients: int,
    seconds: float,
    tell: Callable[[str], object],
    profile: bool = False,
) -> None:
    """The CRUD peer with `clients` clients and with 1, and `proposeTopic` as deployed with 1
    (its run with `clients` is one of the runs above), then as deployed answered from the log
    (`readYourWrites: false`), interleaved; `profile` samples the last with `clients`."""
    for n in sorted({clients, 1}, reverse=True):
        tell(f"(crud peer) {n} client(s), {seconds:g} s …")
        peer = result.crud[n] = crud_run(url, platform_id, n, seconds)
        tell(f"      {peer.described('requests')} (server {peer.server_cpu:.0%})")
        if n not in result.deployed:
            tell(f"(http) {n} client(s), {seconds:g} s, {DEPLOYED} …")
            ours = http_run(url, platform_id, n, seconds, True, False, True)
            ours.label = DEPLOYED
            result.deployed[n] = ours
            tell(f"      {ours.described()} (server {ours.server_cpu:.0%})")
        tell(f"(http) {n} client(s), {seconds:g} s, {DEPLOYED}; {TOKEN} …")
        sampled = profile and n == clients
        token = http_run(url, platform_id, n, seconds, True, sampled, True, from_log=True)
        token.label = f"{DEPLOYED}; {TOKEN}"
        result.token[n] = token
        tell(f"      {token.described()} (server {token.server_cpu:.0%})")


def crud_run(url: str, platform_id: str, clients: int, seconds: float) -> HttpRun:
    with CrudPeer(url) as peer:
        connections = [
            _Connection(peer.port, "", path="/matters", wanted=_matter_stored)
            for _ in range(clients)
        ]
        return asyncio.run(_drive([peer], connections, platform_id, seconds, False, _crud_bodies))


def _prepare(url: str) -> str:
    """Reference data (committees, units, platforms) in the log and the views."""
    system = bootstrap(Settings(database_url=url))
    try:
        workload = Workload.prepare(system.app)
        system.projector.catch_up()
        return str(workload.platform_ids[0])
    finally:
        system.close()


def raw_inserts(url: str, count: int) -> float:
    from application.storage import Database

    payload = os.urandom(PAYLOAD_BYTES)
    with psycopg.connect(Database.from_url(url).conninfo()) as conn:
        conn.execute(RAW_TABLE)
        conn.commit()
        for _ in range(min(50, count)):  # warm: connection, plan, pages
            conn.execute(RAW_INSERT, (uuid4(), payload))
            conn.commit()
        started = time.perf_counter()
        for _ in range(count):
            conn.execute(RAW_INSERT, (uuid4(), payload))
            conn.commit()
        return count / (time.perf_counter() - started)


def app_loops(url: str, platform_id: str, count: int) -> tuple[float, float]:
    """Saves per second of the bare loop, and commands per second of the use case."""
    from uuid import UUID

    app = application_for(Settings(database_url=url))
    staff = Actor("staff-bench", "李专员", Role.PLATFORM_STAFF, platform_id)
    try:
        proposals = [_proposal(UUID(platform_id), n) for n in range(count + 50)]
        for proposal in proposals[:50]:
            app.save(Topic.propose(**proposal, actor=STAFF))
        started = time.perf_counter()
        for proposal in proposals[50:]:
            app.save(Topic.propose(**proposal, actor=STAFF))
        save = count / (time.perf_counter() - started)
        started = time.perf_counter()
        for proposal in proposals[50:]:
            app.propose_topic(Command(staff, command_id=uuid4().hex), **proposal)
        use_case = count / (time.perf_counter() - started)
    finally:
        app.close()
    return save, use_case


def _proposal(platform_id: object, n: int) -> dict[str, object]:
    return {
        "title": f"第{n}号事项:小区停车难",
        "content": "居民反映小区周边停车位不足,夜间乱停车严重,希望协调解决。" * 3,
        "channel": Channel.MASSES,
        "category": Category.GOVERNANCE,
        "platform_id": platform_id,
        "proposer": Proposer.checked(f"群众{n}", "13800000001"),
    }


def _variables(
    platform_id: str, client: int, n: int, read_your_writes: bool = True
) -> dict[str, object]:
    return {
        "input": {
            **({} if read_your_writes else {"readYourWrites": False}),
            "commandId": f"bench-{client}-{n}-{uuid4().hex[:8]}",
            "title": f"第{client}-{n}号事项:小区停车难",
            "content": "居民反映小区周边停车位不足,夜间乱停车严重,希望协调解决。" * 3,
            "channel": "MASSES",
            "category": "GOVERNANCE",
            "platformId": platform_id,
            "proposer": {"name": f"群众{n % 100}", "phone": "13800000001"},
        }
    }


def http_run(
    url: str,
    platform_id: str,
    clients: int,
    seconds: float,
    grouped: bool,
    profile: bool,
    split: bool = False,
    floor: bool = False,
    apis: int = 1,
    from_log: bool = False,
) -> HttpRun:
    """One timed run; `split`: as docker-compose deploys, the API without a projector and a
    `yishiting project` worker beside it (each command still waits for its views), with `apis`
    API processes (client c talks to API c mod `apis`); `floor`: `{ __typename }` instead of
    the mutation, the most requests the stack answers at all."""
    env = {"YISHITING_GROUP_COMMIT": "true" if grouped else "false"}
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(Server(url, env=env, projector=not split)) for _ in range(apis)
        ]
        stack.enter_context(_projecting(servers[0], split))
        connections = [
            _Connection(
                servers[c % apis].port,
                servers[c % apis].token(
                    Actor(f"staff-{c}", "李专员", Role.PLATFORM_STAFF, platform_id)
                ),
            )
            for c in range(clients)
        ]
        requests = _floor_bodies if floor else _token_bodies if from_log else _bodies
        run = asyncio.run(_drive(servers, connections, platform_id, seconds, profile, requests))
        run.apis = apis
        return run


@contextlib.contextmanager
def _projecting(server: Server, split: bool) -> Iterator[None]:
    if not split:
        yield
        return
    command = [sys.executable, "-m", "interfaces.cli.main", "project"]
    worker = subprocess.Popen(
        command, cwd=ROOT, env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        yield
    finally:
        stop(worker)


class CrudPeer:
    """bench/crud_peer.py in its own process, under the same uvicorn settings as the server."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.command = [sys.executable, "-m", "bench.crud_peer", "--port", str(self.port)]
        self.command += ["--database-url", url]
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CrudPeer:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the CRUD peer exited")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return self
            if time.monotonic() > deadline:
                raise TimeoutError("the CRUD peer did not start")
            time.sleep(0.05)

    def __exit__(self, *_: object) -> None:
        stop(self.process)


def _proposed(status: bytes, answer: dict[str, object]) -> bool:
    """A proposed topic's id, or the floor's `__typename`."""
    data = answer.get("data") or {}
    assert isinstance(data, dict)
    wanted = data == {"__typename": "Query"} or (data.get("proposeTopic") or {}).get("id")
    return status == b"200" and not answer.get("errors") and bool(wanted)


def _matter_stored(status: bytes, answer: dict[str, object]) -> bool:
    return status == b"201" and bool(answer.get("id"))


class _Connection:
    """One keep-alive HTTP/1.1 connection posting pre-encoded requests (GraphQL, or the CRUD
    peer's JSON)."""

    def __init__(
        self,
        port: int,
        token: str,
        path: str = "/graphql",
        wanted: Callable[[bytes, dict[str, object]], bool] = _proposed,
    ) -> None:
        self.port = port
        self.wanted = wanted
        authorization = f"Authorization: Bearer {token}\r\n" if token else ""
        self.head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"{authorization}Content-Type: application/json\r\n"
            "Accept: application/json\r\nContent-Length: "
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def post(self, body: bytes) -> None:
        """Sends one request; refuses any answer but the one it asks for (`wanted`)."""
        assert self.reader is not None
        assert self.writer is not None
        self.writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head[9:12]
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"no Content-Length in {head!r}")
        answer = json.loads(await self.reader.readexactly(length))
        if not self.wanted(status, answer):
            raise RuntimeError(f"refused: {status.decode()} {answer}")


def _floor_bodies(_platform_id: str, _client: int) -> Iterator[bytes]:
    body = json.dumps({"query": FLOOR}).encode()
    while True:
        yield body


def _crud_bodies(platform_id: str, client: int) -> Iterator[bytes]:
    """The CRUD peer's requests: the same fields as `proposeTopic`'s input, as JSON."""
    for n in range(-3, 10**9):
        yield json.dumps(
            _variables(platform_id, client, n)["input"], ensure_ascii=False, separators=(",", ":")
        ).encode()


def _token_bodies(platform_id: str, client: int) -> Iterator[bytes]:
    """The mutations answered from the log (`readYourWrites: false`)."""
    return _bodies(platform_id, client, read_your_writes=False)


def _bodies(platform_id: str, client: int, read_your_writes: bool = True) -> Iterator[bytes]:
    """The requests of one client, encoded once but for what differs from one to the next."""
    variables = _variables(platform_id, client, 0, read_your_writes)
    template = json.dumps(
        {"query": PROPOSE, "variables": variables}, ensure_ascii=False, separators=(",", ":")
    )
    inp = variables["input"]
    assert isinstance(inp, dict)
    parts = (
        template.replace(inp["commandId"], "\0")
        .replace(inp["title"], "\1")
        .replace(json.dumps(inp["proposer"]["name"], ensure_ascii=False)[1:-1], "\2")
    )
    for n in range(-3, 10**9):
        fresh = _variables(platform_id, client, n)["input"]
        assert isinstance(fresh, dict)
        yield (
            parts.replace("\0", fresh["commandId"])
            .replace("\1", fresh["title"])
            .replace("\2", fresh["proposer"]["name"])
            .encode()
        )


async def _drive(
    servers: Sequence[Server | CrudPeer],
    connections: list[_Connection],
    platform_id: str,
    seconds: float,
    profile: bool,
    requests: Callable[[str, int], Iterator[bytes]] = _bodies,
) -> HttpRun:
    bodies = [requests(platform_id, c) for c in range(len(connections))]
    try:
        for connection, body in zip(connections, bodies, strict=True):
            await connection.open()
            for _ in range(3):  # warm: connections, caches, first plans
                await connection.post(next(body))
        sampler = _profiler(servers[0], seconds) if profile else None
        done: list[list[float]] = [[] for _ in connections]
        server_before = sum(_cpu_seconds(server) for server in servers)
        cpu_before, begin = time.process_time(), time.perf_counter()
        end = begin + seconds

        async def client(c: int) -> None:
            connection, body = connections[c], bodies[c]
            while (now := time.perf_counter()) < end:
                await connection.post(next(body))
                done[c].append(time.perf_counter() - now)

        await asyncio.gather(*(client(c) for c in range(len(connections))))
        elapsed = time.perf_counter() - begin
        client_cpu = (time.process_time() - cpu_before) / elapsed
        server_cpu = (sum(_cpu_seconds(server) for server in servers) - server_before) / elapsed
    finally:
        for connection in connections:
            connection.close()
    latencies = [latency for per_client in done for latency in per_client]
    outcome = HttpRun("", len(connections), seconds, len(latencies), latencies)
    outcome.client_cpu, outcome.server_cpu = client_cpu, server_cpu
    if sampler is not None:
        outcome.profile = _heaviest(sampler)
    return outcome


def _cpu_seconds(server: Server | CrudPeer) -> float:
    """User and system CPU time the server process (all its threads) has used so far."""
    assert server.process is not None
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _profiler(
    server: Server | CrudPeer, seconds: float
) -> tuple[subprocess.Popen[bytes], Path] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists() or server.process is None:
        return None
    out = Path(f"/tmp/bench-write-{server.port}.txt")
    command = [spy, "record", "-p", str(server.process.pid), "-d", str(int(seconds)), "-r", "250"]
    command += ["-f", "raw", "-o", str(out), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out


# Leaf frames of a thread blocked in C without the GIL: py-spy counts psycopg's wait (poll
# in Cython) as active, so these samples are dropped to leave the CPU the server used.
WAITING_LEAVES = (
    "Connection.wait (psycopg/",
    "Condition.wait (threading.py",
    "Event.wait (threading.py",
    "Runner.run (asyncio/runners.py",
    "BaseSelector.select",
    "EpollSelector.select",
    "Connection.notifies (psycopg/",
    "_worker (concurrent/futures/thread.py",
)


def _heaviest(
    sampler: tuple[subprocess.Popen[bytes], Path], top: int = 30
) -> list[tuple[float, str]]:
    """The frames the server's running samples went through (inclusive shares), waits left
    out."""
    process, out = sampler
    process.wait(timeout=120)
    inclusive: Counter[str] = Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if any(waiting in frames[-1] for waiting in WAITING_LEAVES):
            continue
        samples = int(count)
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
    return [(n / total, frame) for frame, n in inclusive.most_common(top)] if total else []


def main(argv: list[str] | None = None) -> Result:
    parser = argparse.ArgumentParser(prog="python -m bench.write_path", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="4 s per HTTP run, 300 loops")
    parser.add_argument("--seconds", type=float, help="length of each HTTP run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--loops", type=int, help="iterations of the raw and in-process loops")
    parser.add_argument("--profile", action="store_true", help="py-spy the server")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    seconds = args.seconds or (4.0 if args.quick else 20.0)
    loops = args.loops or (300 if args.quick else 2_000)
    result = run(
        args.database_url, seconds=seconds, clients=args.clients, loops=loops, profile=args.profile
    )
    for figure in result.figures():
        print(" | ".join(figure.cells()))
    for run_ in [*result.http, *result.token.values()]:
        for share, frame in run_.profile:
            print(f"{share:6.1%} {frame}")
    return result


if __name__ == "__main__":
    main()
