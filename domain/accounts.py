"""Accounts (账号): who may sign in, with which roles, and what happened to each account — the
facts an assessor and the audit administrator read (等保 身份鉴别, 访问控制).

No secret is ever in these events: a password's hash and a second factor's secret live in the
credentials table beside the log (application/credentials.py); the log only says that a
password was changed or a second factor enrolled, by whom and when. Roles come from the log
alone, so a rewritten credentials row cannot grant one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import SHORT_TEXT, SYSTEM, Actor, Record, optional_text, required_reason, text
from domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from domain.vocabulary import Role

# 三权分立: the system, security and audit administrators are three people. No account holds
# two of these roles.
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The system and the public are never granted: they are no one's account.
UNGRANTABLE = frozenset({Role.SYSTEM, Role.PUBLIC})
USERNAME_LENGTH = 32
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,31}")
USERNAME_RULE_ZH = "3至32位小写字母、数字或 . _ -,以字母或数字开头"
USERNAME_RULE_EN = "3 to 32 lowercase letters, digits or . _ -, starting with a letter or digit"
# An account's id follows from its username: two accounts cannot share one, and signing in
# finds the account without a search.
ACCOUNTS = UUID("6c1f4a52-3b0e-5d2a-9a47-1e8b5c0d7f31")


def account_id(username: str) -> UUID:
    return uuid5(ACCOUNTS, username)


def checked_scope(value: str | None) -> str:
    """A role's scope as grants keep it (an id; what it names is checked where it is granted)."""
    return optional_text(value, "scope", "范围", SHORT_TEXT)


@dataclass(frozen=True)
class Grant:
    """A role held, within a scope (a platform, committee, unit or supervisor id; or none)."""

    role: Role
    scope: str = ""

    @property
    def label(self) -> str:
        return f"{self.role.label}({self.scope})" if self.scope else self.role.label


def checked_username(value: str | None) -> str:
    """A username as accounts keep it: trimmed, lowercased, within the rule."""
    cleaned = optional_text(value, "username", "用户名", USERNAME_LENGTH).lower()
    if not cleaned:
        return text(cleaned, "username", "用户名")
    if not USERNAME.fullmatch(cleaned):
        raise InvalidUsername()
    return cleaned


class Account(Record):
    """One person's (or one system's) account."""

    @event("AccountCreated")
    def __init__(
        self, *, username: str, display_name: str, person_id: UUID | None, actor: Actor
    ) -> None:
        self.username = username
        self.display_name = display_name
        self.person_id = person_id
        self.grants: list[Grant] = []
        self.tokens: list[str] = []  # the API tokens not revoked (ids)
        self.disabled = False
        self.locked_until: datetime | None = None
        self.second_factor = False
        self.must_change_password = True

    @staticmethod
    def create_id(username: str, **_: Any) -> UUID:
        return account_id(username)

    @classmethod
    def create(
        cls,
        *,
        username: str,
        display_name: str,
        person_id: UUID | None = None,
        actor: Actor,
    ) -> Account:
        return cls(
            username=checked_username(username),
            display_name=text(display_name, "displayName", "姓名", 100),
            person_id=person_id,
            actor=actor,
        )

    @property
    def subject(self) -> str:
        """The actor id this account acts under."""
        return f"account:{self.id}"

    def holds(self, role: Role) -> bool:
        return any(g.role is role for g in self.grants)

    def is_locked(self, moment: datetime) -> bool:
        return self.locked_until is not None and moment < self.locked_until

    def grant(self, *, role: Role, scope: str = "", reason: str, actor: Actor) -> None:
        granted = Grant(role, checked_scope(scope))
        if role in UNGRANTABLE:
            raise RoleNotGrantable(role)
        if actor.id == self.subject:
            raise OwnRoles()
        if granted in self.grants:
            raise AlreadyGranted(granted)
        held = next((g.role for g in self.grants if g.role in ADMINISTRATORS), None)
        if role in ADMINISTRATORS and held is not None and held is not role:
            raise DutiesSeparated(held, role)
        self._role_granted(
            role=role,
            scope=granted.scope,
            reason=required_reason(reason, "授予角色", "granting a role"),
            actor=actor,
        )

    @event("RoleGranted")
    def _role_granted(self, role: Role, scope: str, reason: str, actor: Actor) -> None:
        self.grants = [*self.grants, Grant(role, scope)]

    def revoke(self, *, role: Role, scope: str = "", reason: str, actor: Actor) -> None:
        held = Grant(role, checked_scope(scope))
        if held not in self.grants:
            raise RoleNotHeld(held)
        if actor.id == self.subject:
            raise OwnRoles()
        self._role_revoked(
            role=role,
            scope=held.scope,
            reason=required_reason(reason, "撤销角色", "revoking a role"),
            actor=actor,
        )

    @event("RoleRevoked")
    def _role_revoked(self, role: Role, scope: str, reason: str, actor: Actor) -> None:
        self.grants = [g for g in self.grants if g != Grant(role, scope)]

    def disable(self, *, reason: str, actor: Actor) -> None:
        if self.disabled:
            raise AccountStateUnchanged("停用", "disabled")
        if actor.id == self.subject:
            raise OwnRoles()
        reason = required_reason(reason, "停用账号", "disabling an account")
        self._disabled(reason=reason, actor=actor)

    @event("AccountDisabled")
    def _disabled(self, reason: str, actor: Actor) -> None:
        self.disabled = True

    def reenable(self, *, reason: str, actor: Actor) -> None:
        if not self.disabled:
            raise AccountStateUnchanged("启用", "enabled")
        self._reenabled(
            reason=required_reason(reason, "启用账号", "re-enabling an account"), actor=actor
        )

    @event("AccountReenabled")
    def _reenabled(self, reason: str, actor: Actor) -> None:
        self.disabled = False

    def password_changed(self, *, by_holder: bool, actor: Actor) -> None:
        """The fact of a new password (never the password): set by its holder, or reset by the
        security administrator, in which case the holder must change it at next sign-in (a
        reset of one's own would skip proving the current one: refused)."""
        if not by_holder and actor.id == self.subject:
            raise OwnRoles()
        self._password_changed(must_change=not by_holder, actor=actor)

    @event("PasswordChanged")
    def _password_changed(self, must_change: bool, actor: Actor) -> None:
        self.must_change_password = must_change

    def second_factor_enrolled(self, *, actor: Actor) -> None:
        self._second_factor_enrolled(actor=actor)

    @event("SecondFactorEnrolled")
    def _second_factor_enrolled(self, actor: Actor) -> None:
        self.second_factor = True

    def reset_second_factor(self, *, reason: str, actor: Actor) -> None:
        if not self.second_factor:
            raise AccountStateUnchanged("重置第二因子", "without a second factor")
        if actor.id == self.subject:
            raise OwnRoles()
        self._second_factor_reset(
            reason=required_reason(reason, "重置第二因子", "resetting a second factor"),
            actor=actor,
        )

    @event("SecondFactorReset")
    def _second_factor_reset(self, reason: str, actor: Actor) -> None:
        self.second_factor = False

    def signed_in(self, *, address: str, second_factor: bool) -> None:
        """A sign-in, from this client address (a security event; recorded by the system)."""
        self._signed_in(address=address[:100], second_factor=second_factor, actor=SYSTEM)

    @event("SignedIn")
    def _signed_in(self, address: str, second_factor: bool, actor: Actor) -> None:
        pass

    def signed_in_elsewhere(self, *, address: str, issuer: str) -> None:
        """A sign-in through the district's identity service (统一身份认证) at `issuer`."""
        self._signed_in_elsewhere(address=address[:100], issuer=issuer[:200], actor=SYSTEM)

    @event("SignedInElsewhere")
    def _signed_in_elsewhere(self, address: str, issuer: str, actor: Actor) -> None:
        pass

    def signed_out(self, *, address: str, reason: str) -> None:
        """A session ended by its holder ("signed_out") or timed out ("idle", "absolute")."""
        self._signed_out(address=address[:100], reason=reason[:40], actor=SYSTEM)

    @event("SignedOut")
    def _signed_out(self, address: str, reason: str, actor: Actor) -> None:
        pass

    def issue_token(self, *, token_id: str, name: str, grant: Grant, actor: Actor) -> None:
        """A named API token for a system acting as this account in `grant` (the token itself
        is shown once and never recorded). Never to oneself: a token is a credential."""
        if actor.id == self.subject:
            raise OwnRoles()
        if grant not in self.grants:
            raise RoleNotHeld(grant)
        if self.disabled:
            raise AccountStateUnchanged("签发令牌", "disabled")
        name = text(name, "name", "令牌名称", 60)
        self._token_issued(
            token_id=token_id, name=name, role=grant.role, scope=grant.scope, actor=actor
        )

    @event("ApiTokenIssued")
    def _token_issued(self, token_id: str, name: str, role: Role, scope: str, actor: Actor) -> None:
        self.tokens = [*self.tokens, token_id]

    def revoke_token(self, *, token_id: str, reason: str, actor: Actor) -> None:
        if token_id not in self.tokens:
            raise UnknownToken(token_id)
        reason = required_reason(reason, "吊销令牌", "revoking a token")
        self._token_revoked(token_id=token_id, reason=reason, actor=actor)

    @event("ApiTokenRevoked")
    def _token_revoked(self, token_id: str, reason: str, actor: Actor) -> None:
        self.tokens = [t for t in self.tokens if t != token_id]

    def sign_in_failed(self, *, address: str, failures: int) -> None:
        """A wrong password or code, the `failures`-th of its run (a security event)."""
        self._sign_in_failed(address=address[:100], failures=failures, actor=SYSTEM)

    @event("SignInFailed")
    def _sign_in_failed(self, address: str, failures: int, actor: Actor) -> None:
        pass

    def lock(self, *, until: datetime, failures: int, actor: Actor) -> None:
        """Locked after repeated sign-in failures (the count, not the attempts, is recorded)."""
        self._locked(until=until, failures=failures, actor=actor)

    @event("AccountLocked")
    def _locked(self, until: datetime, failures: int, actor: Actor) -> None:
        self.locked_until = until

    def unlock(self, *, reason: str, actor: Actor) -> None:
        if self.locked_until is None:
            raise AccountStateUnchanged("解锁", "unlocked")
        reason = required_reason(reason, "解锁账号", "unlocking an account")
        self._unlocked(reason=reason, actor=actor)

    @event("AccountUnlocked")
    def _unlocked(self, reason: str, actor: Actor) -> None:
        self.locked_until = None


class InvalidUsername(InvalidInput):
    code = "INVALID_USERNAME"

    def __init__(self) -> None:
        super().__init__(f"用户名须为{USERNAME_RULE_ZH}", f"a username is {USERNAME_RULE_EN}")


class RoleNotGrantable(InvalidInput):
    code = "ROLE_NOT_GRANTABLE"

    def __init__(self, role: Role) -> None:
        super().__init__(
            f"“{role.label}”不能授予账号", f"role {role.code} is no account's", role=role.code
        )


class AccessConflict(DomainError):
    kind = "CONFLICT"


class OwnRoles(Forbidden):
    code = "OWN_ACCOUNT"

    def __init__(self) -> None:
        super().__init__(
            "不能为自己的账号授予、撤销角色,停用账号,重置密码、第二因子或签发令牌",
            "no one grants, revokes, disables, resets or issues a token on their own account",
        )


class AlreadyGranted(AccessConflict):
    code = "ALREADY_GRANTED"

    def __init__(self, grant: Grant) -> None:
        super().__init__(
            f"账号已有角色“{grant.label}”",
            f"the account already holds {grant.role.code}",
            role=grant.role.code,
        )


class RoleNotHeld(AccessConflict):
    code = "ROLE_NOT_HELD"

    def __init__(self, grant: Grant) -> None:
        super().__init__(
            f"账号没有角色“{grant.label}”",
            f"the account does not hold {grant.role.code}",
            role=grant.role.code,
        )


class DutiesSeparated(AccessConflict):
    """三权分立: a system, security or audit administrator holds none of the other two."""

    code = "DUTIES_SEPARATED"

    def __init__(self, held: Role, asked: Role) -> None:
        super().__init__(
            f"三权分立:已是“{held.label}”的账号不能再授予“{asked.label}”",
            f"separation of duties: an account holding {held.code} cannot be {asked.code}",
            held=held.code,
            role=asked.code,
        )


class UnknownToken(NotFound):
    code = "TOKEN_NOT_FOUND"

    def __init__(self, token_id: str) -> None:
        super().__init__("有效令牌", "live API token", token_id)


class AccountStateUnchanged(AccessConflict):
    code = "ACCOUNT_STATE_UNCHANGED"

    def __init__(self, what_zh: str, what_en: str) -> None:
        super().__init__(f"账号当前不需{what_zh}", f"the account is already {what_en}")
