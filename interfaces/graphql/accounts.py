"""Accounts through GraphQL (三权分立): the security administrator lists and administers them;
the audit administrator reads them and the security audit (accounts' events: created, roles
granted and revoked, sign-ins and their failures, locks), and changes nothing. Passwords go in
(a temporary one, checked by the password rules) and never come out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from application.app import Yishiting
from application.permissions import Visibility
from application.receipts import Command, Outcome
from domain import vocabulary as v
from domain.accounts import Account as AccountRecord
from domain.vocabulary import Role
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import UserError, from_cursor, parse_id
from interfaces.graphql.audit import AuditEvent
from interfaces.graphql.mutations.base import Changed, CommandInput, execute, payload
from interfaces.graphql.reads import Connection, _connection, _first
from interfaces.graphql.terms import ENUMS, TERMS, domain_value, term
from interfaces.graphql.types import ctx
from projections.reads.audit import AuditFilter, AuditQueries
from projections.reads.queries import InvalidCursor

ACCOUNT_READERS = frozenset({Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
SECURITY_AUDIT = Visibility(everything=True, security=True)


def _allowed(info: Info, roles: frozenset[Role], what_zh: str, what_en: str) -> None:
    actor = ctx(info).actor
    if actor.role not in roles:
        raise UserError(
            f"“{actor.role.label}”无权{what_zh} (only {what_en})", "FORBIDDEN", "NOT_PERMITTED"
        )


@strawberry.type(description="账号的一个角色 A role an account holds")
class HeldRole:
    role: TERMS[v.Role]  # type: ignore[valid-type]
    scope: str


@strawberry.type(description="账号 An account (never its password or second factor's secret)")
class Account:
    id: strawberry.ID
    username: str
    display_name: str
    roles: list[HeldRole]
    disabled: bool
    locked_until: datetime | None = strawberry.field(description="锁定至 Locked until (UTC)")
    second_factor: bool = strawberry.field(description="已绑定动态口令 TOTP enrolled")
    must_change_password: bool
    version: int

    @classmethod
    def of(cls, record: AccountRecord) -> Account:
        return cls(
            id=strawberry.ID(str(record.id)),
            username=record.username,
            display_name=record.display_name,
            roles=[HeldRole(role=term(v.Role, g.role.code), scope=g.scope) for g in record.grants],
            disabled=record.disabled,
            locked_until=record.locked_until,
            second_factor=record.second_factor,
            must_change_password=record.must_change_password,
            version=record.version,
        )


@strawberry.type
class AccountPayload(Changed):
    @strawberry.field
    async def account(self, info: Info) -> Account:
        record = await blocking(ctx(info).system.app.account, parse_id(self.id))
        return Account.of(record)


@strawberry.input
class CreateAccountInput(CommandInput):
    username: str
    display_name: str


@strawberry.input
class RoleChangeInput(CommandInput):
    account_id: strawberry.ID
    role: ENUMS[v.Role]  # type: ignore[valid-type]
    scope: str = ""
    reason: str


@strawberry.input
class AccountStateInput(CommandInput):
    account_id: strawberry.ID
    reason: str


@strawberry.input
class GrantRoleInput(RoleChangeInput):
    pass


@strawberry.input
class RevokeRoleInput(RoleChangeInput):
    pass


@strawberry.input
class DisableAccountInput(AccountStateInput):
    pass


@strawberry.input
class ReenableAccountInput(AccountStateInput):
    pass


@strawberry.input
class UnlockAccountInput(AccountStateInput):
    pass


@strawberry.input
class ResetSecondFactorInput(AccountStateInput):
    pass


@strawberry.input
class ResetPasswordInput(CommandInput):
    account_id: strawberry.ID
    temporary_password: str


@strawberry.type
class AccountQueries:
    @strawberry.field(description="账号列表(安全管理员、审计管理员) Every account")
    async def accounts(self, info: Info) -> list[Account]:
        _allowed(info, ACCOUNT_READERS, "查看账号", "the security and audit administrators")
        records = await blocking(ctx(info).system.app.accounts)
        return [Account.of(r) for r in sorted(records, key=lambda r: r.username)]

    @strawberry.field(description="安全审计:账号的全部事件(审计管理员) The security audit")
    async def security_audit(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[AuditEvent]:
        _allowed(info, frozenset({Role.AUDIT_ADMIN}), "查看安全审计", "the audit administrator")
        queries = AuditQueries(ctx(info).system.store)
        where = AuditFilter(aggregate_type="Account")
        try:
            page = await blocking(queries.trail, where, _first(first), after, SECURITY_AUDIT)
        except InvalidCursor as error:
            raise from_cursor(error) from None
        return _connection(page, AuditEvent.from_row, after)


async def _on_account(
    info: Info, input: Any, change: Callable[[Yishiting, Command, UUID], Outcome]
) -> AccountPayload:
    """Runs `change` on the account the input names, as the caller."""
    app, account = ctx(info).system.app, parse_id(input.account_id, "accountId")
    outcome = await execute(info, input, lambda command: change(app, command, account))
    return payload(AccountPayload, outcome)  # type: ignore[return-value]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="创建账号(安全管理员) Create an account")
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.create_account(
                c, username=input.username, display_name=input.display_name
            ),
        )
        return payload(AccountPayload, outcome)  # type: ignore[return-value]

    @strawberry.mutation(description="授予角色 Grant a role (with a reason)")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> AccountPayload:
        role = domain_value(v.Role, input.role)
        return await _on_account(
            info,
            input,
            lambda app, c, a: app.grant_role(
                c, a, role=role, scope=input.scope, reason=input.reason
            ),
        )

    @strawberry.mutation(description="撤销角色 Revoke a role (with a reason)")
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> AccountPayload:
        role = domain_value(v.Role, input.role)
        return await _on_account(
            info,
            input,
            lambda app, c, a: app.revoke_role(
                c, a, role=role, scope=input.scope, reason=input.reason
            ),
        )

    @strawberry.mutation(description="停用账号 Disable an account")
    async def disable_account(self, info: Info, input: DisableAccountInput) -> AccountPayload:
        return await _on_account(
            info, input, lambda app, c, a: app.disable_account(c, a, reason=input.reason)
        )

    @strawberry.mutation(description="重新启用账号 Re-enable an account")
    async def reenable_account(self, info: Info, input: ReenableAccountInput) -> AccountPayload:
        return await _on_account(
            info, input, lambda app, c, a: app.reenable_account(c, a, reason=input.reason)
        )

    @strawberry.mutation(description="解锁账号 Unlock an account locked by failed sign-ins")
    async def unlock_account(self, info: Info, input: UnlockAccountInput) -> AccountPayload:
        return await _on_account(
            info, input, lambda app, c, a: app.unlock_account(c, a, reason=input.reason)
        )

    @strawberry.mutation(description="重置为临时密码 Reset to a temporary password")
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> AccountPayload:
        return await _on_account(
            info,
            input,
            lambda app, c, a: app.reset_password(c, a, password=input.temporary_password),
        )

    @strawberry.mutation(description="重置动态口令 Reset a lost second factor")
    async def reset_second_factor(
        self, info: Info, input: ResetSecondFactorInput
    ) -> AccountPayload:
        return await _on_account(
            info, input, lambda app, c, a: app.reset_second_factor(c, a, reason=input.reason)
        )
