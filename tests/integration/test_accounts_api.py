"""Accounts over GraphQL (三权分立): the security administrator creates an account, sets its
temporary password, grants and revokes roles; the audit administrator lists the accounts and
reads the security audit in Chinese, and changes nothing; nobody else sees either. No field
of the schema gives back a password, a hash or a second factor's secret. Refusals carry their
stable codes. SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.graphql import CHINESE
from tests.support.world import World, running

PASSWORD = "Yongshun#2026-hall"
ACCOUNTS = "{ accounts { id username displayName roles { role { code } scope } disabled } }"
AUDIT = "{ securityAudit(first: 50) { totalCount nodes { eventType summary reason } } }"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("accounts") / "yishiting.db"
    with running(f"sqlite:///{path}") as running_world:
        yield running_world


def ok(body: dict[str, Any], field: str) -> Any:
    assert not body.get("errors"), body
    return body["data"][field]


def refused(body: dict[str, Any], code: str, reason: str) -> str:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert error["extensions"]["reason"] == reason, error
    assert CHINESE.search(error["message"]), error
    message: str = error["message"]
    return message


def create(world: World, username: str) -> str:
    made = ok(
        world.mutate(
            "security_admin", "createAccount", {"username": username, "displayName": "张伟"}
        ),
        "createAccount",
    )
    assert made["id"]
    return str(made["id"])


def test_the_security_administrator_opens_an_account_the_audit_administrator_reads_it(
    world: World,
) -> None:
    account = create(world, "zhang.wei")
    ok(
        world.mutate(
            "security_admin", "resetPassword", {"accountId": account, "temporaryPassword": PASSWORD}
        ),
        "resetPassword",
    )
    granted = {"accountId": account, "role": "LEADER", "reason": "新任领导"}
    ok(world.mutate("security_admin", "grantRole", granted), "grantRole")
    world.system.projector.wait_for(world.position())

    listed = {a["username"]: a for a in ok(world.execute("audit_admin", ACCOUNTS), "accounts")}
    assert listed["zhang.wei"]["roles"] == [{"role": {"code": "LEADER"}, "scope": ""}]
    assert listed["zhang.wei"]["displayName"] == "张伟"
    audit = ok(world.execute("audit_admin", AUDIT), "securityAudit")
    summaries = {n["eventType"]: n["summary"] for n in audit["nodes"]}
    assert summaries["AccountCreated"] == "创建账号“zhang.wei”"
    assert summaries["RoleGranted"] == "授予角色“领导”,理由:新任领导"
    assert summaries["PasswordChanged"] == "重置密码(本人下次登录须修改)"
    assert {n["reason"] for n in audit["nodes"] if n["eventType"] == "RoleGranted"} == {"新任领导"}


def test_only_the_administrators_of_accounts_read_them(world: World) -> None:
    create(world, "li.na")
    for role in ("admin", "leader", "auditor", "platform_staff", "integration"):
        refused(world.execute(role, ACCOUNTS), "FORBIDDEN", "NOT_PERMITTED")
    for role in ("security_admin", "admin", "auditor"):
        refused(world.execute(role, AUDIT), "FORBIDDEN", "NOT_PERMITTED")
    assert ok(world.execute("security_admin", ACCOUNTS), "accounts")
    # The district's business trail does not carry accounts' events, to anyone who reads it.
    trail = '{ auditTrail(filter: { aggregateType: "Account" }) { totalCount } }'
    for role in ("admin", "auditor", "leader"):
        assert ok(world.execute(role, trail), "auditTrail")["totalCount"] == 0, role
    assert ok(world.execute("audit_admin", AUDIT), "securityAudit")["totalCount"] > 0


def test_refusals_carry_their_codes_and_store_nothing(world: World) -> None:
    account = create(world, "wang.fang")
    cases = [
        ("resetPassword", {"accountId": account, "temporaryPassword": "short"}, "WEAK_PASSWORD"),
        ("createAccount", {"username": "WANG.FANG", "displayName": "王芳"}, "USERNAME_TAKEN"),
        ("createAccount", {"username": "王芳", "displayName": "王芳"}, "INVALID_USERNAME"),
        (
            "grantRole",
            {"accountId": account, "role": "SYSTEM", "reason": "x"},
            "ROLE_NOT_GRANTABLE",
        ),
        ("grantRole", {"accountId": account, "role": "LEADER", "reason": " "}, "REASON_REQUIRED"),
        ("revokeRole", {"accountId": account, "role": "LEADER", "reason": "x"}, "ROLE_NOT_HELD"),
        ("unlockAccount", {"accountId": account, "reason": "x"}, "ACCOUNT_STATE_UNCHANGED"),
    ]
    for mutation, given, reason in cases:
        before = world.position()
        body = world.mutate("security_admin", mutation, given)
        assert body.get("data") is None, (mutation, body)
        assert body["errors"][0]["extensions"]["reason"] == reason, (mutation, body)
        assert world.position() == before, mutation
    ok(world.mutate("security_admin", "grantRole", {**cases[4][1], "reason": "任命"}), "grantRole")
    duties = {"accountId": account, "role": "AUDIT_ADMIN", "reason": "兼任"}
    ok(world.mutate("security_admin", "grantRole", {**duties, "role": "ADMIN"}), "grantRole")
    message = refused(
        world.mutate("security_admin", "grantRole", duties), "CONFLICT", "DUTIES_SEPARATED"
    )
    assert message.startswith("三权分立")


def test_no_field_gives_back_a_secret(world: World) -> None:
    schema = ok(
        world.execute("security_admin", '{ __type(name: "Account") { fields { name } } }'), "__type"
    )
    names = {f["name"].lower() for f in schema["fields"]}
    assert not {n for n in names if "password" in n and n != "mustchangepassword"}
    assert not {n for n in names if "secret" in n or "hash" in n or "totp" in n}
