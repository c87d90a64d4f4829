"""Runs every benchmark on PostgreSQL: `python -m bench` (full sizes, rewrites
docs/BENCHMARKS.md) or `python -m bench --quick` (small sizes, under two minutes; prints only,
unless --write). `--smoke` runs every benchmark at the smallest sizes that take each of its
paths, only to show that the suite works (its figures mean nothing; `make test` runs it). The
exit status is 1 when a benchmark failed (the others' figures are still printed and written).
Each benchmark also runs alone: `python -m bench.NAME --help`.

  write_path   commands/s through GraphQL over HTTP (8 clients) ÷ raw INSERT+COMMIT/s
  rebuild      Projector.rebuild() ÷ the stock ProjectionRunner, and ÷ a raw read
  read_path    dashboard and a topics page over HTTP ÷ hand-written SQL (p50, p99)
  memory       peak RSS of a rebuild (from read_path's log) and of an idle server
  live         commit → GraphQL subscriber latency beside raw NOTIFY → LISTEN
  long_lived   a command on a record with a long history ÷ on a new one
  ledger       the ledger's overhead and verify rate
  gm           the 国密 suite beside the international one: ledger append, verify, sealing
  sign_in      a password sign-in's server CPU beside the argon2id check alone; a request
               by session cookie beside one by API token and by JWT
  attachments  a file attached over HTTP (upload + mutation) ÷ a plain copy on the same disk;
               the server's peak RSS during the largest upload, above idle
  members      `memberRecords` (委员履职) for 500 members over HTTP and in process ÷
               hand-written SQL over the view (p50, p99)"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from uuid import uuid4

from application.settings import Settings
from bench import (
    attachments,
    common,
    gm,
    ledger,
    live_latency,
    long_lived,
    members,
    memory,
    read_path,
    rebuild,
    sign_in,
    suite,
    write_path,
)
from bench.common import Figure
from bench.report import write
from bench.stock import STOCK_VIEWS

STEPS = (
    "write_path",
    "rebuild",
    "read_path",
    "memory",
    "live",
    "long_lived",
    "ledger",
    "gm",
    "sign_in",
    "attachments",
    "members",
)
REBUILD_TARGET = 20.0
STOCK_NAMED = f"the {len(STOCK_VIEWS)} views fed domain events"


@dataclass(frozen=True)
class Sizes:
    write_seconds: float
    write_loops: int
    rebuild_events: int
    rebuild_sample: int
    rebuild_repeat: int
    read_events: int
    read_samples: int
    live_events: int
    long_history: int
    long_samples: int
    ledger_events: int
    ledger_repeat: int
    sign_in_samples: int
    attach_megabytes: int  # the file of the throughput rounds
    attach_peak_megabytes: int  # the file uploaded while the server's memory is watched
    attach_rounds: int
    member_events: int  # the history the members' records are read over
    members: int
    member_samples: int


# fmt: off
QUICK = Sizes(
    3.0, 300, 10_000, 1_000, 2, 100_000, 30, 100, 3_000, 20, 10_000, 1, 10, 10, 20, 3,
    100_000, 500, 30,
)
FULL = Sizes(
    20.0, 2_000, 1_000_000, 3_000, 3, 1_000_000, 200, 300, 10_000, 150, 200_000, 1, 30, 10, 20, 5,
    1_000_000, 500, 200,
)
SMOKE = Sizes(1.0, 30, 2_000, 300, 1, 3_000, 5, 20, 300, 5, 2_000, 1, 2, 1, 2, 1, 3_000, 20, 3)
# fmt: on


class Suite:
    def __init__(self, url: str, sizes: Sizes, writing: bool, doc: Path = common.DOC) -> None:
        self.url = url
        self.sizes = sizes
        self.writing = writing
        self.doc = doc
        self.figures: list[Figure] = []
        self.seconds: dict[str, float] = {}

    def step(self, name: str, run: Callable[[], list[Figure]]) -> None:
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        try:
            figures = run()
        except Exception as error:  # one failing benchmark must not lose the others' figures
            traceback.print_exc()
            figures = [Figure(name + common.FAILED, f"{type(error).__name__}: {error}"[:200])]
        self.seconds[name] = time.perf_counter() - started
        for figure in figures:
            print(" | ".join(figure.cells()), flush=True)
        self.figures.extend(figures)

    def write_path(self) -> list[Figure]:
        s = self.sizes
        result = write_path.run(self.url, seconds=s.write_seconds, loops=s.write_loops)
        return result.figures()

    def rebuild(self) -> list[Figure]:
        s = self.sizes
        result = rebuild.run(s.rebuild_events, s.rebuild_sample, 1_000, self.url, s.rebuild_repeat)
        where = rebuild.machine(self.url)
        print(rebuild.table(result, where))
        if self.writing:
            write(self.doc, [(result, where)])
        f = result.figures
        size = f"{result.events:,} events (sample {result.sample:,})"
        ratio = f["rebuild"].ratio or 0.0
        return [
            Figure(
                f"rebuild: `Projector.rebuild()` ({STOCK_NAMED}) ÷ the stock ProjectionRunner",
                f"{f['rebuild'].rate:,.0f} events/s",
                f"stock runner: {f['stock'].rate:,.0f} events/s",
                ratio,
                f"≥ {REBUILD_TARGET:g}×",
                ratio >= REBUILD_TARGET,
                size,
            ),
            Figure(
                f"rebuild: `Projector.rebuild()` ({STOCK_NAMED}) ÷ a raw sequential read",
                f"{f['rebuild'].rate:,.0f} events/s",
                f"raw read: {f['raw'].rate:,.0f} events/s",
                f["rebuild_vs_raw"].ratio,
                size=size,
            ),
            Figure(
                "rebuild: production `Projector.rebuild()` (every view it rebuilds)"
                " ÷ the stock runner",
                f"{f['production'].rate:,.0f} events/s",
                f"stock runner: {f['stock'].rate:,.0f} events/s",
                f["production"].ratio,
                size=size,
            ),
        ]

    def read_path(self) -> list[Figure]:
        s = self.sizes
        result = read_path.run(self.url, s.read_events, s.read_samples)
        size = f"{result.generated.events:,} events"
        rebuilt = memory.Rebuilt(
            result.generated.events,
            result.rebuild_seconds,
            result.rebuild_peak_kb,
            read_path.READ_VIEWS.replace(",", ", "),
        )
        return [*result.figures(), memory.rebuild_figure(rebuilt, size)]

    def memory(self) -> list[Figure]:
        return [memory.idle_figure(memory.idle_server(self.url))]

    def live(self) -> list[Figure]:
        events = self.sizes.live_events
        with common.schema(self.url, "bench_live") as url:
            settings = Settings(database_url=url, token_secret=uuid4().hex)
            live = asyncio.run(live_latency.subscription_latency(settings, events))
            raw = live_latency.notify_latency(self.url, events)
        if self.writing:
            live_latency.write(live_latency.section([raw, live], events), self.doc)
        return [
            Figure(
                "live: commit → GraphQL subscriber (p50 / p99)",
                f"{live.at(0.5):.1f} / {live.at(0.99):.1f} ms",
                f"raw NOTIFY → LISTEN: {raw.at(0.5):.2f} / {raw.at(0.99):.1f} ms",
                size=f"{events} events",
            )
        ]

    def long_lived(self) -> list[Figure]:
        s = self.sizes
        return [pair.figure() for pair in long_lived.run(self.url, s.long_history, s.long_samples)]

    def ledger(self) -> list[Figure]:
        s = self.sizes
        result = ledger.run(s.ledger_events, self.url, repeat=s.ledger_repeat)
        where = rebuild.machine(self.url)
        print(ledger.table(result, where))
        if self.writing:
            ledger.write_section(self.doc, ledger.section(result, where))
        size = f"{result.events:,} events"
        return [
            Figure(
                "ledger: append overhead per event in the projector",
                f"{result.overhead_micros:,.0f} µs/event",
                f"writing the event (`app.save`): {result.micros('write'):,.0f} µs/event",
                result.overhead_micros / result.micros("write"),
                size=size,
            ),
            Figure(
                "ledger: `verify` (re-read, re-hash, compare)",
                f"{result.rate('verify'):,.0f} events/s",
                f"raw read: {result.rate('raw'):,.0f} events/s",
                result.rate("verify") / result.rate("raw"),
                size=size,
            ),
        ]

    def gm(self) -> list[Figure]:
        events = min(self.sizes.ledger_events, gm.MAX_EVENTS)
        seals = 2_000 if self.sizes.ledger_events < 10_000 else 20_000
        result = gm.run(events, self.url, seals)
        where = rebuild.machine(self.url)
        text = gm.section(result, where, f"python -m bench.gm --events {events} --seals {seals}")
        print(text)
        if self.writing:
            gm.write_section(self.doc, text)
        return gm.figures(result)

    def sign_in(self) -> list[Figure]:
        samples = self.sizes.sign_in_samples
        cost = sign_in.run(self.url, samples).figure()
        return [cost, *sign_in.request_cost(self.url, samples * 50).figures()]

    def attachments(self) -> list[Figure]:
        s = self.sizes
        result = attachments.run(
            self.url, s.attach_megabytes, s.attach_peak_megabytes, s.attach_rounds
        )
        return result.figures()

    def members(self) -> list[Figure]:
        s = self.sizes
        return members.run(self.url, s.member_events, s.members, s.member_samples).figures()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    sizes.add_argument(
        "--smoke", action="store_true", help="the smallest sizes: does the suite run? (no figures)"
    )
    parser.add_argument("--only", nargs="+", choices=STEPS, help="run only these")
    parser.add_argument("--skip", nargs="+", choices=STEPS, default=[], help="leave these out")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", common.DEFAULT_URL)
    )
    parser.add_argument("--events", type=int, help="events for the rebuild and ledger benchmarks")
    parser.add_argument("--sample", type=int, help="events for the stock runner")
    parser.add_argument("--no-ledger", action="store_true", help="skip the ledger benchmark")
    parser.add_argument("--write", action="store_true", help="write docs/BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--doc", type=Path, default=common.DOC, help="where --write writes")
    args = parser.parse_args(argv)
    writing = (args.write or not (args.quick or args.smoke)) and not args.no_write
    sizes = SMOKE if args.smoke else QUICK if args.quick else FULL
    if args.events:
        sizes = replace(sizes, rebuild_events=args.events, ledger_events=args.events)
    if args.sample:
        sizes = replace(sizes, rebuild_sample=args.sample)
    if args.no_ledger:
        args.skip.append("ledger")
    run = Suite(args.database_url, sizes, writing, args.doc)
    started = time.perf_counter()
    for name in STEPS:
        if (args.only is None or name in args.only) and name not in args.skip:
            run.step(name, getattr(run, name))
    where = rebuild.machine(args.database_url)
    took = time.perf_counter() - started
    print("\n" + suite.table(run.figures, where))
    print(
        f"\n{suite.verdict(run.figures)}; {took:.0f} s in all ("
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run.seconds.items())
        + ")"
    )
    if writing:
        _write_summary(run, args, took, where)
    failed = [figure.name for figure in run.figures if figure.failed]
    if failed:
        print(f"failed: {', '.join(failed)}")
        raise SystemExit(1)


def _write_summary(
    run: Suite, args: argparse.Namespace, took: float, where: dict[str, str]
) -> None:
    command = "python -m bench" + (
        " --smoke --write" if args.smoke else " --quick --write" if args.quick else ""
    )
    notes = [
        f"The run took {took:,.0f} s ("
        + ", ".join(f"{name} {seconds:,.0f} s" for name, seconds in run.seconds.items())
        + "). Sizes: "
        + ", ".join(f"{k} {v:,}" for k, v in vars(run.sizes).items())
        + ".",
        "",
    ]
    if args.only or args.skip:
        command = "python -m bench " + " ".join(
            [
                *(["--only", *args.only] if args.only else []),
                *(["--skip", *args.skip] if args.skip else []),
            ]
        )
        notes[0] = f"Last refreshed by `{command}`: " + notes[0]
    figures = suite.merged(run.doc, run.figures) if args.only or args.skip else run.figures
    suite.write(run.doc, suite.section(figures, where, command, notes))
    print(f"wrote {run.doc}")


if __name__ == "__main__":
    main()
