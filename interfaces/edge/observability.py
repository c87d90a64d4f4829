"""What operators watch: a correlation id per request (in every log line and in the events the
request records), JSON logs, and Prometheus metrics at /metrics."""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from weakref import WeakKeyDictionary

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projections import set_aside

correlation: ContextVar[str] = ContextVar("correlation", default="")
HEADER = "x-request-id"
# A caller's id is taken only as printable ASCII of this kind: it goes into log lines, the
# response's header and the events the request records. Other bytes (not UTF-8, control
# characters, spaces) are someone else's input: the request gets an id of its own instead.
CALLERS_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,64}")
log = logging.getLogger("yishiting.http")
# A request slower than this is told in the log with its route, status and duration: the
# latency histogram says how many, the line says which and when.
SLOW_REQUEST_SECONDS = 2.0


class CorrelationIds:
    """Takes the caller's X-Request-ID (or makes one) and returns it on the response."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(HEADER.encode(), b"")[:64]
        request_id = given.decode() if CALLERS_ID.fullmatch(given) else fresh_request_id()
        token = correlation.set(request_id)
        started, status = time.perf_counter(), 500

        async def tagged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, tagged_send)
        finally:
            if scope["type"] == "http":
                self.metrics.request(scope, status, time.perf_counter() - started)
            correlation.reset(token)


class _RequestIds:
    """32 hex digits, unique without a call for randomness per request (uuid4 was a
    measurable share of a request's time on the event loop): a random half per process, a
    count for the other half."""

    def __init__(self) -> None:
        self.restart()
        os.register_at_fork(after_in_child=self.restart)

    def restart(self) -> None:
        self.prefix = secrets.token_hex(8)
        self.count = itertools.count()

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.count) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


fresh_request_id = _RequestIds()


class Metrics:
    """The process's metrics in a registry of its own (one per app, so tests stay apart)."""

    def __init__(self, slow_seconds: float = SLOW_REQUEST_SECONDS) -> None:
        self.slow_seconds = slow_seconds
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "yishiting_http_requests",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "yishiting_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
        )
        self.operations = Histogram(
            "yishiting_graphql_operation_seconds",
            "GraphQL operations by name and type",
            ["operation", "kind"],
            registry=self.registry,
        )
        self.commands = Counter(
            "yishiting_commands",
            "Commands by use case and outcome",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.events = Counter(
            "yishiting_events_appended", "Events appended by this process", registry=self.registry
        )

    def request(self, scope: Scope, status: int, seconds: float) -> None:
        """Labelled from fixed sets only: a client choosing paths or methods adds no series
        (nor text of its own to the slow-request line)."""
        route = scope.get("route")
        path = getattr(route, "path", None) or _coarse(scope)
        method = scope.get("method", "")
        method = method if method in METHODS else "OTHER"
        self.requests.labels(method, path, str(status)).inc()
        self.latency.labels(method, path).observe(seconds)
        if seconds >= self.slow_seconds:
            log.warning(
                "慢请求 slow request: %s %s answered %d in %.1f s", method, path, status, seconds
            )

    def command(self, name: str, outcome: str, events: int = 0) -> None:
        self.commands.labels(name, outcome).inc()
        if events:
            self.events.inc(events)

    def watch(self, collector: Collector) -> None:
        self.registry.register(collector)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


OUTCOMES = {
    "CONFLICT": "conflict",
    "FORBIDDEN": "forbidden",
    "UNAUTHENTICATED": "forbidden",
    "NOT_FOUND": "invalid",
    "BAD_USER_INPUT": "invalid",
}


def outcome_of(kind: str) -> str:
    return OUTCOMES.get(kind, "error")


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNROUTED = "(unrouted)"


def _coarse(scope: Scope) -> str:
    """Unrouted paths (static files) and routes that do not say their path are counted by
    their first segment, if the app has a route or mount there; any other path as one series."""
    first = "/" + scope.get("path", "").strip("/").split("/", 1)[0]
    return first if first in _first_segments(scope.get("app")) else UNROUTED


# The app's routes' first segments, taken again when the number of routes changes.
_SEGMENTS: WeakKeyDictionary[Any, tuple[int, frozenset[str]]] = WeakKeyDictionary()


def _first_segments(app: Any) -> frozenset[str]:
    if app is None:
        return frozenset()
    routes = getattr(app, "routes", None) or ()
    known = _SEGMENTS.get(app)
    if known is None or known[0] != len(routes):
        firsts = frozenset("/" + getattr(r, "path", "").strip("/").split("/", 1)[0] for r in routes)
        known = _SEGMENTS[app] = (len(routes), firsts)
    return known[1]


class SystemGauges(Collector):
    """Read on each scrape: projection lag per view, live streams, webhook subscribers."""

    def __init__(self, system: Any, streams: Any) -> None:
        self.system = system
        self.streams = streams

    def collect(self) -> Iterator[GaugeMetricFamily]:
        log = self.system.app.position()
        lag = GaugeMetricFamily(
            "yishiting_projection_lag_events", "Events a view is behind", labels=["view"]
        )
        seconds = GaugeMetricFamily(
            "yishiting_projection_lag_seconds",
            "Seconds since a lagging view last advanced",
            labels=["view"],
        )
        now = time.time()
        with self.system.store.reading() as tx:
            rows = tx.all("SELECT view, position, updated_at FROM projection_tracking")
            hooks = _webhook_counts(tx)
            aside = len(set_aside.outstanding(tx))
        for row in rows:
            behind = max(0, log - int(row["position"]))
            lag.add_metric([row["view"]], behind)
            seconds.add_metric([row["view"]], (now - float(row["updated_at"])) if behind else 0)
        yield lag
        yield seconds
        yield GaugeMetricFamily("yishiting_log_position", "The log's last position", value=log)
        yield GaugeMetricFamily(
            "yishiting_projection_set_aside_events",
            "Events the projector set aside (could not apply) and no operator has acknowledged",
            value=aside,
        )
        yield GaugeMetricFamily(
            "yishiting_subscriptions_active", "Live GraphQL subscriptions", value=self.streams()
        )
        webhooks = GaugeMetricFamily(
            "yishiting_webhook_subscribers", "Webhook subscribers", labels=["state"]
        )
        for state, count in hooks.items():
            webhooks.add_metric([state], count)
        yield webhooks


def _webhook_counts(tx: Any) -> dict[str, int]:
    try:
        rows = tx.all("SELECT parked, COUNT(*) AS n FROM webhook_positions GROUP BY parked")
    except Exception:  # no webhook tables yet in this store
        return {}
    return {("parked" if r["parked"] else "active"): int(r["n"]) for r in rows}


class JsonLines(logging.Formatter):
    """One JSON object per line, with the request's correlation id."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": correlation.get() or None,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class OperationTimer:
    """Strawberry extension body: times each GraphQL operation by its name and type."""

    @staticmethod
    def observe(context: Any, name: str | None, kind: str, seconds: float) -> None:
        """`name` is a root field of the schema (interfaces/graphql/guard.py), never the
        operation name a client chose."""
        metrics = getattr(context, "metrics", None)
        if metrics is not None:
            metrics.operations.labels(name or "(anonymous)", kind).observe(seconds)
