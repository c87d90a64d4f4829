"""A new data subject's key on PostgreSQL is written by the append that first seals their data,
in that append's own transaction: never a key without its events, never events sealed with a key
that was not stored; a failed append leaves no key behind, and erasure still shreds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from application.app import Yishiting
from application.key_tables import KEYS_TABLE, PostgresKeyTable
from application.personal_data import KeysInTheAppend, SubjectKeys, key_table_for
from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from domain.base import Actor
from domain.people import ERASED, Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel, Role
from interfaces.bootstrap import application_for
from tests.support.district import District
from tests.support.erasure import seconds_until

ADMIN = Command(Actor("admin-9", "数据保护管理员", Role.ADMIN))


@pytest.fixture
def app(postgres_url: str) -> Iterator[Yishiting]:
    application = application_for(Settings(database_url=postgres_url, group_commit=False))
    yield application
    application.close()


def topic(district: District, proposer: Proposer) -> Topic:
    return Topic.propose(
        title="楼道堆物",
        content="楼道长期堆放杂物。",
        channel=Channel.MASSES,
        category=Category.LIVELIHOOD,
        platform_id=district.platform_id,
        proposer=proposer,
        actor=district.staff.actor,
    )


def key_rows(app: Yishiting, subject_id: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(app.database.conninfo()) as conn:
        return conn.execute(
            f"SELECT xmin::text, wrapped_key FROM {KEYS_TABLE} WHERE subject_id = %s",
            (subject_id,),
        ).fetchall()


def event_xmin(app: Yishiting, originator_id: object) -> str:
    with psycopg.connect(app.database.conninfo()) as conn:
        row = conn.execute(
            "SELECT xmin::text FROM yishiting_events WHERE originator_id = %s",
            (originator_id,),
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_a_new_subjects_key_is_committed_with_the_events_that_name_them(app: Yishiting):
    assert isinstance(app.recorder, KeysInTheAppend)
    district = District.build(app)
    proposer = Proposer.checked("欧阳新人", "13912345678")
    topic_id = district.propose_from(proposer)
    [(xmin, wrapped)] = key_rows(app, proposer.subject_id)
    assert wrapped is not None
    assert xmin == event_xmin(app, topic_id), "the key and the events: one transaction"
    # Read back by a process that has not cached the key: the data opens.
    other = application_for(Settings(database_url=app.settings.database_url))
    try:
        assert other.load(Topic, topic_id).proposer.name == "欧阳新人"
    finally:
        other.close()


def test_a_refused_append_stores_no_key_and_the_retry_seals_afresh(app: Yishiting):
    district = District.build(app)
    first = topic(district, Proposer.checked("甲", "13900000001"))
    app.save(first)
    stale = app.repository.get(first.id)
    first.verify(basic_situation="涉及3个小区。", actor=district.staff.actor)
    app.save(first)
    stale.verify(basic_situation="另一说法。", actor=district.staff.actor)  # conflicts
    newcomer = Proposer.checked("乙", "13900000002")
    second = topic(district, newcomer)
    pending = list(second.pending_events)
    with pytest.raises(IntegrityError):
        app.save(stale, second)
    assert key_rows(app, newcomer.subject_id) == [], "the rolled-back append kept no key"
    assert app.subject_keys.new_keys() == []
    second.pending_events[:] = pending  # as group commit does: the same events, saved again
    app.save(second)
    assert len(key_rows(app, newcomer.subject_id)) == 1
    fresh = application_for(Settings(database_url=app.settings.database_url))
    try:
        assert fresh.load(Topic, second.id).proposer.name == "乙"
    finally:
        fresh.close()


def test_a_key_stored_meanwhile_elsewhere_refuses_the_append(
    app: Yishiting, monkeypatch: pytest.MonkeyPatch
):
    """Another process made the subject's key between this one's lookup and its append: the
    append is refused rather than sealing with a key that would not be the stored one."""
    district = District.build(app)
    subject = Proposer.checked("丙", "13900000003")
    table = app.subject_keys.table
    real_fetch = table.fetch

    def fetch_then_race(subject_id: str) -> tuple[bytes | None, bool]:
        found = real_fetch(subject_id)
        if subject_id == subject.subject_id and found == (None, False):
            table.insert(subject_id, b"k" * 32)  # the other process wins the race
        return found

    monkeypatch.setattr(table, "fetch", fetch_then_race)
    with pytest.raises(IntegrityError):
        app.save(topic(district, subject))
    monkeypatch.setattr(table, "fetch", real_fetch)
    [(_, wrapped)] = key_rows(app, subject.subject_id)
    assert bytes(wrapped) == b"k" * 32, "the stored key stays the winner's"


def test_erasing_a_subject_whose_key_came_with_the_append_shreds_it(app: Yishiting):
    district = District.build(app)
    proposer = Proposer.checked("丁遗忘", "13912340000")
    topic_id = district.propose_from(proposer)
    app.erase_subject(ADMIN, subject_id=proposer.subject_id, reason="本人申请删除")
    [(_, wrapped)] = key_rows(app, proposer.subject_id)
    assert wrapped is None
    assert app.load(Topic, topic_id).proposer.name == ERASED


def test_a_key_lookup_survives_connections_the_server_dropped(app: Yishiting):
    """Without a round trip to check each pooled connection, one that the server ended (a
    restart) fails on use, and the lookup is made again on another."""
    table = app.subject_keys.table
    assert isinstance(table, PostgresKeyTable)
    table.insert("subject-before", b"k" * 32)
    held = [table.pool.getconn() for _ in range(table.pool.max_size)]  # every one it has
    pids = [conn.info.backend_pid for conn in held]
    for conn in held:
        table.pool.putconn(conn)
    with psycopg.connect(app.database.conninfo(), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert table.fetch("subject-before") == (b"k" * 32, False)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def test_a_key_read_while_another_process_destroys_it_is_not_served_afterwards(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    """The lookup has read the key from the table; before it keeps the key in its cache,
    another process erases the subject. The cache must not then go on serving that key."""
    database = Database.from_url(url)
    database.prepare()
    reader = SubjectKeys(key_table_for(database))
    eraser = SubjectKeys(key_table_for(database))
    try:
        assert eraser.key_for_sealing("subject-racing") is not None
        table = reader.table
        real_fetch = table.fetch

        def fetch_then_erased_elsewhere(subject_id: str) -> tuple[bytes | None, bool]:
            found = real_fetch(subject_id)
            eraser.erase(subject_id)
            return found

        monkeypatch.setattr(table, "fetch", fetch_then_erased_elsewhere)
        assert reader.key_for_opening("subject-racing") is not None  # read before the erasure
        monkeypatch.setattr(table, "fetch", real_fetch)

        seconds_until(lambda: reader.key_for_opening("subject-racing") is None, 1.0)
    finally:
        reader.close()
        eraser.close()


def test_a_key_stored_meanwhile_refuses_the_append_on_its_first_try(
    app: Yishiting, monkeypatch: pytest.MonkeyPatch
):
    """The refusal above is an IntegrityError from the append's first try. It used to meet the
    pipeline's later statements first, fail the commit as an OperationalError and be retried
    by the recorder (up to ten tries, 0.2 s apart) before it was reported."""
    district = District.build(app)
    table = app.subject_keys.table
    real_fetch = table.fetch
    racing: set[str] = set()

    def fetch_then_race(subject_id: str) -> tuple[bytes | None, bool]:
        found = real_fetch(subject_id)
        if subject_id in racing and found == (None, False):
            table.insert(subject_id, b"k" * 32)
        return found

    recorder = app.recorder
    assert isinstance(recorder, KeysInTheAppend)
    tries = 0
    real_insert_events = recorder._insert_events

    def counted(*args: Any, **kwargs: Any) -> None:
        nonlocal tries
        tries += 1
        real_insert_events(*args, **kwargs)

    monkeypatch.setattr(table, "fetch", fetch_then_race)
    monkeypatch.setattr(recorder, "_insert_events", counted)
    for n in range(20):
        subject = Proposer.checked(f"丙{n}", f"139000001{n:02d}")
        racing.add(subject.subject_id)
        # Other new subjects first, so the refused key row is the append's last statement
        # before the events: its refusal arrives while the events are being sent.
        others = [topic(district, Proposer.checked(f"居民{n}-{k}")) for k in range(5)]
        with pytest.raises(IntegrityError):
            app.save(*others, topic(district, subject))
    assert tries == 20
