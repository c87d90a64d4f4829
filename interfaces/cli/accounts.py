"""`yishiting account …`: the security administrator's work on accounts from the server's
command line — and the way the first security administrator is made in production (every
later one is made by a security administrator). Each change is recorded in the log under the
operator named by `--by`; passwords are asked for without echo, or read from standard input
(`--password-stdin`), and never printed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from application.passwords import check_password
from application.receipts import Command
from domain.accounts import Account
from domain.base import Actor
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap

console = Console()
account_app = typer.Typer(help="账号 Accounts (安全管理员 the security administrator's)")

BY = typer.Option("security-cli", "--by", help="操作人编号 the operator's id, recorded")
REASON = typer.Option(..., help="理由 why (recorded)")
STDIN = typer.Option(
    False, "--password-stdin", help="从标准输入读取密码 read the password from standard input"
)


def _operator(by: str) -> Command:
    return Command(Actor.checked(by, "安全管理员(命令行)", Role.SECURITY_ADMIN))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    entered: str = typer.prompt(
        "临时密码 temporary password", hide_input=True, confirmation_prompt=True
    )
    return entered


def _with_system(work: Callable[[System], str]) -> None:
    system = bootstrap()
    try:
        console.print(work(system), highlight=False)
        system.projector.catch_up()
    except DomainError as refusal:
        _refuse(f"{escape(refusal.message)} ({refusal.code})", 1)
    finally:
        system.close()


def _refuse(message: str, status: int) -> NoReturn:
    console.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(status)


def _named(system: System, username: str) -> Account:
    account = system.app.account_named(username)
    if account is None:
        _refuse(f"找不到账号 no such account: {escape(username)}", 1)
    return account


def _role(code: str) -> Role:
    try:
        return Role.parse(code)
    except DomainError as error:
        _refuse(f"{escape(error.message)} ({error.code})", 2)


@account_app.command("create")
def create(
    username: str = typer.Argument(..., help="用户名 username"),
    name: str = typer.Option(..., "--name", help="姓名 display name"),
    role: str = typer.Option("", help="同时授予的角色 a role to grant at once"),
    scope: str = typer.Option("", help="角色范围 the role's scope"),
    reason: str = typer.Option("", help="授予理由 why the role is granted"),
    by: str = BY,
    password_stdin: bool = STDIN,
) -> None:
    """创建账号并设临时密码 Create an account with a temporary password (and a role)."""
    granted = _role(role) if role else None
    password = _password(password_stdin)

    def work(system: System) -> str:
        check_password(password, username.strip().lower())  # refused before anything is stored
        operator = _operator(by)
        account = system.app.create_account(operator, username=username, display_name=name).id
        system.app.reset_password(operator, account, password=password)
        if granted is not None:
            system.app.grant_role(operator, account, role=granted, scope=scope, reason=reason)
        roles = f";角色 role: {granted.label}" if granted else ""
        return f"已创建账号 created: {escape(username.strip().lower())}{roles}(首次登录须改密码)"

    _with_system(work)


def _role_change(
    done: str, mark: str, change: Callable[[System, Command, Account, Role, str, str], object]
) -> Callable[[str, str, str, str, str], None]:
    def command(
        username: str = typer.Argument(...),
        role: str = typer.Option(..., help="角色 role code"),
        scope: str = typer.Option("", help="范围 scope"),
        reason: str = REASON,
        by: str = BY,
    ) -> None:
        changed = _role(role)

        def work(system: System) -> str:
            account = _named(system, username)
            change(system, _operator(by), account, changed, scope, reason)
            return f"{done}: {escape(account.username)} {mark} {changed.label}"

        _with_system(work)

    return command


account_app.command("grant", help="授予角色 Grant a role.")(
    _role_change(
        "已授予 granted",
        "←",
        lambda s, c, a, role, scope, r: s.app.grant_role(c, a.id, role=role, scope=scope, reason=r),
    )
)
account_app.command("revoke", help="撤销角色 Revoke a role.")(
    _role_change(
        "已撤销 revoked",
        "✕",
        lambda s, c, a, role, scope, r: s.app.revoke_role(
            c, a.id, role=role, scope=scope, reason=r
        ),
    )
)


def _state_change(
    verb_zh: str, verb_en: str, change: Callable[[System, Command, Account, str], object]
) -> Callable[[str, str, str], None]:
    def command(username: str = typer.Argument(...), reason: str = REASON, by: str = BY) -> None:
        def work(system: System) -> str:
            account = _named(system, username)
            change(system, _operator(by), account, reason)
            return f"已{verb_zh} {verb_en}: {escape(account.username)}"

        _with_system(work)

    return command


account_app.command("disable", help="停用账号 Disable an account.")(
    _state_change("停用", "disabled", lambda s, c, a, r: s.app.disable_account(c, a.id, reason=r))
)
account_app.command("enable", help="重新启用账号 Re-enable an account.")(
    _state_change("启用", "enabled", lambda s, c, a, r: s.app.reenable_account(c, a.id, reason=r))
)
account_app.command(
    "reset-second-factor", help="重置动态口令(第二因子) Reset a lost second factor."
)(
    _state_change(
        "重置动态口令",
        "second factor reset",
        lambda s, c, a, r: s.app.reset_second_factor(c, a.id, reason=r),
    )
)
account_app.command("unlock", help="解锁账号 Unlock an account locked by failed sign-ins.")(
    _state_change("解锁", "unlocked", lambda s, c, a, r: s.app.unlock_account(c, a.id, reason=r))
)


@account_app.command("reset-password")
def reset_password(
    username: str = typer.Argument(...), by: str = BY, password_stdin: bool = STDIN
) -> None:
    """重置为临时密码 Reset to a temporary password (changed at the next sign-in)."""
    password = _password(password_stdin)

    def work(system: System) -> str:
        account = _named(system, username)
        system.app.reset_password(_operator(by), account.id, password=password)
        return f"已重置密码 password reset: {escape(account.username)}(下次登录须修改)"

    _with_system(work)


@account_app.command("list")
def list_accounts() -> None:
    """列出账号 The accounts, their roles and state."""

    def work(system: System) -> str:
        lines = ["用户名 username | 姓名 name | 角色 roles | 状态 state"]
        moment = system.app.clock()
        for account in sorted(system.app.accounts(), key=lambda a: a.username):
            roles = "、".join(g.label for g in account.grants) or "-"
            state = (
                "已停用 disabled"
                if account.disabled
                else "已锁定 locked"
                if account.is_locked(moment)
                else "正常 active"
            )
            lines.append(
                f"{escape(account.username)} | {escape(account.display_name)} | {escape(roles)}"
                f" | {state}"
            )
        return "\n".join(lines)

    _with_system(work)


@account_app.command("token-issue")
def token_issue(
    username: str = typer.Argument(..., help="对接账号的用户名 the integration account"),
    name: str = typer.Option(..., "--name", help="令牌名称 what the token is for"),
    role: str = typer.Option("integration", help="令牌代表的角色 the role it acts in"),
    scope: str = typer.Option("", help="角色范围 the role's scope"),
    by: str = BY,
) -> None:
    """签发接口令牌(仅显示一次) Issue a named API token (shown this once)."""
    acting = _role(role)

    def work(system: System) -> str:
        account = _named(system, username)
        issued = system.app.issue_api_token(
            _operator(by), account.id, name=name, role=acting, scope=scope
        )
        return (
            f"已签发令牌 issued {issued.token_id}(仅显示这一次 shown this once):\n{issued.secret}"
        )

    _with_system(work)


@account_app.command("tokens")
def tokens(username: str = typer.Argument(...)) -> None:
    """列出账号的接口令牌 An account's API tokens (never their values)."""

    def work(system: System) -> str:
        account = _named(system, username)
        lines = ["编号 id | 名称 name | 角色 role | 签发 issued | 状态 state"]
        for row in system.app.api_tokens(account.id):
            state = f"已吊销 revoked({row.revoke_reason})" if row.revoked_at else "有效 live"
            issued = datetime.fromtimestamp(row.created_at, UTC).isoformat(timespec="seconds")
            lines.append(
                f"{row.token_id} | {escape(row.name)} | {Role.parse(row.role).label}"
                f" | {issued} | {escape(state)}"
            )
        return "\n".join(lines)

    _with_system(work)


@account_app.command("token-revoke")
def token_revoke(
    username: str = typer.Argument(...),
    token_id: str = typer.Argument(..., help="令牌编号 the token's id"),
    reason: str = REASON,
    by: str = BY,
) -> None:
    """吊销接口令牌(下一次请求起失效) Revoke an API token (refused from the next request)."""

    def work(system: System) -> str:
        account = _named(system, username)
        system.app.revoke_api_token(_operator(by), account.id, token_id=token_id, reason=reason)
        return f"已吊销令牌 revoked: {escape(token_id)}"

    _with_system(work)
