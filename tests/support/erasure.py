"""For the erasure stories: a dump of everything the database holds, the `yishiting` command
run as a process of its own, and a wait that polls a condition until its deadline."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from application.storage import Database

ROOT = Path(__file__).resolve().parents[2]
COMMAND_DEADLINE = 120  # a hung process fails the test instead of stopping the run


def database_dump(database: Database) -> str:
    """Every row of every table as text (PostgreSQL), or the raw bytes of the SQLite files."""
    if database.engine == "postgresql":
        with psycopg.connect(database.conninfo()) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s", (database.schema,)
                )
            ]
            rows = [str(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables]
        return "\n".join(rows)
    folder = Path(database.path).parent
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.glob("*.db*"))


def yishiting(url: str, ledger_key: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`yishiting ARGUMENTS` in a process of its own, on the database at `url`."""
    env = {
        **os.environ,
        "YISHITING_DATABASE_URL": url,
        "YISHITING_LEDGER_KEY_FILE": str(ledger_key),
    }
    return subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_DEADLINE,
        check=False,
    )


def seconds_until(condition: Callable[[], bool], deadline: float) -> float:
    """Polls `condition` until it holds; how long that took. Fails past `deadline` seconds."""
    started = time.monotonic()
    while not condition():
        waited = time.monotonic() - started
        assert waited < deadline, f"still not so after {waited:.2f} s"
    return time.monotonic() - started
