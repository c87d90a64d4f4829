"""Replay, then live: the feed read from a cursor and, once caught up, awaited until the log
(or, for scoped readers, the views) grow. Waiting costs no thread: the LogSignal wakes tasks.
At shutdown the signal closes and every stream ends (interfaces/edge/workers.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

from domain.base import Actor
from domain.errors import DomainError
from interfaces.bootstrap import System
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import from_domain, sign_in_error
from projections.outbound.feed import FeedQuery
from projections.reads.readership import Readership

SAFETY_POLL = 1.0
VIEWS_POLL = 0.05
VIEWS_PATIENCE = 10.0


def signed_in(actor: Actor) -> None:
    if actor.role.code == "public":
        raise sign_in_error()


_ACTIVE = [0]


def active_streams() -> int:
    """Live event streams open in this process (for /metrics)."""
    return _ACTIVE[0]


def _never() -> DomainError | None:
    return None


async def stream(
    system: System,
    actor: Actor,
    query: FeedQuery,
    refusal: Callable[[], DomainError | None] = _never,
) -> AsyncIterator[dict[str, Any]]:
    """The feed from the cursor, then live, until the caller may no longer act (`refusal`:
    its token expired or revoked, its session ended). A revocation is itself an event in the
    log, so the stream wakes for it and ends at once."""
    _ACTIVE[0] += 1
    try:
        async for event in _stream(system, actor, query, refusal):
            yield event
    finally:
        _ACTIVE[0] -= 1


async def _stream(
    system: System, actor: Actor, query: FeedQuery, refusal: Callable[[], DomainError | None]
) -> AsyncIterator[dict[str, Any]]:
    feed, signal = system.integration.feed, system.app.log_signal
    scoped = not Readership(actor).reads_everything
    after = query.after
    while not signal.closed:  # shutting down: the stream ends, its pages' threads done
        refused = await blocking(refusal)
        if refused is not None:
            raise from_domain(refused)
        page = await blocking(feed.page, actor, replace(query, after=after))
        for event in page.events:
            yield event
        after = page.last
        if not page.caught_up:
            continue
        if scoped and signal.position > page.head:
            await asyncio.sleep(VIEWS_POLL)  # the views are catching up with the log
        else:
            await signal.wait_async(page.head, SAFETY_POLL)


async def views_reach(system: System, position: int) -> None:
    """Waits (without a thread) until the views have applied `position`, within patience
    (or until the process shuts down)."""
    deadline = time.monotonic() + VIEWS_PATIENCE
    while time.monotonic() < deadline and not system.app.log_signal.closed:
        if await blocking(system.projector.position) >= position:
            return
        await asyncio.sleep(VIEWS_POLL)
