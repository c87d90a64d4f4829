"""Waking readers when the log grows: the highest position this process knows of, raised after
each save made here (and by a watcher for saves made elsewhere), awaited by threads and by
asyncio tasks alike."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Recording

from application.core import Core


class LogSignal:
    def __init__(self) -> None:
        self._position = 0
        self._interruptions = 0
        self._closed = False
        self._changed = threading.Condition()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    @property
    def position(self) -> int:
        return self._position

    @property
    def closed(self) -> bool:
        """The process is shutting down: live readers end instead of waiting on."""
        return self._closed

    def close(self) -> None:
        """Wakes every waiter, threads and tasks alike, for good: they see `closed`."""
        with self._changed:
            self._closed = True
            self._interruptions += 1
            self._changed.notify_all()
            waiters = list(self._waiters)
        self._wake(waiters)

    def advance(self, position: int) -> None:
        with self._changed:
            if position <= self._position:
                return
            self._position = position
            self._changed.notify_all()
            waiters = list(self._waiters)
        self._wake(waiters)

    @staticmethod
    def _wake(waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]) -> None:
        for loop, woken in waiters:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(woken.set)

    def wait(self, beyond: int, timeout: float) -> int:
        """Blocks until the log is known to be past `beyond`, the timeout passes, or the
        waiters are interrupted (a worker stopping) or closed."""
        with self._changed:
            start = self._interruptions
            self._changed.wait_for(
                lambda: self._position > beyond or self._interruptions != start or self._closed,
                timeout,
            )
            return self._position

    def interrupt(self) -> None:
        with self._changed:
            self._interruptions += 1
            self._changed.notify_all()

    async def wait_async(self, beyond: int, timeout: float) -> int:
        woken = asyncio.Event()
        waiter = (asyncio.get_running_loop(), woken)
        with self._changed:
            self._waiters.add(waiter)
        try:
            if self._position <= beyond and not self._closed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), timeout)
        finally:
            with self._changed:
                self._waiters.discard(waiter)
        return self._position


class Announcing(Core):
    """Raises the application's LogSignal once its save has committed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.log_signal = LogSignal()
        super().__init__(*args, **kwargs)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        if recordings:
            self.log_signal.advance(max(r.notification.id for r in recordings))
        return recordings
