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
from fastapi.testclient import TestClient

from application.settings import Settings
from bench.generate import generate
from interfaces.bootstrap import application_for
from interfaces.server import create_app
from tests.support.graphql import ADMIN, credentials_of
from tests.support.servers import ROOT, environment
from tests.support.shutdown_race import DASHBOARDS, STREAMS

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ROUNDS = 3
LOG = 5000  # events: each stream reads the whole log, ten scans of 500
HANG_GUARD = 180.0  # only to fail instead of hanging
SERVICE_RESTART = 1012
ESTABLISH = 'mutation { establishCommittee(input: {name: "经济委员会"}) { id } }'


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    app = application_for(Settings(database_url=url))
    try:
        generate(app, LOG)
    finally:
        app.close()
    return url


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


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


def test_work_offered_once_shutdown_began_is_refused_and_stores_nothing(empty_url: str) -> None:
    settings = Settings(database_url=empty_url, writes_per_minute=100_000)
    with TestClient(create_app(settings)) as http:
        signed_in = credentials_of(http.app)(ADMIN)
        assert http.post("/graphql", json={"query": ESTABLISH}, headers=signed_in).is_success
        assert http.app.state.workers.drain(timeout=HANG_GUARD), "nothing was running"

        events = http.get("/events", headers=signed_in)
        command = http.post("/graphql", json={"query": ESTABLISH}, headers=signed_in)

    assert events.status_code == 503, events.text
    assert events.headers["Retry-After"]
    [refusal] = events.json()["errors"]
    assert refusal["extensions"] == {"code": "SERVICE_UNAVAILABLE", "reason": "SHUTTING_DOWN"}
    assert refusal["message"].startswith("服务正在停止"), refusal
    assert "(the service is shutting down, retry later)" in refusal["message"]
    assert command.status_code == 503, command.text
    assert command.headers["Retry-After"]
    assert command.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    log = application_for(Settings(database_url=empty_url))
    try:
        assert log.position() == 1, "the refused command stored nothing"
    finally:
        log.close()
