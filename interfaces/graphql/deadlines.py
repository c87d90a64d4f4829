"""Deadlines in GraphQL: an item's due-date basis and last reminder (督办提醒), the filter value
for 'due within N working days', and the dashboard's count of items due soon."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from application.calendar import MAX_WORKING_DAYS
from domain import vocabulary as v
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import bad_input
from interfaces.graphql.terms import TERMS, term
from projections.reads.dashboard import DashboardFilter, items_due_soon
from projections.reads.deadlines import deadlines_of
from projections.store import Row


@strawberry.type(description="到期提醒 A deadline reminder (督办提醒)")
class DeadlineReminder:
    kind: TERMS[v.ReminderKind]
    due_on: date = strawberry.field(description="办理期限 Due date")
    working_days_left: int = strawberry.field(
        description="剩余工作日(逾期为负) Working days left, negative when overdue"
    )
    reminded_on: date = strawberry.field(description="提醒日期 Day of the reminder")

    @classmethod
    def from_row(cls, row: Row) -> DeadlineReminder:
        return cls(
            kind=term(v.ReminderKind, row["reminder_kind"]),
            due_on=date.fromisoformat(row["reminder_due_on"]),
            working_days_left=row["reminder_working_days_left"],
            reminded_on=date.fromisoformat(row["reminded_on"]),
        )


def _loader(info: Info) -> DataLoader[str, Row | None]:
    """One per request, as the context's other loaders, seeing what the caller may read."""
    context: Any = info.context
    loader: DataLoader[str, Row | None] | None = getattr(context, "deadline_loader", None)
    if loader is None:
        store, seen_by = context.system.store, context.seen_by

        async def load(keys: list[str]) -> list[Row | None]:
            rows = await blocking(deadlines_of, store, list(keys), seen_by)
            return [rows.get(k) for k in keys]

        loader = context.deadline_loader = DataLoader(load_fn=load)
    return loader


async def last_reminder(info: Info, item_id: str) -> DeadlineReminder | None:
    row = await _loader(info).load(item_id)
    return DeadlineReminder.from_row(row) if row and row["reminder_kind"] else None


async def due_basis(info: Info, item_id: str) -> tuple[int | None, bool]:
    """The working days the due date was set in, and whether Mon–Fri had to be assumed."""
    row = await _loader(info).load(item_id)
    if row is None:
        return None, False
    return row["due_in_working_days"], bool(row["weekdays_assumed"])


def working_days(value: int | None, field: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_WORKING_DAYS:
        raise bad_input(
            f"工作日数须在0到{MAX_WORKING_DAYS}之间",
            f"'{field}' must be 0..{MAX_WORKING_DAYS}",
            field=field,
        )
    return value


async def count_due_soon(info: Info, where: DashboardFilter | None, within: int | None) -> int:
    context: Any = info.context
    days = working_days(within, "withinWorkingDays")
    if days is None:
        days = context.system.settings.reminder_within_working_days
    system = context.system
    return await blocking(
        items_due_soon,
        system.store,
        where or DashboardFilter(),
        days,
        context.seen_by,
        context.loaders.calendar(),
    )
