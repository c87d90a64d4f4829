"""The application composed for its stories: in memory for the fast tier (POPO log, in-memory
key table, a fixed clock), and the same stories on SQLite and PostgreSQL in the slow tiers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from application.app import Yishiting
from application.key_tables import MemoryKeyTable
from application.settings import Settings
from interfaces.bootstrap import application_for
from tests.conftest import TEST_RECEIVERS
from tests.support.clock import FixedClock
from tests.support.district import District

ENGINES = [
    pytest.param("memory", marks=pytest.mark.fast, id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres, id="postgres"),
]


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def app(database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Yishiting]:
    store = str(tmp_path / "attachments")
    settings = Settings(database_url=database_url, attachment_store=store, **TEST_RECEIVERS)
    key_table = MemoryKeyTable() if database_url == "memory://" else None
    application = application_for(settings, clock=clock, key_table=key_table)
    yield application
    application.close()


@pytest.fixture
def district(app: Yishiting) -> District:
    return District.build(app)
