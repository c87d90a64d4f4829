"""A view: tables, and one handler per event it cares about, applied inside a transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from projections.store import Tx

Handler = Callable[[Any, Any, Tx], None]
H = TypeVar("H", bound=Handler)


def handles(*event_classes: type) -> Callable[[H], H]:
    """Marks a method as the view's handler for these event classes."""

    def mark(method: H) -> H:
        method.__handles__ = event_classes  # type: ignore[attr-defined]
        return method

    return mark


class View(Projection[Any]):
    """An eventsourcing Projection whose view is a set of SQL tables.

    The batch runner calls `apply` for many events in one transaction; `process_event` is the
    stock one-commit-per-event path, kept for the stock ProjectionRunner (and its benchmark)."""

    feed: ClassVar[str] = "event"
    """What `apply` receives: the decoded "event", the "stored" notification, or "both"."""
    rebuildable: ClassVar[bool] = True
    tables: ClassVar[tuple[str, ...]] = ()
    indexes: ClassVar[tuple[str, ...]] = ()
    handlers: ClassVar[dict[type, Handler]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {
            event_class: member
            for member in vars(cls).values()
            for event_class in getattr(member, "__handles__", ())
        }
        cls.topics = ()

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)

    def begin_batch(self, tx: Tx) -> None:
        """Called at the start of each batch's transaction."""

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
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def days_between(start: str | None, end: datetime) -> float | None:
    if start is None:
        return None
    return round((end - datetime.fromisoformat(start)).total_seconds() / 86400, 4)


class Remembered:
    """Values that never change once written (when a record was proposed or opened), kept by
    the projector to spare a read per event; a miss reads the view."""

    def __init__(self, sql: str, column: str, limit: int = 200_000) -> None:
        self.sql = sql
        self.column = column
        self.limit = limit
        self._values: dict[str, Any] = {}

    def remember(self, key: str, value: Any) -> None:
        if len(self._values) >= self.limit:
            self._values.clear()
        self._values[key] = value

    def recall(self, tx: Tx, key: str) -> Any:
        if key not in self._values:
            row = tx.one(self.sql, (key,))
            if row is None:
                return None
            self.remember(key, row[self.column])
        return self._values[key]
