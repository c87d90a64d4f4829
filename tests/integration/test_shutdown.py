"""A clean shutdown (issue 16): a server stopped as SIGTERM stops it, with `/events` pages in
flight and `events` and dashboard subscriptions open, answers the pages, closes the WebSockets
with 1012, and closes its stores only after every thread reading them has finished — on
today's order a stream's orphaned thread was still inside the feed's scan when the SQLite
connection closed, and the process died of a segmentation fault. The race runs in a process
of its own (tests/support/shutdown_race.py), several rounds, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from application.app import Yishiting
from application.settings import Settings
from bench.generate import generate
from tests.support.servers import ROOT, environment
from tests.support.shutdown_race import DASHBOARDS, STREAMS

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ROUNDS = 3
LOG = 5000  # events: each stream reads the whole log, ten scans of 500
HANG_GUARD = 180.0  # only to fail instead of hanging
SERVICE_RESTART = 1012


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    app = Yishiting(Settings(database_url=url))
    try:
        generate(app, LOG)
    finally:
        app.close()
    return url


def race(url: str) -> list[dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-m", "tests.support.shutdown_race", str(ROUNDS)],
        cwd=ROOT,
        env=environment(url, "shutdown-race-secret"),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )
    assert run.returncode == 0, f"the server's process ended {run.returncode}:\n{run.stderr}"
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_shutdown_answers_the_pages_closes_the_streams_then_the_stores(url: str) -> None:
    reports = race(url)

    assert len(reports) == ROUNDS
    for report in reports:
        assert report["errors"] == []
        assert report["pages"], "the pages in flight were answered"
        assert set(report["pages"]) == {200}, report["pages"]
        assert report["streams_closed"] == [SERVICE_RESTART] * STREAMS
        assert report["dashboards_closed"] == [SERVICE_RESTART] * DASHBOARDS
        assert report["messages"] == []
        assert report["scans_at_close"] == 0, "scans were running when the log's store closed"
        assert report["scans_after_close"] == 0, "scans began after the log's store closed"
