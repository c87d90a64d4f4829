"""The views run the stock eventsourcing way, the baseline the benchmarks compare with: a
`ProjectionRunner` subscribed to the application calls `process_event` once per event, and each
event is applied in a transaction of its own together with its tracking record (exactly-once,
one commit per event). The same View classes and SQL as the batching Projector (those fed domain
events), so the work per event is the same; only the transactions differ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL

from projections.runner import VIEWS
from projections.store import PostgresTx, Tx
from projections.views.base import View

STOCK_VIEWS: tuple[type[View], ...] = tuple(
    view for view in VIEWS if getattr(view, "feed", "event") == "event"
)
"""The views a stock runner can feed: those that take decoded domain events (not the stored
notification, as the ledger does)."""


class PostgresViewRecorder(PostgresTrackingRecorder):
    """A materialised view for `ProjectionRunner(view_class=...)`: the views' tables and the
    tracking table in the recorder's schema (POSTGRES_SCHEMA of the projection's environment).

    The views' SQL names its tables without a schema, so this recorder's connections open with
    their search_path set to that schema."""

    views: ClassVar[Sequence[type[View]]] = STOCK_VIEWS

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        if not datastore.pool.closed:
            raise RuntimeError("the datastore's pool is open: its search_path cannot be set")
        connect_kwargs = datastore.pool.kwargs
        assert isinstance(connect_kwargs, dict)
        connect_kwargs["options"] = f"-c search_path={datastore.schema}"
        for view in self.views:
            self.sql_create_statements.extend(SQL(ddl) for ddl in (*view.tables, *view.indexes))

    def apply_one(self, projection: View, event: Any, tracking: Tracking) -> None:
        """One event: its rows and its tracking record in one transaction, committed."""
        with self.datastore.transaction(commit=True) as curs:
            projection.apply(event, PostgresTx(curs))
            self._insert_tracking(curs, tracking)


class StockViews(View):
    """The views as one stock projection: each event goes to every view (as the Projector does
    in its batches), in one transaction per event."""

    name = "stock_views"

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)
        self.parts = [cls() for cls in STOCK_VIEWS]

    def apply(self, event: Any, tx: Tx) -> None:
        for part in self.parts:
            part.apply(event, tx)
