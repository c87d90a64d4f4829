"""Per-request context: the system, the acting person, and DataLoaders (one set per operation)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from domain.base import Actor
from interfaces.bootstrap import System
from projections.store import Row

T = TypeVar("T")


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The application and the views are synchronous: run them off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


class Loaders:
    def __init__(self, system: System) -> None:
        queries = system.queries
        self.tables: dict[str, DataLoader[str, Row | None]] = {}
        for table in (
            "topic_board",
            "consultation_calendar",
            "supervision_ledger",
            "ref_platforms",
            "ref_committees",
            "ref_units",
            "ref_people",
        ):
            self.tables[table] = DataLoader(load_fn=self._by_ids(queries.by_ids, table))
        self.consultations_of_topic = DataLoader(
            load_fn=self._grouped(queries.ids_of, "consultation_calendar", "topic_id")
        )
        self.participants_of_consultation = DataLoader(
            load_fn=self._grouped(queries.ids_of, "consultation_participants", "consultation_id")
        )
        self.notes_of_consultation = DataLoader(
            load_fn=self._grouped(queries.ids_of, "consultation_notes", "consultation_id")
        )
        self.items_of_consultation = DataLoader(
            load_fn=self._grouped(queries.ids_of, "supervision_ledger", "consultation_id")
        )

    def row(self, table: str, identifier: str | None) -> Awaitable[Row | None]:
        if identifier is None:
            future: asyncio.Future[Row | None] = asyncio.get_running_loop().create_future()
            future.set_result(None)
            return future
        return self.tables[table].load(identifier)

    @staticmethod
    def _by_ids(fetch: Callable[[str, list[str]], dict[str, Row]], table: str) -> Any:
        async def load(keys: list[str]) -> list[Row | None]:
            rows = await blocking(fetch, table, list(keys))
            return [rows.get(k) for k in keys]

        return load

    @staticmethod
    def _grouped(fetch: Callable[[str, str, list[str]], list[Row]], table: str, column: str) -> Any:
        async def load(keys: list[str]) -> list[list[Row]]:
            rows = await blocking(fetch, table, column, list(keys))
            groups: dict[str, list[Row]] = {k: [] for k in keys}
            for row in rows:
                groups[row[column]].append(row)
            return [groups[k] for k in keys]

        return load


class Context(BaseContext):
    def __init__(self, system: System, actor: Actor) -> None:
        super().__init__()
        self.system = system
        self.actor = actor
        self.loaders = Loaders(system)
