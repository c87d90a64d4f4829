"""`yishiting calendar`: a year's holiday schedule (节假日安排) entered from a JSON file, as
the system administrator enters it on the web page; and the entered years listed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from application.receipts import Command
from domain.base import Actor
from domain.errors import DomainError
from domain.holidays import Holiday
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap

console = Console()
calendar_app = typer.Typer(help="节假日安排 The years' holiday schedules", no_args_is_help=True)
FORMAT = (
    '{"year": 2027, "notice": "国办发明电〔2026〕X号", '
    '"holidays": [{"day": "2027-02-06", "festival": "春节"}, …], '
    '"workingDays": ["2027-01-31", …]}'
)


@calendar_app.command("enter")
def enter(
    file: Path = typer.Argument(..., help="安排文件(JSON) the schedule, as JSON"),
    reason: str = typer.Option("", help="替换已录入年份的理由 why, when replacing a year"),
    admin: str = typer.Option("admin-cli", help="操作的管理员编号 the administrator's id"),
) -> None:
    """录入或替换某年节假日安排 Enter a year's holiday schedule (or replace it, with --reason)."""
    given = _read(file)
    system = bootstrap()
    try:
        _enter(system, given, reason, admin)
    except DomainError as refusal:
        console.print(f"[red]{escape(refusal.message)}[/red] ({refusal.code})")
        raise typer.Exit(1) from None
    finally:
        system.close()


def _enter(system: System, given: dict[str, Any], reason: str, admin: str) -> None:
    outcome = system.app.enter_holiday_schedule(
        Command(Actor(admin, "系统管理员", Role.ADMIN)), **given, reason=reason
    )
    system.projector.catch_up()
    what = "已替换 replaced" if outcome.version > 1 else "已录入 entered"
    console.print(f"{what}: {given['year']}年节假日安排 (版本 version {outcome.version})")


def _read(file: Path) -> dict[str, Any]:
    """The file's schedule as the use case takes it; refused (exit 2) if it is not one."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return {
            "year": int(data["year"]),
            "notice": str(data["notice"]),
            "holidays": [
                Holiday(date.fromisoformat(h["day"]), str(h["festival"])) for h in data["holidays"]
            ],
            "working_days": [date.fromisoformat(d) for d in data.get("workingDays", [])],
        }
    except OSError as error:
        _refuse(f"无法读取文件 cannot read the file: {escape(str(error))}")
    except (ValueError, KeyError, TypeError, AttributeError):
        _refuse(f"文件须为如下格式的 JSON (the file must be JSON of this shape): {escape(FORMAT)}")


@calendar_app.command("list")
def list_schedules() -> None:
    """列出已录入的节假日安排 List the entered holiday schedules."""
    system = bootstrap()
    try:
        system.projector.catch_up()
        rows = system.queries.holiday_schedules()
    finally:
        system.close()
    if not rows:
        console.print("尚未录入任何年份的节假日安排 no schedule entered")
    for row in rows:
        off = len(json.loads(row["holidays"]))
        worked = len(json.loads(row["working_days"]))
        console.print(
            f"{row['year']} {escape(row['notice'])}: 放假 {off} 天 days off, "
            f"调休上班 {worked} 天 make-up days ({escape(row['entered_by'])})"
        )


def _refuse(message: str) -> NoReturn:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(2)
