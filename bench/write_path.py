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
         C keep-alive httpx clients (threads of this process) sending `proposeTopic`
         mutations with bearer tokens and command ids for S seconds: commands/s counted over
         the window, each command answered once its events are in the views
         (read-your-writes). Run with YISHITING_GROUP_COMMIT off, then on.
With --profile, py-spy samples the server during the first HTTP run and the heaviest frames
are printed."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import httpx
import psycopg

from application.receipts import Command
from application.settings import Settings
from bench.common import DEFAULT_URL, Figure, Server, graphql, percentile, schema
from bench.workload import STAFF, Workload
from domain.base import Actor
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel, Role
from interfaces.bootstrap import bootstrap

TARGET = 0.5
PAYLOAD_BYTES = 674  # the average stored event of bench/workload.py's log
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

    @property
    def rate(self) -> float:
        return self.commands / self.seconds


@dataclass
class Result:
    raw: float = 0.0
    save: float = 0.0
    use_case: float = 0.0
    http: list[HttpRun] = field(default_factory=list)
    loops: int = 0

    def figures(self) -> list[Figure]:
        baseline = f"raw INSERT+COMMIT, 1 client: {self.raw:,.0f}/s"
        rows = [
            Figure(
                f"write path: `proposeTopic` over HTTP, {run.clients} clients ({run.label})",
                f"{run.rate:,.0f} commands/s (p50 {percentile(run.latencies, 0.5) * 1e3:.1f} ms,"
                f" p99 {percentile(run.latencies, 0.99) * 1e3:.1f} ms)",
                baseline,
                run.rate / self.raw,
                f"≥ {TARGET:g}×",
                run.rate / self.raw >= TARGET,
                f"{run.commands:,} commands in {run.seconds:.0f} s",
            )
            for run in self.http
        ]
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
        for grouped in (False, True):
            label = "group commit on" if grouped else "group commit off"
            tell(f"(http) {clients} clients, {seconds:g} s, {label} …")
            http = http_run(
                log_url, platform_id, clients, seconds, grouped, profile and not grouped
            )
            http.label = label
            result.http.append(http)
            tell(f"      {http.rate:,.0f} commands/s")
    return result


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

    from application.app import Yishiting

    app = Yishiting(Settings(database_url=url))
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


def _variables(platform_id: str, client: int, n: int) -> dict[str, object]:
    return {
        "input": {
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
    url: str, platform_id: str, clients: int, seconds: float, grouped: bool, profile: bool
) -> HttpRun:
    env = {"YISHITING_GROUP_COMMIT": "true" if grouped else "false"}
    with Server(url, env=env) as server:
        sessions = [
            server.client(Actor(f"staff-{c}", "李专员", Role.PLATFORM_STAFF, platform_id))
            for c in range(clients)
        ]
        try:
            for c, http in enumerate(sessions):  # warm: connections, caches, first plans
                for n in range(3):
                    graphql(http, PROPOSE, **_variables(platform_id, c, -1 - n))
            sampler = _profiler(server, seconds) if profile else None
            outcome = _drive(sessions, platform_id, seconds)
            if sampler is not None:
                outcome.profile = _heaviest(sampler)
        finally:
            for http in sessions:
                http.close()
    return outcome


def _drive(sessions: list[httpx.Client], platform_id: str, seconds: float) -> HttpRun:
    start = threading.Barrier(len(sessions) + 1)
    window: list[float] = []
    done: list[list[float]] = [[] for _ in sessions]
    errors: list[BaseException] = []

    def client(c: int) -> None:
        http, n = sessions[c], 0
        start.wait()
        begin, end = window
        try:
            while (now := time.perf_counter()) < end:
                graphql(http, PROPOSE, **_variables(platform_id, c, n))
                finished = time.perf_counter()
                if now >= begin:
                    done[c].append(finished - now)
                n += 1
        except BaseException as error:  # reported after the run, not lost in a thread
            errors.append(error)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(len(sessions))]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window.extend([now, now + seconds])
    start.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    latencies = [latency for per_client in done for latency in per_client]
    return HttpRun("", len(sessions), seconds, len(latencies), latencies)


def _profiler(server: Server, seconds: float) -> tuple[subprocess.Popen[bytes], Path] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists() or server.process is None:
        return None
    out = Path(f"/tmp/bench-write-{server.port}.txt")
    command = [spy, "record", "-p", str(server.process.pid), "-d", str(int(seconds)), "-r", "250"]
    command += ["-f", "raw", "-o", str(out), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out


def _heaviest(
    sampler: tuple[subprocess.Popen[bytes], Path], top: int = 30
) -> list[tuple[float, str]]:
    process, out = sampler
    process.wait(timeout=120)
    inclusive: Counter[str] = Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        for frame in set(stack.split(";")):
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
    for run_ in result.http:
        for share, frame in run_.profile:
            print(f"{share:6.1%} {frame}")
    return result


if __name__ == "__main__":
    main()
