"""Delivers the feed to each webhook subscriber: at least once, in log order, one event at a
time, signed; failures retried with exponential backoff and parked after too many; a 410 Gone
unsubscribes the receiver. A dispatching thread beside the projector hands each subscriber with
work to a bounded pool, one task per subscriber at a time: subscribers are served side by side,
so one that never answers holds up only itself, and each is served in order. Each attempt
screens the receiver's address again and connects to the address it checked. Never inside a
write."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as all_done
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.live import LogSignal
from application.publishing.envelope import EVENT_MEDIA_TYPE, position_of
from application.receipts import Command
from application.storage import STORAGE_UNAVAILABLE
from application.webhook_targets import Target, TargetScreen
from domain.base import SYSTEM, Actor
from domain.errors import InvalidInput
from domain.vocabulary import Role
from projections.outbound.feed import EventFeed, FeedQuery
from projections.outbound.webhooks.sender import Answer, post
from projections.outbound.webhooks.signing import SIGNATURE_HEADER, signature
from projections.outbound.webhooks.state import Delivery, DeliveryState, new_owner
from projections.store import Row

log = logging.getLogger("yishiting.webhooks")
READER = Actor("webhooks", "事件推送", Role.INTEGRATION)
BATCH = 50
IDLE_WAIT = 1.0
GONE_REASON = "接收方答复 410 Gone,自动退订 (the receiver answered 410 Gone: unsubscribed)"

Send = Callable[[Target, bytes, dict[str, str], float], Answer]


@dataclass(frozen=True)
class Policy:
    timeout: float = 10.0
    retry_base: float = 5.0
    retry_max: float = 3600.0
    max_attempts: int = 10
    concurrency: int = 8
    suite: str = "international"  # signatures: HMAC-SHA256, or HMAC-SM3 under gm

    @property
    def lease(self) -> float:
        return self.timeout + 5.0

    def retry_at(self, failures: int, now: float) -> float:
        return now + min(self.retry_base * 2 ** (failures - 1), self.retry_max)


class Deliverer:
    def __init__(
        self,
        app: Any,
        feed: EventFeed,
        state: DeliveryState,
        signal: LogSignal,
        policy: Policy,
        targets: TargetScreen,
        send: Send = post,
    ) -> None:
        self.app = app
        self.feed = feed
        self.state = state
        self.signal = signal
        self.policy = policy
        self.targets = targets
        self.send = send
        self.owner = new_owner()
        self._secrets: dict[tuple[str, int], str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._tasks: dict[str, Future[None]] = {}  # subscriber id → its task in the pool
        self._missed: set[str] = set()  # subscribers a round passed over while in a task
        self._lock = threading.Lock()

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self.policy.concurrency, thread_name_prefix="webhook")
        self._thread = threading.Thread(target=self.run_forever, name="webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> bool:
        """True once the dispatching thread and every delivery in flight have finished (each
        ends within the receiver's timeout)."""
        self._stop.set()
        self.signal.interrupt()
        bound = self.policy.timeout + 5
        if self._thread is not None:
            self._thread.join(timeout=bound)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            tasks = list(self._tasks.values())
        pending = all_done(tasks, timeout=bound).not_done
        return (self._thread is None or not self._thread.is_alive()) and not pending

    def run_forever(self) -> None:
        # Once the signal is closed (shutdown) a wait returns at once: the loop ends instead.
        while not self._stop.is_set() and not self.signal.closed:
            seen = self.signal.position
            try:
                subscribers = self.state.subscribers()
                self.dispatch(subscribers)
                wait = self._idle_wait(subscribers)
            except STORAGE_UNAVAILABLE as error:  # storage away: wait, then take up again
                log.warning("webhook deliveries paused: %s", error)
                wait = IDLE_WAIT
            except Exception:  # a fault: log it, keep the thread alive
                log.exception("webhook delivery round failed")
                wait = IDLE_WAIT
            self.signal.wait(seen, wait)

    def dispatch(self, subscribers: list[Row]) -> None:
        """Hands each subscriber that is due to the pool, unless it is in a task already (that
        task then looks again before it ends: what was appended meanwhile does not wait)."""
        assert self._pool is not None, "start() first"
        for subscriber in subscribers:
            if self._stop.is_set() or not self._due(subscriber):
                continue
            sid = subscriber["id"]
            with self._lock:
                if sid in self._tasks:
                    self._missed.add(sid)
                    continue
                self._tasks[sid] = self._pool.submit(self._drain, subscriber)

    def _drain(self, subscriber: Row) -> None:
        """Serves one subscriber until it has nothing to deliver or must wait for a retry."""
        sid, attempted = subscriber["id"], False
        try:
            while not self._stop.is_set():
                served = self._serve(subscriber)
                attempted |= served
                if not served and not self._passed_over(sid):
                    return
                current = self.state.subscriber(sid)
                if current is None or not current["active"]:
                    return
                subscriber = current
        except STORAGE_UNAVAILABLE as error:  # the next round takes it up again
            log.warning("webhook deliveries to %s paused: %s", sid, error)
        except Exception:  # a fault: logged; the next round serves the subscriber again
            log.exception("webhook deliveries to %s failed", sid)
        finally:
            with self._lock:
                self._tasks.pop(sid, None)
                self._missed.discard(sid)
            if attempted:  # a retry may now fall due before the dispatcher's next look
                self.signal.interrupt()

    def _passed_over(self, sid: str) -> bool:
        """Whether a round found this subscriber busy since it last looked (and forgets it)."""
        with self._lock:
            missed = sid in self._missed
            self._missed.discard(sid)
            return missed

    def _idle_wait(self, subscribers: list[Row]) -> float:
        """Until the log grows, or the next retry falls due, whichever is first (from the
        subscribers the round just read: one read of them per round, not two)."""
        now = time.time()
        retries = [
            s["next_attempt_at"] - now
            for s in subscribers
            if s["next_attempt_at"] and not s["parked"]
        ]
        return max(0.05, min([IDLE_WAIT, *retries]))

    @staticmethod
    def _due(subscriber: Row) -> bool:
        return not subscriber["parked"] and (subscriber["next_attempt_at"] or 0) <= time.time()

    def _serve(self, subscriber: Row) -> bool:
        if not self._due(subscriber):
            return False
        sid = subscriber["id"]
        claimed = self.state.claim(sid, subscriber["start_after"], self.owner, self.policy.lease)
        if claimed is None:
            return False
        try:
            # The claimed row decides, not the round's copy: a round that read the subscribers
            # before its last attempt failed would otherwise try again before the backoff.
            if not self._due(claimed):
                return False
            return self._deliver(subscriber, claimed)
        finally:
            self.state.release(sid, self.owner)

    def _deliver(self, subscriber: Row, claimed: Row) -> bool:
        query = FeedQuery(
            after=claimed["position"],
            limit=BATCH,
            types=frozenset(json.loads(subscriber["event_types"])),
        )
        page = self.feed.page(READER, query)
        failures = claimed["failures"]
        for event in page.events:
            if self._stop.is_set():
                return True
            answer = self._attempt(subscriber, event, failures + 1)
            if answer.gone:
                self._gone(subscriber["id"], failures + 1, answer)
                return True
            if not answer.accepted:
                self._failed(subscriber["id"], failures + 1, answer)
                return True
            failures = 0
            self.state.delivered(
                subscriber["id"], position_of(event["sequence"]), self.owner, self.policy.lease
            )
        if not page.events and page.last > claimed["position"]:
            self.state.delivered(subscriber["id"], page.last, self.owner, self.policy.lease)
        return bool(page.events)

    def _attempt(self, subscriber: Row, event: dict[str, Any], attempt: int) -> Answer:
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": f"{EVENT_MEDIA_TYPE}; charset=utf-8",
            "User-Agent": "yishiting-webhooks/1",
            "X-Yishiting-Webhook-Id": subscriber["id"],
            "X-Yishiting-Delivery-Attempt": str(attempt),
            SIGNATURE_HEADER: signature(
                self._secret(subscriber), int(time.time()), body, self.policy.suite
            ),
        }
        answer = self._send(subscriber["url"], body, headers)
        self.state.record(
            Delivery(
                subscriber_id=subscriber["id"],
                event_id=event["id"],
                sequence=event["sequence"],
                event_type=event["type"],
                attempt=attempt,
                outcome=_outcome(answer),
                http_status=answer.status,
                error=answer.error,
                attempted_at=datetime.now(UTC).isoformat(timespec="microseconds"),
                duration_ms=round(answer.seconds * 1000, 3),
            )
        )
        return answer

    def _send(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        """To the address screened now: a name that has come to resolve to a refused address
        is not called."""
        try:
            target = self.targets.pin(url)
        except InvalidInput as refused:
            return Answer(None, str(refused), 0.0)
        return self.send(target, body, headers, self.policy.timeout)

    def _gone(self, subscriber_id: str, failures: int, answer: Answer) -> None:
        # Parked at once: the views may not show the unregistration for a moment yet.
        self.state.failed(subscriber_id, self.owner, failures, 0, True, answer.error)
        self.app.retire_webhook(Command(SYSTEM), UUID(subscriber_id), reason=GONE_REASON)

    def _failed(self, subscriber_id: str, failures: int, answer: Answer) -> None:
        parked = failures >= self.policy.max_attempts
        retry_at = self.policy.retry_at(failures, time.time())
        self.state.failed(subscriber_id, self.owner, failures, retry_at, parked, answer.error)
        if parked:
            log.warning("webhook %s parked after %d failures", subscriber_id, failures)

    def _secret(self, subscriber: Row) -> str:
        key = (subscriber["id"], subscriber["version"])
        if key not in self._secrets:
            self._secrets[key] = self.app.webhook(UUID(subscriber["id"])).secret.value
        return self._secrets[key]


def _outcome(answer: Answer) -> str:
    if answer.accepted:
        return "delivered"
    return "gone" if answer.gone else "failed"
