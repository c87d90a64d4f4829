"""What integration consumers are served from: the feed, the log watcher that wakes live
readers, and the webhook deliverer with its state. Built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.settings import Settings
from projections.feed import EventFeed
from projections.queries import ViewQueries
from projections.runner import Projector
from projections.watch import LogWatcher
from projections.webhooks.deliverer import Deliverer, Policy
from projections.webhooks.state import DeliveryState


@dataclass
class Integration:
    watcher: LogWatcher
    feed: EventFeed
    deliveries: DeliveryState
    deliverer: Deliverer

    def start(self, *, delivering: bool) -> None:
        self.watcher.start()
        if delivering:
            self.deliverer.start()

    def stop(self) -> None:
        self.deliverer.stop()
        self.watcher.stop()


def integration_for(
    app: Any, queries: ViewQueries, projector: Projector, settings: Settings
) -> Integration:
    feed = EventFeed(
        app,
        queries,
        projector.position,
        source=settings.event_source,
        base_url=settings.public_url,
    )
    deliveries = DeliveryState(projector.store)
    policy = Policy(
        timeout=settings.webhook_timeout_seconds,
        retry_base=settings.webhook_retry_base_seconds,
        retry_max=settings.webhook_retry_max_seconds,
        max_attempts=settings.webhook_max_attempts,
    )
    return Integration(
        watcher=LogWatcher(app, app.database, app.log_signal),
        feed=feed,
        deliveries=deliveries,
        deliverer=Deliverer(app, feed, deliveries, app.log_signal, policy),
    )
