"""Accounts in the log: created, granted and revoked roles with reasons, disabled, locked; no one
acts on their own account's roles; 三权分立 (no account holds two of the system, security and
audit administrators); bad usernames refused with a stable code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.accounts import AddressFailures
from domain.accounts import (
    Account,
    AccountStateUnchanged,
    AlreadyGranted,
    DutiesSeparated,
    Grant,
    InvalidUsername,
    OwnRoles,
    RoleNotGrantable,
    RoleNotHeld,
    checked_username,
)
from domain.base import Actor
from domain.errors import FieldTooLong, InvalidText, MissingReason, RequiredField
from domain.vocabulary import Role

SECURITY = Actor("account:security-1", "安全管理员甲", Role.SECURITY_ADMIN)
SOON = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def clerk() -> Account:
    return Account.create(username=" Zhang.Wei ", display_name="张伟", actor=SECURITY)


def test_an_account_is_created_without_roles_and_must_set_its_password() -> None:
    account = clerk()
    assert (account.username, account.display_name) == ("zhang.wei", "张伟")
    assert account.grants == []
    assert account.must_change_password
    assert not account.disabled
    assert account.subject == f"account:{account.id}"
    [created] = account.collect_events()
    assert type(created).__name__ == "AccountCreated"
    assert created.actor == SECURITY  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ("", RequiredField),
        ("   ", RequiredField),
        ("ab", InvalidUsername),
        ("a" * 33, FieldTooLong),
        ("张伟", InvalidUsername),
        ("-zhang", InvalidUsername),
        ("zhang wei", InvalidUsername),
        ("zhang\x00", InvalidText),
        ("x" * 100_000, FieldTooLong),
    ],
)
def test_a_bad_username_is_refused_with_its_code(given: str, refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        checked_username(given)


def test_the_username_rule_is_stated_in_chinese_first() -> None:
    with pytest.raises(InvalidUsername) as refused:
        checked_username("ab")
    assert refused.value.code == "INVALID_USERNAME"
    assert refused.value.message.startswith("用户名须为3至32位")


def test_a_display_name_is_a_name() -> None:
    with pytest.raises(FieldTooLong):
        Account.create(username="zhang", display_name="张" * 101, actor=SECURITY)


def test_a_role_is_granted_and_revoked_with_a_reason() -> None:
    account = clerk()
    account.grant(role=Role.UNIT, scope=" unit-7 ", reason="新任单位联络员", actor=SECURITY)
    assert account.grants == [Grant(Role.UNIT, "unit-7")]
    assert account.holds(Role.UNIT)
    with pytest.raises(AlreadyGranted):
        account.grant(role=Role.UNIT, scope="unit-7", reason="重复", actor=SECURITY)
    account.grant(role=Role.UNIT, scope="unit-9", reason="兼任", actor=SECURITY)
    account.revoke(role=Role.UNIT, scope="unit-7", reason="调离", actor=SECURITY)
    assert account.grants == [Grant(Role.UNIT, "unit-9")]
    with pytest.raises(RoleNotHeld):
        account.revoke(role=Role.UNIT, scope="unit-7", reason="再次", actor=SECURITY)
    names = [type(e).__name__ for e in account.collect_events()]
    assert names == ["AccountCreated", "RoleGranted", "RoleGranted", "RoleRevoked"]


def test_granting_or_revoking_without_a_reason_is_refused() -> None:
    account = clerk()
    with pytest.raises(MissingReason):
        account.grant(role=Role.UNIT, scope="unit-7", reason=" ", actor=SECURITY)
    account.grant(role=Role.UNIT, scope="unit-7", reason="联络员", actor=SECURITY)
    with pytest.raises(MissingReason):
        account.revoke(role=Role.UNIT, scope="unit-7", reason="", actor=SECURITY)
    assert account.grants == [Grant(Role.UNIT, "unit-7")]


def test_no_one_grants_revokes_or_disables_on_their_own_account() -> None:
    account = clerk()
    account.grant(role=Role.SECURITY_ADMIN, reason="任命", actor=SECURITY)
    itself = Actor(account.subject, account.display_name, Role.SECURITY_ADMIN)
    for change in (
        lambda: account.grant(role=Role.LEADER, reason="自己加", actor=itself),
        lambda: account.revoke(role=Role.SECURITY_ADMIN, reason="自己撤", actor=itself),
        lambda: account.disable(reason="自己停", actor=itself),
    ):
        with pytest.raises(OwnRoles) as refused:
            change()
        assert refused.value.kind == "FORBIDDEN"
    assert account.grants == [Grant(Role.SECURITY_ADMIN)]
    assert not account.disabled


@pytest.mark.parametrize("held", [Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_no_account_holds_two_of_the_three_administrators(held: Role) -> None:
    account = clerk()
    account.grant(role=held, reason="任命", actor=SECURITY)
    for other in {Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN} - {held}:
        with pytest.raises(DutiesSeparated) as refused:
            account.grant(role=other, reason="兼任", actor=SECURITY)
        assert refused.value.details == {"held": held.code, "role": other.code}
    account.grant(role=Role.LEADER, reason="兼任领导", actor=SECURITY)
    assert {g.role for g in account.grants} == {held, Role.LEADER}


def test_once_revoked_another_administrator_role_may_be_granted() -> None:
    account = clerk()
    account.grant(role=Role.ADMIN, reason="任命", actor=SECURITY)
    account.revoke(role=Role.ADMIN, reason="调岗", actor=SECURITY)
    account.grant(role=Role.AUDIT_ADMIN, reason="改任审计管理员", actor=SECURITY)
    assert account.grants == [Grant(Role.AUDIT_ADMIN)]


@pytest.mark.parametrize("role", [Role.SYSTEM, Role.PUBLIC])
def test_the_system_and_the_public_are_no_ones_role(role: Role) -> None:
    with pytest.raises(RoleNotGrantable):
        clerk().grant(role=role, reason="试试", actor=SECURITY)


def test_an_account_is_disabled_and_reenabled_with_reasons() -> None:
    account = clerk()
    with pytest.raises(AccountStateUnchanged):
        account.reenable(reason="无须", actor=SECURITY)
    account.disable(reason="离职", actor=SECURITY)
    assert account.disabled
    with pytest.raises(AccountStateUnchanged):
        account.disable(reason="再停", actor=SECURITY)
    with pytest.raises(MissingReason):
        account.reenable(reason="", actor=SECURITY)
    account.reenable(reason="返岗", actor=SECURITY)
    assert not account.disabled


def test_a_reset_password_must_be_changed_by_its_holder() -> None:
    account = clerk()
    holder = Actor(account.subject, account.display_name, Role.UNIT)
    account.password_changed(by_holder=True, actor=holder)
    assert not account.must_change_password
    account.password_changed(by_holder=False, actor=SECURITY)
    assert account.must_change_password
    events = account.collect_events()
    assert [e.must_change for e in events[1:]] == [False, True]  # type: ignore[attr-defined]
    assert all("password" not in name for e in events for name in vars(e) if name != "must_change")


def test_a_locked_account_is_locked_until_its_time_or_an_unlock() -> None:
    account = clerk()
    with pytest.raises(AccountStateUnchanged):
        account.unlock(reason="无须", actor=SECURITY)
    account.lock(until=SOON + timedelta(minutes=15), failures=5, actor=SECURITY)
    assert account.is_locked(SOON)
    assert not account.is_locked(SOON + timedelta(minutes=15))
    account.unlock(reason="本人来电核实", actor=SECURITY)
    assert not account.is_locked(SOON)


def test_a_second_factor_is_enrolled_and_reset() -> None:
    account = clerk()
    with pytest.raises(AccountStateUnchanged):
        account.reset_second_factor(reason="换手机", actor=SECURITY)
    account.second_factor_enrolled(actor=SECURITY)
    assert account.second_factor
    account.reset_second_factor(reason="换手机", actor=SECURITY)
    assert not account.second_factor


def test_the_address_brake_keeps_only_addresses_with_recent_failures() -> None:
    brake = AddressFailures(limit=2, window=60.0)
    for n in range(100):
        assert not brake.blocked(f"10.0.0.{n}", 0.0)  # asking keeps nothing
    assert len(brake) == 0
    brake.failed("203.0.113.9", 0.0)
    brake.failed("203.0.113.9", 10.0)
    assert brake.blocked("203.0.113.9", 30.0)
    assert len(brake) == 1
    assert not brake.blocked("203.0.113.9", 65.0)  # the first failure left the window
    assert not brake.blocked("203.0.113.9", 71.0)
    assert len(brake) == 0


def test_a_password_with_a_lone_surrogate_is_checked_and_refused_not_crashed() -> None:
    from application.credentials import hash_password, password_matches
    from application.passwords import WeakPassword, check_password

    stored = hash_password("Yongshun#2026-hall")
    assert password_matches(stored, "Yongshun#2026-hall")
    assert not password_matches(stored, "\udcffYongshun#2026-hall")
    assert not password_matches(None, "\udcff")
    with pytest.raises(WeakPassword):
        check_password("\udcffYongshun#2026-hall", "zhang.wei")


def test_a_token_is_named_and_revoked_only_once() -> None:
    from domain.accounts import Grant, RoleNotHeld, UnknownToken

    account = Account.create(
        username="hotline", display_name="12345", person_id=None, actor=SECURITY
    )
    with pytest.raises(RoleNotHeld):
        account.issue_token(
            token_id="a" * 16, name="热线", grant=Grant(Role.INTEGRATION), actor=SECURITY
        )
    account.grant(role=Role.INTEGRATION, scope="", reason="对接", actor=SECURITY)
    with pytest.raises(RequiredField):
        account.issue_token(
            token_id="a" * 16, name=" ", grant=Grant(Role.INTEGRATION), actor=SECURITY
        )
    account.issue_token(
        token_id="a" * 16, name="热线", grant=Grant(Role.INTEGRATION), actor=SECURITY
    )
    assert account.tokens == ["a" * 16]
    with pytest.raises(MissingReason):
        account.revoke_token(token_id="a" * 16, reason="", actor=SECURITY)
    account.revoke_token(token_id="a" * 16, reason="泄露", actor=SECURITY)
    with pytest.raises(UnknownToken):
        account.revoke_token(token_id="a" * 16, reason="再次", actor=SECURITY)
