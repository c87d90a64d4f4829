"""What integration consumers are served from: the feed, the log watcher that wakes live
readers, and the webhook deliverer with its state. Built by the composition root."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from application.settings import Settings
from projections.outbound.feed import EventFeed
from projections.outbound.watch import LogWatcher
from projections.outbound.webhooks.deliverer import Deliverer, Policy
from projections.outbound.webhooks.state import DeliveryState
from projections.reads.queries import ViewQueries
from projections.runner import Projector


@dataclass
class Integration:
    watcher: LogWatcher
    feed: EventFeed
    deliveries: DeliveryState
    deliverer: Deliverer

    _waking: threading.Event = field(default_factory=threading.Event)
    _waker: threading.Thread | None = None

    def start(self, *, delivering: bool, projector: Projector | None = None) -> None:
        """Starts watching the log (and delivering); with `projector`, the projector of this
        process is woken as soon as the log grows (commits of other processes included),
        rather than at its next poll: what a command waits for its views is that long less."""
        self.watcher.start()
        if delivering:
            self.deliverer.start()
        if projector is not None:
            self._waking.set()
            self._waker = threading.Thread(
                target=self._wake, args=(projector,), name="projector-waker", daemon=True
            )
            self._waker.start()

    def stop(self) -> bool:
        """Stops delivering, waking and watching; True once all their threads have finished
        (they read the log and the views: the stores may then close)."""
        self._waking.clear()
        delivered = self.deliverer.stop()  # interrupts the signal's waiters: the waker stops
        watched = self.watcher.stop()
        if self._waker is not None:
            self._waker.join(timeout=5)
        woken = self._waker is None or not self._waker.is_alive()
        return delivered and watched and woken

    def _wake(self, projector: Projector) -> None:
        signal = self.watcher.signal
        seen = signal.position
        # A closed signal answers every wait at once: waiting on would spin, starving the
        # threads that shutdown is draining of the interpreter.
        while self._waking.is_set() and not signal.closed:
            position = signal.wait(seen, 1.0)
            if position > seen:
                seen = position
                projector.wake()


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
        concurrency=settings.webhook_concurrency,
        suite=settings.crypto_suite,
    )
    watcher = LogWatcher(app, app.database, app.log_signal)
    watcher.on_views(projector.views_channel, projector.views_announced)
    return Integration(
        watcher=watcher,
        feed=feed,
        deliveries=deliveries,
        deliverer=Deliverer(app, feed, deliveries, app.log_signal, policy, app.webhook_targets),
    )
