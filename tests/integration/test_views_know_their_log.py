"""The views know which log they were built from. On SQLite they live in a second file beside
the log (`yishiting.views.db` beside `yishiting.db`): a log file replaced by another log, or by
an older copy of its own, leaves views that are not its. The server then does not report ready
(/readyz 503, status `foreign`) and says how to rebuild; after `project --rebuild` it does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.server import create_app
from tests.support.graphql import ADMIN, GraphQLClient, GraphQLDistrict, credentials_of

REBUILD = "yishiting project --rebuild"


def settings_for(log: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{log}", writes_per_minute=100_000)


def a_district(log: Path, committees: int = 0) -> None:
    """A deployment with some events, served and stopped (its views caught up)."""
    with TestClient(create_app(settings_for(log))) as http:
        api = GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)
        if not log.with_name("built").exists():
            GraphQLDistrict.build(api)
            log.with_name("built").touch()
        for n in range(committees):
            api.query(
                "mutation($n: String!) { establishCommittee(input: {name: $n}) { id } }",
                n=f"第{n}专门委员会",
            )


def copy_log(source: Path, target: Path) -> None:
    """A consistent copy of a log file (SQLite's online backup), as an operator's restore."""
    with sqlite3.connect(source) as given, sqlite3.connect(target) as copy:
        given.backup(copy)
    given.close()
    copy.close()


def readiness(log: Path) -> tuple[int, dict[str, object]]:
    with TestClient(create_app(settings_for(log))) as http:
        answer = http.get("/readyz")
        return answer.status_code, answer.json()


def rebuild(log: Path) -> None:
    system = bootstrap(settings_for(log))
    try:
        system.projector.rebuild()
    finally:
        system.close()


def test_views_beside_another_log_are_not_ready_until_rebuilt(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours" / "yishiting.db", tmp_path / "theirs" / "yishiting.db"
    for log in (ours, theirs):
        log.parent.mkdir()
        a_district(log)
    assert readiness(ours)[0] == 200
    copy_log(theirs, ours)  # our views file stays where it was

    status, body = readiness(ours)
    assert (status, body["status"]) == (503, "foreign")
    assert str(body["reason"]).startswith("视图建自另一份日志")
    assert REBUILD in str(body["reason"])

    rebuild(ours)
    status, body = readiness(ours)
    assert (status, body["status"]) == (200, "ok"), body


def test_views_ahead_of_a_log_restored_from_an_older_copy_are_not_ready(tmp_path: Path) -> None:
    log = tmp_path / "yishiting.db"
    a_district(log)
    older = tmp_path / "older.db"
    copy_log(log, older)
    a_district(log, committees=3)  # the views move on with the log
    copy_log(older, log)  # the log alone goes back

    status, body = readiness(log)
    assert (status, body["status"]) == (503, "foreign")
    assert str(body["reason"]).startswith("视图领先于日志")
    assert body["views"] == body["log"] + 3  # type: ignore[operator]

    rebuild(log)
    assert readiness(log)[0] == 200
