"""An event the projector cannot apply, put straight into the stored events (no command would
store it), is set aside: the views take the events after it, the ones that can take it do,
readiness and the metrics say so, and the operator's command clears the alarm. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from application.app import Yishiting
from application.settings import Settings
from interfaces.bootstrap import System, bootstrap
from interfaces.edge.observability import SystemGauges
from interfaces.server import create_app
from projections import set_aside
from tests.support.district import District
from tests.support.scenarios import proposed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    return Settings(database_url=url, ledger_key_file=str(tmp_path / "ledger.pem"))


@pytest.fixture
def system(settings: Settings) -> Iterator[System]:
    system = bootstrap(settings)
    yield system
    system.close()


def inject(app: Yishiting, like: UUID, **changes: Any) -> tuple[UUID, int]:
    """A copy of `like`'s first stored event under a new id, with `changes` to its state,
    appended to the log as it is; returns its id and position."""
    first = app.recorder.select_events(like, limit=1)[0]
    state = {**json.loads(first.state), **changes.pop("state", {})}
    poison = StoredEvent(
        originator_id=uuid4(),
        originator_version=1,
        topic=changes.get("topic", first.topic),
        state=json.dumps(state).encode(),
    )
    app.recorder.insert_events([poison])
    return poison.originator_id, app.recorder.max_notification_id() or 0


def topic_rows(system: System, *ids: UUID) -> set[str]:
    with system.store.reading() as tx:
        rows = tx.all("SELECT id FROM topic_board")
    return {row["id"] for row in rows} & {str(i) for i in ids}


def leaf_at(system: System, position: int) -> bool:
    with system.store.reading() as tx:
        return (
            tx.one("SELECT 1 AS x FROM ledger_leaves WHERE position = ?", (position,)) is not None
        )


def listed(system: System, everything: bool = False) -> list[set_aside.SetAsideEvent]:
    with system.store.reading() as tx:
        return set_aside.listing(tx, everything=everything)


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "YISHITING_DATABASE_URL": settings.database_url,
        "YISHITING_LEDGER_KEY_FILE": settings.ledger_key_file,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", "set-aside", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def set_aside_gauge(system: System) -> float:
    for family in SystemGauges(system, lambda: 0).collect():
        if family.name == "yishiting_projection_set_aside_events":
            return float(family.samples[0].value)
    raise AssertionError("no yishiting_projection_set_aside_events gauge")


def test_an_event_no_view_row_can_hold_is_set_aside_and_the_views_move_on(
    system: System, settings: Settings
) -> None:
    district = District.build(system.app)
    before = proposed(district)
    # The proposal again, under a new id, with no title: the topic board's row needs one (its
    # INSERT fails in the batch's final COPY or statement); the ledger and audit trail take it.
    poison_id, poison = inject(system.app, before, state={"title": None})
    after = proposed(district)

    system.projector.catch_up()

    assert system.projector.position() == system.app.recorder.max_notification_id()
    assert topic_rows(system, before, poison_id, after) == {str(before), str(after)}
    assert leaf_at(system, poison)
    (aside,) = listed(system)
    assert (aside.position, aside.originator_id, aside.views) == (
        poison,
        str(poison_id),
        ("topic_board",),
    )
    assert aside.event_type.endswith("Topic.TopicProposed")
    assert "topic_board" in aside.error
    assert "title" in aside.error.lower()
    assert set_aside_gauge(system) == 1

    with TestClient(create_app(settings, embedded_projector=False)) as http:
        ready = http.get("/readyz")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["status"] == "degraded"
        assert body["setAside"]["count"] == 1
        assert body["setAside"]["positions"] == [poison]

        shown = cli(settings, "list")
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert f"{poison}  set_aside" in shown.stdout
        assert str(poison_id) in shown.stdout

        again = cli(settings, "retry", str(poison))  # the log is immutable: it fails again
        assert again.returncode == 1, again.stdout + again.stderr
        assert "still set aside" in again.stdout
        (still,) = listed(system)
        assert (still.attempts, still.views) == (2, ("topic_board",))

        refused = cli(settings, "acknowledge", str(poison), "--reason", " ")
        assert refused.returncode == 2
        assert "REASON_REQUIRED" in refused.stdout
        done = cli(
            settings, "acknowledge", str(poison), "--reason", "无标题的副本,不补", "--by", "值班员"
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert listed(system) == []
        (kept,) = listed(system, everything=True)
        assert (kept.status, kept.acknowledged_by) == ("acknowledged", "值班员")
        assert kept.acknowledged_reason == "无标题的副本,不补"
        assert set_aside_gauge(system) == 0
        assert http.get("/readyz").json()["status"] == "ok"

        twice = cli(settings, "acknowledge", str(poison), "--reason", "再次")
        assert twice.returncode == 2
        assert "NOT_SET_ASIDE" in twice.stdout


def test_an_event_that_cannot_be_decoded_is_set_aside_for_every_view(system: System) -> None:
    district = District.build(system.app)
    before = proposed(district)
    system.projector.catch_up()
    _, poison = inject(system.app, before, topic="domain.topic:Topic.NoSuchEvent")
    after = proposed(district)

    system.projector.catch_up()

    assert system.projector.position() == system.app.recorder.max_notification_id()
    assert topic_rows(system, after) == {str(after)}
    (aside,) = listed(system)
    assert aside.position == poison
    assert set(aside.views) == {view.name for view in system.projector.views}
    assert "cannot decode" in aside.error
    assert not leaf_at(system, poison)


def test_an_admission_check_sets_an_event_aside_unapplied_and_a_retry_applies_it(
    system: System,
) -> None:
    district = District.build(system.app)
    system.projector.catch_up()
    doubted: set[UUID] = set()

    def authentic(stored: Any) -> str | None:
        return "来源存疑 (doubtful origin)" if stored.originator_id in doubted else None

    system.projector.admission.append(authentic)
    admitted = proposed(district)
    doubtful, position = inject(system.app, admitted)
    doubted.add(doubtful)
    system.projector.catch_up()

    assert topic_rows(system, admitted, doubtful) == {str(admitted)}
    (aside,) = listed(system)
    assert aside.position == position
    assert "doubtful origin" in aside.error
    assert set(aside.views) == {view.name for view in system.projector.views}
    assert topic_rows(system, doubtful) == set()
    assert not leaf_at(system, position)

    still = system.projector.retry(position)
    assert still is not None
    assert still.status == "set_aside"
    assert still.attempts == 2

    system.projector.admission.remove(authentic)
    retried = system.projector.retry(position)
    assert topic_rows(system, doubtful) == {str(doubtful)}
    # The ledger seals in log order only: it is not appended late, so the event stays set
    # aside for it alone until an operator acknowledges it.
    assert retried is not None
    assert (retried.status, retried.views) == ("set_aside", ("ledger",))
    assert "log order" in retried.error
    assert not leaf_at(system, position)


def test_a_retry_after_the_view_is_mended_applies_the_event(system: System) -> None:
    district = District.build(system.app)
    before = proposed(district)
    system.projector.catch_up()
    # A stray row in the topic board, under the id the next proposal will have: its INSERT
    # fails (the view's fault, not the event's).
    stray, position = inject(system.app, before)
    with system.store.transaction() as tx:
        row = tx.one("SELECT * FROM topic_board WHERE id = ?", (str(before),))
        assert row is not None
        row["id"] = str(stray)
        tx.insert_rows("topic_board", list(row), [list(row.values())])
    system.projector.catch_up()
    (aside,) = listed(system)
    assert (aside.position, aside.views) == (position, ("topic_board",))

    with system.store.transaction() as tx:
        tx.execute("DELETE FROM topic_board WHERE id = ?", (str(stray),))
    applied = system.projector.retry(position)

    assert applied is not None
    assert (applied.status, applied.attempts) == ("applied", 2)
    assert topic_rows(system, stray) == {str(stray)}
    assert listed(system) == []
    assert system.projector.retry(position) is None


def test_readiness_fails_when_the_views_stop_advancing_and_says_why(settings: Settings) -> None:
    stalling = settings.model_copy(update={"projector_stall_seconds": 0.2})
    with TestClient(create_app(stalling, embedded_projector=False)) as http:
        assert http.get("/readyz").status_code == 200
        system: System = http.app.state.holder["system"]  # type: ignore[attr-defined]
        District.build(system.app)  # events in the log, and no projector to apply them

        stalled = readyz_until(http, lambda answer: answer.status_code == 503)
        body = stalled.json()
        assert body["status"] == "stalled"
        assert body["lag"] == system.app.recorder.max_notification_id()
        assert "have not advanced" in body["reason"]
        assert "视图" in body["reason"]

        system.projector.catch_up()
        assert http.get("/readyz").json()["status"] == "ok"
        with system.store.transaction() as tx:  # left behind by a view since removed
            tx.execute("INSERT INTO projection_tracking VALUES ('retired_view', 0, 0)")
        body = http.get("/readyz").json()
        assert (body["status"], body["views"], body["lag"]) == ("ok", body["log"], 0)


def readyz_until(http: TestClient, holds: Any, within: float = 10.0) -> Any:
    """/readyz, asked again until its answer `holds` (failing after `within` seconds)."""
    deadline = time.monotonic() + within
    while not holds(answer := http.get("/readyz")):
        assert time.monotonic() < deadline, f"/readyz never changed: {answer.text}"
        time.sleep(0.02)
    return answer


def test_a_nul_that_bypassed_the_domain_does_not_stop_the_running_projector(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    district = District.build(system.app)
    before = proposed(district)
    system.projector.start(poll_interval=0.01)
    poison_id, poison = inject(system.app, before, state={"title": "nul\x00x"})
    after = proposed(district)

    log = system.app.recorder.max_notification_id() or 0
    assert system.projector.wait_for(log, timeout=30), "the projector is stuck"
    assert topic_rows(system, after) == {str(after)}
    assert leaf_at(system, poison)
    if system.store.dialect == "postgresql":  # PostgreSQL text cannot hold a NUL
        (aside,) = listed(system)
        assert aside.position == poison
        assert "topic_board" in aside.views
        assert "NUL" in aside.error
        assert "\x00" not in aside.error
        assert any(
            record.levelname == "ERROR" and f"event set aside at {poison}" in record.getMessage()
            for record in caplog.records
        )
    else:  # SQLite keeps it as sent
        assert listed(system) == []
        assert topic_rows(system, poison_id) == {str(poison_id)}


def test_a_rebuild_meets_the_event_again_and_keeps_its_acknowledgement(system: System) -> None:
    district = District.build(system.app)
    before = proposed(district)
    _, poison = inject(system.app, before, state={"title": None})
    system.projector.catch_up()
    with system.store.transaction() as tx:
        assert set_aside.acknowledge(tx, poison, "无标题的副本", "值班员")

    system.projector.rebuild()

    assert system.projector.position() == system.app.recorder.max_notification_id()
    assert listed(system) == []
    (kept,) = listed(system, everything=True)
    assert (kept.position, kept.status, kept.attempts) == (poison, "acknowledged", 2)
    assert topic_rows(system, before) == {str(before)}
