"""Benchmark: a command on a record with a long history, beside the same command on a new one.

    .venv/bin/python -m bench.long_lived [--quick] [--history N] [--samples S]

In a schema of its own on PostgreSQL, through the application's use cases (in process: what
the history costs is loading the record; HTTP would add the same constant to both sides):
  - a supervision item with N events (progress reported again and again: its state keeps the
    latest report and a count, so it does not grow), and a platform with N events (its hall
    moved again and again), each written in batches through `app.save()` — snapshots are
    taken every 50 events (`Yishiting.snapshotting_intervals`);
  - the same command on a fresh item (a few events) and a fresh platform;
  - S commands on each, alternating; the median of each. Target: long ≤ 1.5× fresh.
Also reported: the snapshots stored for the long records, the size of the latest, and how long
loading each record takes (`repository.get`)."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import psycopg

from application.app import Yishiting
from application.receipts import Command
from application.settings import Settings
from bench.common import DEFAULT_URL, Figure, schema
from bench.workload import ADMIN, UNIT, Workload
from domain.base import Actor, Record
from domain.supervision import SupervisionItem
from domain.vocabulary import Role
from interfaces.bootstrap import application_for

TARGET = 1.5
BATCH = 500


@dataclass
class Pair:
    what: str
    history: int
    long: list[float] = field(default_factory=list)
    fresh: list[float] = field(default_factory=list)
    load_long: float = 0.0
    load_fresh: float = 0.0
    snapshots: int = 0
    snapshot_bytes: int = 0

    @property
    def ratio(self) -> float:
        return statistics.median(self.long) / statistics.median(self.fresh)

    def figure(self) -> Figure:
        long_ms, fresh_ms = statistics.median(self.long) * 1e3, statistics.median(self.fresh) * 1e3
        return Figure(
            f"long-lived: {self.what}",
            f"{long_ms:.1f} ms (load {self.load_long * 1e3:.1f} ms; {self.snapshots} snapshots,"
            f" latest {self.snapshot_bytes / 1024:,.0f} KB)",
            f"the same on a new record: {fresh_ms:.1f} ms (load {self.load_fresh * 1e3:.1f} ms)",
            self.ratio,
            f"≤ {TARGET:g}×",
            self.ratio <= TARGET,
            f"{self.history:,} events on the record; median of {len(self.long)}",
        )


def run(url: str, history: int, samples: int, say: Callable[[str], object] = print) -> list[Pair]:
    with schema(url, "bench_long") as log_url:
        app = application_for(Settings(database_url=log_url))
        try:
            workload = Workload.prepare(app)
            say(f"a supervision item and a platform with {history:,} events each …")
            item, fresh_item = (_open_item(app, workload, n) for n in (3, 15))
            _grow(app, item, history, _progress)
            platform = app.repository.get(workload.platform_ids[0])
            fresh_platform = workload.platform_ids[1]
            _grow(app, platform, history, _hall_moved)
            unit = Command(Actor("unit-bench", "赵科长", Role.UNIT, str(item.unit_id)))
            admin = Command(ADMIN)
            pairs = [
                _compare(
                    app,
                    Pair("`report_progress` on a supervision item", history),
                    (item.id, fresh_item.id),
                    lambda i: app.report_progress(unit, i, **_progress_fields()),
                    samples,
                ),
                _compare(
                    app,
                    Pair("`move_platform_hall` on a platform", history),
                    (platform.id, fresh_platform),
                    lambda p: app.move_platform_hall(admin, p, hall_venue=f"议事厅{time.time()}"),
                    samples,
                ),
            ]
            _snapshots(app, pairs, (item.id, platform.id))
        finally:
            app.close()
    return pairs


def _open_item(app: Yishiting, workload: Workload, n: int) -> SupervisionItem:
    """An item of story `n` (n % 4 == 3: left in progress; n % 3 == 0: the same unit)."""
    records = workload.story(n)
    app.save(*records)
    item = records[2]
    assert isinstance(item, SupervisionItem)
    return item


def _progress_fields() -> dict[str, Any]:
    return {
        "progress": "已协调学校开放操场",
        "problems": "夜间管理人手不足",
        "approach": "由社区志愿者协助管理",
        "reporting_department": "区交通委",
        "reported_on": date(2025, 3, 1),
    }


def _progress(item: Any) -> None:
    item.report_progress(**_progress_fields(), actor=UNIT)


def _hall_moved(platform: Any) -> None:
    platform.move_hall(hall_venue=f"议事厅{platform.version}", actor=ADMIN)


def _grow(app: Yishiting, record: Record, history: int, step: Callable[[Any], None]) -> None:
    while record.version < history:
        for _ in range(min(BATCH, history - record.version)):
            step(record)
        app.save(record)


def _compare(
    app: Yishiting,
    pair: Pair,
    ids: tuple[UUID, UUID],
    command: Callable[[UUID], object],
    samples: int,
) -> Pair:
    long_id, fresh_id = ids
    for _ in range(3):
        command(long_id)
        command(fresh_id)
    for _ in range(samples):
        for record_id, sink in ((long_id, pair.long), (fresh_id, pair.fresh)):
            started = time.perf_counter()
            command(record_id)
            sink.append(time.perf_counter() - started)
    pair.load_long = _load_time(app, long_id)
    pair.load_fresh = _load_time(app, fresh_id)
    return pair


def _load_time(app: Yishiting, record_id: UUID, times: int = 10) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        app.repository.get(record_id)
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def _snapshots(app: Yishiting, pairs: list[Pair], ids: tuple[UUID, UUID]) -> None:
    with psycopg.connect(app.database.conninfo()) as conn:
        for pair, record_id in zip(pairs, ids, strict=True):
            row = conn.execute(
                "SELECT COUNT(*), (SELECT length(state) FROM yishiting_snapshots"
                " WHERE originator_id = %s ORDER BY originator_version DESC LIMIT 1)"
                " FROM yishiting_snapshots WHERE originator_id = %s",
                (record_id, record_id),
            ).fetchone()
            pair.snapshots, pair.snapshot_bytes = (int(row[0]), int(row[1] or 0)) if row else (0, 0)


def main(argv: list[str] | None = None) -> list[Pair]:
    parser = argparse.ArgumentParser(prog="python -m bench.long_lived", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="30 samples")
    parser.add_argument("--history", type=int, default=10_000, help="events on the long record")
    parser.add_argument("--samples", type=int)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    samples = args.samples or (30 if args.quick else 150)
    pairs = run(args.database_url, args.history, samples)
    for pair in pairs:
        print(" | ".join(pair.figure().cells()))
    return pairs


if __name__ == "__main__":
    main()
