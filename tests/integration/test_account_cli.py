"""`yishiting account …` from the server's command line, each in a process of its own: the
first security administrator is made there, accounts are created with a temporary password
read from standard input, granted, revoked, disabled, re-enabled, unlocked and listed; a weak
password or the last security administrator's removal is refused with its code and nothing
stored. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from application.accounts import SignInRefused
from application.settings import Settings
from interfaces.bootstrap import application_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Yongshun#2026-hall"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def account(url: str, tmp: Path, *arguments: str, password: str = "") -> tuple[int, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("YISHITING_")},
        "YISHITING_DATABASE_URL": url,
        "YISHITING_LEDGER_KEY_FILE": str(tmp / "ledger.pem"),
        "YISHITING_EVENT_KEY_FILE": str(tmp / "event.key"),
        "COLUMNS": "400",
    }
    done = subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", "account", *arguments],
        cwd=ROOT,
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def test_the_first_security_administrator_and_an_account_from_the_command_line(
    url: str, tmp_path: Path
) -> None:
    def run(*arguments: str, password: str = "") -> tuple[int, str]:
        return account(url, tmp_path, *arguments, password=password)

    status, said = run(
        "create", "security.one", "--name", "安全管理员甲", "--role", "security_admin",
        "--reason", "初始安全管理员", "--password-stdin", password=PASSWORD,
    )  # fmt: skip
    assert status == 0, said
    assert "已创建账号 created: security.one" in said
    status, said = run(
        "create", "zhang.wei", "--name", "张伟", "--role", "leader", "--reason", "新任",
        "--password-stdin", password=PASSWORD,
    )  # fmt: skip
    assert status == 0, said
    granted = run("grant", "zhang.wei", "--role", "auditor", "--reason", "兼任")
    assert granted[0] == 0, granted
    assert run("revoke", "zhang.wei", "--role", "leader", "--reason", "调整")[0] == 0
    assert run("disable", "zhang.wei", "--reason", "离职")[0] == 0
    status, said = run("list")
    assert status == 0
    assert "security.one | 安全管理员甲 | 安全管理员 | 正常 active" in said
    assert "zhang.wei | 张伟 | 纪检监察 | 已停用 disabled" in said
    assert run("enable", "zhang.wei", "--reason", "返岗")[0] == 0

    status, said = run("unlock", "zhang.wei", "--reason", "无须")
    assert (status, "ACCOUNT_STATE_UNCHANGED" in said) == (1, True), said
    status, said = run("reset-second-factor", "zhang.wei", "--reason", "手机丢失")
    assert (status, "ACCOUNT_STATE_UNCHANGED" in said) == (1, True), said
    status, said = run("revoke", "security.one", "--role", "security_admin", "--reason", "调离")
    assert (status, "LAST_SECURITY_ADMIN" in said) == (1, True), said

    app = application_for(Settings(database_url=url))
    try:
        signed_in = app.sign_in(username="zhang.wei", password=PASSWORD, address="127.0.0.1")
        assert signed_in.must_change_password
        assert [g.role.code for g in signed_in.grants] == ["auditor"]
        with pytest.raises(SignInRefused):
            app.sign_in(username="zhang.wei", password="Wrong#Password-1", address="127.0.0.1")
    finally:
        app.close()


def test_a_weak_password_creates_nothing(url: str, tmp_path: Path) -> None:
    status, said = account(
        url, tmp_path, "create", "li.na", "--name", "李娜", "--password-stdin",
        password="li.na-Password-1",
    )  # fmt: skip
    assert status == 1, said
    assert "WEAK_PASSWORD" in said
    assert "不能包含用户名" in said
    status, said = account(url, tmp_path, "list")
    assert "li.na" not in said
    status, said = account(url, tmp_path, "grant", "li.na", "--role", "leader", "--reason", "x")
    assert (status, "找不到账号 no such account: li.na" in said) == (1, True), said


def test_an_integration_accounts_tokens_from_the_command_line(url: str, tmp_path: Path) -> None:
    def run(*arguments: str, password: str = "") -> tuple[int, str]:
        return account(url, tmp_path, *arguments, password=password)

    status, said = run(
        "create", "hotline.12345", "--name", "12345热线", "--role", "integration",
        "--reason", "对接", "--password-stdin", password=PASSWORD,
    )  # fmt: skip
    assert status == 0, said
    status, said = run("token-issue", "hotline.12345", "--name", "热线工单推送")
    assert status == 0, said
    token = next(word for word in said.split() if word.startswith("yst_"))
    token_id = said.split("issued ", 1)[1].split("(", 1)[0]
    status, said = run("tokens", "hotline.12345")
    assert status == 0
    assert f"{token_id} | 热线工单推送 | 系统对接" in said
    assert token not in said

    app = application_for(Settings(database_url=url, event_key_file=str(tmp_path / "event.key")))
    try:
        assert app.token_caller(token).role.code == "integration"
    finally:
        app.close()
    assert run("token-revoke", "hotline.12345", token_id, "--reason", "停止对接")[0] == 0
    status, said = run("tokens", "hotline.12345")
    assert "已吊销 revoked(停止对接)" in said
    status, said = run("token-issue", "hotline.12345", "--name", "越权", "--role", "admin")
    assert (status, "ROLE_NOT_HELD" in said) == (1, True), said
