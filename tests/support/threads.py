"""Several people pressing the button at the same moment: threads released by one barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def all_at_once(count: int, work: Callable[[int], T]) -> list[T | Exception]:
    """Runs `work(0)` … `work(count - 1)` in `count` threads started together; each result is
    what the call returned or the exception it raised."""
    barrier = threading.Barrier(count)

    def one(index: int) -> T | Exception:
        barrier.wait(timeout=30)
        try:
            return work(index)
        except Exception as error:  # handed back to the test to judge
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count), timeout=60))
