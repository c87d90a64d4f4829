"""A citizen is erased while the service is running: the moment the erasure returns, no other
process serves their name, phone, ID number or address any more — not even one that had just
read them and holds their key in its cache. And an erasure that stops halfway (its decision
recorded, its key held by another session) is completed by running it again, or at start-up.
SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from application.erasure import AlreadyErased, ErasureIncomplete, complete_erasures_at_start
from application.erasure_watch import RECONNECT_PAUSE, NotificationWatch, erasure_channel
from application.key_tables import KEYS_TABLE, PostgresKeyTable
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor
from domain.erasure import Erasure
from domain.hotline import HotlineOrder
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel, Role
from interfaces.bootstrap import System, bootstrap
from interfaces.server import create_app
from tests.support.district import District
from tests.support.erasure import database_dump, seconds_until
from tests.support.graphql import GraphQLClient, credentials_of

ADMIN = Command(Actor("admin-9", "数据保护管理员", Role.ADMIN))
AUDITOR = Actor("audit-1", "纪检组", Role.AUDITOR)
SECRETS = ("欧阳遗忘", "13912345678", "110101199001011234", "永顺镇幸福里3号楼2单元501")
KEPT_NAME = "诸葛保留"
AT_ONCE = 1.0  # seconds: "after erase returns, no process serves the data"
ERASE = "mutation($input: EraseSubjectInput!) { eraseSubject(input: $input) { id version } }"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    url = request.getfixturevalue(f"{request.param}_url")
    return Settings(
        database_url=url, ledger_key_file=str(tmp_path / "ledger.pem"), writes_per_minute=10_000
    )


@pytest.fixture
def writer(settings: Settings) -> Iterator[System]:
    """The process where the administrator erases: the district, one citizen to forget and
    one to keep."""
    system = bootstrap(settings)
    yield system
    system.close()


@pytest.fixture
def forgotten(writer: System) -> Proposer:
    """A caller to 12345 whose work order gives their home address, and a neighbour."""
    district = District.build(writer.app)
    proposer = Proposer.checked(SECRETS[0], SECRETS[1], SECRETS[2])
    order = HotlineOrder.checked(
        "GD20261201001", address=SECRETS[3], subject_id=proposer.subject_id
    )
    called = Topic.propose(
        title="楼道堆物",
        content="楼道长期堆放杂物,存在消防隐患。",
        channel=Channel.HOTLINE_12345,
        category=Category.LIVELIHOOD,
        platform_id=district.platform_id,
        proposer=proposer,
        actor=district.staff.actor,
        hotline_order=order,
    )
    writer.app.save(called)
    district.propose_from(Proposer.checked(KEPT_NAME, "13787654321"), title="路灯不亮")
    writer.projector.catch_up()
    return proposer


@pytest.fixture
def server(settings: Settings, forgotten: Proposer) -> Iterator[TestClient]:
    """Another process serving the API, with the projector inside."""
    with TestClient(create_app(settings)) as client:
        yield client


def feed_text(server: TestClient) -> str:
    """Everything GET /events shows the discipline office (cleared to see personal data)."""
    headers = credentials_of(server.app)(AUDITOR)
    response = server.get("/events?limit=500", headers=headers)
    assert response.status_code == 200, response.text
    return response.text


def shows_no_secret(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


def test_an_erasure_elsewhere_is_not_served_by_a_running_server_a_moment_later(
    writer: System, forgotten: Proposer, server: TestClient
):
    topic_id = str(proposal_of(writer, forgotten).originator_id)
    before = feed_text(server) + past_state(server, topic_id)  # opened: the key is cached now
    assert all(secret in before for secret in SECRETS)

    writer.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")

    seconds_until(lambda: shows_no_secret(feed_text(server)), AT_ONCE)
    seconds_until(lambda: shows_no_secret(past_state(server, topic_id)), AT_ONCE)
    assert KEPT_NAME in feed_text(server), "everyone else still reads in clear"


def past_state(server: TestClient, topic_id: str) -> str:
    """The matter as GraphQL `asOf` shows it to the discipline office."""
    api = GraphQLClient(server, credentials=credentials_of(server.app)).acting_as(AUDITOR)
    document = 'query($id: ID!) { asOf(aggregateId: $id, at: "2099-01-01T00:00:00Z") { state } }'
    return str(api.query(document, id=topic_id)["asOf"]["state"])


def test_an_erasure_elsewhere_reaches_the_warm_cache_of_a_projector_and_an_application(
    writer: System, forgotten: Proposer, settings: Settings
):
    other = bootstrap(settings)
    try:
        topic = proposal_of(other, forgotten)
        assert topic.proposer.name == SECRETS[0]  # warm: the key is cached here now

        writer.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")

        seconds_until(lambda: proposal_of(other, forgotten).proposer.phone == "", AT_ONCE)
        assert other.app.subject_keys.key_for_sealing(forgotten.subject_id) is None
    finally:
        other.close()


def proposal_of(system: System, proposer: Proposer) -> Any:
    events = system.app.recorder.select_notifications(start=None, limit=1000)
    decoded = [system.app.mapper.to_domain_event(n) for n in events]
    return next(
        e
        for e in decoded
        if getattr(getattr(e, "proposer", None), "subject_id", None) == proposer.subject_id
    )


def test_an_erasure_recorded_but_unfinished_is_completed_by_the_same_command_again(
    writer: System, forgotten: Proposer
):
    writer.app.record_erasure(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")
    assert writer.app.subject_keys.unfinished([forgotten.subject_id]) == [forgotten.subject_id]

    again = writer.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="再次执行")

    assert again.id == Erasure.create_id(forgotten.subject_id)
    assert again.position is None, "nothing recorded twice"
    assert writer.app.subject_keys.unfinished([forgotten.subject_id]) == []
    assert erasure_events(writer, forgotten) == 1
    with pytest.raises(AlreadyErased) as refused:
        writer.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="第三次")
    assert refused.value.code == "ALREADY_ERASED"
    assert refused.value.message.startswith("该数据主体的个人信息已删除")


def test_an_erasure_whose_key_is_held_stays_recorded_and_the_same_command_completes_it(
    writer: System, forgotten: Proposer
):
    # The decision was recorded by an earlier run; this run finds the key held.
    writer.app.record_erasure(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")
    writer.app.subject_keys.table.lock_wait = 0.2  # type: ignore[attr-defined]

    with holding_key_row(writer, forgotten.subject_id), pytest.raises(ErasureIncomplete) as held:
        writer.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")

    assert held.value.code == "ERASURE_INCOMPLETE"
    assert held.value.message.startswith("删除决定已记录")
    assert writer.app.subject_keys.unfinished([forgotten.subject_id]) == [forgotten.subject_id]
    writer.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")
    assert writer.app.subject_keys.erasure_complete(forgotten.subject_id)
    assert erasure_events(writer, forgotten) == 1
    writer.projector.catch_up()
    assert not any(secret in database_dump(writer.app.database) for secret in SECRETS)


def erasure_events(system: System, proposer: Proposer) -> int:
    return len(list(system.app.events.get(Erasure.create_id(proposer.subject_id))))


def test_a_starting_process_completes_the_erasures_left_unfinished(
    writer: System, forgotten: Proposer, settings: Settings
):
    writer.app.record_erasure(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")
    never_named = "subject-never-named"  # erased before any data of theirs was sealed
    writer.app.record_erasure(ADMIN, subject_id=never_named, reason="本人申请删除")
    assert complete_erasures_at_start(writer.app) == [forgotten.subject_id, never_named]
    assert writer.app.subject_keys.unfinished([forgotten.subject_id, never_named]) == []
    assert writer.app.subject_keys.key_for_sealing(never_named) is None, "no key made later"
    assert complete_erasures_at_start(writer.app) == []


def test_a_server_completes_unfinished_erasures_as_it_starts(
    writer: System, forgotten: Proposer, settings: Settings
):
    writer.app.record_erasure(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")
    with TestClient(create_app(settings)) as server:
        assert writer.app.subject_keys.unfinished([forgotten.subject_id]) == []
        assert shows_no_secret(feed_text(server))


@pytest.fixture
def postgres_writer(postgres_url: str, tmp_path: Path) -> Iterator[System]:
    system = bootstrap(Settings(database_url=postgres_url, ledger_key_file=str(tmp_path / "l")))
    yield system
    system.close()


def test_a_key_held_by_another_session_leaves_the_erasure_recorded_and_completable(
    postgres_writer: System,
):
    writer = postgres_writer
    district = District.build(writer.app)
    proposer = Proposer.checked(SECRETS[0], SECRETS[1], SECRETS[2])
    district.propose_from(proposer)
    table = writer.app.subject_keys.table
    assert isinstance(table, PostgresKeyTable)
    table.lock_wait = 0.2  # the default waits seconds for the other session

    with holding_key_row(writer, proposer.subject_id), pytest.raises(ErasureIncomplete) as held:
        writer.app.erase_subject(ADMIN, subject_id=proposer.subject_id, reason="本人申请删除")

    assert held.value.code == "ERASURE_INCOMPLETE"
    assert held.value.message.startswith("删除决定已记录")
    assert "run the same erasure again" in held.value.message
    assert writer.app.subject_keys.unfinished([proposer.subject_id]) == [proposer.subject_id]
    writer.app.erase_subject(ADMIN, subject_id=proposer.subject_id, reason="本人申请删除")
    assert writer.app.subject_keys.erasure_complete(proposer.subject_id)
    writer.projector.catch_up()
    dump = database_dump(writer.app.database)
    assert not any(secret in dump for secret in SECRETS)


class holding_key_row:  # noqa: N801 (used as a `with` phrase)
    """Another session holds the subject's key row locked until the block ends (on SQLite,
    the file's write lock: SQLite has no lock of one row)."""

    def __init__(self, system: System, subject_id: str) -> None:
        self.database = system.app.database
        self.subject_id = subject_id

    def __enter__(self) -> None:
        if self.database.engine == "sqlite":
            self.conn: Any = sqlite3.connect(self.database.path, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
            return
        self.conn = psycopg.connect(self.database.conninfo())
        row = self.conn.execute(
            f"SELECT subject_id FROM {KEYS_TABLE} WHERE subject_id = %s FOR UPDATE",
            (self.subject_id,),
        ).fetchone()
        assert row is not None

    def __exit__(self, *_: object) -> None:
        self.conn.rollback()
        self.conn.close()


def test_graphql_without_the_same_command_id_completes_an_interrupted_erasure(
    writer: System, forgotten: Proposer, server: TestClient
):
    writer.app.record_erasure(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除")
    api = GraphQLClient(server, credentials=credentials_of(server.app)).acting_as(ADMIN.actor)
    completed = api.query(
        ERASE, input={"subjectId": forgotten.subject_id, "reason": "本人再次申请"}
    )
    assert completed["eraseSubject"]["id"] == str(Erasure.create_id(forgotten.subject_id))
    assert writer.app.subject_keys.unfinished([forgotten.subject_id]) == []
    [refusal] = api.errors(ERASE, input={"subjectId": forgotten.subject_id, "reason": "第三次申请"})
    assert refusal["extensions"]["reason"] == "ALREADY_ERASED"
    assert refusal["message"].startswith("该数据主体的个人信息已删除")
    seconds_until(lambda: shows_no_secret(feed_text(server)), AT_ONCE)


def test_an_erasure_told_while_a_process_was_not_listening_is_not_served_after_it_returns(
    postgres_writer: System, tmp_path: Path
):
    """The other process's LISTEN connection is cut (a database restart, a proxy timeout): the
    notice of an erasure made meanwhile never reaches it, and yet it does not serve the data."""
    writer = postgres_writer
    proposer = Proposer.checked(SECRETS[0], SECRETS[1], SECRETS[2])
    District.build(writer.app).propose_from(proposer)
    other = bootstrap(writer.settings)
    try:
        assert proposal_of(other, proposer).proposer.name == SECRETS[0]  # cached, listening
        cut_listeners(writer, erasure_channel(writer.app.database))

        writer.app.erase_subject(ADMIN, subject_id=proposer.subject_id, reason="本人申请删除")

        seconds_until(lambda: proposal_of(other, proposer).proposer.phone == "", AT_ONCE)
        reconnected = other.app.subject_keys.watch
        assert isinstance(reconnected, NotificationWatch)
        seconds_until(reconnected.listening.is_set, RECONNECT_PAUSE + 5)
        assert proposal_of(other, proposer).proposer.phone == ""
    finally:
        other.close()


def cut_listeners(system: System, channel: str) -> None:
    """Ends, from the server's side, every session LISTENing on the channel."""
    with psycopg.connect(system.app.database.conninfo(), autocommit=True) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
            (f'LISTEN "{channel}"',),
        ).fetchall()
    assert ended, "a listener was there to cut"


@pytest.mark.postgres
def test_graphql_says_an_erasure_whose_key_is_held_is_recorded_and_to_be_run_again(
    postgres_writer: System,
):
    writer = postgres_writer
    proposer = Proposer.checked(SECRETS[0], SECRETS[1], SECRETS[2])
    District.build(writer.app).propose_from(proposer)
    with TestClient(create_app(writer.settings)) as server:
        served: System = server.app.state.holder["system"]
        table = served.app.subject_keys.table
        assert isinstance(table, PostgresKeyTable)
        table.lock_wait = 0.2
        api = GraphQLClient(server, credentials=credentials_of(server.app)).acting_as(ADMIN.actor)
        erase = {"subjectId": proposer.subject_id, "reason": "本人申请删除"}

        with holding_key_row(writer, proposer.subject_id):
            [refusal] = api.errors(ERASE, input=erase)

        assert refusal["extensions"]["code"] == "CONFLICT"
        assert refusal["extensions"]["reason"] == "ERASURE_INCOMPLETE"
        assert refusal["message"].startswith("删除决定已记录")
        assert Erasure.create_id(proposer.subject_id) in writer.app.repository
        completed = api.query(ERASE, input=erase)
        assert completed["eraseSubject"]["id"] == str(Erasure.create_id(proposer.subject_id))
        assert writer.app.subject_keys.erasure_complete(proposer.subject_id)
        seconds_until(lambda: shows_no_secret(feed_text(server)), AT_ONCE)
