"""A client that is not sure its command arrived sends it again with the same command id:
the command is carried out once, and every repeat is answered with the same outcome."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from application.app import Yishiting
from application.receipts import Command, Outcome
from application.settings import Settings
from domain.base import Actor
from domain.errors import AlreadyResolved, CommandIdReused, MissingReason, WrongState
from domain.people import Proposer
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import Category, Channel, ItemStatus, Role, TopicStatus
from interfaces.bootstrap import application_for
from tests.support.district import District
from tests.support.refusals import event_names, refused_storing_nothing, stored_after
from tests.support.threads import all_at_once


def with_id(command: Command, command_id: str) -> Command:
    return Command(command.actor, command_id=command_id)


def propose(app: Yishiting, district: District, command: Command) -> Outcome:
    # A client retrying builds its request afresh: the proposer's server-side identity differs.
    return app.propose_topic(
        command,
        title="小区停车难",
        content="居民反映小区周边停车位不足。",
        channel=Channel.HOTLINE_12345,
        category=Category.GOVERNANCE,
        platform_id=district.platform_id,
        proposer=Proposer.checked("陈群众", "13800000001"),
        hotline_tickets=["GD20261126001"],
    )


def report(
    app: Yishiting, command: Command, item_id: UUID, progress: str = "已协调学校"
) -> Outcome:
    return app.report_progress(
        command,
        item_id,
        progress=progress,
        problems="",
        approach="",
        reporting_department="区交通委",
        reported_on=date(2026, 4, 1),
    )


def same(outcomes: list[Outcome]) -> Outcome:
    """All the outcomes name the same record at the same version and log position; the first
    one is returned."""
    assert len({(o.id, o.version, o.position) for o in outcomes}) == 1, outcomes
    return outcomes[0]


# --- 同一指令, 发送三次 ---------------------------------------------------------------------


def test_a_matter_proposed_three_times_with_one_command_id_is_stored_once(
    app: Yishiting, district: District
) -> None:
    command = with_id(district.staff, "hotline-GD20261126001")
    before = app.position()

    first = propose(app, district, command)
    after_first = app.position()
    repeats = [propose(app, district, command) for _ in range(2)]

    outcome = same([first, *repeats])
    assert app.position() == after_first
    assert stored_after(app, before) == 2, "the proposal and the command's receipt"
    assert first.position == after_first
    assert [(r.position, r.replayed) for r in repeats] == [(after_first, True)] * 2
    assert event_names(app, outcome.id) == ["TopicProposed"]
    assert app.load(Topic, outcome.id).version == 1


def test_a_command_s_receipt_is_read_only_when_it_is_repeated(
    app: Yishiting, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run costs no look for its receipt; a repeat is told by the append's collision
    with the receipt (a proposal) or by the use case's refusal (a second resolution)."""
    looked: list[UUID] = []
    read = app._receipt
    monkeypatch.setattr(app, "_receipt", lambda found: looked.append(found) or read(found))
    command = with_id(district.staff, "once-looked")
    propose(app, district, command)
    assert looked == []
    assert propose(app, district, command).replayed
    assert len(looked) == 1

    item_id = district.assigned_item()
    resolution = with_id(district.committee, "resolve-once-looked")
    app.resolve_item(resolution, item_id, outcome="已解决")
    assert len(looked) == 1
    again = app.resolve_item(resolution, item_id, outcome="已解决")
    assert again.replayed
    assert len(looked) == 2


def test_progress_reported_three_times_with_one_command_id_is_stored_once(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    command = with_id(district.unit, "progress-2026-04-01")

    outcomes = [report(app, command, item_id) for _ in range(3)]

    outcome = same(outcomes)
    assert outcome.id == item_id
    item = app.load(SupervisionItem, item_id)
    assert item.version == outcome.version == 3
    assert item.progress_count == 1
    assert event_names(app, item_id).count("ProgressReported") == 1


def test_a_repeated_resolution_is_answered_not_refused(app: Yishiting, district: District) -> None:
    item_id = district.assigned_item()
    command = with_id(district.committee, "resolve-1")
    first = app.resolve_item(command, item_id, outcome="已解决")
    position = app.position()

    # The client never heard back and tries again: same answer, no "already resolved".
    assert same([first, app.resolve_item(command, item_id, outcome="已解决")]) == first
    assert app.position() == position
    # Without its command id the same request is a new command, and is refused.
    with refused_storing_nothing(app, AlreadyResolved, "ALREADY_RESOLVED"):
        app.resolve_item(district.committee, item_id, outcome="已解决")


def test_a_repeat_is_answered_from_the_record_even_after_later_changes(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    command = with_id(district.unit, "progress-1")
    first = report(app, command, item_id)
    report(app, district.unit, item_id, progress="第二次进展")

    again = report(app, command, item_id)
    assert (again.id, again.version, again.position) == (first.id, first.version, first.position)
    assert first.position is not None
    assert first.position < app.position()
    assert app.load(SupervisionItem, item_id).progress_count == 2


# --- 重启之后 -------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest) -> str:
    """A log that outlives the application writing it."""
    return str(request.getfixturevalue(f"{request.param}_url"))


def test_a_repeat_after_a_restart_is_still_recognised(durable_url: str) -> None:
    app = application_for(Settings(database_url=durable_url))
    district = District.build(app)
    item_id = district.assigned_item()
    command = with_id(district.unit, "progress-before-restart")
    first = report(app, command, item_id)
    proposal = with_id(district.staff, "proposal-before-restart")
    proposed = propose(app, district, proposal)
    position = app.position()
    app.close()

    restarted = application_for(Settings(database_url=durable_url))
    try:
        assert same([first, report(restarted, command, item_id)]) == first
        assert same([proposed, propose(restarted, district, proposal)]) == proposed
        assert restarted.position() == position
        assert restarted.load(SupervisionItem, item_id).progress_count == 1
        with refused_storing_nothing(restarted, CommandIdReused, "COMMAND_ID_REUSED"):
            report(restarted, command, item_id, progress="不同的内容")
    finally:
        restarted.close()


# --- 指令编号被挪用 -------------------------------------------------------------------------


def test_a_command_id_reused_for_different_arguments_is_refused(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    command = with_id(district.unit, "progress-1")
    report(app, command, item_id)

    with refused_storing_nothing(app, CommandIdReused, "COMMAND_ID_REUSED") as caught:
        report(app, command, item_id, progress="另一份进展")
    assert caught.error.kind == "CONFLICT"
    assert caught.error.details == {"command_id": "progress-1"}
    assert app.load(SupervisionItem, item_id).progress_count == 1


def test_a_command_id_reused_for_another_use_case_is_refused(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    command = with_id(district.staff, "staff-op-7")
    report(app, command, item_id)

    with refused_storing_nothing(app, CommandIdReused, "COMMAND_ID_REUSED"):
        app.assign_item(
            command,
            item_id,
            unit_id=district.unit_id,
            committee_id=district.committee_id,
            supervisor_id=district.supervisor_id,
            reason="改派",
        )
    assert app.load(SupervisionItem, item_id).progress_count == 1
    assert event_names(app, item_id)[-1] == "ProgressReported"


def test_a_command_id_belongs_to_the_person_who_sent_it(app: Yishiting, district: District) -> None:
    colleague = Command(Actor("staff-2", "何专员", Role.PLATFORM_STAFF, str(district.platform_id)))
    mine = propose(app, district, with_id(district.staff, "c-1"))
    theirs = propose(app, district, with_id(colleague, "c-1"))

    assert mine.id != theirs.id
    assert event_names(app, theirs.id) == ["TopicProposed"]


def test_a_refused_command_does_not_use_up_its_id(app: Yishiting, district: District) -> None:
    item_id = district.assigned_item()
    app.resolve_item(district.committee, item_id, outcome="已解决")
    command = with_id(district.committee, "reopen-1")

    with refused_storing_nothing(app, MissingReason, "REASON_REQUIRED"):
        app.reopen_item(command, item_id, reason="")
    outcome = app.reopen_item(command, item_id, reason="复查未通过")

    assert outcome.id == item_id
    assert app.load(SupervisionItem, item_id).status is ItemStatus.REOPENED


# --- 两个请求同时到达 (PostgreSQL) -----------------------------------------------------------


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Yishiting]:
    application = application_for(Settings(database_url=postgres_url))
    yield application
    application.close()


@pytest.mark.parametrize("round_", range(3))
def test_two_copies_of_one_progress_report_racing_store_it_once(
    pg_app: Yishiting, round_: int
) -> None:
    district = District.build(pg_app)
    item_id = district.assigned_item()
    command = with_id(district.unit, f"progress-race-{round_}")
    before = pg_app.position()

    results = all_at_once(2, lambda _: report(pg_app, command, item_id))

    assert all(isinstance(r, Outcome) for r in results), results
    outcome = same(results)  # type: ignore[arg-type]
    assert stored_after(pg_app, before) == 2, "one report and one receipt"
    item = pg_app.load(SupervisionItem, item_id)
    assert item.version == outcome.version
    assert item.progress_count == 1


def test_two_copies_of_one_proposal_racing_create_one_matter(pg_app: Yishiting) -> None:
    district = District.build(pg_app)
    command = with_id(district.staff, "proposal-race")
    before = pg_app.position()

    results = all_at_once(2, lambda _: propose(pg_app, district, command))

    assert all(isinstance(r, Outcome) for r in results), results
    outcome = same(results)  # type: ignore[arg-type]
    assert stored_after(pg_app, before) == 2, "one proposal and one receipt"
    assert event_names(pg_app, outcome.id) == ["TopicProposed"]


def test_a_repeat_of_a_refused_command_is_refused_again(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    command = with_id(district.staff, "submit-too-early")
    for _ in range(2):
        with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
            app.submit_topic(
                command, topic_id, drafted_title="议题", committee_id=district.committee_id
            )
    # Nothing was recorded for it, so the id is still free for the command that does go through.
    app.verify_topic(command, topic_id, basic_situation="核实")
    assert app.load(Topic, topic_id).status is TopicStatus.VERIFIED
