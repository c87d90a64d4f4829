"""A view: tables, and one handler per event it cares about, applied inside a transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

import orjson
from eventsourcing.persistence import Tracking

from application.fences.eventsourcing_internals import EveryEventProjection
from application.memo import Memo
from projections.store import Row, Tx, direct, pending_of

Handler = Callable[[Any, Any, Tx], None]
H = TypeVar("H", bound=Handler)


def handles(*event_classes: type) -> Callable[[H], H]:
    """Marks a method as the view's handler for these event classes."""

    def mark(method: H) -> H:
        method.__handles__ = event_classes  # type: ignore[attr-defined]
        return method

    return mark


class View(EveryEventProjection):
    """An eventsourcing Projection whose view is a set of SQL tables.

    The batch runner calls `apply` for many events in one transaction; `process_event` is the
    stock one-commit-per-event path, kept for the stock ProjectionRunner (and its benchmark)."""

    feed: ClassVar[str] = "event"
    """What `apply` receives: the decoded "event", the "stored" notification, or "both"."""
    rebuildable: ClassVar[bool] = True
    tables: ClassVar[tuple[str, ...]] = ()
    indexes: ClassVar[tuple[str, ...]] = ()
    read_indexes: ClassVar[tuple[str, ...]] = ()
    """Those of `indexes` the view's own handlers read by: kept while a rebuild fills the
    tables (the others are built once the rows are in)."""
    handlers: ClassVar[dict[type, Handler]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {
            event_class: member
            for member in vars(cls).values()
            for event_class in getattr(member, "__handles__", ())
        }

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)

    def begin_batch(self, tx: Tx) -> None:
        """Called at the start of each batch's transaction."""

    def end_batch(self, tx: Tx) -> None:
        """Called once the batch's held rows are written, before the views' positions."""

    def apply(self, event: Any, tx: Tx) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(self, event, tx)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply_one(self, domain_event, tracking)

    @property
    def table_names(self) -> list[str]:
        return [ddl.split("(")[0].split()[-1] for ddl in self.tables]


def iso(moment: datetime | None) -> str | None:
    """The moment in UTC, to the microsecond: `2026-11-27T03:29:19.231535+00:00`.

    A rebuild formats a moment or two per event: orjson writes the same text as `isoformat`
    in about a fifth of the time, except that it leaves out a zero microsecond (put back)."""
    if not moment:
        return None
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if type(moment) is not datetime:
        return moment.isoformat(timespec="microseconds")
    text = orjson.dumps(moment)[1:-1].decode()
    return text if moment.microsecond else f"{text[:19]}.000000{text[19:]}"


def id_text(value: UUID) -> str:
    """`str(value)`: an id as the views store it. orjson writes the same canonical form, in
    about a third of the time (a rebuild writes several ids per event)."""
    if type(value) is UUID:
        return orjson.dumps(value)[1:-1].decode()
    return str(value)


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def days_between(start: str | None, end: datetime) -> float | None:
    if start is None:
        return None
    return round((end - datetime.fromisoformat(start)).total_seconds() / 86400, 4)


class Remembered:
    """Values that never change once written (when a record was proposed or opened), kept by
    the projector to spare a read per event; a miss looks at the batch's held row, then reads
    the view."""

    def __init__(self, table: str, column: str, limit: int = 200_000) -> None:
        self.table = table
        self.column = column
        self.sql = f"SELECT {column} FROM {table} WHERE id = ?"
        self._values: Memo[str, Any] = Memo(limit)

    def remember(self, key: str, value: Any) -> None:
        self._values.keep(key, value)

    def recall(self, tx: Tx, key: str) -> Any:
        if key not in self._values:
            held = held_row(tx, self.table, key)
            # Not held: the row, if any, is in the view already (no held row to write first).
            row = held if held is not None else direct(tx).one(self.sql, (key,))
            if row is None:
                return None
            self.remember(key, row[self.column])
        return self._values[key]


# ----------------------------------------------------------------------------------------------
# Rows written through the batch: inserts held until the batch's end, updates applied to a held
# row in memory, or sent as an UPDATE when the row is already in the view. The SQL and the
# Python of each update say the same thing, so either way the row ends the same to the byte.


class Expr:
    """A SET expression that reads the row: its SQL (with `?` placeholders) and the same
    computation in Python, on the row as it was before the UPDATE (as SQL sees it)."""

    __slots__ = ("compute", "params", "sql")

    def __init__(self, sql: str, params: tuple[Any, ...], compute: Callable[[Row], Any]) -> None:
        self.sql = sql
        self.params = params
        self.compute = compute


def plus(column: str, amount: int = 1) -> Expr:
    return Expr(f"{column} + ?", (amount,), lambda row: row[column] + amount)


def coalesce(column: str, value: Any) -> Expr:
    return Expr(
        f"COALESCE({column}, ?)",
        (value,),
        lambda row: row[column] if row[column] is not None else value,
    )


def held_row(tx: Tx, table: str, key: Any) -> Row | None:
    pending = pending_of(tx)
    return pending.row(table, key) if pending is not None else None


def insert(tx: Tx, table: str, row: Row, key: Any = None, on_conflict: str = "") -> None:
    """Inserts `row` (every column, in the table's order): held until the batch writes its rows,
    or at once outside a batch. `on_conflict` ends the statement (an upsert)."""
    pending = pending_of(tx)
    if pending is not None:
        pending.add(table, row, key, on_conflict)
        return
    tx.execute(
        f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        + on_conflict,
        tuple(row.values()),
    )


def update(tx: Tx, table: str, key: str, sets: dict[str, Any]) -> None:
    """`UPDATE table SET … WHERE id = key`: in memory when the batch holds the row."""
    row = held_row(tx, table, key)
    if row is not None:
        row.update(
            {
                column: value.compute(row) if isinstance(value, Expr) else value
                for column, value in sets.items()
            }
        )
        return
    assignments: list[str] = []
    params: list[Any] = []
    for column, value in sets.items():
        if isinstance(value, Expr):
            assignments.append(f"{column} = {value.sql}")
            params.extend(value.params)
        else:
            assignments.append(f"{column} = ?")
            params.append(value)
    # The row is not held, so the statement depends on nothing the batch still holds.
    direct(tx).execute(f"UPDATE {table} SET {', '.join(assignments)} WHERE id = ?", (*params, key))
