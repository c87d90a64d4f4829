"""Benchmark: commit → subscriber latency of the GraphQL `events` subscription, beside the raw
PostgreSQL NOTIFY → LISTEN latency measured in the same run.

    .venv/bin/python -m bench.live_latency [--events N] [--write]

A server (the real app under uvicorn, in a thread) subscribes nobody but serves one WebSocket
client; a writer with an application instance of its own (so that the server learns of each
commit only through PostgreSQL LISTEN/NOTIFY, as a second process would) commits one event at
a time, a few milliseconds apart. Latency is from the writer's save() returning (committed) to
the client receiving the event. The raw figure is a NOTIFY on one connection to its arrival on
another, measured the same way. The schema is dropped afterwards."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import psycopg
import uvicorn
import websockets

from application.app import Yishiting
from application.receipts import Command
from application.settings import Settings
from bench import common
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.auth import Authenticator
from interfaces.bootstrap import application_for
from interfaces.server import create_app

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
DOC = common.DOC
BEGIN, END = "<!-- live-latency:begin -->", "<!-- live-latency:end -->"
ADMIN = Actor("bench", "基准", Role.ADMIN)
READER = Actor("bench-reader", "基准订阅", Role.INTEGRATION)
TYPE = "cn.gov.cppcc.yishiting.committee.established"
SPACING = 0.005


@dataclass
class Figures:
    name: str
    samples: list[float]

    def at(self, share: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def row(self) -> str:
        mean = statistics.fmean(self.samples) * 1000
        return (
            f"| {self.name} | {len(self.samples)} | {self.at(0.5):.2f} | {self.at(0.99):.2f}"
            f" | {max(self.samples) * 1000:.2f} | {mean:.2f} |"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class InThreadServer:
    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> InThreadServer:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


async def subscription_latency(settings: Settings, events: int) -> Figures:
    writer = application_for(settings)
    committed: dict[str, float] = {}
    arrived: dict[str, float] = {}
    token = Authenticator.from_settings(settings).issue(READER)
    try:
        with InThreadServer(settings) as server:
            ws_url = f"ws://127.0.0.1:{server.port}/graphql"
            async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
                await ws.send(
                    json.dumps(
                        {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                    )
                )
                await ws.recv()
                query = "subscription($t: [String!]) { events(types: $t) { subject } }"
                await ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": query, "variables": {"t": [TYPE]}},
                        }
                    )
                )
                receiving = asyncio.create_task(_receive(ws, arrived, events))
                for i in range(events):
                    subject = await asyncio.to_thread(_commit, writer, i)
                    committed[subject] = time.perf_counter()
                    await asyncio.sleep(SPACING)
                await asyncio.wait_for(receiving, 60)
    finally:
        writer.close()
    return Figures(
        "GraphQL subscription (commit → client)", [arrived[s] - committed[s] for s in committed]
    )


def _commit(writer: Yishiting, i: int) -> str:
    return str(writer.establish_committee(Command(ADMIN), name=f"委员会{i}").id)


async def _receive(ws: websockets.ClientConnection, arrived: dict[str, float], events: int) -> None:
    while len(arrived) < events:
        message = json.loads(await ws.recv())
        if message["type"] == "next":
            arrived[message["payload"]["data"]["events"]["subject"]] = time.perf_counter()


def notify_latency(conninfo: str, events: int) -> Figures:
    channel = f"bench_{uuid4().hex[:8]}"
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    ready = threading.Event()

    def listen() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"LISTEN {channel}")
            ready.set()
            for note in conn.notifies(timeout=60, stop_after=events):
                arrived[note.payload] = time.perf_counter()

    listener = threading.Thread(target=listen)
    listener.start()
    ready.wait(30)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for i in range(events):
            conn.execute(f"NOTIFY {channel}, '{i}'")
            sent[str(i)] = time.perf_counter()
            time.sleep(SPACING)
    listener.join(timeout=60)
    return Figures("raw PostgreSQL NOTIFY → LISTEN", [arrived[k] - sent[k] for k in sent])


def table(figures: list[Figures]) -> str:
    head = "| path | events | p50 ms | p99 ms | max ms | mean ms |\n|---|---:|---:|---:|---:|---:|"
    return "\n".join([head, *(f.row() for f in figures)])


def section(figures: list[Figures], events: int) -> str:
    return f"""{BEGIN}
## Live events: commit → subscriber latency (PostgreSQL)

Generated by `python -m bench.live_latency --events {events} --write` on {os.cpu_count()} CPUs,
{time.strftime("%Y-%m-%d")}.

{table(figures)}

How: the real app served by uvicorn in a thread; one WebSocket client subscribed to
`events(types: ["{TYPE}"])`; a writer with its own application instance commits one event at
a time, {SPACING * 1000:g} ms apart, so the server learns of each commit only through
PostgreSQL LISTEN/NOTIFY (as from another process). Latency runs from the writer's `save()`
returning to the client receiving the event; the raw row is a NOTIFY's arrival on another
connection, timed the same way in the same run. The difference is the server's work: waking
the subscription, reading the log from its cursor, decoding and rendering the CloudEvent, and
the WebSocket hop.
{END}
"""


def write(text: str, doc: Path = DOC) -> None:
    current = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        current = before + text.strip() + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(current, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.live_latency", description=__doc__)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--write", action="store_true", help=f"write the figures into {DOC.name}")
    args = parser.parse_args(argv)
    schema = f"bench_live_{uuid4().hex[:8]}"
    url = f"{args.database_url}?schema={schema}"
    settings = Settings(database_url=url, token_secret=uuid4().hex, writes_per_minute=100_000)
    try:
        live = asyncio.run(subscription_latency(settings, args.events))
        raw = notify_latency(args.database_url, args.events)
    finally:
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    text = section([raw, live], args.events)
    print(text)
    if args.write:
        write(text)
        print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
