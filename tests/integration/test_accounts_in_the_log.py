"""Accounts' events are audit material in the log: sealed into the ledger, which verifies; the
events table holds no password, hash or other secret (a pg_dump of it is searched); the
district's audit trail names them in Chinese for the system itself and leaves them out for
those who read the business's trail (leaders, the discipline office, the system
administrator). SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.accounts import SignInRefused
from application.permissions import visibility
from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from domain.base import SYSTEM, Actor
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from projections.reads.audit import AuditFilter, AuditQueries

SECURITY = Command(Actor("account:security-0", "安全管理员", Role.SECURITY_ADMIN))
PASSWORD = "Yongshun#2026-hall"
ACCOUNT_EVENTS = {
    "AccountCreated",
    "PasswordChanged",
    "RoleGranted",
    "SignInFailed",
    "AccountLocked",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def system(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[System]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    settings = Settings(
        database_url=url,
        ledger_key_file=str(tmp_path / "ledger.pem"),
        event_key_file=str(tmp_path / "event.key"),
    )
    system = bootstrap(settings)
    yield system
    system.close()


def story(system: System) -> None:
    app = system.app
    account = app.create_account(SECURITY, username="zhang.wei", display_name="张伟").id
    app.reset_password(SECURITY, account, password=PASSWORD)
    app.grant_role(SECURITY, account, role=Role.LEADER, reason="新任")
    for _ in range(app.settings.sign_in_failures):
        with pytest.raises(SignInRefused):
            app.sign_in(username="zhang.wei", password="Wrong#Password-1", address="10.0.0.9")


def test_accounts_are_ledgered_and_the_ledger_verifies(system: System) -> None:
    story(system)
    system.projector.catch_up()
    system.ledger.issue_checkpoint()
    signer = system.ledger.signer
    assert signer is not None
    report = system.ledger.verify(signer.public)
    assert report.ok, report.divergences
    assert system.ledger.size() == system.app.position()


def test_no_secret_is_in_the_events_table(system: System) -> None:
    story(system)
    app = system.app
    hashed = app.credentials.password_hash(str(app.account_named("zhang.wei").id))  # type: ignore[union-attr]
    assert hashed is not None
    events = dump_events(app.database).lower()
    assert "accountcreated" in events
    assert b"zhang.wei".hex() in events  # the states are there, as hex
    for secret in (PASSWORD, hashed, hashed.rsplit("$", 1)[-1], "$argon2"):
        assert secret.lower() not in events, secret
        assert secret.encode().hex() not in events, secret


def test_the_business_trail_leaves_accounts_to_the_security_audit(system: System) -> None:
    story(system)
    system.projector.catch_up()
    trail = AuditQueries(system.store)

    def types(role: Role) -> set[str]:
        seen_by = visibility(Actor(f"{role.code}-1", role.label, role))
        page = trail.trail(AuditFilter(aggregate_type="Account"), 100, None, seen_by)
        return {row["event_type"] for row in page.rows}

    assert types(Role.SYSTEM) == ACCOUNT_EVENTS
    for role in (Role.LEADER, Role.AUDITOR, Role.ADMIN):
        assert types(role) == set()
    rows = trail.trail(AuditFilter(aggregate_type="Account"), 100, None, visibility(SYSTEM)).rows
    summaries = {row["event_type"]: row["summary"] for row in rows}
    assert summaries["RoleGranted"] == "授予角色“领导”,理由:新任"
    assert summaries["PasswordChanged"] == "重置密码(本人下次登录须修改)"
    assert summaries["AccountLocked"].startswith("连续5次登录失败,账号锁定至")


def dump_events(database: Database) -> str:
    """The events table as a database dump holds it (SQLite: the file's own dump)."""
    if database.engine == "postgresql":
        target = ["-h", database.host, "-p", database.port, "-U", database.user, database.name]
        return subprocess.run(
            ["pg_dump", "--data-only", "-t", f"{database.schema}.yishiting_events", *target],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    conn = sqlite3.connect(database.path)
    try:
        return "\n".join(line for line in conn.iterdump() if "stored_events" in line)
    finally:
        conn.close()
