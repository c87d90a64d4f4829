"""`yishiting import hotline FILE --platform ID`: 12345 work orders into a platform."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from application.app import Yishiting
from domain.errors import DomainError
from interfaces.bootstrap import bootstrap
from interfaces.intake.importer import ImportReport, import_file
from interfaces.intake.reader import UnreadableFile

import_app = typer.Typer(help="导入 Import", no_args_is_help=True)
console = Console()


@import_app.command("hotline")
def import_hotline(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="工单文件 csv or xlsx"),
    platform: str = typer.Option(..., help="协商议事平台编号 the platform's id"),
    format: str = typer.Option("", help="csv 或 xlsx (默认按扩展名 default: by suffix)"),
    report: Path | None = typer.Option(None, help="出错行报告 errors report (CSV)"),
) -> None:
    """导入12345工单为协商事项(可重复运行) Import 12345 work orders as proposed matters
    (idempotent on the ticket number; bad rows are reported, good rows imported)."""
    platform_id = _uuid(platform)
    system = bootstrap()
    try:
        outcome = _run(system.app, file, platform_id, format or None)
        system.projector.catch_up()
    finally:
        system.close()
    console.print(outcome.summary())
    for error in outcome.errors[:20]:
        console.print(f"  第{error.line}行 row {error.line} {error.ticket}: {error.message}")
    if report is not None:
        report.write_bytes(outcome.errors_csv())
        console.print(f"出错行报告 errors report: {report}")
    if outcome.errors:
        raise typer.Exit(1)


def _run(app: Yishiting, file: Path, platform_id: UUID, format: str | None) -> ImportReport:
    with Progress(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("导入工单 importing", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return import_file(app, file, platform_id, format, advance)
        except (UnreadableFile, DomainError) as error:
            console.print(f"[red]{error}[/red] 未导入任何工单 nothing was imported")
            raise typer.Exit(2) from None


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        console.print(f"[red]无效的平台编号 invalid platform id: {value}[/red]")
        raise typer.Exit(2) from None
