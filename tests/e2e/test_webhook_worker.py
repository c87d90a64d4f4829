"""Webhooks delivered by `yishiting project` (the worker) to a receiver that fails its first
three attempts: the worker is killed with SIGKILL mid-way and started again; it resumes from
the subscriber's stored position and every event arrives — in order, signed, none lost (at
least once: the event in flight at the kill may arrive twice, one right after the other)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.receipts import Command
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from projections.outbound.feed import FeedQuery
from tests.conftest import TEST_RECEIVERS
from tests.support.district import ADMIN, District
from tests.support.receiver import Receiver

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-secret-shared-with-the-member-app"
HANG_GUARD = 60.0
READER = Actor("app-1", "履职APP", Role.INTEGRATION)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def system(url: str) -> Iterator[System]:
    system = bootstrap(Settings(database_url=url, **TEST_RECEIVERS))
    yield system
    system.close()


def worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "YISHITING_DATABASE_URL": url,
        "YISHITING_WEBHOOK_RETRY_BASE_SECONDS": "0.01",
        "YISHITING_WEBHOOK_ALLOWED_NETWORKS": json.dumps(
            TEST_RECEIVERS["webhook_allowed_networks"]
        ),
        "PYTHONPATH": str(ROOT),
    }
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "interfaces.cli.main", "project", "--poll-interval", "0.05"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def a_busy_district(app: Any) -> None:
    district = District.build(app)
    for _ in range(3):
        district.assigned_item()


def test_a_killed_worker_resumes_deliveries_and_loses_none(
    url: str, system: System, tmp_path: Path
) -> None:
    log = tmp_path / "project.log"
    with Receiver([500, 502, 500], secret=SECRET, pause=0.01).running() as receiver:
        registered = system.app.register_webhook(
            Command(ADMIN), url=receiver.url, event_types=[], secret=SECRET
        )
        a_busy_district(system.app)
        start = system.app.webhook(registered.id).start_after
        expected = system.integration.feed.page(READER, FeedQuery(after=start, limit=1000)).events

        first = worker(url, log)
        try:
            receiver.wait_for(10, HANG_GUARD, log)
            first.send_signal(signal.SIGKILL)
            assert first.wait(timeout=HANG_GUARD) == -signal.SIGKILL
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        killed_at = len(receiver.received)
        assert killed_at < len(expected), "killed mid-way"

        again = worker(url, log)
        try:
            receiver.wait_for(len(expected), HANG_GUARD, log)
        finally:
            again.send_signal(signal.SIGTERM)
            stopped = again.wait(timeout=HANG_GUARD)

    delivered = receiver.distinct()
    assert [e["id"] for e in delivered] == [e["id"] for e in expected], log.read_text()
    assert delivered == expected
    assert receiver.bad_signatures == 0
    assert stopped == 0, log.read_text()
    assert len(receiver.received) - len(delivered) <= 1, "at most the event in flight, twice"
