"""The composition root: every entry point gets its application, views and projector here,
each built from the settings and handed what it works through (interfaces/server.py adds the
web edge's authenticator, limiter and metrics)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from application.app import Yishiting
from application.attachments.store import AttachmentStore
from application.core import Adapters
from application.credentials import credentials_for
from application.key_tables import KeyTable
from application.ledger.recorders import TaggedSQLiteRecorder
from application.ledger.signing import PublicKey, Signer
from application.ledger.suites import GM, INTERNATIONAL, suite_named
from application.ledger.tags import EventKey
from application.personal_data import KeysInTheAppend, SubjectKeys, key_table_for, master_key_from
from application.session_tables import sessions_for
from application.settings import Settings
from application.storage import Database
from application.transcodings import LogTranscoder
from application.webhook_targets import TargetScreen, allowed_networks
from domain.base import Clock, wall_clock
from projections.ledger import AuthenticEvents, CheckpointTimer, Ledger, LedgerView
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


def bootstrap(settings: Settings | None = None, *, clock: Clock = wall_clock) -> System:
    settings = settings or Settings()
    app = application_for(settings, clock=clock)
    # The views' tables are created here: one process at a time (see Database.setup_lock).
    with app.database.setup_lock():
        store = ViewStore(app.database, pool_size=settings.pool_size)
        projector = Projector(app, store, batch_size=settings.projector_batch_size)
        for view in projector.views:
            if isinstance(view, LedgerView):
                view.suite = suite_named(settings.crypto_suite)
        signer = ledger_signer(settings)
        ledger = Ledger(store, app, signer, clock=clock, keys=earlier_keys(settings))
        queries = ViewQueries(store)
        integration = integration_for(app, queries, projector, settings)
    # An event whose authenticity tag is missing or wrong is set aside: not applied to any
    # view, not sealed into the ledger (projections/ledger.py).
    projector.admission.append(AuthenticEvents(app, store))
    # Nor is it served on /events, to subscriptions or to webhook receivers (a checker per scan:
    # it keeps windows of tags and is not shared between threads).
    integration.feed.admission = lambda tags: AuthenticEvents(app, store, tags)
    timer = CheckpointTimer(ledger, settings.checkpoint_every, settings.checkpoint_seconds)
    projector.after_catch_up.append(lambda: timer(projector.reached))
    return System(settings, app, store, projector, queries, ledger, integration)


def application_for(
    settings: Settings | None = None,
    *,
    clock: Clock = wall_clock,
    key_table: KeyTable | None = None,
) -> Yishiting:
    """The application over the log the settings name, handed its adapters."""
    settings = settings or Settings()
    database = Database.from_url(settings.database_url)
    # The log's tables and the key table are created here: one process at a time.
    with database.setup_lock():
        adapters = adapters_for(settings, database, clock=clock, key_table=key_table)
        return Yishiting(settings, adapters)


def adapters_for(
    settings: Settings,
    database: Database,
    *,
    clock: Clock = wall_clock,
    key_table: KeyTable | None = None,
    env: dict[str, str] | None = None,
) -> Adapters:
    """The database prepared, the event key, the subjects' keys over their table (`key_table`,
    else the database's own), the recorder and the clock, for an application about to be made
    under the database's setup lock. `env` adds to eventsourcing's environment."""
    event_key = event_key_for(settings, database)
    database.prepare()
    master_key = master_key_from(settings.personal_data_key)
    subject_keys = SubjectKeys(
        key_table or key_table_for(database), master_key, settings.crypto_suite
    )
    persistence = {**persistence_for(settings, database), **(env or {})}
    targets = TargetScreen(
        allowed_networks(settings.webhook_allowed_networks, settings.environment)
    )
    return Adapters(
        database,
        event_key,
        subject_keys,
        persistence,
        clock,
        settings.group_commit,
        targets,
        credentials_for(database),
        sessions_for(database),
        AttachmentStore(settings.attachment_store),
    )


def persistence_for(settings: Settings, database: Database) -> dict[str, str]:
    """eventsourcing's environment: where the log is and which recorder appends to it. Each
    tags its events; on PostgreSQL it also writes new subjects' keys in the append's own
    transaction. (In memory the tagging recorder is chosen by Core.construct_recorder.)"""
    env = database.persistence_env(settings.pool_size, settings.postgres_pre_ping)
    env["TRANSCODER_TOPIC"] = _topic(LogTranscoder)
    if database.engine == "postgresql":
        env["APPLICATION_RECORDER_TOPIC"] = _topic(KeysInTheAppend)
    if database.engine == "sqlite":
        env["APPLICATION_RECORDER_TOPIC"] = _topic(TaggedSQLiteRecorder)
    return env


def event_key_for(settings: Settings, database: Database) -> EventKey:
    """The key tagging events, from outside the database: only development may create its
    file; a log held in memory gets a key that lives as long as it does."""
    if database.engine == "memory":
        return EventKey.generate()
    return EventKey.from_file(
        Path(settings.event_key_file), create=settings.environment == "development"
    )


def _topic(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def ledger_signer(settings: Settings) -> Signer | None:
    """The checkpoint key of the configured suite, from outside the database; only
    development may create one. Where it is absent (an auditor's machine verifying with the
    public key alone) nothing is signed."""
    suite = suite_named(settings.crypto_suite)
    path = _key_file(settings, suite == GM)
    if settings.environment != "development" and not path.exists():
        log.warning("no ledger signing key at %s: checkpoints will not be signed here", path)
        return None
    return Signer.from_file(
        path,
        create=settings.environment == "development",
        suite=suite,
        user_id=settings.sm2_user_id.encode(),
    )


def earlier_keys(settings: Settings) -> list[PublicKey]:
    """The other suite's public key, where its key file is here: what checks the checkpoints
    of an epoch signed before the deployment switched suites (never created here)."""
    other = INTERNATIONAL if settings.crypto_suite == GM.name else GM
    path = _key_file(settings, other == GM)
    if not path.exists():
        return []
    signer = Signer.from_file(
        path, create=False, suite=other, user_id=settings.sm2_user_id.encode()
    )
    return [signer.public]


def _key_file(settings: Settings, sm2: bool) -> Path:
    return Path(settings.ledger_sm2_key_file if sm2 else settings.ledger_key_file)
