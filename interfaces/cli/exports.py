"""`yishiting export supervision --format xlsx|csv --output FILE`: the problem list as the
seed's form 督办落实情况, everything the system sees, filtered as over HTTP; `yishiting export
members --year Y --format xlsx [--output FILE]`: the members' participation report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import typer
from rich.console import Console

from application.permissions import Visibility
from domain.errors import DomainError
from domain.holidays import FIRST_YEAR, LAST_YEAR
from domain.vocabulary import ItemStatus
from interfaces.bootstrap import bootstrap
from interfaces.cli.terminal import refuse, shown
from interfaces.export.csv_file import csv_bytes
from interfaces.export.members_sheet import member_report, members_workbook
from interfaces.export.supervision_form import FormFilter, supervision_form
from interfaces.export.xlsx import workbook_bytes

export_app = typer.Typer(help="导出 Export", no_args_is_help=True)
console = Console()
RENDER = {"xlsx": workbook_bytes, "csv": csv_bytes}


@export_app.command("supervision")
def export_supervision(
    output: Path = typer.Option(..., help="输出文件 output file"),
    format: str = typer.Option("xlsx", help="xlsx 或 csv"),
    platform: str | None = typer.Option(None, help="协商议事平台编号 platform id"),
    committee: str | None = typer.Option(None, help="政协责任委室编号 committee id"),
    unit: str | None = typer.Option(None, help="交办单位编号 unit id"),
    status: str | None = typer.Option(None, help="督办状态 status code, e.g. in_progress"),
    period_from: datetime | None = typer.Option(
        None, "--from", formats=["%Y-%m-%d"], help="起始日(含) first day"
    ),
    period_to: datetime | None = typer.Option(
        None, "--to", formats=["%Y-%m-%d"], help="截止日(含) last day"
    ),
    department: str | None = typer.Option(None, help="填报部门 reporting department"),
) -> None:
    """导出督办落实情况 Export the supervision form (xlsx print-ready, or CSV)."""
    if format not in RENDER:
        refuse(
            console, "UNKNOWN_FORMAT", f"格式须为 xlsx 或 csv:{format} (format must be xlsx or csv)"
        )
    try:
        where = FormFilter(
            platform_id=_id(platform),
            committee_id=_id(committee),
            unit_id=_id(unit),
            status=ItemStatus.parse(status).code if status else None,
            period_from=period_from.date() if period_from else None,
            period_to=period_to.date() if period_to else None,
        )
    except DomainError as error:
        refuse(console, error.code, error.message)
    system = bootstrap()
    try:
        system.projector.catch_up()
        form = supervision_form(system, where, Visibility(everything=True), department)
    finally:
        system.close()
    _write(output, RENDER[format](form))
    console.print(f"已导出 exported {len(form.rows)} 项 items → {shown(str(output))}")


def _write(output: Path, body: bytes) -> None:
    try:
        output.write_bytes(body)
    except OSError as error:
        refuse(
            console,
            "OUTPUT_NOT_WRITABLE",
            f"无法写入输出文件:{output} (cannot write the output file: {error.strerror})",
        )


def _id(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(UUID(value))
    except ValueError:
        refuse(console, "INVALID_ID", f"无效的编号:{value} (invalid id)")


@export_app.command("members")
def export_members(
    year: int = typer.Option(..., help="年份 year"),
    format: str = typer.Option("xlsx", help="xlsx"),
    output: Path | None = typer.Option(None, help="输出文件(默认 委员履职-YEAR.xlsx) output file"),
) -> None:
    """导出委员履职年度报告 Export the members' participation report of a year (xlsx)."""
    if format != "xlsx":
        refuse(console, "UNKNOWN_FORMAT", f"格式须为 xlsx:{format} (format must be xlsx)")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        refuse(
            console,
            "YEAR_OUT_OF_RANGE",
            f"年份须在{FIRST_YEAR}至{LAST_YEAR}之间:{year} (year out of range)",
        )
    system = bootstrap()
    try:
        system.projector.catch_up()
        records = member_report(system.store, year, None, restricted_content=True)
    finally:
        system.close()
    target = output or Path(f"委员履职-{year}.xlsx")
    _write(target, members_workbook(records, year))
    console.print(f"已导出 exported {len(records)} 名委员 members → {shown(str(target))}")
