"""Accounts' administration by the security administrator, and signing in (等保 身份鉴别,
访问控制, 三权分立).

The roles come from the log (Account's events); the password's hash and the run of failures
from the credentials table (credentials.py). A sign-in's refusal never says whether the
username exists, the password was wrong, or the account is locked or disabled: the same
sentence, and as slow, for each."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from application.core import Adapters, Core, check_may_run, use_case
from application.credentials import (
    CredentialTable,
    hash_password,
    needs_rehash,
    password_matches,
)
from application.passwords import MAX_LENGTH, check_password
from application.permissions import R, scope_kind
from application.receipts import Command, Outcome
from application.second_factor import (
    MAX_CODE,
    Enrolment,
    SecretBox,
    matching_step,
    new_enrolment,
    new_recovery_codes,
    recovery_hash,
)
from application.settings import Settings
from domain.accounts import (
    ADMINISTRATORS,
    UNGRANTABLE,
    Account,
    Grant,
    account_id,
    checked_scope,
    checked_username,
)
from domain.base import SYSTEM, Actor, Record, clocked_by
from domain.errors import ConcurrentModification, DomainError, Forbidden, InvalidInput, NotFound
from domain.vocabulary import Role

ROLES_OF_PEOPLE = tuple(r for r in R if r not in UNGRANTABLE)
CREATED = get_topic(getattr(Account, "AccountCreated"))  # noqa: B009 (made by @event)
EVERY_ACCOUNT = 100_000


@dataclass(frozen=True)
class SignedIn:
    """Who signed in: the account, its roles now, and what it must do first."""

    account_id: UUID
    username: str
    display_name: str
    grants: tuple[Grant, ...]
    must_change_password: bool
    must_enrol_second_factor: bool = False

    def actor(self, grant: Grant) -> Actor:
        """The actor the account acts as in one of its roles."""
        if grant not in self.grants:
            raise NotHeld()
        return Actor(f"account:{self.account_id}", self.display_name, grant.role, grant.scope)


class SignInRefused(DomainError):
    """One refusal for every reason a sign-in fails."""

    kind = "UNAUTHENTICATED"
    code = "SIGN_IN_REFUSED"

    def __init__(self) -> None:
        super().__init__(
            "用户名或密码错误,或账号已锁定、停用", "wrong username or password, or account locked"
        )


class SecondFactorRequired(DomainError):
    """The password was right; the account signs in with its second factor too."""

    kind = "UNAUTHENTICATED"
    code = "SECOND_FACTOR_REQUIRED"

    def __init__(self) -> None:
        super().__init__(
            "请输入动态口令(或恢复码)", "enter the code from the authenticator (or a recovery code)"
        )


class SecondFactorState(InvalidInput):
    code = "SECOND_FACTOR_STATE"


class WrongCode(InvalidInput):
    code = "WRONG_CODE"

    def __init__(self) -> None:
        super().__init__("动态口令不正确或已过期", "the code is wrong or has expired")


class TooManyAttempts(DomainError):
    kind = "UNAUTHENTICATED"
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self) -> None:
        super().__init__(
            "此地址登录失败次数过多,请稍后再试", "too many failed sign-ins from this address"
        )


class NotHeld(Forbidden):
    code = "ROLE_NOT_GRANTED"  # ROLE_NOT_HELD is revoking's conflict: one reason, one code

    def __init__(self) -> None:
        super().__init__("账号没有该角色", "the account does not hold that role")


class AccountOnly(Forbidden):
    code = "ACCOUNT_ONLY"

    def __init__(self) -> None:
        super().__init__(
            "只有以账号登录的本人可以管理自己的密码、动态口令和会话",
            "only a holder signed in with their account manages its password, second factor "
            "and sessions",
        )


class LastSecurityAdministrator(Forbidden):
    code = "LAST_SECURITY_ADMIN"

    def __init__(self) -> None:
        super().__init__(
            "不能撤销或停用最后一名安全管理员", "the last security administrator cannot be removed"
        )


class UnknownElsewhere(DomainError):
    kind = "UNAUTHENTICATED"
    code = "SSO_ACCOUNT_UNKNOWN"

    def __init__(self) -> None:
        super().__init__(
            "统一身份认证的账号在本系统中没有对应账号,请联系安全管理员开通",
            "the identity service's account has no account here: ask the security administrator",
        )


class AdministratorsSignInHere(Forbidden):
    code = "SSO_NOT_FOR_ADMINISTRATORS"

    def __init__(self) -> None:
        super().__init__(
            "管理员账号须在本系统以密码和动态口令登录",
            "administrators sign in here, with password and second factor",
        )


class UsernameTaken(InvalidInput):
    code = "USERNAME_TAKEN"

    def __init__(self, username: str) -> None:
        super().__init__(f"用户名“{username}”已被使用", f"the username {username!r} is taken")


class WrongCurrentPassword(InvalidInput):
    code = "WRONG_PASSWORD"

    def __init__(self) -> None:
        super().__init__("当前密码不正确", "the current password is wrong")


class AddressFailures:
    """Failed sign-ins per client address in this process, within a sliding window: the
    brake on one address trying many usernames (each of which locks only itself)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many addresses are held: only those with failures inside the window."""
        return len(self._seen)

    def _recent(self, address: str, now: float) -> deque[float]:
        """The address's failures inside the window; an address with none is not kept (every
        sign-in asks, and the addresses that only succeed must not pile up)."""
        seen = self._seen.get(address) or deque()
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if seen:
            self._seen[address] = seen
        else:
            self._seen.pop(address, None)
        return seen

    def blocked(self, address: str, now: float) -> bool:
        with self._lock:
            return len(self._recent(address, now)) >= self.limit

    def failed(self, address: str, now: float) -> None:
        with self._lock:
            seen = self._recent(address, now)
            seen.append(now)
            self._seen[address] = seen


class AccountUseCases(Core):
    credentials: CredentialTable
    address_failures: AddressFailures

    def __init__(self, settings: Settings, adapters: Adapters) -> None:
        self.credentials = adapters.credentials
        self.address_failures = AddressFailures(
            settings.sign_in_failures_per_address, settings.sign_in_failure_window_seconds
        )
        self.secret_box = SecretBox(adapters.subject_keys.master_key, adapters.subject_keys.suite)
        super().__init__(settings, adapters)

    def account(self, account: UUID) -> Account:
        return self.load(Account, account)

    def account_named(self, username: str) -> Account | None:
        try:
            return self.load(Account, account_id(checked_username(username)))
        except (NotFound, InvalidInput):
            return None

    @use_case(R.SECURITY_ADMIN)
    def create_account(
        self,
        command: Command,
        *,
        username: str,
        display_name: str,
        person_id: UUID | None = None,
    ) -> list[Record]:
        name = checked_username(username)
        if self.account_named(name) is not None:
            raise UsernameTaken(name)
        return [
            Account.create(
                username=name, display_name=display_name, person_id=person_id, actor=command.actor
            )
        ]

    @use_case(R.SECURITY_ADMIN)
    def grant_role(
        self, command: Command, account: UUID, *, role: Role, scope: str = "", reason: str
    ) -> list[Record]:
        held = self.load(Account, account, command)
        scope = checked_scope(scope)
        named = scope_kind(role, scope)
        if named is not None:
            self.require(*named)
        held.grant(role=role, scope=scope, reason=reason, actor=command.actor)
        return [held]

    @use_case(R.SECURITY_ADMIN)
    def revoke_role(
        self, command: Command, account: UUID, *, role: Role, scope: str = "", reason: str
    ) -> list[Record]:
        held = self.load(Account, account, command)
        if role is R.SECURITY_ADMIN:
            self._keep_a_security_administrator(held)
        held.revoke(role=role, scope=scope, reason=reason, actor=command.actor)
        return [held]

    @use_case(R.SECURITY_ADMIN)
    def disable_account(self, command: Command, account: UUID, *, reason: str) -> list[Record]:
        held = self.load(Account, account, command)
        if held.holds(R.SECURITY_ADMIN):
            self._keep_a_security_administrator(held)
        held.disable(reason=reason, actor=command.actor)
        return [held]

    @use_case(R.SECURITY_ADMIN)
    def reenable_account(self, command: Command, account: UUID, *, reason: str) -> list[Record]:
        held = self.load(Account, account, command)
        held.reenable(reason=reason, actor=command.actor)
        return [held]

    @use_case(R.SECURITY_ADMIN)
    def unlock_account(self, command: Command, account: UUID, *, reason: str) -> list[Record]:
        held = self.load(Account, account, command)
        held.unlock(reason=reason, actor=command.actor)
        self.credentials.clear_failures(str(held.id))
        return [held]

    def reset_password(self, command: Command, account: UUID, *, password: str) -> Outcome:
        """A temporary password set by the security administrator: recorded (the fact only),
        then stored; its holder must change it at the next sign-in."""
        check_may_run(command.actor, self._record_password_reset)
        held = self.account(account)
        hashed = hash_password(check_password(password, held.username))
        outcome = self._record_password_reset(command, account)
        if outcome.replayed and self._password_changed_since(account, outcome.version):
            # A reset sent again late (the same command id) must not undo a later change,
            # the holder's own or another reset, without a record of its own.
            return outcome
        self.credentials.set_password_hash(str(account), hashed, time.time())
        return outcome

    def _password_changed_since(self, account: UUID, version: int) -> bool:
        later = self.repository.event_store.get(account, gt=version)
        return any(type(event).__name__ == "PasswordChanged" for event in later)

    @use_case(R.SECURITY_ADMIN)
    def _record_password_reset(self, command: Command, account: UUID) -> list[Record]:
        held = self.load(Account, account, command)
        held.password_changed(by_holder=False, actor=command.actor)
        return [held]

    def change_own_password(
        self, command: Command, *, current: str, new: str, session: str = ""
    ) -> Outcome:
        """The holder's own change: the current password proves it is them."""
        held = self._own_account(command.actor)
        if not password_matches(self.credentials.password_hash(str(held.id)), current):
            raise WrongCurrentPassword()
        hashed = hash_password(check_password(new, held.username))
        self._own_password_changing(held.id, session)
        outcome = self._record_own_password_change(command)
        self.credentials.set_password_hash(str(held.id), hashed, time.time())
        return outcome

    def _own_password_changing(self, account: UUID, keeping: str) -> None:
        """Just before the holder's new password is recorded (sessions.py ends the others)."""

    @use_case(*ROLES_OF_PEOPLE)
    def _record_own_password_change(self, command: Command) -> list[Record]:
        held = self._own_account(command.actor)
        held.password_changed(by_holder=True, actor=command.actor)
        return [held]

    def sign_in(self, *, username: str, password: str, address: str, code: str = "") -> SignedIn:
        """The account, if the password is its own (and the code its second factor's, once it
        has one) and it may sign in now; SignInRefused (or TooManyAttempts for the address)
        otherwise. A run of failures, of either factor, locks the account."""
        now = time.time()
        if self.address_failures.blocked(address, now):
            raise TooManyAttempts()
        held = self.account_named(username) if len(username) <= 64 else None
        hashed = self.credentials.password_hash(str(held.id)) if held else None
        good = len(password) <= MAX_LENGTH and password_matches(hashed, password)
        moment = self.clock()
        if held is None or not good or held.disabled or held.is_locked(moment):
            self.address_failures.failed(address, now)
            if held is not None and not good:
                self._count_failure(held, address, now, moment)
            raise SignInRefused()
        if held.second_factor:
            if not code.strip():
                raise SecondFactorRequired()
            if not self._second_factor_holds(held, code):
                self.address_failures.failed(address, now)
                self._count_failure(held, address, now, moment)
                raise SignInRefused()
        self.credentials.clear_failures(str(held.id))
        self._record_sign_in(held, address)
        if hashed is not None and needs_rehash(hashed):
            self.credentials.set_password_hash(str(held.id), hash_password(password), now)
        return SignedIn(
            held.id,
            held.username,
            held.display_name,
            tuple(held.grants),
            held.must_change_password,
            self._needs_second_factor(held) and not held.second_factor,
        )

    def sign_in_elsewhere(self, *, username: str, address: str, issuer: str) -> SignedIn:
        """The account the identity service vouched for (its second factor is the service's):
        only an existing one, unless accounts are to be opened for it (without a role: the
        security administrator grants roles here). Administrators sign in here, with their
        own second factor, unless the service is trusted for them."""
        held = self.account_named(username) if len(username) <= 64 else None
        if held is None and self.settings.oidc_create_accounts:
            held = self._opened_for_identity_service(username)
        if held is None:
            raise UnknownElsewhere()
        if held.disabled or held.is_locked(self.clock()):
            raise SignInRefused()
        admin = any(g.role in ADMINISTRATORS for g in held.grants)
        if admin and not self.settings.oidc_trusted_for_administrators:
            raise AdministratorsSignInHere()
        for _ in range(3):
            held.signed_in_elsewhere(address=address, issuer=issuer)
            try:
                with clocked_by(self.clock):
                    self.save(held)
                break
            except IntegrityError:
                held = self.load(Account, held.id)
        return SignedIn(held.id, held.username, held.display_name, tuple(held.grants), False, False)

    def _opened_for_identity_service(self, username: str) -> Account | None:
        try:
            name = checked_username(username)
        except InvalidInput:
            return None
        opener = Actor("system:sso", "统一身份认证", R.SECURITY_ADMIN)
        with contextlib.suppress(UsernameTaken):  # opened meanwhile by another sign-in
            self.create_account(Command(opener), username=name, display_name=name)
        return self.account_named(name)

    def _needs_second_factor(self, held: Account) -> bool:
        if self.settings.require_second_factor == "all":
            return True
        return any(g.role in ADMINISTRATORS for g in held.grants)

    def _second_factor_holds(self, held: Account, code: str) -> bool:
        """A TOTP code not used before, or one of the unused recovery codes (struck off)."""
        factor = self.credentials.second_factor(str(held.id))
        if factor.secret is None or len(code) > MAX_CODE:
            return False
        step = matching_step(self.secret_box.open(str(held.id), factor.secret), code)
        if step is not None:
            return self.credentials.accept_step(str(held.id), step)
        return self.credentials.use_recovery(str(held.id), recovery_hash(code))

    def reseal_second_factors(self) -> tuple[int, int]:
        """Every stored TOTP secret, and every one being enrolled, sealed as the suite seals
        now (`yishiting seal rewrap`: SM4-GCM under gm); the secrets themselves stay, so the
        holders' apps go on working. Returns (moved, already so); one re-enrolled or reset
        meanwhile is left as that left it."""
        moved = already = 0
        for holder, secret, pending in self.credentials.sealed_second_factors():
            for is_pending, sealed in ((False, secret), (True, pending)):
                if sealed is None:
                    continue
                resealed = self.secret_box.resealed(holder, sealed)
                if resealed is None:
                    already += 1
                elif self.credentials.reseal_second_factor(holder, is_pending, sealed, resealed):
                    moved += 1
        return moved, already

    def begin_second_factor(self, command: Command) -> Enrolment:
        """A new TOTP secret for the holder's authenticator app, kept pending until a code
        from it confirms that the app has it."""
        held = self._own_account(command.actor)
        if held.second_factor:
            raise SecondFactorState(
                "已绑定动态口令,须由安全管理员重置后重新绑定",
                "a second factor is enrolled: the security administrator resets it first",
            )
        enrolment = new_enrolment(held.username)
        sealed = self.secret_box.seal(str(held.id), enrolment.secret)
        self.credentials.set_pending_second_factor(str(held.id), sealed, time.time())
        return enrolment

    def confirm_second_factor(self, command: Command, *, code: str) -> list[str]:
        """Enrols the pending secret once a code from it is right: recorded, then kept; the
        ten recovery codes are returned once and kept only as hashes."""
        held = self._own_account(command.actor)
        factor = self.credentials.second_factor(str(held.id))
        if factor.pending is None or held.second_factor:
            raise SecondFactorState(
                "没有待确认的动态口令绑定", "no second factor is being enrolled"
            )
        step = matching_step(self.secret_box.open(str(held.id), factor.pending), code)
        if step is None:
            raise WrongCode()
        codes = new_recovery_codes()
        self._record_second_factor(command)
        self.credentials.activate_second_factor(str(held.id), [recovery_hash(c) for c in codes])
        self.credentials.accept_step(str(held.id), step)
        return codes

    @use_case(*ROLES_OF_PEOPLE)
    def _record_second_factor(self, command: Command) -> list[Record]:
        held = self._own_account(command.actor)
        held.second_factor_enrolled(actor=command.actor)
        return [held]

    def reset_second_factor(self, command: Command, account: UUID, *, reason: str) -> Outcome:
        """The security administrator's reset (a lost phone): recorded, then the secret and
        the recovery codes are gone; the holder enrols again."""
        check_may_run(command.actor, self._record_second_factor_reset)
        outcome = self._record_second_factor_reset(command, account, reason=reason)
        self.credentials.clear_second_factor(str(account))
        return outcome

    @use_case(R.SECURITY_ADMIN)
    def _record_second_factor_reset(
        self, command: Command, account: UUID, *, reason: str
    ) -> list[Record]:
        held = self.load(Account, account, command)
        held.reset_second_factor(reason=reason, actor=command.actor)
        return [held]

    def _count_failure(self, held: Account, address: str, now: float, moment: datetime) -> None:
        """Counts the failure; records it while the run is short of the lock, and the lock
        when it is reached. So the log takes at most `sign_in_failures` failures and one lock
        per account per lockout, however many are tried: the rest are only counted (here, and
        per address), and unknown usernames never reach the log."""
        if held.is_locked(moment):
            return
        window = self.settings.sign_in_failure_window_seconds
        run = self.credentials.record_failure(str(held.id), now, window)
        if run.count > self.settings.sign_in_failures:
            return
        held.sign_in_failed(address=address, failures=run.count)
        if run.count == self.settings.sign_in_failures:
            until = moment + timedelta(seconds=self.settings.lockout_seconds)
            held.lock(until=until, failures=run.count, actor=SYSTEM)
        try:
            with clocked_by(self.clock):
                self.save(held)
        except IntegrityError:
            return  # recorded meanwhile by another sign-in of the same account: counted only
        if run.count == self.settings.sign_in_failures:
            self.credentials.clear_failures(str(held.id))

    def _record_sign_in(self, held: Account, address: str) -> None:
        """The sign-in as a security event on the account; a change saved meanwhile (an
        administrator's, another sign-in's) is read and the event recorded after it."""
        for _ in range(3):
            held.signed_in(address=address, second_factor=held.second_factor)
            try:
                with clocked_by(self.clock):
                    self.save(held)
                return
            except IntegrityError:
                held = self.load(Account, held.id)
        raise ConcurrentModification()

    def _own_account(self, actor: Actor) -> Account:
        prefix, _, own = actor.id.partition(":")
        if prefix != "account" or not own:
            raise AccountOnly()
        return self.load(Account, UUID(own))

    def _keep_a_security_administrator(self, leaving: Account) -> None:
        others = [
            a
            for a in self.accounts()
            if a.id != leaving.id and a.holds(R.SECURITY_ADMIN) and not a.disabled
        ]
        if not others:
            raise LastSecurityAdministrator()

    def accounts(self) -> list[Account]:
        """Every account, from the log (accounts are few: hundreds, not millions)."""
        created = self.recorder.select_notifications(None, EVERY_ACCOUNT, topics=[CREATED])
        return [self.load(Account, UUID(str(n.originator_id))) for n in created]
