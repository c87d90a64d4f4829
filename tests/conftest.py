"""Backends for every tier: POPO (in memory), SQLite files, and a PostgreSQL schema per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from uuid import uuid4

import psycopg
import pytest

from application.app import Yishiting
from application.settings import Settings
from interfaces.bootstrap import application_for
from tests.support.district import District

PG = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["popo", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# Test receivers listen on 127.0.0.1: loopback is refused unless listed (development only).
TEST_RECEIVERS = {"webhook_allowed_networks": ["127.0.0.0/8"]}


def postgres_available() -> bool:
    try:
        psycopg.connect(PG.replace("postgresql://", "postgresql://", 1), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def require_postgres() -> None:
    if postgres_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI but unreachable")
    pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (set CI=true to require it)")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid4().hex[:12]}"
    yield f"{PG}?schema={schema}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/yishiting.db"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "popo":
        return "memory://"
    fixture = "postgres_url" if request.param == "postgres" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def app(database_url: str) -> Iterator[Yishiting]:
    application = application_for(Settings(database_url=database_url, **TEST_RECEIVERS))
    yield application
    application.close()


@pytest.fixture
def district(app: Yishiting) -> District:
    return District.build(app)
