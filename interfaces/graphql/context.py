"""Per-request context: the system, the acting person, and DataLoaders (one set per operation)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from application.calendar import WorkingCalendar
from application.permissions import Visibility, sees_personal_data, visibility
from application.receipts import Outcome
from domain.base import Actor
from domain.errors import DomainError
from interfaces.bootstrap import System
from interfaces.doors import Caller, Doors
from interfaces.edge.blocking import blocking
from interfaces.edge.consistency import views_reach_the_command
from interfaces.edge.limits import WriteRateLimit
from interfaces.edge.observability import Metrics
from projections.store import Row

T = TypeVar("T")


class Loaders:
    """DataLoaders for one operation, seeing only the rows the caller may read: each made when
    the operation first asks for it (most operations use none or a few of them)."""

    def __init__(self, system: System, seen_by: Visibility) -> None:
        self.seen_by = seen_by
        self.tables: dict[str, DataLoader[str, Row | None]] = {}
        # Whole reference tables (platforms, committees, units) read with a page, for this
        # operation only: its nodes then resolve theirs without a DataLoader task each, and a
        # renamed or moved platform shows in the next operation (interfaces/graphql/types.py).
        self.references: dict[str, dict[str, Row]] = {}
        self._made: dict[tuple[str, str], Any] = {}
        self._system = system
        self._calendar: WorkingCalendar | None = None

    @cached_property
    def consultations_of_topic(self) -> DataLoader[str, list[Row]]:
        return self._grouped("consultation_calendar", "topic_id")

    @cached_property
    def participants_of_consultation(self) -> DataLoader[str, list[Row]]:
        return self._grouped("consultation_participants", "consultation_id")

    @cached_property
    def roster_links_of_consultation(self) -> DataLoader[str, list[Row]]:
        return self._grouped("participant_links", "consultation_id")

    @cached_property
    def notes_of_consultation(self) -> DataLoader[str, list[Row]]:
        return self._grouped("consultation_notes", "consultation_id")

    @cached_property
    def items_of_consultation(self) -> DataLoader[str, list[Row]]:
        return self._grouped("supervision_ledger", "consultation_id")

    def calendar(self) -> WorkingCalendar:
        """The working calendar for this operation: each year's entered schedule is read from
        the log once, however many of its fields reckon working days (the dashboard's warning
        and due-soon count); the next operation reads them again."""
        if self._calendar is None:
            self._calendar = self._system.app.working_calendar()
        return self._calendar

    def row(self, table: str, identifier: str | None) -> Awaitable[Row | None]:
        if identifier is None:
            future: asyncio.Future[Row | None] = asyncio.get_running_loop().create_future()
            future.set_result(None)
            return future
        loader = self.tables.get(table)
        if loader is None:
            loader = self.tables[table] = self._by_ids(table)
        return loader.load(identifier)

    def reference(self, table: str, identifier: str, make: Callable[[Row], T]) -> T | None:
        """The object for a row of a loaded reference table, made once per operation."""
        key = (table, identifier)
        if key not in self._made:
            row = self.references[table].get(identifier)
            self._made[key] = make(row) if row else None
        made: T | None = self._made[key]
        return made

    def _by_ids(self, table: str) -> DataLoader[str, Row | None]:
        fetch, seen_by = self._system.queries.by_ids, self.seen_by

        async def load(keys: list[str]) -> list[Row | None]:
            rows = await blocking(fetch, table, list(keys), seen_by)
            return [rows.get(k) for k in keys]

        return DataLoader(load_fn=load)

    def _grouped(self, table: str, column: str) -> DataLoader[str, list[Row]]:
        fetch, seen_by = self._system.queries.ids_of, self.seen_by

        async def load(keys: list[str]) -> list[list[Row]]:
            rows = await blocking(fetch, table, column, list(keys), seen_by)
            groups: dict[str, list[Row]] = {k: [] for k in keys}
            for row in rows:
                groups[row[column]].append(row)
            return [groups[k] for k in keys]

        return DataLoader(load_fn=load)


class Context(BaseContext):
    def __init__(
        self,
        system: System,
        actor: Actor,
        *,
        limiter: WriteRateLimit | None = None,
        public_view: bool = True,
        metrics: Metrics | None = None,
        caller: Caller | None = None,
    ) -> None:
        super().__init__()
        self.metrics = metrics
        self.system = system
        self.actor = actor
        self.limiter = limiter
        self.public_view = public_view
        self.seen_by = visibility(actor)
        self.loaders = Loaders(system, self.seen_by)
        self.caller: Caller = caller or Caller(actor)
        self.doors: Doors | None = None  # a WebSocket's: asked whether its caller may go on
        self.close_reason: str | None = None  # a refused WebSocket's, for its close frame
        # The log position of this operation's commands answered before the views showed them
        # (`readYourWrites: false`): what a payload's record waits for before it is read.
        self.unseen: int | None = None

    def answered_before_the_views(self, outcome: Outcome) -> Outcome:
        """The outcome of a command answered without waiting for its views, noted so that the
        operation's later reads of them wait."""
        if outcome.position is not None:
            self.unseen = max(self.unseen or 0, outcome.position)
        return outcome

    async def views_show_own_writes(self) -> None:
        """Waits until the views show the commands this operation answered before them."""
        if self.unseen is not None:
            await views_reach_the_command(self.system, self.unseen)

    def refusal(self) -> DomainError | None:
        """Why a WebSocket's caller may no longer act (token expired or revoked, session
        ended), or None; an HTTP request's caller was checked as it came in."""
        if self.doors is None:
            return None
        return self.doors.refusal(self.caller)

    def sees_personal_data(self, platform_id: object) -> bool:
        return sees_personal_data(self.actor, platform_id)

    def act_as(self, caller: Caller, doors: Doors | None = None) -> None:
        """A WebSocket's caller, known once its connection_init has been checked."""
        actor = self.actor = caller.actor
        self.caller, self.doors = caller, doors
        self.seen_by = visibility(actor)
        self.renew_loaders()

    def renew_loaders(self) -> None:
        """A WebSocket's context lives as long as the connection: each message of a
        subscription gets fresh DataLoaders, so no cached row outlives its operation."""
        self.loaders = Loaders(self.system, self.seen_by)
