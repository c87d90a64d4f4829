"""Subscribing to a real server's `events` with a third-party GraphQL client (gql and its
websockets transport), over either WebSocket subprotocol."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

EVENTS = """subscription Events($after: String, $types: [String!], $subjects: [ID!]) {
  events(after: $after, types: $types, subjects: $subjects) {
    cursor id type subject sequence time version data
  }
}"""
TRANSPORT_WS = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL  # graphql-transport-ws
LEGACY_WS = WebsocketsTransport.APOLLO_SUBPROTOCOL  # graphql-ws
HANG_GUARD = 60.0  # seconds; only to fail instead of hanging
GLANCE = 0.02
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: other tests (the browser's) may leave an event loop
    running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Subscription:
    """`async with Subscription(...) as s:` connects and keeps receiving into `s.received`;
    leaving the block disconnects the client."""

    def __init__(
        self, base_url: str, token: str, protocol: str = TRANSPORT_WS, **variables: Any
    ) -> None:
        self.transport = WebsocketsTransport(
            url=base_url.replace("http://", "ws://") + "/graphql",
            init_payload={"Authorization": f"Bearer {token}"},
            subprotocols=[protocol],
        )
        self.request = GraphQLRequest(EVENTS, variable_values=variables)
        self.received: list[dict[str, Any]] = []
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with Client(transport=self.transport) as session:
            self._connected.set()
            async for result in session.subscribe(self.request):
                self.received.append(result["events"])

    async def __aenter__(self) -> Subscription:
        self._task = asyncio.create_task(self._run())
        await self._wait(self._connected.is_set)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def until(self, holds: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
        await self._wait(lambda: holds(self.received))
        return list(self.received)

    async def _wait(self, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + HANG_GUARD
        while not ready():
            assert self._task is not None
            if self._task.done():
                self._task.result()  # raises what stopped the client
                raise AssertionError("the subscription ended")
            assert time.monotonic() < deadline, f"gave up with {len(self.received)} events"
            await asyncio.sleep(GLANCE)
