"""Group commit: the saves of commands that arrive together share one append.

Each append takes the events table's lock and waits for its own commit (a disk flush), so
concurrent commands queue behind each other one flush at a time. Here, while one thread
appends, the saves that arrive meanwhile wait; when it is done, the first of them appends all
of them in one `app.save()` — one lock, one flush. Every caller still gets its own recordings,
or its own error: if the shared append is refused (an IntegrityError: two commands changed the
same record, or reused a command id), nothing of it was stored, and each save of the group is
made again alone, in the order they came, so that exactly the callers whose own save conflicts
see the IntegrityError (and from it their CONFLICT, or their earlier outcome). Any other
failure (the database gone) is every caller's."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Recording

from domain.base import Record

Save = Callable[..., list[Recording[UUID]]]


class _Pending:
    def __init__(self, records: Sequence[Record]) -> None:
        self.records = records
        self.events = [list(record.pending_events) for record in records]
        self.recordings: list[Recording[UUID]] = []
        self.error: BaseException | None = None
        self.leads = False
        self.ready = threading.Event()

    def restore(self) -> None:
        """Puts back the pending events a failed append collected, to save them again."""
        for record, events in zip(self.records, self.events, strict=True):
            record.pending_events[:] = events


class GroupCommit:
    def __init__(self, save: Save) -> None:
        self._save = save
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._writing = False

    def save(self, *records: Record) -> list[Recording[UUID]]:
        mine = _Pending(records)
        with self._lock:
            self._queue.append(mine)
            if not self._writing:
                self._writing = mine.leads = True
        if not mine.leads:
            mine.ready.wait()
        if mine.leads:
            self._append_queued()
        if mine.error is not None:
            raise mine.error
        return mine.recordings

    def _append_queued(self) -> None:
        with self._lock:
            group, self._queue = self._queue, []
        try:
            self._append(group)
        finally:
            with self._lock:
                if self._queue:  # the next group's first save appends it
                    self._queue[0].leads = True
                    self._queue[0].ready.set()
                else:
                    self._writing = False
            for pending in group:
                pending.ready.set()

    def _append(self, group: list[_Pending]) -> None:
        if len(group) == 1:
            self._alone(group[0])
            return
        try:
            recordings = self._save(*(record for pending in group for record in pending.records))
        except IntegrityError:
            for pending in group:
                pending.restore()
                self._alone(pending)
            return
        except Exception as error:
            for pending in group:
                pending.error = error
            return
        start = 0
        for pending in group:
            count = sum(len(events) for events in pending.events)
            pending.recordings = recordings[start : start + count]
            start += count

    def _alone(self, pending: _Pending) -> None:
        try:
            pending.recordings = self._save(*pending.records)
        except Exception as error:
            pending.error = error
