"""The application and the views are synchronous: both edges run them off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The application and the views are synchronous: run them off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)
