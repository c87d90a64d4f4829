"""A database address whose password holds a quote and a space reaches PostgreSQL whole: the
connection string is built by psycopg's make_conninfo, not by string formatting."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from interfaces.bootstrap import application_for
from tests.conftest import PG, require_postgres
from tests.support.district import ADMIN

pytestmark = pytest.mark.postgres
AWKWARD_PASSWORD = "it's a pass\\word = 'x'"


@pytest.fixture
def awkward_role() -> Iterator[str]:
    require_postgres()
    role = f"r_{uuid4().hex[:10]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(AWKWARD_PASSWORD)
            )
        )
    yield role
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def awkward_url(role: str, schema: str) -> str:
    password = quote(AWKWARD_PASSWORD, safe="")
    return f"postgresql://{role}:{password}@127.0.0.1:5432/test?schema={schema}"


def test_the_connection_string_keeps_a_quoted_password_whole(awkward_role: str) -> None:
    database = Database.from_url(awkward_url(awkward_role, "s_awkward"))
    parsed = conninfo_to_dict(database.conninfo())
    assert parsed["password"] == AWKWARD_PASSWORD
    assert parsed["user"] == awkward_role
    assert parsed["options"] == "-c search_path=s_awkward"
    with psycopg.connect(database.conninfo(with_schema=False)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (awkward_role,)


def test_the_application_runs_on_an_address_with_such_a_password(awkward_role: str) -> None:
    schema = f"t_{uuid4().hex[:12]}"
    app = application_for(Settings(database_url=awkward_url(awkward_role, schema)))
    try:
        committee_id = app.establish_committee(Command(ADMIN), name="提案委员会").id
        assert app.repository.get(committee_id).name == "提案委员会"
    finally:
        app.close()
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
