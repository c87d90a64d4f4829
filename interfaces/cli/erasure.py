"""`yishiting erase`: erase a data subject's personal data, or (`--repair`) complete every
erasure recorded but left unfinished."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from application.receipts import Command, Outcome
from domain.base import Actor
from domain.errors import DomainError
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap

console = Console()


def erase(
    subject: str = typer.Argument("", help="数据主体编号 the data subject id"),
    reason: str = typer.Option("", help="删除理由 why, e.g. 本人申请"),
    admin: str = typer.Option("admin-cli", help="操作的管理员编号 the administrator's id"),
    repair: bool = typer.Option(
        False,
        "--repair",
        help="完成所有已记录但未完成的删除 complete every erasure recorded but not finished",
    ),
) -> None:
    """删除某数据主体的个人信息(不可恢复) Erase a data subject's personal data everywhere;
    running it again completes an erasure that was interrupted."""
    if not repair and not subject:
        _refuse("须给出数据主体编号,或使用 --repair (give a subject id, or --repair)")
    system = bootstrap()
    try:
        if repair:
            _repair(system)
        else:
            _erase(system, subject, reason, admin)
    except DomainError as refusal:
        console.print(f"[red]{escape(refusal.message)}[/red] ({refusal.code})")
        raise typer.Exit(1) from None
    finally:
        system.close()


def _erase(system: System, subject: str, reason: str, admin: str) -> None:
    outcome = system.app.erase_subject(
        Command(Actor(admin, "系统管理员", Role.ADMIN)), subject_id=subject, reason=reason
    )
    system.projector.catch_up()
    console.print(f"{_done(outcome)}: {escape(subject)} (记录 record {outcome.id})")


def _done(outcome: Outcome) -> str:
    if outcome.position is None:
        return "已完成此前中断的删除 completed the erasure recorded earlier"
    return "已删除 erased"


def _repair(system: System) -> None:
    completed = system.app.complete_erasures()
    system.projector.catch_up()
    if not completed:
        console.print("没有未完成的删除 no unfinished erasures")
        return
    console.print(f"已完成 {len(completed)} 项中断的删除 completed interrupted erasures:")
    for subject in completed:
        console.print(f"  {escape(subject)}")


def _refuse(message: str) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(2)
