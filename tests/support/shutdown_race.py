"""The shutdown race, run in a process of its own so that a crash fails a test instead of
killing pytest:

    python -X faulthandler -m tests.support.shutdown_race ROUNDS

(database and token secret from YISHITING_DATABASE_URL and YISHITING_TOKEN_SECRET). Each round
serves the app with uvicorn as `yishiting serve` does, opens many `/events` pages, `events`
subscriptions and dashboard subscriptions, and stops the server as SIGTERM does. Gates hold
each client's first scan of the log inside the feed's scan: the pages' until shutdown begins
(they are the requests in flight), the streams' until the application's own shutdown begins
(their WebSockets are closed by then and their tasks cancelled, but their threads run on: the
threads a closing store must wait for). One JSON report per round on stdout."""

from __future__ import annotations

import asyncio
import faulthandler
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import uuid4

import httpx
import uvicorn
import websockets

from application.settings import Settings
from interfaces.bootstrap import System
from interfaces.edge.observability import correlation
from interfaces.graphql.streams import active_streams
from interfaces.server import create_app
from tests.support.graphql import ADMIN
from tests.support.servers import credentials_for, free_port

PAGES = 6
STREAMS = 6
DASHBOARDS = 2
HANG_GUARD = 60.0  # only to fail instead of hanging
NOWHERE = str(uuid4())  # the streams' subject: they read the whole log and yield nothing
STREAM = "subscription($s: [ID!]) { events(subjects: $s) { cursor } }"
DASHBOARD = "subscription { supervisionItemChanged { id } }"


@dataclass
class Report:
    pages: list[int] = field(default_factory=list)
    streams_closed: list[int | None] = field(default_factory=list)
    dashboards_closed: list[int | None] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    scans_at_close: int | None = None
    scans_after_close: int = 0
    errors: list[str] = field(default_factory=list)


class Tripwire:
    """Watches the feed's reads of the log: holds each client's first scan at its gate, and
    counts the scans running when the application closes its recorder and those begun after.
    The reads and the close themselves are the real ones."""

    def __init__(
        self, system: System, gates: dict[str, threading.Event], arrived: Callable[[str], None]
    ) -> None:
        self.gates, self.arrived = gates, arrived
        self.lock = threading.Lock()
        self.held: set[str] = set()
        self.running = 0
        self.closing = False
        self.at_close: int | None = None
        self.after_close = 0
        recorder = system.app.recorder
        self._close = system.app.close
        # The feed's scans: with their tags in one statement where the recorder can.
        for name in ("select_notifications", "tagged_notifications"):
            if hasattr(recorder, name):
                setattr(recorder, name, self.watching(getattr(recorder, name)))
        system.app.close = self.close  # type: ignore[method-assign]

    def watching(self, read: Callable[..., Any]) -> Callable[..., Any]:
        def scan(*args: Any, **kwargs: Any) -> Any:
            self._hold(correlation.get())
            with self.lock:
                self.running += 1
                self.after_close += self.closing
            try:
                return read(*args, **kwargs)
            finally:
                with self.lock:
                    self.running -= 1

        return scan

    def close(self) -> None:
        with self.lock:
            self.closing, self.at_close = True, self.running
        self._close()

    def _hold(self, client: str) -> None:
        gate = self.gates.get(client.split("-")[0])
        with self.lock:
            if gate is None or client in self.held:
                return
            self.held.add(client)
        self.arrived(client)
        gate.wait(HANG_GUARD)


def probed(app: Any, lifespan_ends: threading.Event) -> Any:
    """The app, telling when the server asks it to shut down (ASGI lifespan.shutdown)."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def heard() -> Any:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                lifespan_ends.set()
            return message

        await app(scope, heard, send)

    return asgi


class Collected(logging.Handler):
    """Every error logged, and every exception a thread died of."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.errors = errors
        threading.excepthook = lambda hook: errors.append(f"{hook.thread}: {hook.exc_value!r}")

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")


async def page(base: str, headers: dict[str, str], report: Report) -> None:
    """`/events` again and again until the server no longer takes requests."""
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=HANG_GUARD) as http:
        while True:
            try:
                response = await http.get("/events", params={"limit": 1000})
            except httpx.TransportError:
                return  # stopped accepting
            report.pages.append(response.status_code)


async def subscribe(
    url: str, client: str, token: str, query: str, variables: dict[str, Any], report: Report
) -> int | None:
    """Subscribes; then receives until the server closes the WebSocket: how it closed."""
    async with websockets.connect(
        url, subprotocols=["graphql-transport-ws"], additional_headers={"x-request-id": client}
    ) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        ack = json.loads(await asyncio.wait_for(ws.recv(), HANG_GUARD))
        assert ack["type"] == "connection_ack", ack
        payload = {"query": query, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), HANG_GUARD))
                report.messages.append(f"{client}: {message}")
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


async def one_round() -> Report:
    report = Report()
    collected = Collected(report.errors)
    logging.getLogger().addHandler(collected)
    try:
        await race(report)
    finally:
        logging.getLogger().removeHandler(collected)
    return report


async def race(report: Report) -> None:
    settings = Settings(writes_per_minute=100_000)
    api = create_app(settings)
    shutdown_begins, lifespan_ends = threading.Event(), threading.Event()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            probed(api, lifespan_ends),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            log_config=None,
            timeout_graceful_shutdown=10,
        )
    )
    serving = asyncio.create_task(server.serve())
    await until(lambda: server.started or serving.done())
    arrivals: set[str] = set()
    gates = {"page": shutdown_begins, "stream": lifespan_ends}
    tripwire = Tripwire(api.state.holder["system"], gates, arrivals.add)
    token = credentials_for(settings.token_secret)(ADMIN)["Authorization"].split(" ", 1)[1]
    base, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql"
    pages = [
        page(base, {"Authorization": f"Bearer {token}", "x-request-id": f"page-{n}"}, report)
        for n in range(PAGES)
    ]
    streams = [
        subscribe(ws_url, f"stream-{n}", token, STREAM, {"s": [NOWHERE]}, report)
        for n in range(STREAMS)
    ]
    dashboards = [
        subscribe(ws_url, f"dashboard-{n}", token, DASHBOARD, {}, report) for n in range(DASHBOARDS)
    ]
    clients = asyncio.gather(*(asyncio.ensure_future(c) for c in (*pages, *streams, *dashboards)))
    # Every page and stream held inside its scan, every dashboard stream open: then SIGTERM.
    await until(
        lambda: (
            (len(arrivals) == PAGES + STREAMS and active_streams() == STREAMS + DASHBOARDS)
            or clients.done()
        )
    )
    shutdown_begins.set()
    server.should_exit = True  # what uvicorn does on SIGTERM
    await asyncio.wait_for(serving, HANG_GUARD)
    outcomes = await asyncio.wait_for(clients, HANG_GUARD)
    report.streams_closed = list(outcomes[PAGES : PAGES + STREAMS])
    report.dashboards_closed = list(outcomes[PAGES + STREAMS :])
    report.scans_at_close, report.scans_after_close = tripwire.at_close, tripwire.after_close


async def until(holds: Callable[[], bool]) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not holds():
        assert time.monotonic() < deadline, "gave up waiting"
        await asyncio.sleep(0.01)


def main() -> None:
    faulthandler.enable()
    for _ in range(int(sys.argv[1])):
        print(json.dumps(asdict(asyncio.run(one_round()))), flush=True)


if __name__ == "__main__":
    main()
