"""A long-lived record (an item reported on week after week, a much-moved hall) is snapshotted
every 50 events and loads from its snapshot exactly as it would from its whole history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.app import Yishiting
from application.receipts import Command
from application.settings import Settings
from domain.accounts import Account, Grant
from domain.base import Actor, Record
from domain.reference import Platform
from domain.supervision import ProgressReport, SupervisionItem
from domain.vocabulary import ItemStatus, Role
from interfaces.bootstrap import application_for
from tests.support.district import ADMIN, District

INTERVAL = 50


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def durable_app(durable_url: str) -> Iterator[Yishiting]:
    application = application_for(Settings(database_url=durable_url))
    yield application
    application.close()


def state(record: Record) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k != "_pending_events"}


def replayed(app: Yishiting, aggregate_id: UUID) -> Record:
    """The record folded from every one of its events, ignoring any snapshot."""
    record: Any = None
    for event in app.events.get(aggregate_id):
        record = event.mutate(record)  # type: ignore[attr-defined]
    assert isinstance(record, Record)
    return record


def snapshot_versions(app: Yishiting, aggregate_id: UUID) -> list[int]:
    assert app.snapshots is not None
    return [s.originator_version for s in app.snapshots.get(aggregate_id)]


def an_item_reported_on_weekly(app: Yishiting, district: District, weeks: int) -> UUID:
    item_id = district.assigned_item()
    for week in range(weeks):
        app.report_progress(
            district.unit,
            item_id,
            progress=f"第{week + 1}周:推进中",
            problems="夜间管理人手不足" if week % 2 else "",
            approach="社区志愿者协助",
            reporting_department="区交通委",
            reported_on=date(2026, 1, 5) + timedelta(weeks=week),
        )
    return item_id


def test_an_item_with_more_than_fifty_events_is_snapshotted(
    durable_app: Yishiting, durable_url: str
) -> None:
    app = durable_app
    district = District.build(app)
    item_id = an_item_reported_on_weekly(app, district, weeks=53)  # 2 + 53 = 55 events
    app.resolve_item(district.committee, item_id, outcome="全部办结")

    assert app.snapshots is not None
    assert snapshot_versions(app, item_id) == [INTERVAL]
    loaded = app.load(SupervisionItem, item_id)
    assert loaded.version == 56
    assert loaded.status is ItemStatus.RESOLVED
    assert loaded.progress_count == 53
    assert loaded.latest_progress is not None
    assert loaded.latest_progress.reported_on == date(2026, 1, 5) + timedelta(weeks=52)
    assert state(loaded) == state(replayed(app, item_id))

    # The snapshot alone, at version 50, holds the whole state as it was then, values and all:
    # the latest report and how many there were, not every report (the log keeps those).
    [snapshot] = app.snapshots.get(item_id)
    assert snapshot.state["status"] is ItemStatus.IN_PROGRESS  # type: ignore[attr-defined]
    assert snapshot.state["class_version"] == 2  # type: ignore[attr-defined]
    assert "progress" not in snapshot.state  # type: ignore[attr-defined]
    assert snapshot.state["progress_count"] == INTERVAL - 2  # type: ignore[attr-defined]
    latest = snapshot.state["latest_progress"]  # type: ignore[attr-defined]
    assert isinstance(latest, ProgressReport)
    assert latest.reported_on == date(2026, 1, 5) + timedelta(weeks=INTERVAL - 3)
    as_of_snapshot: Record = app.repository.get(item_id, version=INTERVAL)
    assert state(as_of_snapshot) == state(snapshot.mutate(None))  # type: ignore[attr-defined]

    fresh = application_for(Settings(database_url=durable_url))
    try:
        assert state(fresh.load(SupervisionItem, item_id)) == state(loaded)
    finally:
        fresh.close()


def test_a_snapshot_holding_every_report_is_upcast_on_load(
    durable_app: Yishiting, durable_url: str
) -> None:
    """Snapshots written before version 2 kept the whole `progress` list; they still load."""
    app = durable_app
    district = District.build(app)
    item_id = an_item_reported_on_weekly(app, district, weeks=3)
    current = replayed(app, item_id)
    reports = [e.report for e in app.events.get(item_id) if hasattr(e, "report")]
    snapshot_class = getattr(SupervisionItem, "Snapshot", type(app).snapshot_class)
    taken = snapshot_class.take(current)  # type: ignore[union-attr]
    version_1 = {
        k: v
        for k, v in taken.state.items()
        if k not in ("class_version", "latest_progress", "progress_count")
    }
    assert app.snapshots is not None
    app.snapshots.put([dataclasses.replace(taken, state={**version_1, "progress": reports})])

    fresh = application_for(Settings(database_url=durable_url))
    try:
        loaded = fresh.load(SupervisionItem, item_id)
    finally:
        fresh.close()
    assert snapshot_versions(app, item_id) == [current.version]
    assert loaded.progress_count == 3
    assert loaded.latest_progress == reports[-1]
    assert state(loaded) == state(current)


def test_a_short_history_has_no_snapshot(durable_app: Yishiting) -> None:
    district = District.build(durable_app)
    item_id = an_item_reported_on_weekly(durable_app, district, weeks=3)

    assert snapshot_versions(durable_app, item_id) == []


def test_a_much_moved_hall_loads_from_its_snapshot(durable_app: Yishiting) -> None:
    app = durable_app
    district = District.build(app)
    admin = Command(ADMIN)
    for move in range(2 * INTERVAL + 1):
        app.move_platform_hall(admin, district.platform_id, hall_venue=f"临时议事厅{move}")

    assert snapshot_versions(app, district.platform_id) == [INTERVAL, 2 * INTERVAL]
    platform = app.load(Platform, district.platform_id)
    assert platform.version == 2 * INTERVAL + 2
    assert platform.hall_venue == f"临时议事厅{2 * INTERVAL}"
    assert state(platform) == state(replayed(app, district.platform_id))


def test_a_much_granted_account_loads_from_its_snapshot(durable_app: Yishiting) -> None:
    """An account is long-lived too (each sign-in is an event): its snapshot holds its grants,
    and the sign-in or grant that takes it must not fail (it did: HTTP 500 on the 50th event
    of a demo account that signed in often, no transcoding for Grant)."""
    app = durable_app
    district = District.build(app)
    security = Command(Actor("account:security-0", "安全管理员", Role.SECURITY_ADMIN))
    account = app.create_account(security, username="chang.deng", display_name="常登").id
    scope = str(district.platform_id)
    for turn in range(INTERVAL):  # create + 50 grants and revocations: 51 events
        change = app.revoke_role if turn % 2 else app.grant_role
        change(security, account, role=Role.PLATFORM_STAFF, scope=scope, reason=f"第{turn}次")
    app.grant_role(security, account, role=Role.LEADER, reason="兼任")

    assert snapshot_versions(app, account) == [INTERVAL]
    loaded = app.load(Account, account)
    assert loaded.grants == [Grant(Role.LEADER)]
    assert state(loaded) == state(replayed(app, account))
