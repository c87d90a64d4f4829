"""Every use case of the application has a story in this tier: a new command without one fails
here, and so runs in memory, on SQLite and on PostgreSQL once it has."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from application.app import Yishiting

pytestmark = pytest.mark.fast
COMMANDS_RETURN = {"Outcome", "Intake", "list[Taken]"}
MACHINERY = {"execute"}  # Core's: what every use case runs through
# Told through the use case that runs them (erase_subject records, then destroys the key).
TOLD_THROUGH = {"record_erasure": "erase_subject"}
STORIES = Path(__file__).parent


def use_cases() -> set[str]:
    """The application's public commands: its methods answering with what they changed."""
    return {
        name
        for name, method in inspect.getmembers(Yishiting, inspect.isfunction)
        if not name.startswith("_")
        and name not in MACHINERY
        and method.__module__.startswith("application.")
        and inspect.get_annotations(method).get("return") in COMMANDS_RETURN
    }


def test_every_use_case_has_a_story() -> None:
    told = "".join(path.read_text() for path in STORIES.glob("test_*.py"))
    untold = {n for n in use_cases() if f".{TOLD_THROUGH.get(n, n)}(" not in told}
    assert not untold, f"use cases without a story in tests/application: {sorted(untold)}"


def test_the_use_cases_are_found() -> None:
    assert {"propose_topic", "erase_subject", "take_hotline_orders"} <= use_cases()
    assert len(use_cases()) >= 35
