"""Accounts (issue 18, first part): the security administrator creates an account, sets a
temporary password and grants roles; its holder signs in and changes the password; repeated
failures lock it (one event in the log, not one per failure); every refusal of a sign-in reads
the same; the last security administrator stays; no password or hash ever reaches the log.
In memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta
from uuid import UUID, uuid4

import pyotp
import pytest

from application.accounts import (
    LastSecurityAdministrator,
    SecondFactorRequired,
    SecondFactorState,
    SignedIn,
    SignInRefused,
    TooManyAttempts,
    UsernameTaken,
    WrongCode,
    WrongCurrentPassword,
)
from application.app import Yishiting
from application.passwords import WeakPassword
from application.permissions import InvalidScope, NotPermitted
from application.receipts import Command
from domain.accounts import Account, DutiesSeparated, Grant, OwnRoles
from domain.base import Actor
from domain.errors import NotFound
from domain.vocabulary import Role
from tests.support.clock import FixedClock
from tests.support.district import ADMIN, District

SECURITY = Command(Actor("account:security-0", "安全管理员", Role.SECURITY_ADMIN))
FIRST = "Yongshun#2026-hall"
SECOND = "Xinhua@Street-07"
HERE = "10.12.0.5"


def open_account(app: Yishiting, username: str = "zhang.wei", role: Role = Role.LEADER) -> UUID:
    account = app.create_account(SECURITY, username=username, display_name="张伟").id
    app.reset_password(SECURITY, account, password=FIRST)
    app.grant_role(SECURITY, account, role=role, reason="新任")
    return account


def holder(signed_in: SignedIn) -> Command:
    return Command(signed_in.actor(signed_in.grants[0]))


def test_an_account_is_opened_signs_in_and_changes_its_temporary_password(
    app: Yishiting,
) -> None:
    account = open_account(app)
    first = app.sign_in(username="Zhang.Wei", password=FIRST, address=HERE)
    assert (first.account_id, first.username, first.display_name) == (account, "zhang.wei", "张伟")
    assert first.grants == (Grant(Role.LEADER),)
    assert first.must_change_password
    assert holder(first).actor.id == f"account:{account}"

    with pytest.raises(WrongCurrentPassword):
        app.change_own_password(holder(first), current=SECOND, new=SECOND)
    with pytest.raises(WeakPassword) as weak:
        app.change_own_password(holder(first), current=FIRST, new="zhang.wei-2026-X")
    assert weak.value.details["rule"] == "USERNAME"
    app.change_own_password(holder(first), current=FIRST, new=SECOND)

    with pytest.raises(SignInRefused):
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE)
    again = app.sign_in(username="zhang.wei", password=SECOND, address=HERE)
    assert not again.must_change_password
    events = [type(e).__name__ for e in app.repository.event_store.get(account)]
    assert events == [
        "AccountCreated",
        "PasswordChanged",
        "RoleGranted",
        "SignedIn",
        "PasswordChanged",
        "SignInFailed",  # the old password, after the change
        "SignedIn",
    ]
    [signed_in] = list(app.repository.event_store.get(account, gt=6))
    assert signed_in.address == HERE  # type: ignore[attr-defined]


def test_a_reset_sent_again_late_does_not_undo_a_later_change(app: Yishiting) -> None:
    """The same reset command, sent again (a retry, the same command id), gets the first
    answer; it stores the temporary password again only while no later change is recorded:
    otherwise it would undo the holder's own change without a record of it."""
    account = app.create_account(SECURITY, username="li.na", display_name="李娜").id
    app.grant_role(SECURITY, account, role=Role.LEADER, reason="新任")
    reset = Command(SECURITY.actor, command_id=f"reset-{uuid4().hex}")
    first = app.reset_password(reset, account, password=FIRST)
    again = app.reset_password(reset, account, password=FIRST)  # nothing changed meanwhile
    assert again.replayed
    assert (again.position, again.version) == (first.position, first.version)
    signed_in = app.sign_in(username="li.na", password=FIRST, address=HERE)
    app.change_own_password(holder(signed_in), current=FIRST, new=SECOND)
    recorded = len(list(app.repository.event_store.get(account)))

    late = app.reset_password(reset, account, password=FIRST)
    assert late.replayed
    assert late.version == first.version
    assert len(list(app.repository.event_store.get(account))) == recorded
    with pytest.raises(SignInRefused):
        app.sign_in(username="li.na", password=FIRST, address=HERE)
    assert not app.sign_in(username="li.na", password=SECOND, address=HERE).must_change_password


def test_every_refusal_of_a_sign_in_reads_the_same(app: Yishiting) -> None:
    account = open_account(app)
    refusals = []
    for username, password in (
        ("nobody.here", FIRST),
        ("zhang.wei", SECOND),
        ("", ""),
        ("张伟", FIRST),
        ("zhang\x00wei", FIRST),
        ("z" * 10_000, FIRST),
        ("zhang.wei", FIRST * 1000),
    ):
        with pytest.raises(SignInRefused) as refused:
            app.sign_in(username=username, password=password, address=HERE)
        refusals.append((refused.value.code, refused.value.kind, refused.value.message))
    assert set(refusals) == {
        (
            "SIGN_IN_REFUSED",
            "UNAUTHENTICATED",
            "用户名或密码错误,或账号已锁定、停用 (wrong username or password, or account locked)",
        )
    }
    app.disable_account(SECURITY, account, reason="离职")
    with pytest.raises(SignInRefused):
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE)
    app.reenable_account(SECURITY, account, reason="返岗")
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE).account_id == account


def test_five_failures_lock_the_account_with_one_event_until_unlocked(
    app: Yishiting, clock: FixedClock
) -> None:
    account = open_account(app)
    for _ in range(app.settings.sign_in_failures + 3):
        with pytest.raises(SignInRefused):
            app.sign_in(username="zhang.wei", password=SECOND, address=HERE)
    locked = app.account(account)
    assert locked.is_locked(clock())
    events = [type(e).__name__ for e in app.repository.event_store.get(account)]
    # Eight failures: the five of the run are recorded, then the lock; the rest only counted.
    assert events.count("SignInFailed") == app.settings.sign_in_failures
    assert events.count("AccountLocked") == 1
    assert events[-2:] == ["SignInFailed", "AccountLocked"]
    with pytest.raises(SignInRefused):  # the right password, while locked
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE)

    app.unlock_account(SECURITY, account, reason="本人来电核实身份")
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE).account_id == account


def test_a_lock_ends_by_itself_after_its_time(app: Yishiting, clock: FixedClock) -> None:
    open_account(app)
    for _ in range(app.settings.sign_in_failures):
        with pytest.raises(SignInRefused):
            app.sign_in(username="zhang.wei", password=SECOND, address=HERE)
    with pytest.raises(SignInRefused):
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE)
    clock.advance(timedelta(seconds=app.settings.lockout_seconds))
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE).username == "zhang.wei"


def test_one_address_trying_many_accounts_is_stopped(app: Yishiting) -> None:
    open_account(app)
    for n in range(app.settings.sign_in_failures_per_address):
        with pytest.raises(SignInRefused):
            app.sign_in(username=f"guess{n}", password=FIRST, address="203.0.113.9")
    with pytest.raises(TooManyAttempts) as stopped:
        app.sign_in(username="zhang.wei", password=FIRST, address="203.0.113.9")
    assert stopped.value.code == "TOO_MANY_ATTEMPTS"
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE).username == "zhang.wei"


def test_the_security_administrator_alone_administers_accounts(app: Yishiting) -> None:
    account = open_account(app)
    for role in (Role.ADMIN, Role.AUDIT_ADMIN, Role.AUDITOR, Role.LEADER):
        other = Command(Actor(f"{role.code}-1", role.label, role))
        with pytest.raises(NotPermitted):
            app.create_account(other, username="li.na", display_name="李娜")
        with pytest.raises(NotPermitted):
            app.grant_role(other, account, role=Role.LEADER, reason="越权")
        with pytest.raises(NotPermitted):
            app.reset_password(other, account, password=SECOND)
    with pytest.raises(NotPermitted):
        app.create_account(Command(ADMIN), username="li.na", display_name="李娜")
    assert app.account(account).grants == [Grant(Role.LEADER)]


def test_a_username_is_one_accounts(app: Yishiting) -> None:
    open_account(app)
    with pytest.raises(UsernameTaken) as taken:
        app.create_account(SECURITY, username="ZHANG.WEI", display_name="另一个张伟")
    assert taken.value.code == "USERNAME_TAKEN"


def test_the_last_security_administrator_stays(app: Yishiting) -> None:
    first = open_account(app, "security.one", Role.SECURITY_ADMIN)
    with pytest.raises(LastSecurityAdministrator):
        app.revoke_role(SECURITY, first, role=Role.SECURITY_ADMIN, scope="unit-7", reason="调离")
    with pytest.raises(LastSecurityAdministrator):
        app.disable_account(SECURITY, first, reason="离职")
    second = open_account(app, "security.two", Role.SECURITY_ADMIN)
    app.disable_account(SECURITY, first, reason="离职")
    assert app.account(first).disabled
    with pytest.raises(LastSecurityAdministrator):
        app.revoke_role(SECURITY, second, role=Role.SECURITY_ADMIN, scope="unit-7", reason="调离")


def test_no_account_grants_itself_or_holds_two_administrators(app: Yishiting) -> None:
    security = open_account(app, "security.one", Role.SECURITY_ADMIN)
    signed_in = app.sign_in(username="security.one", password=FIRST, address=HERE)
    itself = holder(signed_in)
    with pytest.raises(OwnRoles):
        app.grant_role(itself, security, role=Role.LEADER, reason="自己加")
    with pytest.raises(DutiesSeparated):
        app.grant_role(SECURITY, security, role=Role.AUDIT_ADMIN, reason="兼任")
    assert app.account(security).grants == [Grant(Role.SECURITY_ADMIN)]


def test_no_password_or_hash_reaches_the_log(app: Yishiting) -> None:
    account = open_account(app)
    signed_in = app.sign_in(username="zhang.wei", password=FIRST, address=HERE)
    app.change_own_password(holder(signed_in), current=FIRST, new=SECOND)
    hashed = app.credentials.password_hash(str(account))
    assert hashed is not None
    assert hashed.startswith("$argon2id$")
    _, totp_secret, codes = enrolled(app, password=SECOND)
    stored = app.recorder.select_notifications(None, 10_000)
    assert stored
    for secret in (FIRST, SECOND, hashed, hashed.split("$")[-1], totp_secret, *codes):
        assert not [n.id for n in stored if secret.encode() in n.state], secret
    assert isinstance(app.repository.get(account), Account)


def test_a_scoped_role_names_a_registered_record(app: Yishiting, district: District) -> None:
    account = open_account(app)
    with pytest.raises(InvalidScope):
        app.grant_role(SECURITY, account, role=Role.UNIT, scope="unit-7", reason="联络员")
    with pytest.raises(NotFound):
        app.grant_role(SECURITY, account, role=Role.UNIT, scope=str(uuid4()), reason="联络员")
    with pytest.raises(InvalidScope):
        app.grant_role(SECURITY, account, role=Role.AUDIT_ADMIN, scope="x", reason="任命")
    unit = str(district.unit_id)
    app.grant_role(SECURITY, account, role=Role.UNIT, scope=unit, reason="单位联络员")
    assert Grant(Role.UNIT, unit) in app.account(account).grants


def enrolled(
    app: Yishiting, username: str = "zhang.wei", password: str = FIRST
) -> tuple[Command, str, list[str]]:
    """The holder enrols an authenticator app: its secret, and the recovery codes shown once."""
    own, secret, codes, _ = enrolled_by(app, username, password)
    return own, secret, codes


def enrolled_by(
    app: Yishiting, username: str = "zhang.wei", password: str = FIRST
) -> tuple[Command, str, list[str], str]:
    """As `enrolled`, and the code that confirmed the enrolment (kept: computed again later,
    it would be the next time step's once the clock has crossed a 30-second boundary)."""
    signed_in = app.sign_in(username=username, password=password, address=HERE)
    own = holder(signed_in)
    enrolment = app.begin_second_factor(own)
    assert enrolment.uri.startswith("otpauth://totp/")
    assert "secret=" + enrolment.secret in enrolment.uri
    confirming = pyotp.TOTP(enrolment.secret).now()
    with pytest.raises(WrongCode):
        app.confirm_second_factor(own, code=off_by_one(confirming))
    codes = app.confirm_second_factor(own, code=confirming)
    return own, enrolment.secret, codes, confirming


def off_by_one(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def next_code(secret: str) -> str:
    """The authenticator's code of the next time step (accepted for clock drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_a_second_factor_is_enrolled_and_each_code_is_good_once(app: Yishiting) -> None:
    account = open_account(app)
    _, secret, codes, confirming = enrolled_by(app)
    assert len(codes) == len(set(codes)) == 10
    assert app.account(account).second_factor
    with pytest.raises(SecondFactorRequired) as asked:
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE)
    assert asked.value.code == "SECOND_FACTOR_REQUIRED"
    with pytest.raises(SignInRefused):  # the code that confirmed the enrolment, replayed
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=confirming)
    code = next_code(secret)
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=code)
    with pytest.raises(SignInRefused):  # the same code again
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=code)
    with pytest.raises(SignInRefused):  # a code, but the wrong password
        app.sign_in(username="zhang.wei", password=SECOND, address=HERE, code=codes[0])


def test_a_recovery_code_signs_in_once(app: Yishiting) -> None:
    open_account(app)
    _, _, codes = enrolled(app)
    spaced = f"{codes[3][:5]} {codes[3][5:].upper()}"
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=spaced)
    with pytest.raises(SignInRefused):
        app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=codes[3])
    assert app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=codes[4])


def test_wrong_codes_count_towards_the_lock(app: Yishiting, clock: FixedClock) -> None:
    account = open_account(app)
    _, secret, _ = enrolled(app)
    wrong = off_by_one(next_code(secret))
    for _ in range(app.settings.sign_in_failures):
        with pytest.raises(SignInRefused):
            app.sign_in(username="zhang.wei", password=FIRST, address=HERE, code=wrong)
    assert app.account(account).is_locked(clock())


def test_administrators_are_asked_to_enrol_and_a_reset_starts_again(app: Yishiting) -> None:
    admin = open_account(app, "security.one", Role.SECURITY_ADMIN)
    open_account(app)
    first = app.sign_in(username="security.one", password=FIRST, address=HERE)
    assert first.must_enrol_second_factor
    assert not app.sign_in(
        username="zhang.wei", password=FIRST, address=HERE
    ).must_enrol_second_factor
    own, secret, _ = enrolled(app, "security.one")
    signed_in = app.sign_in(
        username="security.one", password=FIRST, address=HERE, code=next_code(secret)
    )
    assert not signed_in.must_enrol_second_factor
    with pytest.raises(SecondFactorState):
        app.begin_second_factor(own)
    with pytest.raises(OwnRoles):  # a security administrator, but not on their own account
        app.reset_second_factor(own, admin, reason="换手机")
    app.reset_second_factor(SECURITY, admin, reason="手机丢失")
    assert not app.account(admin).second_factor
    assert app.credentials.second_factor(str(admin)).secret is None
    again = app.sign_in(username="security.one", password=FIRST, address=HERE)
    assert again.must_enrol_second_factor
    events = [type(e).__name__ for e in app.repository.event_store.get(admin)]
    assert events[-4:] == ["SecondFactorEnrolled", "SignedIn", "SecondFactorReset", "SignedIn"]
