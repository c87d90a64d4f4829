"""An administrator erases a citizen from the command line: the decision is recorded and the
citizen's data reads as erased — in this process's views and, a moment later, in every other
running process; a second erasure is refused with its code. An erasure interrupted after its
decision was recorded is completed by the same command again, or by `erase --repair`; then
no dump of the database holds the citizen's data in clear and `yishiting verify` passes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from application.receipts import Command
from application.settings import Settings
from domain.base import Actor
from domain.people import ERASED, Proposer
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from projections.outbound.feed import FeedQuery
from projections.reads.queries import TopicFilter
from tests.integration.test_erasure_everywhere import holding_key_row
from tests.support.district import District
from tests.support.erasure import database_dump, seconds_until, yishiting

ADMIN = Command(Actor("admin-9", "数据保护管理员", Role.ADMIN))
AUDITOR = Actor("audit-1", "纪检组", Role.AUDITOR)
SECRETS = ("欧阳遗忘", "13912345678", "110101199001011234")
AT_ONCE = 1.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def ledger_key(tmp_path: Path) -> Path:
    return tmp_path / "ledger.pem"


@pytest.fixture
def running(url: str, ledger_key: Path) -> Iterator[System]:
    """A process of the deployment, running while the commands run in theirs."""
    system = bootstrap(Settings(database_url=url, ledger_key_file=str(ledger_key)))
    yield system
    system.close()


@pytest.fixture
def forgotten(running: System) -> Proposer:
    proposer = Proposer.checked(*SECRETS)
    District.build(running.app).propose_from(proposer)
    running.projector.catch_up()
    return proposer


def test_erase_from_the_command_line(url: str, ledger_key: Path, running: System) -> None:
    District.build(running.app).propose_hotline_matter()
    running.projector.catch_up()
    (row,) = running.queries.topics(TopicFilter(), 5).rows

    first = yishiting(url, ledger_key, "erase", row["proposer_subject"], "--reason", "本人申请删除")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "已删除" in first.stdout
    again = yishiting(url, ledger_key, "erase", row["proposer_subject"], "--reason", "本人申请删除")
    assert again.returncode == 1
    assert "ALREADY_ERASED" in again.stdout

    running.projector.catch_up()
    (after,) = running.queries.topics(TopicFilter(), 5).rows
    assert after["proposer_name"] == ERASED


def feed_text(system: System) -> str:
    page = system.integration.feed.page(AUDITOR, FeedQuery(limit=500))
    return str(page.events)


def test_a_running_process_stops_serving_the_data_once_the_command_returns(
    url: str, ledger_key: Path, running: System, forgotten: Proposer
) -> None:
    assert SECRETS[0] in feed_text(running)  # read, and the key cached, in this process

    erased = yishiting(url, ledger_key, "erase", forgotten.subject_id, "--reason", "本人申请")
    assert erased.returncode == 0, erased.stdout + erased.stderr

    seconds_until(lambda: not any(s in feed_text(running) for s in SECRETS), AT_ONCE)


@pytest.mark.postgres
def test_an_erasure_whose_key_was_held_is_completed_by_the_command_run_again(
    postgres_url: str, ledger_key: Path
) -> None:
    running = bootstrap(Settings(database_url=postgres_url, ledger_key_file=str(ledger_key)))
    try:
        proposer = Proposer.checked(*SECRETS)
        District.build(running.app).propose_from(proposer)
        with holding_key_row(running, proposer.subject_id):  # for KEY_LOCK_WAIT seconds
            held = yishiting(
                postgres_url, ledger_key, "erase", proposer.subject_id, "--reason", "本人申请"
            )
        assert held.returncode == 1, held.stdout + held.stderr
        assert "ERASURE_INCOMPLETE" in held.stdout
        assert "删除决定已记录" in held.stdout
        assert "Traceback" not in held.stdout + held.stderr
        assert SECRETS[0] in feed_text(running), "the key survived the interrupted erasure"

        completed = yishiting(
            postgres_url, ledger_key, "erase", proposer.subject_id, "--reason", "本人申请"
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert "已完成此前中断的删除" in completed.stdout
        assert_forgotten_everywhere(postgres_url, ledger_key, running)
        again = yishiting(postgres_url, ledger_key, "erase", proposer.subject_id, "--reason", "再")
        assert again.returncode == 1
        assert "ALREADY_ERASED" in again.stdout
    finally:
        running.close()


def assert_forgotten_everywhere(url: str, ledger_key: Path, running: System) -> None:
    dump = database_dump(running.app.database)
    assert not any(secret in dump for secret in SECRETS)
    verified = yishiting(url, ledger_key, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_repair_completes_every_erasure_left_unfinished(
    url: str, ledger_key: Path, running: System, forgotten: Proposer
) -> None:
    # The decision recorded, then the process died before the key was destroyed.
    running.app.record_erasure(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")

    repaired = yishiting(url, ledger_key, "erase", "--repair")

    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "已完成 1 项中断的删除" in repaired.stdout
    assert forgotten.subject_id in repaired.stdout
    seconds_until(lambda: not any(s in feed_text(running) for s in SECRETS), AT_ONCE)
    assert_forgotten_everywhere(url, ledger_key, running)
    nothing_left = yishiting(url, ledger_key, "erase", "--repair")
    assert nothing_left.returncode == 0
    assert "没有未完成的删除" in nothing_left.stdout


def test_erase_without_a_subject_or_repair_is_refused(sqlite_url: str, ledger_key: Path) -> None:
    refused = yishiting(sqlite_url, ledger_key, "erase")
    assert refused.returncode == 2
    assert "须给出数据主体编号" in refused.stdout
    assert "--repair" in refused.stdout
