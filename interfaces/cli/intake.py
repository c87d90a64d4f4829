"""`yishiting import hotline FILE --platform ID`: 12345 work orders into a platform. Exits 0 when
every row was taken in, 1 when some rows were refused (reported), 2 when the file was refused."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from domain.errors import DomainError
from interfaces.bootstrap import System, bootstrap
from interfaces.cli.terminal import refuse, shown
from interfaces.intake.importer import ImportReport, import_file
from interfaces.intake.reader import ImportLimits, UnreadableFile

import_app = typer.Typer(help="导入 Import", no_args_is_help=True)
console = Console()
SHOWN_ERRORS = 20
NOTHING_IMPORTED = " 未导入任何工单 nothing was imported"


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
    if report is not None:
        _write_report(report, ImportReport())  # an unwritable report refuses before any import
    system = bootstrap()
    try:
        outcome = _run(system, file, platform_id, format or None)
        system.projector.catch_up()
    finally:
        system.close()
    console.print(outcome.summary())
    for error in outcome.errors[:SHOWN_ERRORS]:
        console.print(
            f"  第{error.line}行 row {error.line} {shown(error.ticket)}: {shown(error.message)}"
        )
    if report is not None:
        _write_report(report, outcome)
        console.print(f"出错行报告 errors report: {shown(str(report))}")
    if outcome.errors:
        raise typer.Exit(1)


def _run(system: System, file: Path, platform_id: UUID, format: str | None) -> ImportReport:
    limits = ImportLimits.of(system.settings)
    with Progress(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("导入工单 importing", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return import_file(system.app, file, platform_id, format, advance, limits=limits)
        except UnreadableFile as error:
            refuse(console, error.code, error.message, NOTHING_IMPORTED)
        except DomainError as error:
            refuse(console, error.code, error.message, NOTHING_IMPORTED)


def _write_report(report: Path, outcome: ImportReport) -> None:
    try:
        report.write_bytes(outcome.errors_csv())
    except OSError as error:
        refuse(
            console,
            "REPORT_NOT_WRITABLE",
            f"无法写入出错行报告:{report} (cannot write the errors report: {error.strerror})",
        )


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        refuse(console, "INVALID_ID", f"无效的平台编号:{value} (invalid platform id)")
