"""Which calls a request hands to a thread (interfaces/http/callers.py `blocking`)."""

from __future__ import annotations

from typing import Any

import pytest

from interfaces.http import callers


def counted_off_the_loop(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions the callers' door runs on a thread, from now on."""
    names: list[str] = []
    blocking = callers.blocking

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(function.__name__)
        return await blocking(function, *args, **kwargs)

    monkeypatch.setattr(callers, "blocking", counted)
    return names
