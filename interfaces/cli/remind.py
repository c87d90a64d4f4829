"""`yishiting remind`: the daily deadline reminder (督办提醒), run by a scheduler once a day."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import typer
from rich.console import Console

from application.calendar import local_date
from application.receipts import Command
from domain.base import SYSTEM, now
from domain.errors import DomainError
from interfaces.bootstrap import System, bootstrap
from projections.reads.deadlines import items_to_remind

console = Console()


def remind(
    within: int | None = typer.Option(
        None, help="提前提醒的工作日数 working days ahead (default: the setting, 3)"
    ),
    today: datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"], help="按此日提醒 remind as of this day (default: today)"
    ),
) -> None:
    """发出到期提醒 Remind of open items overdue or due within N working days (once a day)."""
    system = bootstrap()
    try:
        issued, skipped = remind_due_items(system, today.date() if today else None, within)
    finally:
        system.close()
    console.print(f"已提醒 reminded {issued} 项 items; 今日已提醒或无需提醒 skipped {skipped}")


def remind_due_items(
    system: System, today: date | None = None, within: int | None = None
) -> tuple[int, int]:
    """Issues today's reminders; running it again the same day adds nothing."""
    day = today or local_date(now())
    days = system.settings.reminder_within_working_days if within is None else within
    system.projector.catch_up()
    issued = skipped = 0
    for item_id in items_to_remind(system.store, day, days, system.app.working_calendar()):
        try:
            outcome = system.app.remind_of_deadline(
                Command(SYSTEM), UUID(item_id), today=day, within=days
            )
        except DomainError:
            skipped += 1
            continue
        issued += not outcome.replayed
        skipped += outcome.replayed
    system.projector.catch_up()
    return issued, skipped
