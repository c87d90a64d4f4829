"""The composition root: every entry point gets its application, views and projector here."""

from __future__ import annotations

from dataclasses import dataclass

from application.app import Yishiting
from application.settings import Settings
from projections.queries import ViewQueries
from projections.runner import Projector
from projections.store import ViewStore


@dataclass
class System:
    settings: Settings
    app: Yishiting
    store: ViewStore
    projector: Projector
    queries: ViewQueries

    def close(self) -> None:
        self.projector.stop()
        self.store.close()
        self.app.close()


def bootstrap(settings: Settings | None = None) -> System:
    settings = settings or Settings()
    app = Yishiting(settings)
    store = ViewStore(app.database, pool_size=settings.pool_size)
    projector = Projector(app, store, batch_size=settings.projector_batch_size)
    return System(settings, app, store, projector, ViewQueries(store))
