"""Projecting a batch of the log opens its people's sealed data with their subjects' keys read
in one query, not a query per subject; what the views then show is the same, erasures included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.key_tables import KeyTable
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor
from domain.people import ERASED, Proposer
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from tests.support.district import District

ADMIN = Command(Actor("admin-9", "数据保护管理员", Role.ADMIN))
PEOPLE = 12


class CountedKeys:
    """The real key table, its reads counted."""

    def __init__(self, table: KeyTable) -> None:
        self.table = table
        self.single: list[str] = []
        self.many: list[list[str]] = []

    def fetch(self, subject_id: str) -> tuple[bytes | None, bool]:
        self.single.append(subject_id)
        return self.table.fetch(subject_id)

    def fetch_many(self, subject_ids: list[str]) -> dict[str, bytes | None]:
        self.many.append(subject_ids)
        return self.table.fetch_many(subject_ids)

    def __getattr__(self, name: str) -> object:
        return getattr(self.table, name)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def told(url: str) -> Iterator[list[Proposer]]:
    """A platform's matters from PEOPLE different people, the first of whom is erased."""
    system = bootstrap(Settings(database_url=url))
    try:
        district = District.build(system.app)
        people = [Proposer.checked(f"居民{n:02d}", f"139000000{n:02d}") for n in range(PEOPLE)]
        for n, person in enumerate(people):
            district.propose_from(person, title=f"第{n}件事")
        system.app.erase_subject(ADMIN, subject_id=people[0].subject_id, reason="本人申请删除")
        yield people
    finally:
        system.close()


def names_shown(system: System) -> dict[str, str]:
    with system.store.reading() as tx:
        rows = tx.all("SELECT proposer_subject, proposer_name FROM topic_board")
    return {row["proposer_subject"]: row["proposer_name"] for row in rows}


def test_a_batch_reads_its_subjects_keys_at_once(url: str, told: list[Proposer]) -> None:
    fresh = bootstrap(Settings(database_url=url))  # nothing cached: as a new projector process
    try:
        counted = CountedKeys(fresh.app.subject_keys.table)
        fresh.app.subject_keys.table = counted
        fresh.projector.rebuild()

        assert counted.single == []
        asked = {subject for query in counted.many for subject in query}
        assert asked >= {person.subject_id for person in told}
        assert len(counted.many) <= 2  # one per batch that names anyone
        shown = names_shown(fresh)
        assert shown[told[0].subject_id] == ERASED
        assert {shown[p.subject_id] for p in told[1:]} == {p.name for p in told[1:]}
    finally:
        fresh.close()


def test_the_same_views_with_or_without_the_batch_read(url: str, told: list[Proposer]) -> None:
    one_by_one = bootstrap(Settings(database_url=url))
    try:
        one_by_one.app.prefetch_keys = lambda stored: None  # type: ignore[method-assign]
        one_by_one.projector.rebuild()
        expected = names_shown(one_by_one)
    finally:
        one_by_one.close()
    batched = bootstrap(Settings(database_url=url))
    try:
        batched.projector.rebuild()
        assert names_shown(batched) == expected
        assert expected[told[0].subject_id] == ERASED
    finally:
        batched.close()
