"""Browser sessions and integration accounts' API tokens (等保 身份鉴别: 登录连接超时自动退出;
访问控制: 权限变更即时生效).

A session is opened by a sign-in and lives in the sessions table (session_tables.py): its
cookie's value is a random 256-bit string known only to the browser. It ends when its holder
signs out, after `session_idle_seconds` without a request, `session_absolute_seconds` after the
sign-in, and at once when the account loses a role, is disabled, or has its password or second
factor reset. An API token is issued to an account by the security administrator for a system
(12345 hotline, member app), acts in one of the account's roles, and is revoked on its own or
with that role or the account."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError, Recording

from application.accounts import AccountUseCases, SignedIn
from application.core import Adapters, use_case
from application.memo import Memo
from application.permissions import R
from application.receipts import Command, Outcome
from application.session_tables import SessionRow, SessionTable, TokenRow
from application.settings import Settings
from domain.accounts import Account, Grant, checked_scope
from domain.base import Actor, Record, clocked_by, wall_clock
from domain.errors import ConcurrentModification, DomainError, Forbidden
from domain.vocabulary import Role

TOKEN_PREFIX = "yst_"
SESSION_BYTES = 32
AGENT_LENGTH = 200
TOUCH_EVERY = 60.0  # seconds: a session's last request is written at most this often
FORGET_AFTER = 7 * 86400.0  # ended sessions' rows are dropped after a week (the log keeps them)
SESSIONS_KEPT = 10_000  # open sessions' rows kept in memory between log changes

# What a session must do before anything else, and the one thing it may do meanwhile.
PENDING_PASSWORD = "password"
PENDING_SECOND_FACTOR = "second_factor"


# Events that take access away, and the reason the sessions end with.
ACCESS_TAKEN = {
    "RoleRevoked": "role_revoked",
    "AccountDisabled": "disabled",
    "PasswordChanged": "password_reset",
    "SecondFactorReset": "second_factor_reset",
}


class SessionRefused(DomainError):
    kind = "UNAUTHENTICATED"
    code = "SESSION_INVALID"

    def __init__(self) -> None:
        super().__init__("会话无效,请重新登录", "the session is not valid: sign in again")


class SessionEnded(DomainError):
    kind = "UNAUTHENTICATED"
    code = "SESSION_ENDED"
    TIMEOUTS = ("idle", "absolute")
    REASONS = {
        "signed_out": ("已退出登录", "signed out"),
        "idle": ("长时间未操作,会话已超时", "idle for too long"),
        "absolute": ("会话已达最长时限", "the session reached its time limit"),
        "role_revoked": ("账号的角色已被撤销", "a role of the account was revoked"),
        "disabled": ("账号已被停用", "the account was disabled"),
        "password_reset": ("账号的密码已被重置", "the account's password was reset"),
        "password_changed": ("密码已在别处修改", "the password was changed elsewhere"),
        "second_factor_reset": ("账号的动态口令已被重置", "the second factor was reset"),
        "ended_by_holder": ("会话已被本人结束", "ended by the account's holder"),
    }

    def __init__(self, reason: str) -> None:
        zh, en = self.REASONS.get(reason, ("会话已结束", "the session has ended"))
        super().__init__(f"{zh},请重新登录", f"{en}: sign in again", ended=reason)


class SessionExpired(SessionEnded):
    code = "SESSION_EXPIRED"


def session_ended(reason: str) -> SessionEnded:
    return SessionExpired(reason) if reason in SessionEnded.TIMEOUTS else SessionEnded(reason)


class NoRoleYet(Forbidden):
    code = "NO_ROLE"

    def __init__(self) -> None:
        super().__init__(
            "账号尚未被授予任何角色,请联系安全管理员",
            "the account holds no role yet: ask the security administrator",
        )


class PasswordChangeRequired(Forbidden):
    code = "PASSWORD_CHANGE_REQUIRED"

    def __init__(self) -> None:
        super().__init__("请先修改临时密码", "change the temporary password first")


class SecondFactorEnrolmentRequired(Forbidden):
    code = "SECOND_FACTOR_ENROLMENT_REQUIRED"

    def __init__(self) -> None:
        super().__init__(
            "管理员账号须先绑定动态口令", "an administrator enrols a second factor first"
        )


def pending_refusal(pending: str) -> Forbidden:
    """The refusal of anything else while a session has this to do first."""
    if pending == PENDING_PASSWORD:
        return PasswordChangeRequired()
    return SecondFactorEnrolmentRequired()


class TokenRevoked(DomainError):
    kind = "UNAUTHENTICATED"
    code = "TOKEN_REVOKED"

    def __init__(self) -> None:
        super().__init__("令牌已被吊销或无效", "the token is revoked or not known")


@dataclass(frozen=True)
class Opened:
    """A new session: the cookie's value (given to the browser once), its CSRF token, and who
    it acts as."""

    secret: str
    csrf: str
    actor: Actor
    pending: str


@dataclass(frozen=True)
class IssuedToken:
    outcome: Outcome
    token_id: str
    secret: str  # shown once; "" when the command was a repeat


@dataclass(frozen=True)
class SessionCaller:
    actor: Actor
    key: str
    pending: str
    expires_at: float  # when it ends unless used again (idle) or at the latest (absolute)


def digest(secret: str) -> str:
    # A forged cookie may hold anything, lone surrogates included: hashed, never refused here.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class SessionUseCases(AccountUseCases):
    session_table: SessionTable

    def __init__(self, settings: Settings, adapters: Adapters) -> None:
        # Open sessions' rows with the log position they were read at (see _session_row), once
        # the process hears every append, its own and other processes' (the server's watcher).
        self._sessions_seen: Memo[str, tuple[SessionRow, int]] = Memo(SESSIONS_KEPT)
        # An open session's cookie → its key and CSRF token: two hashes a request spared.
        self._derived: Memo[str, tuple[str, str]] = Memo(SESSIONS_KEPT)
        # An open session's cookie → the answer given for it, the log position it was given at
        # and the moment it must be worked out again (its idle or absolute end, or its next
        # touch): while the log has not moved, the same answer (see _known_caller).
        self._answers: Memo[str, tuple[SessionCaller, int, float]] = Memo(SESSIONS_KEPT)
        self.hears_every_append = False
        super().__init__(settings, adapters)

    def open_session(
        self, signed: SignedIn, *, address: str, agent: str, grant: Grant | None = None
    ) -> Opened:
        """A session for an account just signed in, acting in `grant` (its first role when not
        chosen)."""
        if not signed.grants:
            raise NoRoleYet()
        actor = signed.actor(grant or signed.grants[0])
        secret = secrets.token_urlsafe(SESSION_BYTES)
        now = self._now()
        pending = (
            PENDING_PASSWORD
            if signed.must_change_password and self.settings.environment == "production"
            else PENDING_SECOND_FACTOR
            if signed.must_enrol_second_factor
            else ""
        )
        key = digest(secret)
        row = SessionRow(
            key,
            str(signed.account_id),
            actor.role.code,
            actor.scope,
            actor.name,
            now,
            now,
            address[:100],
            agent[:AGENT_LENGTH],
            self._session_seal(key, str(signed.account_id), actor, now),
            pending,
        )
        self.session_table.forget_sessions(now - FORGET_AFTER)
        self.session_table.insert_session(row)
        return Opened(secret, self.csrf_token(secret), actor, pending)

    def csrf_token(self, secret: str) -> str:
        """The token a page sends back with each change (derived: nothing more to store)."""
        return self._derived_from(secret)[1]

    def _derived_from(self, secret: str) -> tuple[str, str]:
        derived = self._derived.get(secret)
        if derived is None:
            key = digest(secret)
            derived = key, self.event_key.seal("csrf", key)[:43]
        return derived

    def session_caller(self, secret: str) -> SessionCaller:
        """Who the session acts as, if it is open; SessionRefused or SessionEnded otherwise
        (an idle or too old session is ended and recorded here)."""
        if not secret or len(secret) > 100:
            raise SessionRefused()
        known = self._known_caller(secret)
        if known is not None:
            return known
        derived = self._derived_from(secret)
        key = derived[0]
        row = self._session_row(key)
        if secret not in self._derived:  # only a real session's cookie is remembered
            self._derived.keep(secret, derived)
        now = self._now()
        if now > self._session_end(row):
            row = self._session_row(key, fresh=True)  # another process may have seen it since
        idle_end = row.last_seen + self.settings.session_idle_seconds
        absolute_end = row.created_at + self.settings.session_absolute_seconds
        if now > min(idle_end, absolute_end):
            reason = "idle" if now > idle_end else "absolute"
            self._end_session(row, reason)
            raise session_ended(reason)
        if now - row.last_seen > min(TOUCH_EVERY, self.settings.session_idle_seconds / 10):
            self.session_table.touch_session(key, now)
            row = replace(row, last_seen=now)
            self._keep(key, row)
            idle_end = now + self.settings.session_idle_seconds
        actor = Actor(
            f"account:{row.account_id}", row.display_name, Role.parse(row.role), row.scope
        )
        caller = SessionCaller(actor, key, row.pending, min(idle_end, absolute_end))
        self._remember_answer(secret, caller, row)
        return caller

    def known_session_caller(self, secret: str) -> SessionCaller | None:
        """The session's caller when memory alone tells it (`_known_caller`: the answer last
        given, while it holds); None: ask `session_caller`, which may read and write."""
        return self._known_caller(secret) if 0 < len(secret) <= 100 else None

    def _known_caller(self, secret: str) -> SessionCaller | None:
        """The answer last given for this cookie, while it still holds: the log has not moved
        since (every end of a session is an append, and its row is ended before), the session
        has not reached its idle or absolute end, and its last request need not be written
        yet. Otherwise None, and the session is worked out again."""
        answer = self._answers.get(secret)
        if answer is None:
            return None
        signal = getattr(self, "log_signal", None)
        if signal is None or not self.hears_every_append or signal.position != answer[1]:
            return None
        if self._now() > answer[2]:
            return None
        return answer[0]

    def _remember_answer(self, secret: str, caller: SessionCaller, row: SessionRow) -> None:
        """Only for a session read from memory at a known log position (as _session_row keeps
        them; never a pending one)."""
        seen = self._sessions_seen.get(caller.key)
        if seen is None or seen[0] is not row:
            return
        touch_at = row.last_seen + min(TOUCH_EVERY, self.settings.session_idle_seconds / 10)
        self._answers.keep(secret, (caller, seen[1], min(touch_at, self._session_end(row))))

    def _session_end(self, row: SessionRow) -> float:
        return min(
            row.last_seen + self.settings.session_idle_seconds,
            row.created_at + self.settings.session_absolute_seconds,
        )

    def _session_row(self, key: str, *, fresh: bool = False) -> SessionRow:
        """The open session's row: from memory while the log has not moved since it was read
        (every end of a session — sign-out, timeout, revocation — is recorded in the log, and
        written to the table before its record), else from the table, its seal checked."""
        signal = getattr(self, "log_signal", None)
        position = signal.position if signal is not None and self.hears_every_append else None
        cached = self._sessions_seen.get(key)
        if not fresh and cached is not None and position is not None and cached[1] == position:
            return cached[0]
        row = self.session_table.session(key)
        if row is None or not hmac.compare_digest(row.seal, self._row_seal(row)):
            raise SessionRefused()
        if row.ended_at is not None:
            raise session_ended(row.end_reason)
        if position is not None and not row.pending:  # a pending one is read every time
            self._keep(key, row, position)
        return row

    def _keep(self, key: str, row: SessionRow, position: int | None = None) -> None:
        seen = self._sessions_seen
        if position is None:
            if key not in seen:
                return
            position = seen[key][1]
        seen.keep(key, (row, position))

    def _forget_cached(self, account: str) -> None:
        seen = self._sessions_seen
        for key, (row, _) in list(seen.items()):
            if row.account_id == account:
                seen.pop(key, None)
        answers = self._answers
        for secret, (caller, _, _) in list(answers.items()):
            if caller.actor.id == f"account:{account}":
                answers.pop(secret, None)

    def session_ended(self, key: str) -> SessionEnded | None:
        """Why the session is no longer open, or None (a live stream asks as it goes, without
        renewing the session)."""
        row = self.session_table.session(key)
        if row is None:
            return SessionEnded("")
        if row.ended_at is not None:
            return session_ended(row.end_reason)
        now = self._now()
        if now > row.created_at + self.settings.session_absolute_seconds:
            return session_ended("absolute")
        if now > row.last_seen + self.settings.session_idle_seconds:
            return session_ended("idle")
        return None

    def sign_out(self, secret: str, *, address: str) -> None:
        row = self.session_table.session(digest(secret)) if secret else None
        if row is not None and row.ended_at is None:
            self._end_session(row, "signed_out", address)

    def _end_session(self, row: SessionRow, reason: str, address: str = "") -> None:
        self._sessions_seen.pop(row.key, None)
        for secret, (caller, _, _) in list(self._answers.items()):
            if caller.key == row.key:
                self._answers.pop(secret, None)
        if self.session_table.end_sessions(self._now(), reason, key=row.key):
            self._record_sign_out(UUID(row.account_id), address or row.address, reason)

    def _record_sign_out(self, account: UUID, address: str, reason: str) -> None:
        """The session's end as a security event; a change saved meanwhile is read first."""
        for _ in range(3):
            held = self.load(Account, account)
            held.signed_out(address=address, reason=reason)
            try:
                with clocked_by(self.clock):
                    self.save(held)
                return
            except IntegrityError:
                continue
        raise ConcurrentModification()

    def sessions_of(self, actor: Actor) -> list[SessionRow]:
        """The holder's own open sessions."""
        return self.session_table.sessions_of(str(self._own_account(actor).id))

    def end_own_session(self, actor: Actor, session: str) -> None:
        """The holder ends one of their sessions (one left open elsewhere), by its short id."""
        for row in self.sessions_of(actor):
            if row.key.startswith(session) and len(session) >= 12:
                self._end_session(row, "ended_by_holder")
                return
        raise SessionRefused()

    def _end_access(self, account: UUID, reason: str, *, role: str = "", but: str = "") -> None:
        """Sessions and tokens lose what was taken away, at once."""
        self.session_table.end_sessions(self._now(), reason, account_id=str(account), but=but)
        self._forget_cached(str(account))
        if reason != "password_changed":
            said = SessionEnded.REASONS.get(reason, (reason, ""))[0]  # as the token lists say it
            self.session_table.revoke_tokens(self._now(), said, account_id=str(account), role=role)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """…and when an account loses a role, is disabled, or has its password or second
        factor reset, its sessions and tokens end — whichever path records it (GraphQL, the
        command line), and before the record is committed: a process that sees the record and
        reads a session afterwards finds it ended. (A save then refused has ended them for
        nothing: its holder signs in again.)"""
        for aggregate in objs:
            for event in getattr(aggregate, "pending_events", ()):
                self._access_follows(event)
        return super().save(*objs, **kwargs)

    def _access_follows(self, event: object) -> None:
        name = type(event).__name__
        if name not in ACCESS_TAKEN or not isinstance(event, Account.Event):
            return
        if name == "PasswordChanged" and not getattr(event, "must_change", False):
            return  # the holder's own change: change_own_password keeps the current session
        role = getattr(event, "role", None)
        self._end_access(event.originator_id, ACCESS_TAKEN[name], role=getattr(role, "code", ""))

    def _own_password_changing(self, account: UUID, keeping: str) -> None:
        """The holder's other sessions end before the new password is recorded (someone else
        may know the old one)."""
        self.session_table.end_sessions(
            self._now(), "password_changed", account_id=str(account), but=keeping
        )
        self._forget_cached(str(account))

    def change_own_password(
        self, command: Command, *, current: str, new: str, session: str = ""
    ) -> Outcome:
        outcome = super().change_own_password(command, current=current, new=new, session=session)
        self.session_table.clear_pending(str(self._own_account(command.actor).id), PENDING_PASSWORD)
        return outcome

    def confirm_second_factor(self, command: Command, *, code: str) -> list[str]:
        codes = super().confirm_second_factor(command, code=code)
        self.session_table.clear_pending(
            str(self._own_account(command.actor).id), PENDING_SECOND_FACTOR
        )
        return codes

    def issue_api_token(
        self, command: Command, account: UUID, *, name: str, role: Role, scope: str = ""
    ) -> IssuedToken:
        """A token for a system acting as `account` in one of its roles: recorded (its id and
        name), stored as a hash, and returned once. A command repeated (same command id)
        issues nothing more and shows no token again."""
        token_id = uuid4().hex[:16]
        grant = Grant(role, checked_scope(scope))
        outcome = self._record_token_issued(
            command, account, token_id=token_id, name=name, grant=grant
        )
        if outcome.replayed:
            return IssuedToken(outcome, "", "")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(SESSION_BYTES)
        key = digest(secret)
        self.session_table.insert_token(
            TokenRow(
                token_id,
                str(account),
                name.strip()[:60],
                key,
                role.code,
                grant.scope,
                self._now(),
                self.event_key.seal("token", key, token_id, str(account), role.code, grant.scope),
            )
        )
        return IssuedToken(outcome, token_id, secret)

    @use_case(R.SECURITY_ADMIN)
    def _record_token_issued(
        self, command: Command, account: UUID, *, token_id: str, name: str, grant: Grant
    ) -> list[Record]:
        held = self.load(Account, account, command)
        held.issue_token(token_id=token_id, name=name, grant=grant, actor=command.actor)
        return [held]

    @use_case(R.SECURITY_ADMIN, acts_outside_the_log=True)  # the session table's row
    def revoke_api_token(
        self, command: Command, account: UUID, *, token_id: str, reason: str
    ) -> list[Record]:
        held = self.load(Account, account, command)
        held.revoke_token(token_id=token_id, reason=reason, actor=command.actor)
        self.session_table.revoke_tokens(self._now(), reason.strip(), token_id=token_id)
        return [held]

    def api_tokens(self, account: UUID) -> list[TokenRow]:
        return self.session_table.tokens_of(str(account))

    def token_caller(self, secret: str) -> Actor:
        """Who an API token acts as, if it is live (checked on every request)."""
        if len(secret) > 100:
            raise TokenRevoked()
        key = digest(secret)
        row = self.session_table.token(key)
        seal = (
            self.event_key.seal("token", key, row.token_id, row.account_id, row.role, row.scope)
            if row
            else ""
        )
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.seal, seal):
            raise TokenRevoked()
        now = self._now()
        if row.last_used is None or now - row.last_used > TOUCH_EVERY:
            self.session_table.touch_token(row.token_id, now)
        return Actor(f"account:{row.account_id}", row.name, Role.parse(row.role), row.scope)

    def _now(self) -> float:
        """Sessions keep the application's clock (a test moves it past the idle timeout); the
        wall clock's seconds are read directly, as every request with a session asks."""
        if self.clock is wall_clock:
            return time.time()
        return self.clock().timestamp()

    def _session_seal(self, key: str, account: str, actor: Actor, created: float) -> str:
        return self.event_key.seal(
            "session", key, account, actor.role.code, actor.scope, actor.name, repr(created)
        )

    def _row_seal(self, row: SessionRow) -> str:
        actor = Actor(
            f"account:{row.account_id}", row.display_name, Role.parse(row.role), row.scope
        )
        return self._session_seal(row.key, row.account_id, actor, row.created_at)
