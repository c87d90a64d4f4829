"""The composition root: every entry point gets its application, views and projector here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from application.app import Yishiting
from application.ledger.signing import Signer
from application.settings import Settings
from projections.ledger import AuthenticEvents, Ledger
from projections.outbound.integration import Integration, integration_for
from projections.reads.queries import ViewQueries
from projections.runner import Projector
from projections.store import ViewStore

log = logging.getLogger("yishiting")


@dataclass
class System:
    settings: Settings
    app: Yishiting
    store: ViewStore
    projector: Projector
    queries: ViewQueries
    ledger: Ledger
    integration: Integration

    def close(self, *, stores: bool = True) -> None:
        """Stops this process's workers (webhooks, log watcher, projector), then closes the
        views' store and the log's. Without `stores`, or when a worker is still running,
        they are left open: no thread may read through a closed connection (on SQLite that
        crashes the process), and the process's exit lets them go."""
        stopped = self.integration.stop()
        stopped = self.projector.stop() and stopped
        if not stopped:
            log.error("shutdown: a worker thread did not stop; the stores are left open")
        if stores and stopped:
            self.store.close()
            self.app.close()


def bootstrap(settings: Settings | None = None) -> System:
    settings = settings or Settings()
    app = Yishiting(settings)
    # The views' tables are created here: one process at a time (see Database.setup_lock).
    with app.database.setup_lock():
        store = ViewStore(app.database, pool_size=settings.pool_size)
        projector = Projector(app, store, batch_size=settings.projector_batch_size)
        ledger = Ledger(store, app, ledger_signer(settings))
        queries = ViewQueries(store)
        integration = integration_for(app, queries, projector, settings)
    # An event whose authenticity tag is missing or wrong is set aside: not applied to any
    # view, not sealed into the ledger (projections/ledger.py).
    projector.admission.append(AuthenticEvents(app, store))
    # Nor is it served on /events, to subscriptions or to webhook receivers (a checker per scan:
    # it keeps windows of tags and is not shared between threads).
    integration.feed.admission = lambda: AuthenticEvents(app, store)
    projector.after_catch_up.append(
        lambda: ledger.maybe_checkpoint(settings.checkpoint_every, settings.checkpoint_seconds)
    )
    return System(settings, app, store, projector, queries, ledger, integration)


def ledger_signer(settings: Settings) -> Signer | None:
    """The checkpoint key, from outside the database; only development may create one. Where
    it is absent (an auditor's machine verifying with the public key alone) nothing is signed."""
    path = Path(settings.ledger_key_file)
    if settings.environment != "development" and not path.exists():
        log.warning("no ledger signing key at %s: checkpoints will not be signed here", path)
        return None
    return Signer.from_file(path, create=settings.environment == "development")
