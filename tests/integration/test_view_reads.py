"""The views' reads (projections/store.py `ViewStore.reading`): one snapshot shared by readings
nested inside it (and by the queries asked in `ViewQueries.snapshot()`), a read-only snapshot
that leaves the pooled connection as it found it, and pooled connections checked before use
only after lying idle."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from application.settings import Settings
from application.storage import Database
from interfaces.bootstrap import bootstrap
from projections import store as store_module
from projections.reads.queries import TopicFilter
from projections.store import Tx, ViewStore
from tests.support.district import District

TABLE = "CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY)"


def _store(url: str) -> ViewStore:
    database = Database.from_url(url)
    database.prepare()  # the schema, as the log's opening would make it
    return ViewStore(database, pool_size=1)  # one connection: each test reuses it


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[ViewStore]:
    views = _store(request.getfixturevalue(f"{request.param}_url"))
    with views.transaction() as tx:
        tx.execute(TABLE)
        tx.execute("INSERT INTO notes VALUES ('a')")
    yield views
    views.close()


def _setting(tx: Tx, name: str) -> str:
    row = tx.one(f"SHOW {name}")
    assert row is not None
    return str(row[name])


def _count(store: ViewStore) -> int:
    with store.reading() as tx:
        row = tx.one("SELECT COUNT(*) AS n FROM notes")
        assert row is not None
        return int(row["n"])


def test_a_reading_inside_a_reading_shares_its_snapshot(store: ViewStore) -> None:
    other = ViewStore(store.database, pool_size=1)
    try:
        with store.reading() as outer:
            before = outer.one("SELECT COUNT(*) AS n FROM notes")
            with other.transaction() as tx:  # another session commits meanwhile
                tx.execute("INSERT INTO notes VALUES ('b')")
            with store.reading() as inner:
                assert inner is outer
                assert inner.one("SELECT COUNT(*) AS n FROM notes") == before
        assert _count(store) == 2  # a new reading sees the commit
    finally:
        other.close()


def test_a_reading_is_a_read_only_snapshot_and_leaves_the_connection_as_it_was(
    postgres_url: str,
) -> None:
    store = _store(postgres_url)
    try:
        with store.reading() as tx:
            assert _setting(tx, "transaction_isolation") == "repeatable read"
            assert _setting(tx, "transaction_read_only") == "on"
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                tx.execute("CREATE TABLE refused (id TEXT)")
        with store.transaction() as tx:
            assert _setting(tx, "transaction_isolation") == "read committed"
            assert _setting(tx, "transaction_read_only") == "off"
            tx.execute(TABLE)
        assert _count(store) == 0
    finally:
        store.close()


def _kill_the_pooled_session(store: ViewStore) -> None:
    with store.reading() as tx:
        pid = tx.one("SELECT pg_backend_pid() AS pid")
    assert pid is not None
    conninfo = store.database.conninfo()
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid["pid"],))


def test_a_connection_idle_for_a_while_is_checked_and_replaced(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "PING_AFTER_IDLE", 0.0)  # every connection counts as idle
    store = _store(postgres_url)
    try:
        with store.transaction() as tx:
            tx.execute(TABLE)
        _kill_the_pooled_session(store)
        assert _count(store) == 0  # the dead session was found by the check, a new one used
    finally:
        store.close()


def test_a_connection_just_given_back_is_used_unchecked_and_a_dead_one_fails_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "PING_AFTER_IDLE", 3600.0)
    store = _store(postgres_url)
    try:
        with store.transaction() as tx:
            tx.execute(TABLE)
        _kill_the_pooled_session(store)
        with pytest.raises(psycopg.OperationalError):
            _count(store)
        assert _count(store) == 0  # the pool dropped the dead connection; the next read works
    finally:
        store.close()


def test_queries_asked_in_one_snapshot_agree_though_a_matter_is_projected_meanwhile(
    postgres_url: str,
) -> None:
    system = bootstrap(Settings(database_url=postgres_url))
    try:
        district = District.build(system.app)
        district.propose_hotline_matter()
        system.projector.catch_up()
        with system.queries.snapshot():
            before = system.queries.topics(TopicFilter(), 10).rows
            district.propose_hotline_matter()
            system.projector.catch_up()  # committed by the projector's own connection
            assert system.queries.topics(TopicFilter(), 10).rows == before
        assert len(system.queries.topics(TopicFilter(), 10).rows) == len(before) + 1
    finally:
        system.close()
