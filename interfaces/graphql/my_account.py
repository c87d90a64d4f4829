"""One's own account through GraphQL (我的账号): who I am signed in as and my open sessions;
changing my password; enrolling my second factor (a QR code for the authenticator app, then
ten recovery codes shown once); ending a session left open elsewhere. And the security
administrator's named API tokens for integration accounts (each shown once, listed, revoked)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import segno
import strawberry
from strawberry.types import Info

from application.receipts import Command, Outcome
from application.session_tables import SessionRow, TokenRow
from application.sessions import IssuedToken
from domain import vocabulary as v
from domain.errors import DomainError
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import UserError, from_domain, parse_id, write_allowed
from interfaces.graphql.accounts import (
    ACCOUNT_READERS,
    Account,
    AccountPayload,
    _allowed,
    _on_account,
)
from interfaces.graphql.mutations.base import CommandInput, execute, payload
from interfaces.graphql.terms import ENUMS, TERMS, domain_value, term
from interfaces.graphql.times import moment_of_epoch
from interfaces.graphql.types import ctx

T = TypeVar("T")
TOKEN_ID = re.compile(r"[0-9a-f]{16}")
SESSION_ID_LENGTH = 16  # of the row's key (a hash): names a session, opens none


@strawberry.type(description="我的会话 A session of mine (this browser or another)")
class MySession:
    id: strawberry.ID
    address: str
    agent: str
    signed_in_at: datetime
    last_seen_at: datetime
    current: bool = strawberry.field(description="是否为本次会话 This very session")

    @classmethod
    def of(cls, row: SessionRow, current_key: str) -> MySession:
        return cls(
            id=strawberry.ID(row.key[:SESSION_ID_LENGTH]),
            address=row.address,
            agent=row.agent,
            signed_in_at=moment_of_epoch(row.created_at),
            last_seen_at=moment_of_epoch(row.last_seen),
            current=row.key == current_key,
        )


@strawberry.type(description="动态口令绑定 A second factor being enrolled")
class SecondFactorEnrolment:
    secret: str = strawberry.field(description="密钥(无法扫码时手工输入) The secret, to type")
    uri: str = strawberry.field(description="otpauth:// 地址 The authenticator's address")
    qr_svg: str = strawberry.field(description="二维码(SVG) The address as a QR code")


@strawberry.type(description="恢复码:仅显示这一次 Recovery codes, shown this once")
class RecoveryCodes:
    codes: list[str]


@strawberry.type(description="接口令牌 A named API token (never its value)")
class ApiToken:
    id: strawberry.ID
    name: str
    role: TERMS[v.Role]  # type: ignore[valid-type]
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str

    @classmethod
    def of(cls, row: TokenRow) -> ApiToken:
        return cls(
            id=strawberry.ID(row.token_id),
            name=row.name,
            role=term(v.Role, row.role),
            scope=row.scope,
            created_at=moment_of_epoch(row.created_at),
            last_used_at=moment_of_epoch(row.last_used),
            revoked_at=moment_of_epoch(row.revoked_at),
            revoke_reason=row.revoke_reason,
        )


@strawberry.type(description="新签发的接口令牌:仅显示这一次 A new token, shown this once")
class IssuedApiToken(AccountPayload):
    token_id: strawberry.ID
    token: str = strawberry.field(description="令牌(仅此一次;重发同一指令时为空) Shown once")


@strawberry.input
class ChangeOwnPasswordInput(CommandInput):
    current_password: str
    new_password: str


@strawberry.input
class IssueApiTokenInput(CommandInput):
    account_id: strawberry.ID
    name: str
    role: ENUMS[v.Role]  # type: ignore[valid-type]
    scope: str = ""


@strawberry.input
class RevokeApiTokenInput(CommandInput):
    account_id: strawberry.ID
    token_id: strawberry.ID
    reason: str


def qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, nl=False)
    return out.getvalue().decode()


async def _run(info: Info, work: Callable[[Command], T]) -> T:
    """A change that answers with something other than an outcome (codes, a token): the same
    rate limit and refusals as every mutation."""
    context = ctx(info)
    write_allowed(context.limiter, context.actor.id)
    try:
        return await blocking(work, Command(context.actor))
    except DomainError as error:
        raise from_domain(error) from None


async def _execute(
    info: Info, given: CommandInput, work: Callable[[Command], IssuedToken]
) -> IssuedToken:
    """`execute` (rate limit, idempotency, the views reached) for a change that answers
    with more than its outcome."""
    answered: list[IssuedToken] = []

    def use_case(command: Command) -> Outcome:
        answered.append(work(command))
        return answered[-1].outcome

    await execute(info, given, use_case)
    return answered[-1]


async def own_account(info: Info) -> Account | None:
    prefix, _, own = ctx(info).actor.id.partition(":")
    if prefix != "account":
        return None
    record = await blocking(ctx(info).system.app.account, parse_id(own))
    return Account.of(record)


async def own_sessions(info: Info) -> list[MySession]:
    context = ctx(info)
    rows = await _run(info, lambda c: context.system.app.sessions_of(c.actor))
    return [MySession.of(r, context.caller.session_key) for r in rows]


@strawberry.type
class MyAccountQueries:
    @strawberry.field(description="我的账号(以账号登录时) My account, when signed in as one")
    async def my_account(self, info: Info) -> Account | None:
        return await own_account(info)

    @strawberry.field(description="我的会话 My open sessions")
    async def my_sessions(self, info: Info) -> list[MySession]:
        return await own_sessions(info)

    @strawberry.field(description="账号的接口令牌(安全、审计管理员) An account's API tokens")
    async def api_tokens(self, info: Info, account_id: strawberry.ID) -> list[ApiToken]:
        _allowed(info, ACCOUNT_READERS, "查看接口令牌", "the security and audit administrators")
        account = parse_id(account_id, "accountId")
        rows = await blocking(ctx(info).system.app.api_tokens, account)
        return [ApiToken.of(r) for r in rows]


@strawberry.type
class MyAccountMutations:
    @strawberry.mutation(description="修改我的密码 Change my password")
    async def change_own_password(
        self, info: Info, input: ChangeOwnPasswordInput
    ) -> AccountPayload:
        context = ctx(info)
        outcome = await execute(
            info,
            input,
            lambda c: context.system.app.change_own_password(
                c,
                current=input.current_password,
                new=input.new_password,
                session=context.caller.session_key,
            ),
        )
        return payload(AccountPayload, outcome)  # type: ignore[return-value]

    @strawberry.mutation(description="开始绑定动态口令 Begin enrolling a second factor")
    async def begin_second_factor(self, info: Info) -> SecondFactorEnrolment:
        app = ctx(info).system.app
        enrolment = await _run(info, app.begin_second_factor)
        return SecondFactorEnrolment(
            secret=enrolment.secret, uri=enrolment.uri, qr_svg=qr_svg(enrolment.uri)
        )

    @strawberry.mutation(description="确认绑定动态口令 Confirm it with a code from the app")
    async def confirm_second_factor(self, info: Info, code: str) -> RecoveryCodes:
        app = ctx(info).system.app
        codes = await _run(info, lambda c: app.confirm_second_factor(c, code=code))
        return RecoveryCodes(codes=codes)

    @strawberry.mutation(description="结束我的某个会话 End one of my sessions")
    async def end_my_session(self, info: Info, session_id: strawberry.ID) -> bool:
        app = ctx(info).system.app
        await _run(info, lambda c: app.end_own_session(c.actor, str(session_id)))
        return True

    @strawberry.mutation(description="签发接口令牌(安全管理员) Issue a named API token")
    async def issue_api_token(self, info: Info, input: IssueApiTokenInput) -> IssuedApiToken:
        app, role = ctx(info).system.app, domain_value(v.Role, input.role)
        account = parse_id(input.account_id, "accountId")
        issued = await _execute(
            info,
            input,
            lambda c: app.issue_api_token(
                c, account, name=input.name, role=role, scope=input.scope
            ),
        )
        outcome = issued.outcome
        return IssuedApiToken(
            id=strawberry.ID(str(outcome.id)),
            version=outcome.version,
            position=outcome.position,
            token_id=strawberry.ID(issued.token_id),
            token=issued.secret,
        )

    @strawberry.mutation(description="吊销接口令牌(安全管理员) Revoke an API token")
    async def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> AccountPayload:
        return await _on_account(
            info,
            input,
            lambda app, c, a: app.revoke_api_token(
                c, a, token_id=_token_id(input.token_id), reason=input.reason
            ),
        )


def _token_id(given: str) -> str:
    if not TOKEN_ID.fullmatch(given):
        raise UserError(
            "令牌编号格式错误 (a token id is 16 hexadecimal digits)", "BAD_USER_INPUT", "INVALID_ID"
        )
    return given
