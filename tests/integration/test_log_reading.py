"""The projector reads the log through `Yishiting.notifications_after`: on PostgreSQL a reader of
its own (tuples, no dataclass __init__), elsewhere eventsourcing's `select_notifications`. Either
way it is exactly what `select_notifications(start, limit, inclusive_of_start=False)` returns."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing.persistence import Notification

from application.app import Yishiting
from application.ledger.tags import TAGS_TABLE
from application.personal_data import KeysInTheAppend
from application.settings import Settings
from domain.people import Proposer
from interfaces.bootstrap import application_for
from tests.support.district import District


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def app(request: pytest.FixtureRequest) -> Iterator[Yishiting]:
    if request.param == "memory":
        url = "memory://"
    else:
        url = str(request.getfixturevalue(f"{request.param}_url"))
    application = application_for(Settings(database_url=url))
    district = District.build(application)
    for n in range(5):
        district.propose_from(Proposer.checked(f"居民{n}", "13900000000"), title=f"第{n}件事")
    yield application
    application.close()


def test_every_stretch_of_the_log_reads_as_select_notifications_reads_it(app: Yishiting) -> None:
    end = app.recorder.max_notification_id()
    assert end is not None
    assert end >= 10
    for start in (0, 1, 7, end - 3, end, end + 5):
        for limit in (1, 4, 1000):
            ours = list(app.notifications_after(start, limit))
            theirs = list(app.recorder.select_notifications(start, limit, inclusive_of_start=False))
            assert ours == theirs, (start, limit)
            assert [n.id for n in ours] == sorted(n.id for n in ours)
            assert all(n.id > start for n in ours)
    assert list(app.notifications_after(end, 10)) == []


def test_a_notification_read_by_postgres_own_reader_is_a_whole_frozen_notification(
    postgres_url: str,
) -> None:
    application = application_for(Settings(database_url=postgres_url))
    try:
        assert isinstance(application.recorder, KeysInTheAppend)
        District.build(application)
        first, second = application.notifications_after(0, 2)
        assert type(first) is Notification
        assert isinstance(first.state, bytes)
        assert (first.id, second.id) == (1, 2)
        assert first == dataclasses.replace(first)  # every field set, as __init__ would
        assert hash(first) == hash(dataclasses.replace(first))
        with pytest.raises(dataclasses.FrozenInstanceError):
            first.topic = "changed"  # type: ignore[misc]
        decoded = application.mapper.to_domain_event(first)
        assert decoded.originator_id == first.originator_id
    finally:
        application.close()


def test_a_feed_scan_with_its_tags_reads_as_select_notifications_and_tags_between(
    postgres_url: str,
) -> None:
    """The feed's scan on PostgreSQL (events and authenticity tags in one statement) answers
    what `select_notifications(start, limit, stop, topics, inclusive_of_start=False)` and
    `tags_between` answer apart, for every stretch, stop and topic filter."""
    application = application_for(Settings(database_url=postgres_url))
    try:
        assert isinstance(application.recorder, KeysInTheAppend)
        District.build(application)
        end = application.recorder.max_notification_id() or 0
        every = sorted({n.topic for n in application.recorder.select_notifications(1, 1000)})
        tags = application.tags_between(1, end)
        assert all(tag is not None for tag in tags.values())
        for start, stop in ((0, end), (1, end - 2), (end - 3, end), (end, end + 5)):
            for limit in (1, 4, 1000):
                for topics in (every, every[:1], every[1:3]):
                    ours, their_tags = application.recorder.tagged_notifications(
                        start, limit, stop, topics
                    )
                    theirs = application.recorder.select_notifications(
                        start, limit, stop, topics, inclusive_of_start=False
                    )
                    assert ours == list(theirs), (start, stop, limit, topics)
                    assert their_tags == {n.id: tags[n.id] for n in ours}
    finally:
        application.close()


def test_the_projector_s_read_with_its_tags_reads_as_notifications_after_and_tags_between(
    postgres_url: str,
) -> None:
    """The projector's batch read on PostgreSQL (events and tags in one statement) answers
    what `notifications_after` and `tags_between` answer apart, an untagged event included."""
    application = application_for(Settings(database_url=postgres_url))
    try:
        assert isinstance(application.recorder, KeysInTheAppend)
        District.build(application)
        end = application.recorder.max_notification_id() or 0
        untagged = application.recorder.notifications_after(2, 1)[0]
        with psycopg.connect(application.database.conninfo(), autocommit=True) as conn:
            conn.execute(
                f'DELETE FROM "{application.recorder.datastore.schema}".{TAGS_TABLE}'
                " WHERE originator_id = %s AND originator_version = %s",
                (untagged.originator_id, untagged.originator_version),
            )
        tags = application.tags_between(1, end)
        assert tags[untagged.id] is None
        for start in (0, 1, end - 3, end, end + 5):
            for limit in (1, 4, 1000):
                ours, their_tags = application.tagged_notifications_after(start, limit)
                assert list(ours) == list(application.notifications_after(start, limit))
                assert their_tags == {n.id: tags[n.id] for n in ours}, (start, limit)
    finally:
        application.close()
