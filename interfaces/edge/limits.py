"""Limits against hostile or runaway callers: request body size and read deadlines (headers,
body), writes per token."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from interfaces.edge.envelope import envelope

log = logging.getLogger("yishiting.http")


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


class ClientGone(Exception):
    """The client hung up before its body arrived: there is no one to answer."""


class BodySizeLimit:
    """Refuses a request whose body exceeds the limit (413), declared or streamed, or does not
    arrive in time (408); a client that hangs up mid-body is let go without an error."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        body_seconds: float = 30.0,
        larger: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_seconds = body_seconds
        # Paths whose bodies may be larger (uploads, which check their own limit as they go).
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, 413, "BODY_TOO_LARGE", *self._too_large())
            return
        deadline = asyncio.get_running_loop().time() + self.body_seconds
        received, complete, answering = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, complete
            if complete:  # after the body: the app waits for the client to hang up
                return await receive()
            message = await _before(deadline, receive)
            if message["type"] == "http.disconnect":
                raise ClientGone
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            complete = not message.get("more_body", False)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answering
            answering = answering or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watched_send)
        except BodyTooLarge:
            if not answering:
                await self._refuse(send, 413, "BODY_TOO_LARGE", *self._too_large())
        except BodyTooSlow:
            if not answering:
                await self._refuse(send, 408, "BODY_TIMEOUT", *self._too_slow())
        except ClientGone:
            log.info("client hung up before its request body arrived: %s", scope.get("path"))

    def _too_large(self) -> tuple[str, str]:
        return (
            f"请求内容过大,上限 {self.max_bytes} 字节",
            f"request body over {self.max_bytes} bytes",
        )

    def _too_slow(self) -> tuple[str, str]:
        return (
            f"请求内容未在 {self.body_seconds:g} 秒内送达",
            f"the request body did not arrive within {self.body_seconds:g} s",
        )

    async def _refuse(
        self, send: Send, status: int, reason: str, chinese: str, english: str
    ) -> None:
        code = "BAD_USER_INPUT" if status == 413 else "BAD_REQUEST"
        refusal = envelope(f"{chinese} ({english})", code, reason)
        body = json.dumps(refusal, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        if status == 408:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _before(deadline: float, receive: Receive) -> Message:
    try:
        async with asyncio.timeout_at(deadline):  # no task of its own, unlike wait_for
            return await receive()
    except TimeoutError:
        raise BodyTooSlow from None


class HeadDeadline(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request line and headers have not
    all arrived `head_seconds` after it opened or after its first byte (slow-loris clients
    would otherwise hold connections for ever); idle keep-alive is uvicorn's own timeout."""

    head_seconds = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._await_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if not waiting:
            self._stop_head_timer()
        elif self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_seconds, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.info("closed a connection whose request headers took over %ss", self.head_seconds)
            self.transport.close()


def head_deadline(seconds: float) -> type[HeadDeadline]:
    """The protocol class `uvicorn.run(http=…)` takes, with this deadline."""
    return type("HeadDeadline", (HeadDeadline,), {"head_seconds": seconds})


class WriteRateLimit:
    """A token bucket per caller: `per_minute` writes, with bursts up to a quarter of that."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, per_minute / 4)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, caller: str, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(caller, (self.capacity, moment))
            tokens = min(self.capacity, tokens + (moment - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[caller] = (tokens - 1.0 if allowed else tokens, moment)
        return allowed
