"""One HTTP POST to a receiver, over a connection to the address the screen checked (the name
is not resolved again: DNS rebinding), with the receiver's name as Host and for TLS. Redirects
are not followed: a receiver answers where it was registered, and a redirect's target has not
been screened. The timeout bounds the whole exchange, not each read: a receiver trickling its
answer a byte at a time is cut off like one that is silent. What went wrong is said in the
project's words: an HTTP status, or one wording for every failure to get one, so the delivery
log cannot map which ports are open."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from contextlib import suppress
from dataclasses import dataclass

from application.webhook_targets import Target

UNREACHABLE = "接收方无法连接或未按时应答 (receiver unreachable or did not answer in time)"
MAX_ANSWER = 65536


@dataclass(frozen=True)
class Answer:
    status: int | None
    error: str
    seconds: float

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410


def status_error(status: int) -> str:
    if 200 <= status < 300:
        return ""
    if 300 <= status < 400:
        return (
            f"接收方答复 HTTP {status} 重定向,未跟随 "
            f"(the receiver answered HTTP {status}, a redirect: not followed)"
        )
    return f"接收方答复 HTTP {status} (the receiver answered HTTP {status})"


class PinnedConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address
        self.cut = False

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        if self.cut:  # the time ran out while connecting
            raise TimeoutError
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def hang_up(self) -> None:
        """Ends the exchange from another thread: a read blocked on the socket returns."""
        self.cut = True
        if self.sock is not None:
            with suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)


class PinnedTLSConnection(PinnedConnection):
    default_port = http.client.HTTPS_PORT
    tls = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    kind = PinnedTLSConnection if target.scheme == "https" else PinnedConnection
    connection = kind(target, timeout)
    deadline = threading.Timer(timeout, connection.hang_up)
    deadline.daemon = True
    started = time.monotonic()
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_ANSWER)
        status = response.status
    except (OSError, http.client.HTTPException, ValueError):  # ssl.SSLError is an OSError
        return Answer(None, UNREACHABLE, time.monotonic() - started)
    finally:
        deadline.cancel()
        connection.close()
    return Answer(status, status_error(status), time.monotonic() - started)
