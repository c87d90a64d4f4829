"""`yishiting project` killed with SIGKILL in the middle of catching up, then restarted with
`--once`: every view ends exactly as a rebuild from the log makes it, at the log's last position.
Each batch commits its rows with its tracking position, so nothing is lost or applied twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.settings import Settings
from bench.workload import Workload
from interfaces.bootstrap import System, bootstrap
from projections.store import ViewStore
from tests.support.views import dump_views, tracking_positions

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 2000
BATCH = 20  # small batches: catching up takes a hundred commits, so there is time to kill it
RESTART_BATCH = 500  # the restart need not be slow; it must only resume from the right place
HANG_GUARD = 60.0  # seconds; only to fail rather than hang if the worker never starts


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def system(url: str) -> Iterator[System]:
    system = bootstrap(Settings(database_url=url))
    yield system
    system.close()


def reached(store: ViewStore) -> int:
    """The position every view has committed (read from outside the worker)."""
    return min(tracking_positions(store).values())


def worker(url: str, tmp_path: Path, batch: int, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "YISHITING_DATABASE_URL": url,
        "YISHITING_PROJECTOR_BATCH_SIZE": str(batch),
        "PYTHONPATH": str(ROOT),
    }
    log = (tmp_path / f"project{'-'.join(args)}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "interfaces.cli.main", "project", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def output(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("*.log")))


def test_a_killed_projector_resumes_where_its_last_batch_committed(
    url: str, system: System, tmp_path: Path
) -> None:
    Workload.prepare(system.app).write(EVENTS, per_save=500)
    last = system.app.position()
    assert reached(system.store) == 0

    running = worker(url, tmp_path, BATCH, "--poll-interval", "0.05")
    try:
        deadline = time.monotonic() + HANG_GUARD
        while reached(system.store) == 0:
            assert running.poll() is None, output(tmp_path)
            assert time.monotonic() < deadline, "the projector never committed a batch"
            time.sleep(0.002)
        running.send_signal(signal.SIGKILL)
        assert running.wait(timeout=HANG_GUARD) == -signal.SIGKILL
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()

    killed_at = reached(system.store)
    assert 0 < killed_at < last, "killed mid-way: some batches committed, not all"
    positions = tracking_positions(system.store)
    assert set(positions.values()) == {killed_at}, positions

    again = worker(url, tmp_path, RESTART_BATCH, "--once")
    assert again.wait(timeout=HANG_GUARD) == 0, output(tmp_path)

    assert tracking_positions(system.store) == dict.fromkeys(positions, last)
    assert last == system.app.recorder.max_notification_id()
    resumed = dump_views(system.store)
    system.projector.rebuild()
    assert system.projector.position() == last
    assert dump_views(system.store) == resumed
