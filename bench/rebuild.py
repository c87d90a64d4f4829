"""Benchmark: rebuilding the views from the log, on PostgreSQL.

    .venv/bin/python -m bench.rebuild [--events N] [--sample S] [--write]

In one run, on one log of N realistic events (bench/workload.py) in a schema of its own:
  (a) our Projector.rebuild(): every view dropped and rebuilt, batches of 1,000 events per
      transaction; the best of as many rounds as (b) has;
  (a') our Projector over the first S events only (the stock runner's sample);
  (b) the stock eventsourcing ProjectionRunner over the same first S events, with the same View
      classes as one combined projection (bench/stock.py): one commit per event;
  (c) a raw sequential read of the events table with psycopg: the ceiling for any projector.
The schemas are dropped afterwards."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.projection import ProjectionRunner
from psycopg import sql

from application.app import Yishiting
from application.settings import Settings
from application.storage import Database
from bench import common
from bench.stock import STOCK_VIEWS, PostgresViewRecorder, StockViews
from bench.workload import Workload
from interfaces.bootstrap import System, adapters_for, bootstrap
from projections.ledger import LedgerView
from projections.runner import VIEWS, Projector
from projections.store import BatchTx, PostgresTx

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parents[1]
DOC = common.DOC
TARGET = 10.0  # this issue: ≥ 10× the stock runner (≥ 20× is the later target)
LATER_TARGET = 20.0
STOCK_TIMEOUT = 900.0  # seconds
WRITING = "(writing the held rows: COPY)"


@dataclass
class Figure:
    name: str
    events: int
    seconds: float
    baseline: str = ""
    baseline_rate: float | None = None
    target: str = ""

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else float("inf")

    @property
    def ratio(self) -> float | None:
        return self.rate / self.baseline_rate if self.baseline_rate else None


@dataclass
class Result:
    events: int
    sample: int
    batch_size: int
    generate_seconds: float
    log_bytes: int
    figures: dict[str, Figure] = field(default_factory=dict)
    statements_per_event: float = 0.0
    breakdown: list[tuple[str, float, float]] = field(default_factory=list)
    """Per view of the production projector: seconds in its handlers, statements per event."""
    breakdown_seconds: float = 0.0
    """The production rebuild's seconds in the run whose views were timed."""

    def add(self, key: str, figure: Figure) -> Figure:
        self.figures[key] = figure
        return figure


def run(
    events: int,
    sample: int,
    batch_size: int,
    url: str,
    repeat: int = 3,
    say: Any = print,
) -> Result:
    base = Database.from_url(url)
    schema = f"bench_{uuid4().hex[:10]}"
    stock_schemas = [f"{schema}_stock{n}" for n in range(repeat)]
    log_url = _with_schema(url, schema)
    admin = base.conninfo(with_schema=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in (schema, *stock_schemas):
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        return _measure(events, sample, batch_size, log_url, stock_schemas, say)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in (schema, *stock_schemas):
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                )


def _measure(
    events: int,
    sample: int,
    batch_size: int,
    url: str,
    stock_schemas: list[str],
    say: Any,
) -> Result:
    settings = Settings(database_url=url, projector_batch_size=batch_size)
    writer = bootstrap(settings)
    try:
        say(f"writing {events:,} events …")
        started = time.perf_counter()
        Workload.prepare(writer.app).write(events)
        generated = time.perf_counter() - started
        total = writer.app.position()
        sample = min(sample, total)
        with psycopg.connect(writer.app.database.conninfo()) as conn:
            row = conn.execute(
                "SELECT pg_total_relation_size('yishiting_events'),"
                " (SELECT notification_id FROM yishiting_events ORDER BY notification_id"
                "  OFFSET %s LIMIT 1)",
                (sample - 1,),
            ).fetchone()
        assert row is not None
        log_bytes, sample_end = int(row[0]), int(row[1])
    finally:
        writer.close()
    result = Result(total, sample, batch_size, generated, log_bytes)
    say(f"  {total:,} events written in {generated:.1f} s")

    say("(c) raw sequential read …")
    raw = result.add("raw", Figure("raw read of the events table (psycopg)", total, _raw(url)))

    rounds = len(stock_schemas)
    say(f"(b) and (a') the stock runner and ours over the first {sample:,} events, {rounds}× …")
    stock_runs: list[float] = []
    ours_runs: list[float] = []
    system = _fresh(settings, sample)
    try:
        projector = Projector(system.app, system.store, batch_size, views=STOCK_VIEWS)
        for stock_schema in stock_schemas:
            stock_runs.append(_stock(url, stock_schema, sample, sample_end))
            _reset(projector)
            started = time.perf_counter()
            while projector.position() < sample_end:
                projector.process_batch()
            ours_runs.append(time.perf_counter() - started)
            say(f"  stock {stock_runs[-1]:.2f} s, ours {ours_runs[-1]:.2f} s")
    finally:
        system.close()
    stock = result.add(
        "stock",
        Figure(
            f"stock ProjectionRunner, one commit per event (best of {rounds})",
            sample,
            min(stock_runs),
        ),
    )
    result.add(
        "projector_sample",
        Figure(
            f"our Projector, the same first {sample:,} events (best of {rounds})",
            sample,
            min(ours_runs),
            baseline="stock runner",
            baseline_rate=stock.rate,
            target=f"≥ {TARGET:g}×",
        ),
    )

    say(f"(a) our Projector.rebuild() over all {total:,} events, {rounds}× …")
    rebuilds: list[float] = []
    for round_ in range(rounds):
        system = _fresh(settings, sample)
        try:
            projector = Projector(system.app, system.store, batch_size, views=STOCK_VIEWS)
            with _counting_statements() as statements:
                started = time.perf_counter()
                rebuilt = projector.rebuild()
                rebuilds.append(time.perf_counter() - started)
            assert rebuilt == total, (rebuilt, total)
            if round_ == 0:
                result.statements_per_event = statements[0] / total
            say(f"  {rebuilds[-1]:.2f} s")
        finally:
            system.close()
    # The best of as many rounds as the stock runner had: both sides alike on a shared machine.
    seconds = min(rebuilds)
    result.add(
        "rebuild",
        Figure(
            f"our Projector.rebuild(), all {total:,} events (best of {rounds})",
            total,
            seconds,
            baseline="stock runner",
            baseline_rate=stock.rate,
            target=f"≥ {TARGET:g}× (later ≥ {LATER_TARGET:g}×)",
        ),
    )
    result.add(
        "rebuild_vs_raw",
        Figure(
            "our Projector.rebuild() against the raw read",
            total,
            seconds,
            baseline="raw read",
            baseline_rate=raw.rate,
        ),
    )

    names = ", ".join(view.name for view in VIEWS if view.rebuildable)
    say(f"(p) `yishiting project --rebuild` ({names}; the ledger current) over {total:,} events …")
    seconds = _production(settings, sample, batch_size, total)
    say(f"  {seconds:.2f} s; again, each view's share measured …")
    result.breakdown_seconds, result.breakdown = _production_breakdown(
        settings, sample, batch_size, total
    )
    result.add(
        "production",
        Figure(
            f"production Projector.rebuild() (every view it rebuilds: {names})",
            total,
            seconds,
            baseline=f"stock runner ({len(STOCK_VIEWS)} views)",
            baseline_rate=stock.rate,
        ),
    )
    return result


def _production(settings: Settings, sample: int, batch_size: int, total: int) -> float:
    """Seconds of `Projector.rebuild()` with every view of the deployment, as `yishiting project
    --rebuild` runs it."""
    with _ledger_current(settings, sample, batch_size) as system:
        seconds = _rebuild_seconds(system)
        assert system.projector.position() == total
        return seconds


def _production_breakdown(
    settings: Settings, sample: int, batch_size: int, total: int
) -> tuple[float, list[tuple[str, float, float]]]:
    """(p) again with each view's handlers timed (the timing itself costs, so (p)'s figure
    comes from the run without it): its seconds, and per view seconds and SQL statements per
    event."""
    with _ledger_current(settings, sample, batch_size) as system:
        with _per_view(system.projector) as breakdown:
            seconds = _rebuild_seconds(system)
        assert system.projector.position() == total
    return seconds, [
        (name, spent, statements / total) for name, (spent, statements) in breakdown.items()
    ]


@contextmanager
def _ledger_current(settings: Settings, sample: int, batch_size: int) -> Iterator[System]:
    """A fresh system whose ledger is up to date. The ledger is evidence, never rebuilt: in
    any deployment it is current when a rebuild begins, so it is brought up to date first,
    untimed."""
    system = _fresh(settings, sample)
    try:
        Projector(system.app, system.store, batch_size, views=(LedgerView,)).catch_up()
        yield system
    finally:
        system.close()


def _rebuild_seconds(system: System) -> float:
    started = time.perf_counter()
    system.projector.rebuild()
    return time.perf_counter() - started


def _fresh(settings: Settings, sample: int) -> System:
    """A new process's view of the log (as `yishiting project` would start), its caches warmed
    on the first events so that neither contender pays for first key look-ups in its timing."""
    system = bootstrap(settings)
    _warm(system.app, sample)
    return system


@contextmanager
def _counting_statements(sink: Any = None) -> Iterator[list[int]]:
    """Counts the SQL statements the views send (each one a round trip to the server); `sink`,
    when given, returns the [seconds, statements] pair to count each statement on as well."""
    counter = [0]
    originals = {
        name: getattr(PostgresTx, name) for name in ("execute", "one", "all", "insert_rows")
    }

    def counted(name: str) -> Any:
        original = originals[name]

        def call(self: PostgresTx, *args: Any, **kwargs: Any) -> Any:
            counter[0] += 1
            if sink is not None:
                sink()[1] += 1
            return original(self, *args, **kwargs)

        return call

    for name in originals:
        setattr(PostgresTx, name, counted(name))
    try:
        yield counter
    finally:
        for name, original in originals.items():
            setattr(PostgresTx, name, original)


@contextmanager
def _per_view(projector: Projector) -> Iterator[dict[str, list[float]]]:
    """Time spent in each view's handlers and the statements each sends, during the block."""
    spent: dict[str, list[float]] = {view.name: [0.0, 0] for view in projector.views}
    spent["(decoding events)"] = [0.0, 0]
    spent[WRITING] = [0.0, 0]
    current = ["(decoding events)"]

    def timed(name: str, apply: Any) -> Any:
        def call(event: Any, tx: Any) -> None:
            current[0] = name
            started = time.perf_counter()
            apply(event, tx)
            spent[name][0] += time.perf_counter() - started

        return call

    mapper = projector.app.mapper
    decode = mapper.to_domain_event

    def decoding(notification: Any) -> Any:
        started = time.perf_counter()
        event = decode(notification)
        spent["(decoding events)"][0] += time.perf_counter() - started
        return event

    flush = BatchTx.flush

    def writing(tx: BatchTx) -> None:
        current[0] = WRITING
        started = time.perf_counter()
        flush(tx)
        spent[WRITING][0] += time.perf_counter() - started

    for view in projector.views:
        view.apply = timed(view.name, view.apply)  # type: ignore[method-assign]
    mapper.to_domain_event = decoding  # type: ignore[method-assign]
    BatchTx.flush = writing  # type: ignore[method-assign]
    with _counting_statements(lambda: spent[current[0]]):
        try:
            yield spent
        finally:
            for view in projector.views:
                del view.apply
            del mapper.to_domain_event
            BatchTx.flush = flush  # type: ignore[method-assign]


def _reset(projector: Projector) -> None:
    """Empty views at position 0 (the drop half of a rebuild)."""
    with projector.store.transaction() as tx:
        for view in projector.views:
            for table in view.table_names:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            tx.execute("DELETE FROM projection_tracking WHERE view = ?", (view.name,))
    projector.create_tables()


def _warm(app: Yishiting, count: int) -> None:
    position = 0
    while position < count:
        notifications = app.recorder.select_notifications(
            start=position, limit=1000, inclusive_of_start=False
        )
        if not notifications:
            return
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        position = notifications[-1].id


def _raw(url: str) -> float:
    conninfo = Database.from_url(url).conninfo()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        started = time.perf_counter()
        cur.execute("SELECT * FROM yishiting_events ORDER BY notification_id")
        count = sum(1 for _ in cur)
        seconds = time.perf_counter() - started
    assert count > 0
    return seconds


def _stock(url: str, stock_schema: str, sample: int, sample_end: int) -> float:
    """Seconds the stock runner takes from its start to committing the `sample_end` event."""
    started: list[float] = []
    finished: list[float] = []
    done = threading.Event()

    class BenchApp(Yishiting):
        name = Yishiting.name  # the same log (table names come from the application's name)

        def __init__(self, env: Any = None) -> None:
            settings = Settings(database_url=url)
            database = Database.from_url(url)
            super().__init__(settings, adapters_for(settings, database, env=env))
            _warm(self, sample)
            started.append(time.perf_counter())

    class TimedStockViews(StockViews):
        name = "stock_views"

        def process_event(self, domain_event: Any, tracking: Tracking) -> None:
            super().process_event(domain_event, tracking)
            if tracking.notification_id >= sample_end and not done.is_set():
                finished.append(time.perf_counter())
                done.set()

    db = Database.from_url(url)
    prefix = TimedStockViews.name.upper() + "_"
    env = {
        prefix + "PERSISTENCE_MODULE": "eventsourcing.postgres",
        prefix + "POSTGRES_DBNAME": db.name,
        prefix + "POSTGRES_HOST": db.host,
        prefix + "POSTGRES_PORT": db.port,
        prefix + "POSTGRES_USER": db.user,
        prefix + "POSTGRES_PASSWORD": db.password,
        prefix + "POSTGRES_SCHEMA": stock_schema,
    }
    with ProjectionRunner(
        application_class=BenchApp,
        projection_class=TimedStockViews,
        view_class=PostgresViewRecorder,
        env=env,
    ) as runner:
        deadline = time.monotonic() + STOCK_TIMEOUT
        while not done.wait(timeout=1.0):
            runner.run_forever(timeout=0.01)  # re-raises an error of the processing thread
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stock runner did not reach event {sample_end}")
    tables = _count_rows(db, stock_schema, "topic_board")
    assert tables > 0, "the stock runner wrote no topic rows"
    return finished[0] - started[0]


def _count_rows(db: Database, schema: str, table: str) -> int:
    with psycopg.connect(db.conninfo(with_schema=False)) as conn:
        row = conn.execute(
            sql.SQL("SELECT COUNT(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        ).fetchone()
    return int(row[0]) if row else 0


def _with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    return parts._replace(query=f"schema={schema}").geturl()


# ----------------------------------------------------------------------------------------------
# Where and when: the machine, the database, the commit.


def machine(url: str) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with psycopg.connect(Database.from_url(url).conninfo(with_schema=False)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings"
                " WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers')"
            ).fetchall()
        )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "postgres_version": str(row[0]).split()[0] if row else "?",
        "postgres": f"PostgreSQL {row[0] if row else '?'}"
        f" (synchronous_commit={settings.get('synchronous_commit')},"
        f" fsync={settings.get('fsync')})",
        "python": platform.python_version(),
        "load": " / ".join(f"{n:.1f}" for n in os.getloadavg()),
        "commit": commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    # Neither a virtualenv linked into a worktree to run from there nor the document the run
    # writes its figures into (as it goes) is a change to the code.
    changed = git("status", "--porcelain", "--", ".", ":!.venv", f":!{DOC.relative_to(ROOT)}")
    return head + (" + uncommitted changes" if changed else "")


# ----------------------------------------------------------------------------------------------
# The report.


def table(result: Result, where: dict[str, str]) -> str:
    size = f"{result.events:,} events ({result.log_bytes / 1e6:.0f} MB)"
    host = f"{where['nproc']} × {where['cpu']}, PostgreSQL {where['postgres_version']}"
    lines = [
        "| figure | value | baseline | ratio | target | data size | machine | commit | date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key in ("rebuild", "projector_sample", "stock", "raw", "rebuild_vs_raw", "production"):
        figure = result.figures[key]
        baseline = (
            f"{figure.baseline}: {figure.baseline_rate:,.0f} events/s"
            if figure.baseline_rate
            else "—"
        )
        ratio = f"{figure.ratio:.3g}×" if figure.ratio is not None else "—"
        met = ""
        if figure.target and figure.ratio is not None:
            met = " met" if figure.ratio >= TARGET else " **not met**"
        data = size if key not in ("stock", "projector_sample") else f"{figure.events:,} of {size}"
        lines.append(
            f"| {figure.name} | {figure.rate:,.0f} events/s ({figure.seconds:.2f} s)"
            f" | {baseline} | {ratio} | {figure.target or '—'}{met} | {data} | {host}"
            f" | {where['commit']} | {where['date']} |"
        )
    return "\n".join(lines)


def summary(result: Result) -> str:
    f = result.figures
    return (
        f"rebuild {f['rebuild'].rate:,.0f} ev/s · same-sample {f['projector_sample'].rate:,.0f}"
        f" ev/s · stock {f['stock'].rate:,.0f} ev/s · raw {f['raw'].rate:,.0f} ev/s"
        f" → {f['rebuild'].ratio:.1f}× (sample {f['projector_sample'].ratio:.1f}×)"
        f" the stock runner; {result.statements_per_event:.2f} SQL statements per event"
    )


def main(argv: list[str] | None = None) -> Result:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="events in the log")
    parser.add_argument("--sample", type=int, default=3_000, help="events for the stock runner")
    parser.add_argument("--batch-size", type=int, default=1_000, help="our events per commit")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the sample pair")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    result = run(args.events, args.sample, args.batch_size, args.database_url, args.repeat)
    where = machine(args.database_url)
    print(table(result, where))
    print(summary(result))
    if args.write:
        from bench.report import write

        write(DOC, [(result, where)])
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
