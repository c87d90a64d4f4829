"""Group commit: commands that arrive together share one append, and each caller still gets its
own outcome — or its own conflict."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest

from application.app import Yishiting
from application.group_commit import GroupCommit
from application.receipts import Command, Outcome
from application.settings import Settings
from domain.errors import ConcurrentModification
from domain.people import Proposer
from domain.vocabulary import Category, Channel
from interfaces.bootstrap import application_for
from tests.support.district import District

GROUP = 4


@pytest.fixture
def app() -> Iterator[Yishiting]:
    application = application_for(Settings(database_url="memory://", group_commit=True))
    yield application
    application.close()


def held_until_queued(app: Yishiting, queued: int) -> list[int]:
    """The first append waits until `queued` more saves are waiting, so they form one group;
    returns the number of records in each append made."""
    assert app.group is not None
    group, save, appends = app.group, app.save, []

    def save_when_queued(*records: Any) -> Any:
        if not appends:
            while len(group._queue) < queued:
                threading.Event().wait(0.001)
        appends.append(len(records))
        return save(*records)

    group._save = save_when_queued
    return appends


def propose(district: District, title: str, command: Command | None = None) -> Outcome:
    return district.app.propose_topic(
        command or district.staff,
        title=title,
        content="居民反映小区周边停车位不足。",
        channel=Channel.MASSES,
        category=Category.GOVERNANCE,
        platform_id=district.platform_id,
        proposer=Proposer.checked("陈群众", "13800000001"),
    )


def together(*commands: Callable[[], Any]) -> list[Any]:
    """Runs the commands in threads at once; each one's result or error, in order."""
    results: list[Any] = [None] * len(commands)

    def run(n: int) -> None:
        try:
            results[n] = commands[n]()
        except Exception as error:
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def test_matters_proposed_together_are_stored_in_one_append_each_with_its_own_outcome(
    app: Yishiting,
) -> None:
    district = District.build(app)
    appends = held_until_queued(app, GROUP)
    outcomes = together(*(lambda n=n: propose(district, f"第{n}号事项") for n in range(GROUP + 1)))

    assert appends == [1, GROUP]  # the first alone, then the ones queued meanwhile together
    assert len({outcome.id for outcome in outcomes}) == GROUP + 1
    assert all(outcome.position and outcome.events == 1 for outcome in outcomes)
    stored = {str(app.repository.get(outcome.id).title) for outcome in outcomes}
    assert stored == {f"第{n}号事项" for n in range(GROUP + 1)}


def test_two_staff_verifying_the_same_matter_together_one_wins_one_is_told_of_the_conflict(
    app: Yishiting,
) -> None:
    district = District.build(app)
    topic_id = district.propose_hotline_matter()
    others = [district.propose_hotline_matter(f"其他事项{n}") for n in range(GROUP - 2)]
    appends = held_until_queued(app, GROUP)

    def verifying(topic: UUID, situation: str) -> Callable[[], Any]:
        return lambda: app.verify_topic(district.staff, topic, basic_situation=situation)

    results = together(
        lambda: propose(district, "先到的事项"),
        verifying(topic_id, "涉及3个小区。"),
        verifying(topic_id, "涉及5个小区。"),
        *(verifying(other, "已核实。") for other in others),
    )

    conflicts = [r for r in results if isinstance(r, ConcurrentModification)]
    assert len(conflicts) == 1, results
    assert len(appends) > 2  # the shared append was refused, then each saved alone
    assert app.repository.get(topic_id).version == 2
    for other in others:
        assert app.repository.get(other).status.code == "verified"


def test_a_repeated_command_id_in_the_same_group_replays_the_first_outcome(
    app: Yishiting,
) -> None:
    district = District.build(app)
    appends = held_until_queued(app, 2)
    again = Command(district.staff.actor, command_id="same-id")
    results = together(
        lambda: propose(district, "先到的事项"),
        lambda: propose(district, "重发的事项", again),
        lambda: propose(district, "重发的事项", again),
    )

    assert not any(isinstance(r, Exception) for r in results), results
    assert results[1].id == results[2].id
    assert appends


def test_with_the_setting_off_commands_are_saved_as_they_come() -> None:
    app = application_for(Settings(database_url="memory://", group_commit=False))
    try:
        assert app.group is None
    finally:
        app.close()


def test_an_append_that_fails_for_another_reason_fails_every_caller_of_its_group() -> None:
    failing = GroupCommit(lambda *records: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(OSError, match="down"):
        failing.save()
