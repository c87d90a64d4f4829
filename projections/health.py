"""How the views stand for readiness and metrics: their lag behind the log, whether they still
advance, and the events set aside."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from projections import set_aside
from projections.runner import Projector

READY_MAX_LAG = 1000
REBUILD = "yishiting project --rebuild"


@dataclass(frozen=True)
class ViewsHealth:
    log: int
    views: int
    set_aside: tuple[int, ...]
    stalled_for: float | None  # seconds behind the log without advancing, past the limit
    elsewhere: str | None = None  # why the views are not this log's (another log, or ahead)

    @property
    def lag(self) -> int:
        return max(0, self.log - self.views)

    @property
    def ready(self) -> bool:
        """Not ready: far behind, or behind and standing still. Set-aside events alone do not
        take the service out of rotation (every replica would go at once); they are reported."""
        return self.lag <= READY_MAX_LAG and self.stalled_for is None and not self.elsewhere

    @property
    def status(self) -> str:
        if self.elsewhere:
            return "foreign"
        if self.stalled_for is not None:
            return "stalled"
        if self.lag > READY_MAX_LAG:
            return "lagging"
        return "degraded" if self.set_aside else "ok"

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": self.status,
            "log": self.log,
            "views": self.views,
            "lag": self.lag,
        }
        if self.elsewhere:
            body["reason"] = self.elsewhere
        elif self.stalled_for is not None:
            body["reason"] = (
                f"视图已 {self.stalled_for:.0f} 秒未推进,落后日志 {self.lag} 个事件"
                f" (the views have not advanced for {self.stalled_for:.0f} s,"
                f" {self.lag} events behind the log)"
            )
        if self.set_aside:
            body["setAside"] = {
                "count": len(self.set_aside),
                "positions": list(self.set_aside[:20]),
                "message": "有事件未能投影,已搁置,请运行 yishiting set-aside list"
                " (events could not be projected and were set aside: see yishiting set-aside"
                " list)",
            }
        return body


class StallWatch:
    """Tells views that stopped advancing from views that are merely busy: behind the log and
    neither advanced (their last commit) nor seen at another position for `limit` seconds.
    The watch remembers when it first saw the views at their position, so a log that was idle
    for hours and has just grown is not taken for a stall."""

    def __init__(self, projector: Projector, limit: float) -> None:
        self.projector = projector
        self.store = projector.store
        self._first_event: str | None = None  # the log's, once it has one (it never changes)
        self.names = set(projector.view_names)  # a row left by a view since removed is not one
        self.limit = limit
        self._seen: tuple[int, float] = (-1, 0.0)
        self._lock = threading.Lock()

    def health(self, log: int) -> ViewsHealth:
        with self.store.reading() as tx:
            rows = tx.all("SELECT view, position, updated_at FROM projection_tracking")
            aside = set_aside.outstanding(tx)
            built_from = tx.one("SELECT first_event FROM projection_log")
        rows = [row for row in rows if row["view"] in self.names]
        views = min((int(row["position"]) for row in rows), default=0)
        committed = max((float(row["updated_at"]) for row in rows), default=0.0)
        elsewhere = self._elsewhere(log, views, built_from["first_event"] if built_from else None)
        stalled = self._stalled(log, views, committed)
        return ViewsHealth(log, views, tuple(aside), stalled, elsewhere)

    def _elsewhere(self, log: int, views: int, built_from: str | None) -> str | None:
        """Why the views cannot be this log's: built from another log, or ahead of this one
        (the log replaced by an older copy). Views built before their log was recorded are
        checked for the second only."""
        if self._first_event is None:
            self._first_event = self.projector.first_event()
        if built_from is not None and built_from != self._first_event:
            return (
                f"视图建自另一份日志,请运行 {REBUILD} (the views were built from another log: "
                f"run {REBUILD})"
            )
        # `log` was read before the views: a look at the log now tells views that moved on
        # with it meanwhile from views ahead of it.
        if views > log and views > (self.projector.app.recorder.max_notification_id() or 0):
            return (
                f"视图领先于日志(视图 {views},日志 {log}):日志可能被替换为更早的副本,请运行 "
                f"{REBUILD} (the views stand ahead of the log: was it replaced by an older "
                f"copy? run {REBUILD})"
            )
        return None

    def _stalled(self, log: int, views: int, committed: float) -> float | None:
        now = time.time()
        with self._lock:
            if self._seen[0] != views:
                self._seen = (views, now)
            since = max(committed, self._seen[1])
        still = now - since
        return still if log > views and still > self.limit else None


_watches: WeakKeyDictionary[Projector, StallWatch] = WeakKeyDictionary()


def stall_watch(projector: Projector, limit: float) -> StallWatch:
    """The projector's watch (one each, so that it remembers between two probes)."""
    watch = _watches.get(projector)
    if watch is None or watch.limit != limit:
        watch = _watches[projector] = StallWatch(projector, limit)
    return watch
