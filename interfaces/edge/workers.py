"""The threads that run the synchronous application and views for the event loop (`blocking`),
and the order the service stops in. A request or a stream whose task is cancelled leaves its
thread running on: the stores may close only once every such thread has finished, or a thread
would read through a closed connection (on SQLite, a crash of the whole process)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from interfaces.bootstrap import System

T = TypeVar("T")
DRAIN_SECONDS = 10.0  # what SIGTERM grants requests in flight (README), once more for threads
log = logging.getLogger("yishiting.http")


class ShuttingDown(RuntimeError):
    """Work offered after shutdown began: refused, nothing of it done."""

    code = "SHUTTING_DOWN"

    def __init__(self) -> None:
        super().__init__("服务正在停止,请稍后重试 (the service is shutting down, retry later)")


class Workers(ThreadPoolExecutor):
    """The loop's default executor: counts the calls it holds (queued or running) so that
    shutdown can refuse new ones and wait for the rest."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="yishiting")
        self._held = 0
        self._draining = False
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with self._idle:
            if self._draining:
                raise ShuttingDown()
            self._held += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._release()
            raise
        # Called once the call has returned, or was cancelled before it began.
        future.add_done_callback(lambda _: self._release())
        return future

    def drain(self, timeout: float) -> bool:
        """Refuses new calls and waits for those held to finish; False if some are still
        running after `timeout`."""
        with self._idle:
            self._draining = True
            drained = self._idle.wait_for(lambda: self._held == 0, timeout)
        self.shutdown(wait=drained)
        return drained

    @property
    def held(self) -> int:
        return self._held

    def _release(self) -> None:
        with self._idle:
            self._held -= 1
            self._idle.notify_all()


async def stop(system: System, workers: Workers) -> None:
    """After the server has stopped accepting and answered the requests in flight: the live
    streams end, the threads of requests and streams finish, then the system closes (its
    workers, the projector, the stores). Threads still running after DRAIN_SECONDS keep the
    stores open: the process exits without closing them rather than crash."""
    system.app.log_signal.close()
    drained = await _off_loop(workers.drain, DRAIN_SECONDS)
    if not drained:
        log.error(
            "shutdown: %d calls still running after %.0f s; the stores are left open",
            workers.held,
            DRAIN_SECONDS,
        )
    await _off_loop(system.close, stores=drained)


async def _off_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """In a thread of its own: the loop's executor is the one being drained."""
    with ThreadPoolExecutor(1, thread_name_prefix="yishiting-stop") as own:
        return await asyncio.get_running_loop().run_in_executor(
            own, lambda: function(*args, **kwargs)
        )
