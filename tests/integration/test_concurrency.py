"""Many people acting on the same record at once, on PostgreSQL: every command is either
stored whole or refused as a conflict; none is lost, none is merged into another's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from application.app import Yishiting
from application.receipts import Command, Outcome
from application.settings import Settings
from domain.base import Actor
from domain.errors import ConcurrentModification, VersionMismatch
from domain.reference import Platform
from domain.supervision import SupervisionItem
from domain.vocabulary import ItemStatus, Role
from interfaces.bootstrap import application_for
from tests.support.district import ADMIN, District
from tests.support.refusals import refused_storing_nothing, stored_after
from tests.support.threads import all_at_once

PEOPLE = 8


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Yishiting]:
    application = application_for(Settings(database_url=postgres_url))
    yield application
    application.close()


def split(results: list[Outcome | Exception]) -> tuple[list[Outcome], list[Exception]]:
    successes = [r for r in results if isinstance(r, Outcome)]
    conflicts = [r for r in results if not isinstance(r, Outcome)]
    for error in conflicts:
        # Anything else than a conflict (a crash, a lost connection) fails the test here.
        assert type(error) is ConcurrentModification, repr(error)
        assert error.kind == "CONFLICT"
        assert error.code == "CONCURRENT_MODIFICATION"
    assert successes, "someone must win"
    return successes, conflicts


def unit_officer(index: int, unit_id: UUID) -> Command:
    return Command(Actor(f"unit-{index}", f"科员{index}", Role.UNIT, str(unit_id)))


def test_eight_officers_report_progress_on_one_item_at_the_same_moment(
    pg_app: Yishiting,
) -> None:
    district = District.build(pg_app)
    item_id = district.assigned_item()
    initial = pg_app.load(SupervisionItem, item_id).version
    before = pg_app.position()

    def report(index: int) -> Outcome:
        return pg_app.report_progress(
            unit_officer(index, district.unit_id),
            item_id,
            progress=f"第{index}位科员的进展",
            problems="",
            approach="",
            reporting_department="区交通委",
            reported_on=date(2026, 4, 1),
        )

    successes, _ = split(all_at_once(PEOPLE, report))

    item = pg_app.load(SupervisionItem, item_id)
    assert item.version == initial + len(successes)
    assert item.status is ItemStatus.IN_PROGRESS
    assert item.progress_count == len(successes)
    assert sorted(o.version for o in successes) == list(
        range(initial + 1, initial + len(successes) + 1)
    )
    assert stored_after(pg_app, before) == len(successes)
    # Each stored report is whole and belongs to exactly one successful officer.
    stored = list(pg_app.events.get(item_id))[initial:]
    reporters = [e.actor.id for e in stored]  # type: ignore[attr-defined]
    assert len(set(reporters)) == len(successes)
    assert [e.report.progress for e in stored] == [  # type: ignore[attr-defined]
        f"第{actor_id.removeprefix('unit-')}位科员的进展" for actor_id in reporters
    ]


def test_two_servers_move_the_same_hall_at_the_same_moment(
    pg_app: Yishiting, postgres_url: str
) -> None:
    district = District.build(pg_app)
    platform_id = district.platform_id
    initial = pg_app.load(Platform, platform_id).version
    second_server = application_for(Settings(database_url=postgres_url))
    try:

        def move(index: int) -> Outcome:
            server = pg_app if index % 2 else second_server
            admin = Command(Actor(f"admin-{index}", f"管理员{index}", Role.ADMIN))
            return server.move_platform_hall(admin, platform_id, hall_venue=f"议事厅{index}号")

        successes, _ = split(all_at_once(PEOPLE, move))

        for server in (pg_app, second_server):
            platform = server.load(Platform, platform_id)
            assert platform.version == initial + len(successes)
        last = max(successes, key=lambda o: o.version)
        last_mover = list(pg_app.events.get(platform_id))[-1].actor  # type: ignore[attr-defined]
        assert platform.hall_venue == f"议事厅{last_mover.id.removeprefix('admin-')}号"
        assert last.version == platform.version
    finally:
        second_server.close()


def test_a_command_that_loses_the_race_is_refused_not_merged(pg_app: Yishiting) -> None:
    district = District.build(pg_app)
    platform_id = district.platform_id
    admin = Command(ADMIN)

    def slow_move() -> list[Platform]:
        platform = pg_app.load(Platform, platform_id)
        # Someone else moves the hall between our reading and our saving.
        pg_app.move_platform_hall(admin, platform_id, hall_venue="镇文化中心")
        platform.move_hall(hall_venue="镇政府大院", actor=ADMIN)
        return [platform]

    before = pg_app.position()
    with pytest.raises(ConcurrentModification) as caught:
        pg_app.execute(admin, "move_platform_hall", {}, slow_move)
    assert caught.value.code == "CONCURRENT_MODIFICATION"
    assert caught.value.details == {"currentVersion": 2}, "the version the other writer left"
    assert stored_after(pg_app, before) == 1
    assert pg_app.load(Platform, platform_id).hall_venue == "镇文化中心"


# --- expected_version: "I am changing the version I saw" -----------------------------------


def test_a_command_on_a_version_the_client_no_longer_sees_is_refused(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    seen = app.load(SupervisionItem, item_id).version
    app.resolve_item(district.committee, item_id, outcome="已解决")

    stale = Command(district.committee.actor, expected_version=seen)
    with refused_storing_nothing(app, VersionMismatch, "CONCURRENT_MODIFICATION") as caught:
        app.reopen_item(stale, item_id, reason="复查未通过")
    assert isinstance(caught.error, ConcurrentModification)
    assert caught.error.kind == "CONFLICT"
    assert caught.error.details == {"currentVersion": seen + 1, "expectedVersion": seen}

    current = Command(district.committee.actor, expected_version=seen + 1)
    outcome = app.reopen_item(current, item_id, reason="复查未通过")
    assert outcome.version == seen + 2
    assert app.load(SupervisionItem, item_id).status is ItemStatus.REOPENED


def test_a_client_ahead_of_the_record_is_refused_too(app: Yishiting, district: District) -> None:
    version = app.load(Platform, district.platform_id).version
    ahead = Command(ADMIN, expected_version=version + 1)
    with refused_storing_nothing(app, VersionMismatch, "CONCURRENT_MODIFICATION"):
        app.move_platform_hall(ahead, district.platform_id, hall_venue="新址")
