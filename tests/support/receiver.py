"""Webhook receivers on 127.0.0.1 for tests (loopback: the tests list 127.0.0.0/8 as allowed).
`Receiver` answers from a script of statuses (then 204), checks each delivery's signature, and
keeps every body it was sent, in arrival order, and the Host each came for; `Silent` accepts
connections and never answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from projections.outbound.webhooks.signing import SIGNATURE_HEADER, verify


class Receiver:
    def __init__(
        self,
        statuses: list[int] | None = None,
        secret: str = "",
        pause: float = 0.0,
        location: str = "",
    ) -> None:
        self.script = list(statuses or [])
        self.location = location  # sent with a 3xx answer
        self.hosts: list[str] = []
        self.pause = pause
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.bad_signatures = 0
        self.signed: list[tuple[str, bytes]] = []  # each delivery's signature header and body
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.pause)  # a slow receiver, so a worker can die mid-way
                receiver.hosts.append(self.headers.get("Host", ""))
                status = receiver.answer(body, self.headers.get(SIGNATURE_HEADER, ""))
                self.send_response(status)
                if 300 <= status < 400 and receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        return Handler

    def answer(self, body: bytes, signature: str) -> int:
        with self._arrived:
            self.attempts += 1
            self.signed.append((signature, body))
            if self.secret and not verify(self.secret, signature, body):
                self.bad_signatures += 1
            status = self.script.pop(0) if self.script else 204
            if 200 <= status < 300:
                self.received.append(json.loads(body))
                self._arrived.notify_all()
            return status

    def distinct(self) -> list[dict[str, Any]]:
        """The bodies accepted, an event delivered again right after itself counted once."""
        bodies = self.received
        return [b for i, b in enumerate(bodies) if i == 0 or b["id"] != bodies[i - 1]["id"]]

    def wait_for(
        self, count: int, deadline: float = 60.0, log: Path | None = None
    ) -> list[dict[str, Any]]:
        """The distinct bodies accepted, once `count` have arrived (a hang guard only)."""
        until = time.monotonic() + deadline
        with self._arrived:
            while len(self.distinct()) < count:
                left = until - time.monotonic()
                output = log.read_text(errors="replace") if log else ""
                assert left > 0, (
                    f"{len(self.received)} of {count} arrived, {self.attempts} attempts\n{output}"
                )
                self._arrived.wait(left)
            return self.distinct()

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


class Silent:
    """A receiver that accepts every connection and never answers (nor reads)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self.accepted = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/hooks"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            self.connections.append(connection)
            self.accepted.set()
            self._hold(connection)

    def _hold(self, connection: socket.socket) -> None:
        """What the receiver does with a connection it accepted: nothing, here."""

    def hang_up(self) -> None:
        """Closes the connections held: a delivery waiting on one fails now."""
        for connection in self.connections:
            connection.close()

    @contextmanager
    def running(self) -> Iterator[Silent]:
        threading.Thread(target=self._accept, daemon=True).start()
        try:
            yield self
        finally:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
            self.listener.close()
            self.hang_up()


class Trickling(Silent):
    """A receiver that answers a byte at a time, each well within any read timeout, and never
    finishes its status line."""

    def __init__(self, every: float) -> None:
        super().__init__()
        self.every = every
        self.sent = 0

    def _hold(self, connection: socket.socket) -> None:
        threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        stopped = threading.Event()
        try:
            while not stopped.wait(self.every):  # the pace of the trickle, not a wait for state
                connection.sendall(b"H")
                self.sent += 1
        except OSError:  # the sender hung up
            return
