"""Benchmark: peak memory (RSS) of a rebuild and of an idle server, each in its own process.

    .venv/bin/python -m bench.memory [--quick] [--events N]
    .venv/bin/python -m bench.memory rebuild --database-url URL [--views a,b,c]   (the child)

The rebuild: `Projector.rebuild()` in a child process over a log of N events
(bench/generate.py), its peak RSS as VmHWM, which the child reads from /proc/self/status just
before exiting. The idle server: `yishiting serve` (with its embedded
projector) on a small district, VmRSS and VmHWM from /proc/<pid>/status two seconds after it
answers /healthz. `make bench` takes the rebuild figure from the read-path benchmark's log
(bench/read_path.py), so that the large history is written once."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

from application.settings import Settings
from bench.common import DEFAULT_URL, Figure, Server, run_measured, schema, status_kb
from bench.workload import Workload
from interfaces.bootstrap import bootstrap
from projections.runner import VIEWS, Projector

REBUILD_TARGET_MB = 256
IDLE_TARGET_MB = 150
SETTLE_SECONDS = 2.0


@dataclass
class Rebuilt:
    events: int
    seconds: float
    peak_kb: int
    views: str

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


def rebuild_in_child(url: str, views: str = "") -> Rebuilt:
    """Rebuilds the named views (every view when empty) in a child process."""
    command = [sys.executable, "-m", "bench.memory", "rebuild", "--database-url", url]
    if views:
        command += ["--views", views]
    output, _ = run_measured(command)
    said = json.loads(output.strip().splitlines()[-1])
    # The child's own VmHWM, not wait4's ru_maxrss: Linux carries the forked parent's peak into
    # the child's ru_maxrss at exec, so a parent that has just written a million events would
    # be counted as the child's peak.
    return Rebuilt(int(said["events"]), float(said["seconds"]), int(said["hwm"]), views)


def _rebuild(url: str, views: str) -> None:
    chosen = [view for view in VIEWS if not views or view.name in views.split(",")]
    system = bootstrap(Settings(database_url=url))
    try:
        projector = Projector(
            system.app, system.store, system.settings.projector_batch_size, views=chosen
        )
        started = time.perf_counter()
        events = projector.rebuild()
        seconds = time.perf_counter() - started
    finally:
        system.close()
    hwm = status_kb(os.getpid())["VmHWM"]
    print(json.dumps({"events": events, "seconds": seconds, "hwm": hwm}))


def idle_server(url: str) -> dict[str, int]:
    """VmRSS and VmHWM (kB) of a server on a small district, idle after starting."""
    with schema(url, "bench_idle") as log_url:
        system = bootstrap(Settings(database_url=log_url))
        try:
            Workload.prepare(system.app).write(2_000)
            system.projector.catch_up()
        finally:
            system.close()
        with Server(log_url) as server:
            time.sleep(SETTLE_SECONDS)
            return server.memory_kb()


def rebuild_figure(rebuilt: Rebuilt, size: str) -> Figure:
    return Figure(
        f"memory: peak RSS of `Projector.rebuild()` ({rebuilt.views or 'every view'})",
        f"{rebuilt.peak_mb:,.0f} MB",
        target=f"≤ {REBUILD_TARGET_MB} MB",
        met=rebuilt.peak_mb <= REBUILD_TARGET_MB,
        size=f"{size}; {rebuilt.events / rebuilt.seconds:,.0f} events/s",
    )


def idle_figure(idle: dict[str, int]) -> Figure:
    peak = idle["VmHWM"] / 1024
    return Figure(
        "memory: idle server after startup (`yishiting serve`, embedded projector), peak RSS",
        f"{peak:,.0f} MB (now {idle['VmRSS'] / 1024:,.0f} MB)",
        target=f"≤ {IDLE_TARGET_MB} MB",
        met=peak <= IDLE_TARGET_MB,
        size="2,000 events",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("what", nargs="?", choices=["rebuild"], help="(the child's part)")
    parser.add_argument("--quick", action="store_true", help="100,000 events")
    parser.add_argument("--events", type=int)
    parser.add_argument("--views", default="", help="comma-separated view names (default: all)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    if args.what == "rebuild":
        _rebuild(args.database_url, args.views)
        return
    from bench.generate import generate

    events = args.events or (100_000 if args.quick else 1_000_000)
    with schema(args.database_url, "bench_memory") as log_url:
        system = bootstrap(Settings(database_url=log_url))
        try:
            _, made = generate(system.app, events)
        finally:
            system.close()
        rebuilt = rebuild_in_child(log_url, args.views)
    print(" | ".join(rebuild_figure(rebuilt, f"{made.events:,} events").cells()))
    print(" | ".join(idle_figure(idle_server(args.database_url)).cells()))


if __name__ == "__main__":
    main()
