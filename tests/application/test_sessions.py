"""Sessions and API tokens (issue 18): a sign-in opens a session that ends when its holder
signs out, after the idle or the absolute timeout, and at once when the account loses a role,
is disabled or has its password reset; a rewritten session row is refused; an integration
account's named token acts in its role until it is revoked. In memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.app import Yishiting
from application.receipts import Command
from application.session_tables import SESSIONS_TABLE
from application.sessions import (
    TOUCH_EVERY,
    NoRoleYet,
    SessionEnded,
    SessionExpired,
    SessionRefused,
    TokenRevoked,
    digest,
)
from domain.accounts import RoleNotHeld, UnknownToken
from domain.base import Actor
from domain.vocabulary import Role
from tests.application.test_accounts import FIRST, HERE, SECURITY, open_account
from tests.support.clock import FixedClock

BROWSER = "Mozilla/5.0 (X11) Chromium"


def signed_in_session(app: Yishiting, username: str = "zhang.wei") -> str:
    signed = app.sign_in(username=username, password=FIRST, address=HERE)
    return app.open_session(signed, address=HERE, agent=BROWSER).secret


def end_reasons(app: Yishiting, account: object) -> list[str]:
    return [
        e.reason
        for e in app.repository.event_store.get(account)  # type: ignore[arg-type]
        if type(e).__name__ == "SignedOut"
    ]


def test_a_session_acts_as_its_account_until_it_signs_out(app: Yishiting) -> None:
    account = open_account(app)
    secret = signed_in_session(app)
    caller = app.session_caller(secret)
    assert caller.actor == Actor(f"account:{account}", "张伟", Role.LEADER, "")
    assert caller.pending == ""  # must-change is enforced in production only
    assert app.csrf_token(secret) == app.csrf_token(secret) != app.csrf_token(secret + "x")

    app.sign_out(secret, address=HERE)
    with pytest.raises(SessionEnded) as ended:
        app.session_caller(secret)
    assert (ended.value.code, ended.value.details["ended"]) == ("SESSION_ENDED", "signed_out")
    assert end_reasons(app, account) == ["signed_out"]
    app.sign_out(secret, address=HERE)  # twice: nothing more recorded
    assert end_reasons(app, account) == ["signed_out"]


def test_an_idle_session_expires_and_a_busy_one_reaches_its_limit(
    app: Yishiting, clock: FixedClock
) -> None:
    account = open_account(app)
    idle = signed_in_session(app)
    busy = signed_in_session(app)
    for _ in range(24):  # a request every 29 minutes keeps it open…
        clock.advance(timedelta(minutes=29))
        app.session_caller(busy)
    clock.advance(timedelta(minutes=29))
    with pytest.raises(SessionExpired) as limit:  # …for 12 hours at most
        app.session_caller(busy)
    assert limit.value.details["ended"] == "absolute"
    with pytest.raises(SessionExpired) as idled:
        app.session_caller(idle)
    assert idled.value.details["ended"] == "idle"
    assert sorted(end_reasons(app, account)) == ["absolute", "idle"]
    assert app.sessions_of(Command(Actor(f"account:{account}", "张伟", Role.LEADER)).actor) == []


def test_losing_a_role_being_disabled_or_reset_ends_every_session_at_once(
    app: Yishiting,
) -> None:
    account = open_account(app)
    app.grant_role(SECURITY, account, role=Role.AUDITOR, reason="兼任")
    for take_away, reason in (
        (
            lambda: app.revoke_role(SECURITY, account, role=Role.AUDITOR, reason="调岗"),
            "role_revoked",
        ),
        (lambda: app.reset_password(SECURITY, account, password=FIRST), "password_reset"),
        (lambda: app.disable_account(SECURITY, account, reason="离职"), "disabled"),
    ):
        sessions = [signed_in_session(app), signed_in_session(app)]
        take_away()
        for secret in sessions:
            with pytest.raises(SessionEnded) as ended:
                app.session_caller(secret)
            assert ended.value.details["ended"] == reason


def test_changing_ones_own_password_ends_the_other_sessions(app: Yishiting) -> None:
    open_account(app)
    here, elsewhere = signed_in_session(app), signed_in_session(app)
    caller = app.session_caller(here)
    app.change_own_password(
        Command(caller.actor), current=FIRST, new="Xinhua@Street-07", session=caller.key
    )
    assert app.session_caller(here).actor == caller.actor
    with pytest.raises(SessionEnded):
        app.session_caller(elsewhere)


def test_the_holder_lists_and_ends_their_own_sessions(app: Yishiting) -> None:
    open_account(app)
    here, elsewhere = signed_in_session(app), signed_in_session(app)
    me = app.session_caller(here).actor
    listed = app.sessions_of(me)
    assert {r.key for r in listed} == {digest(here), digest(elsewhere)}
    assert {(r.address, r.agent) for r in listed} == {(HERE, BROWSER)}
    app.end_own_session(me, digest(elsewhere)[:16])
    assert [r.key for r in app.sessions_of(me)] == [digest(here)]
    with pytest.raises(SessionRefused):
        app.end_own_session(me, "abc")  # too short to name one


@pytest.mark.parametrize("forged", ["", "x" * 101, "not-a-session", "\x00\udcff"])
def test_a_forged_cookie_is_refused(app: Yishiting, forged: str) -> None:
    open_account(app)
    signed_in_session(app)
    with pytest.raises(SessionRefused) as refused:
        app.session_caller(forged)
    assert refused.value.code == "SESSION_INVALID"


def test_a_session_row_rewritten_in_the_database_is_refused(
    app: Yishiting, database_url: str
) -> None:
    open_account(app)
    secret = signed_in_session(app)
    table = app.session_table
    row = table.session(digest(secret))
    assert row is not None
    if database_url == "memory://":
        table._sessions[row.key] = row.__class__(**{**row.__dict__, "role": "admin"})  # type: ignore[attr-defined]
    else:
        table._run(f"UPDATE {SESSIONS_TABLE} SET role = 'admin' WHERE key = ?", (row.key,))  # type: ignore[attr-defined]
    with pytest.raises(SessionRefused):
        app.session_caller(secret)


def test_an_account_without_a_role_gets_no_session(app: Yishiting) -> None:
    account = app.create_account(SECURITY, username="li.na", display_name="李娜").id
    app.reset_password(SECURITY, account, password=FIRST)
    signed = app.sign_in(username="li.na", password=FIRST, address=HERE)
    with pytest.raises(NoRoleYet):
        app.open_session(signed, address=HERE, agent=BROWSER)


def test_an_integration_accounts_named_token_acts_until_revoked(app: Yishiting) -> None:
    account = open_account(app, "hotline.12345", Role.INTEGRATION)
    first = app.issue_api_token(
        SECURITY, account, name="12345 热线对接", role=Role.INTEGRATION
    ).secret
    second = app.issue_api_token(SECURITY, account, name="备用", role=Role.INTEGRATION).secret
    assert first.startswith("yst_")
    assert first != second
    assert app.token_caller(first).role is Role.INTEGRATION
    listed = app.api_tokens(account)
    assert [t.name for t in listed] == ["12345 热线对接", "备用"]
    assert first not in repr(listed)
    assert [t.key for t in listed] == [digest(first), digest(second)]

    app.revoke_api_token(SECURITY, account, token_id=listed[0].token_id, reason="泄露")
    with pytest.raises(TokenRevoked):
        app.token_caller(first)
    assert app.token_caller(second).role is Role.INTEGRATION
    with pytest.raises(UnknownToken):
        app.revoke_api_token(SECURITY, account, token_id=listed[0].token_id, reason="再次")
    with pytest.raises(RoleNotHeld):
        app.issue_api_token(SECURITY, account, name="越权", role=Role.ADMIN)

    app.revoke_role(SECURITY, account, role=Role.INTEGRATION, reason="停止对接")
    with pytest.raises(TokenRevoked):
        app.token_caller(second)
    events = [type(e).__name__ for e in app.repository.event_store.get(account)]
    assert (events.count("ApiTokenIssued"), events.count("ApiTokenRevoked")) == (2, 1)
    for stored in app.recorder.select_notifications(None, 10_000):
        assert not {first.encode(), second.encode()} & {stored.state}
        assert first.encode() not in stored.state


def test_only_the_security_administrator_issues_tokens(app: Yishiting) -> None:
    account = open_account(app, "hotline.12345", Role.INTEGRATION)
    from application.permissions import NotPermitted

    for role in (Role.ADMIN, Role.AUDIT_ADMIN, Role.INTEGRATION):
        with pytest.raises(NotPermitted):
            app.issue_api_token(
                Command(Actor("account:x", "某人", role)), account, name="t", role=Role.INTEGRATION
            )
    assert app.api_tokens(account) == []


def test_a_session_read_from_memory_still_ends_at_once(app: Yishiting, clock: FixedClock) -> None:
    """Between appends to the log a session's row comes from memory; every end of a session
    is an append, so none is missed: revoked, signed out, idle."""
    app.hears_every_append = True
    account = open_account(app)
    app.grant_role(SECURITY, account, role=Role.AUDITOR, reason="兼任")
    revoked, signed_out, idle = (signed_in_session(app) for _ in range(3))
    for secret in (revoked, signed_out, idle):
        app.session_caller(secret)  # read once: kept in memory
    app.sign_out(signed_out, address=HERE)
    with pytest.raises(SessionEnded):
        app.session_caller(signed_out)
    app.revoke_role(SECURITY, account, role=Role.AUDITOR, reason="调岗")
    with pytest.raises(SessionEnded) as ended:
        app.session_caller(revoked)
    assert ended.value.details["ended"] == "role_revoked"


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_another_process_hears_the_revocation_and_reads_the_session_again(
    engine: str, request: pytest.FixtureRequest, clock: FixedClock
) -> None:
    database_url = str(request.getfixturevalue(f"{engine}_url"))
    from application.settings import Settings
    from interfaces.bootstrap import application_for
    from projections.outbound.watch import LogWatcher
    from tests.conftest import TEST_RECEIVERS

    settings = Settings(database_url=database_url, **TEST_RECEIVERS)
    serving, administering = (application_for(settings, clock=clock) for _ in range(2))
    try:
        serving.hears_every_append = True
        watcher = LogWatcher(serving, serving.database, serving.log_signal)
        account = open_account(administering)
        secret = signed_in_session(administering)
        watcher.refresh()
        assert serving.session_caller(secret).actor.role is Role.LEADER  # now in memory
        administering.revoke_role(SECURITY, account, role=Role.LEADER, reason="调岗")
        watcher.refresh()  # what its loop does on the append's NOTIFY (or its SQLite poll)
        with pytest.raises(SessionEnded):
            serving.session_caller(secret)
    finally:
        serving.close()
        administering.close()


def test_a_session_answered_from_memory_still_times_out_and_records_its_activity(
    app: Yishiting, clock: FixedClock
) -> None:
    """Between appends the same answer is given again for a cookie, without reading or
    working anything out; it gives way when the session goes idle, when its last request is
    due to be written (at most once a minute) and at its absolute limit."""
    app.hears_every_append = True
    open_account(app)
    idle, busy = signed_in_session(app), signed_in_session(app)
    first = app.session_caller(busy)
    assert app.session_caller(busy) is first  # answered from memory
    app.session_caller(idle)

    clock.advance(timedelta(seconds=TOUCH_EVERY + 1))
    touched = app.session_caller(busy)
    assert touched is not first
    assert touched.expires_at > first.expires_at
    row = app.session_table.session(digest(busy))
    assert row is not None
    assert row.last_seen == clock().timestamp()
    clock.advance(timedelta(seconds=TOUCH_EVERY / 2))
    assert app.session_caller(busy) is touched  # not written again within the minute
    assert app.session_table.session(digest(busy)).last_seen == row.last_seen  # type: ignore[union-attr]

    clock.advance(timedelta(minutes=29))  # the idle one's 30 minutes are up, not the busy one's
    with pytest.raises(SessionExpired) as idled:
        app.session_caller(idle)
    assert idled.value.details["ended"] == "idle"
    created = app.session_table.session(digest(busy)).created_at  # type: ignore[union-attr]
    limit_at = created + app.settings.session_absolute_seconds
    while clock().timestamp() + 29 * 60 < limit_at - 30:  # a request every 29 minutes…
        app.session_caller(busy)
        clock.advance(timedelta(minutes=29))
    app.session_caller(busy)
    clock.advance(timedelta(seconds=limit_at - 30 - clock().timestamp()))
    answer = app.session_caller(busy)  # written, then answered from memory for a minute…
    assert answer.expires_at == limit_at
    assert app.session_caller(busy) is answer
    clock.advance(timedelta(seconds=40))
    with pytest.raises(SessionExpired) as limit:  # …but not past the 12 hours
        app.session_caller(busy)
    assert limit.value.details["ended"] == "absolute"


@pytest.mark.parametrize("taken", ["revoke", "disable", "reset", "own_password"])
def test_a_session_answered_from_memory_ends_at_once_whatever_takes_access_away(
    app: Yishiting, taken: str
) -> None:
    app.hears_every_append = True
    account = open_account(app)
    kept, other = signed_in_session(app), signed_in_session(app)
    for secret in (kept, other, kept, other):
        app.session_caller(secret)  # the second time from memory
    holder = Command(app.session_caller(kept).actor)
    if taken == "revoke":
        app.revoke_role(SECURITY, account, role=Role.LEADER, reason="调岗")
    elif taken == "disable":
        app.disable_account(SECURITY, account, reason="离职")
    elif taken == "reset":
        app.reset_password(SECURITY, account, password="Temporary#2026-reset")
    else:
        app.change_own_password(
            holder, current=FIRST, new="Another#2026-secret", session=digest(kept)
        )
    with pytest.raises(SessionEnded):
        app.session_caller(other)
    if taken == "own_password":  # the holder's own session goes on
        assert app.session_caller(kept).actor == holder.actor
    else:
        with pytest.raises(SessionEnded):
            app.session_caller(kept)
