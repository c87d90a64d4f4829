"""Benchmark: the tamper-evident ledger, on PostgreSQL.

    .venv/bin/python -m bench.ledger [--events N] [--repeat R] [--write]

Default: 20,000 events, best of 2 (about a minute and a half on 2 CPUs). The million-event
figure:

    .venv/bin/python -m bench.ledger --events 1000000 --repeat 1 --write

(30–60 minutes on 2 shared CPUs and ~2.7 GB in the database while it runs — each run's
report extrapolates both from its own figures; the schema is dropped afterwards;
`BENCH_DATABASE_URL` or `--database-url` picks the server).

In one run, on one log of N realistic events (bench/workload.py, the same stories as the
rebuild benchmark) in a schema of its own, dropped afterwards:
  (w) writing the log: `app.save()` of the events, several stories per call (only the time
      inside `app.save` is counted): the plain event write rate;
  (r) a raw sequential read of the events table with psycopg: the read ceiling;
  (p0) the production projector from position 0 with every view but the ledger;
  (p1) the same projector with the ledger view too (what production runs);
      the ledger's append overhead per event is (p1 − p0) / N;
  (l) the ledger view alone (leaf + complete-subtree nodes per event, one batch per
      transaction);
  (v) `Ledger.verify`: every event re-read from the log, re-hashed, compared with its leaf,
      the tree recomputed and the signed checkpoint checked;
  (q) proofs: an inclusion proof for random events, a consistency proof from a random older
      size to the whole tree (mean milliseconds, each one checked).
(p0) and (p1) run alternately `--repeat` times on freshly dropped views; the best of each is
kept. The application's caches (subject keys for sealed personal data) are warmed first."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import psycopg
from psycopg import sql

from application.app import Yishiting
from application.ledger.proofs import check_consistency, check_inclusion
from application.settings import Settings
from application.storage import Database
from bench import common
from bench.rebuild import DEFAULT_URL, machine
from bench.workload import Workload
from interfaces.bootstrap import System, bootstrap
from projections.ledger import LedgerView
from projections.runner import VIEWS, Projector
from projections.views.base import View

ROOT = Path(__file__).resolve().parents[1]
DOC = common.DOC
SECTION = "## Ledger (PostgreSQL)"
DEFAULT_EVENTS = 20_000
PROOFS = 200


@dataclass
class Result:
    events: int
    repeat: int
    requested: int
    batch_size: int
    seconds: dict[str, float] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    proof_ms: dict[str, float] = field(default_factory=dict)
    views: list[str] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at the start and the end
    wall_seconds: float = 0.0

    def rate(self, key: str) -> float:
        return self.events / self.seconds[key]

    def micros(self, key: str) -> float:
        return self.seconds[key] / self.events * 1e6

    def million_minutes(self) -> float:
        """This run's time scaled linearly to 1,000,000 events with one round of (p0)/(p1)."""
        extra_rounds = (self.repeat - 1) * (
            self.seconds["without_ledger"] + self.seconds["with_ledger"]
        )
        return (self.wall_seconds - extra_rounds) * 1_000_000 / self.events / 60

    @property
    def overhead_micros(self) -> float:
        return (self.seconds["with_ledger"] - self.seconds["without_ledger"]) / self.events * 1e6


def run(
    events: int,
    url: str = DEFAULT_URL,
    repeat: int = 2,
    batch_size: int = 1_000,
    say: Callable[[str], object] = print,
) -> Result:
    base = Database.from_url(url)
    schema = f"bench_ledger_{uuid4().hex[:10]}"
    admin = base.conninfo(with_schema=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        with tempfile.TemporaryDirectory() as keys:
            settings = Settings(
                database_url=urlsplit(url)._replace(query=f"schema={schema}").geturl(),
                ledger_key_file=str(Path(keys) / "ledger-ed25519.pem"),
                projector_batch_size=batch_size,
            )
            system = bootstrap(settings)
            load, started = os.getloadavg()[0], time.perf_counter()
            try:
                result = _measure(system, events, repeat, batch_size, say)
            finally:
                system.close()
            result.load = (load, os.getloadavg()[0])
            result.wall_seconds = time.perf_counter() - started
            return result
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _measure(
    system: System, events: int, repeat: int, batch_size: int, say: Callable[[str], object]
) -> Result:
    app = system.app
    workload = Workload.prepare(app)
    in_save = _time_saves(app)
    say(f"(w) writing {events:,} events …")
    workload.write(events)
    total = app.position()
    result = Result(total, repeat, events, batch_size)
    result.seconds["write"] = in_save()
    say(f"    {total:,} events, {result.rate('write'):,.0f} events/s inside app.save")

    say("(r) raw read of the events table …")
    result.seconds["raw"] = _raw_read(app.database, total)
    _warm(app)

    others = tuple(view for view in VIEWS if view is not LedgerView)
    result.views = [view.name for view in VIEWS]
    runs: dict[str, list[float]] = {"without_ledger": [], "with_ledger": []}
    for round_ in range(repeat):
        for key, views in (("without_ledger", others), ("with_ledger", VIEWS)):
            label = "(p1)" if key == "with_ledger" else "(p0)"
            say(f"{label} projector {key.replace('_', ' ')}, {round_ + 1}/{repeat} …")
            runs[key].append(_catch_up(system, views, batch_size, total))
            say(f"    {total / runs[key][-1]:,.0f} events/s")
    for key, seconds in runs.items():
        result.seconds[key] = min(seconds)

    say("(l) the ledger view alone …")
    result.seconds["ledger_alone"] = _catch_up(system, (LedgerView,), batch_size, total, only=True)

    checkpoint = system.ledger.issue_checkpoint()
    assert checkpoint.tree_size == total, (checkpoint.tree_size, total)
    assert system.ledger.signer is not None
    public = system.ledger.signer.public
    say("(v) verify …")
    started = time.perf_counter()
    report = system.ledger.verify(public)
    result.seconds["verify"] = time.perf_counter() - started
    assert report.ok, report.divergence
    assert (report.events_checked, report.checkpoints_checked) == (total, 1)

    say(f"(q) {PROOFS} inclusion and {PROOFS} consistency proofs …")
    rng = random.Random(6962)
    positions = _positions(app.database)
    inclusion, consistency = [], []
    for _ in range(PROOFS):
        position = rng.choice(positions)
        started = time.perf_counter()
        proof = system.ledger.prove(position)
        inclusion.append(time.perf_counter() - started)
        assert check_inclusion(proof, checkpoint, public).ok
    for _ in range(PROOFS):
        old_size = rng.randrange(1, total)
        started = time.perf_counter()
        system.ledger.prove_consistency(old_size, total)
        consistency.append(time.perf_counter() - started)
    # One consistency proof checked end to end, from a checkpoint signed at half the size.
    half = total // 2
    old = system.ledger.signer.sign(half, system.ledger.root(half), checkpoint.issued_at)
    assert check_consistency(
        system.ledger.prove_consistency(half, total), old, checkpoint, public
    ).ok
    result.proof_ms["inclusion"] = statistics.fmean(inclusion) * 1e3
    result.proof_ms["consistency"] = statistics.fmean(consistency) * 1e3

    result.bytes = _sizes(app.database)
    return result


def _time_saves(app: Yishiting) -> Callable[[], float]:
    """Counts the time spent inside `app.save` from now on; returns a reader of the total."""
    spent = [0.0]
    save = app.save

    def timed(*objects: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return save(*objects, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    app.save = timed  # type: ignore[method-assign]
    return lambda: spent[0]


def _raw_read(database: Database, total: int) -> float:
    with psycopg.connect(database.conninfo()) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT * FROM yishiting_events ORDER BY notification_id")
        count = sum(1 for _ in cursor)
        seconds = time.perf_counter() - started
    assert count == total, (count, total)
    return seconds


def _warm(app: Yishiting) -> None:
    """Decodes every event once, so that no contender pays for first subject-key look-ups."""
    start = 0
    while notifications := app.recorder.select_notifications(
        start=start, limit=1_000, inclusive_of_start=False
    ):
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        start = notifications[-1].id


def _catch_up(
    system: System,
    views: Sequence[type[View]],
    batch_size: int,
    total: int,
    *,
    only: bool = False,
) -> float:
    """Seconds for a projector of these views to apply the whole log to empty tables. Every
    view's tables are dropped first (only these views', with `only`)."""
    dropped = views if only else VIEWS
    with system.store.transaction() as tx:
        for cls in dropped:
            for table in cls().table_names:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            tx.execute("DELETE FROM projection_tracking WHERE view = ?", (cls.name,))
    projector = Projector(system.app, system.store, batch_size, views=views)
    started = time.perf_counter()
    applied = projector.catch_up()
    seconds = time.perf_counter() - started
    assert applied == total, (applied, total)
    return seconds


def _positions(database: Database) -> list[int]:
    with psycopg.connect(database.conninfo()) as conn:
        rows = conn.execute("SELECT notification_id FROM yishiting_events").fetchall()
    return [int(r[0]) for r in rows]


def _sizes(database: Database) -> dict[str, int]:
    """Bytes on disk (tables, indexes, TOAST): the log, the ledger, and the whole schema."""
    ledger = ("ledger_leaves", "ledger_nodes", "ledger_checkpoints")
    with psycopg.connect(database.conninfo()) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ).fetchall()
        counted = conn.execute(
            "SELECT (SELECT count(*) FROM ledger_leaves), (SELECT count(*) FROM ledger_nodes)"
        ).fetchone()
    sizes = {str(name): int(size) for name, size in rows}
    leaves, nodes = (int(counted[0]), int(counted[1])) if counted else (0, 0)
    return {
        "log": sizes.get("yishiting_events", 0),
        "ledger": sum(sizes.get(name, 0) for name in ledger),
        "schema": sum(sizes.values()),
        "ledger_rows": leaves + nodes,
    }


def table(result: Result, where: dict[str, str]) -> str:
    n = result.events
    size = f"{n:,} events (log {result.bytes['log'] / 1e6:,.0f} MB)"
    host = f"{where['nproc']} × {where['cpu']}, PostgreSQL {where['postgres_version']}"
    per = f"{result.micros('write'):,.0f} µs/event"

    def rate(key: str) -> str:
        return f"{result.rate(key):,.0f} events/s"

    rows = [
        ("(w) writing the log, `app.save` (plain event write rate)", rate("write"), "", ""),
        ("(r) raw read of the events table (psycopg)", rate("raw"), "", ""),
        (
            "(p0) production projector without the ledger view",
            rate("without_ledger"),
            "",
            "",
        ),
        (
            "(p1) production projector with the ledger view",
            rate("with_ledger"),
            f"(p0): {rate('without_ledger')}",
            f"{result.seconds['with_ledger'] / result.seconds['without_ledger']:.2f}× the time",
        ),
        (
            "**ledger append overhead** = ((p1) − (p0)) / N",
            f"{result.overhead_micros:,.0f} µs/event",
            f"(w) write: {per}",
            f"{result.overhead_micros / result.micros('write'):.2f}× the write cost",
        ),
        (
            "(l) ledger view alone",
            f"{rate('ledger_alone')} ({result.micros('ledger_alone'):,.0f} µs/event)",
            f"(w) write: {per}",
            f"{result.micros('ledger_alone') / result.micros('write'):.2f}× the write cost",
        ),
        (
            "**(v) `verify`** (re-read, re-hash, compare, checkpoint)",
            rate("verify"),
            f"(r) raw read: {rate('raw')}",
            f"{result.rate('verify') / result.rate('raw'):.2f}× the raw read rate",
        ),
        (
            f"(q) inclusion proof, mean of {PROOFS}",
            f"{result.proof_ms['inclusion']:.2f} ms",
            "",
            "",
        ),
        (
            f"(q) consistency proof, mean of {PROOFS}",
            f"{result.proof_ms['consistency']:.2f} ms",
            "",
            "",
        ),
    ]
    lines = [
        "| figure | value | baseline | ratio | data size | machine | commit | date |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, value, baseline, ratio in rows:
        lines.append(
            f"| {name} | {value} | {baseline} | {ratio} | {size} | {host}"
            f" | {where['commit']} | {where['date']} |"
        )
    return "\n".join(lines)


def summary(result: Result) -> str:
    return (
        f"the ledger adds {result.overhead_micros:,.0f} µs per event to the projector"
        f" ({result.overhead_micros / result.micros('write'):.2f}× the cost of writing the event"
        f" with app.save); verify checks {result.rate('verify'):,.0f} events/s"
        f" ({result.rate('verify') / result.rate('raw'):.2f}× the raw read rate)"
    )


def section(result: Result, where: dict[str, str]) -> str:
    ledger_mb, n = result.bytes["ledger"] / 1e6, result.events
    return "\n".join(
        [
            SECTION,
            "",
            f"Generated by `python -m bench.ledger --events {result.requested}` (bench/ledger.py);"
            " refresh with `make bench` or that command with `--write`.",
            "",
            table(result, where),
            "",
            f"In short: {summary(result)}.",
            "",
            f"Where the ledger's time goes: it writes {result.bytes['ledger_rows'] / n:.2f} rows"
            " per event (the leaf; the leaf again as a level-0 node; on average one higher"
            " complete-subtree node), each a separate INSERT and so a round trip to the server"
            " inside the batch's transaction. Hashing is not the cost (`verify` re-hashes"
            f" {result.rate('verify'):,.0f} events/s, reading them included): sending a batch's"
            " leaves and nodes as multi-row INSERTs is the way to cut the overhead.",
            "",
            f"Data: {n:,} events; the log {result.bytes['log'] / 1e6:,.1f} MB"
            f" ({result.bytes['log'] / n:,.0f} B/event), the ledger's tables {ledger_mb:,.1f} MB"
            f" ({result.bytes['ledger'] / n:,.0f} B/event); everything in the schema (log, all"
            f" views, the ledger) {result.bytes['schema'] / 1e6:,.1f} MB"
            f" ({result.bytes['schema'] / n:,.0f} B/event). Projector batches of"
            f" {result.batch_size:,} events; (p0)/(p1) best of {result.repeat}."
            f" Views: {', '.join(result.views)}.",
            "",
            f"Machine: {where['nproc']} CPUs, {where['cpu']}; {where['postgres']};"
            f" Python {where['python']}. Commit {where['commit']}, {where['date']}."
            f" Load average (1 min) {result.load[0]:.1f} at the start, {result.load[1]:.1f} at"
            f" the end; the whole run took {result.wall_seconds:,.0f} s.",
            "",
            "### How the ledger figures are taken",
            "",
            "One run, one PostgreSQL log of N events written by `bench/workload.py` (the same"
            " stories as the rebuild benchmark above), in a schema of its own that is dropped"
            " afterwards:",
            "",
            "- **(w)** only the time spent inside `app.save()` (several stories, ~400 events,"
            " per call) is counted, not building the stories;",
            "- **(r)** `SELECT * FROM yishiting_events ORDER BY notification_id`, every row"
            " fetched;",
            "- **(p0)/(p1)** every view dropped, then the production `Projector` catches up"
            " from position 0, without and with `LedgerView`; alternately, `--repeat` times;"
            " the overhead is the difference of the best times divided by N;",
            "- **(l)** only the ledger's tables dropped and rebuilt by a projector of that view"
            " alone;",
            "- **(v)** `Ledger.verify` with the public key: each stored event re-read (pages of"
            " 1,000), its leaf recomputed and compared with the stored leaf, the tree's right"
            " edge recomputed, the signed checkpoint's root and signature checked;",
            f"- **(q)** {PROOFS} inclusion proofs for random events and {PROOFS} consistency"
            " proofs from random older sizes to the whole tree, read from the stored nodes;"
            " each inclusion proof is checked against the signed checkpoint.",
            "",
            "The million-event figure: `.venv/bin/python -m bench.ledger --events 1000000"
            f" --repeat 1 --write`; scaled linearly from this run, about"
            f" {result.million_minutes():,.0f} minutes on this machine and"
            f" {result.bytes['schema'] / n * 1e6 / 1e9:,.1f} GB in the database while it runs"
            " (more if the tables outgrow the server's cache).",
            "Timings are wall-clock on a machine that may be shared; the ratios matter more"
            " than the absolute numbers.",
            "",
        ]
    )


BEGIN, END = "<!-- ledger:begin -->", "<!-- ledger:end -->"


def write_section(path: Path, text: str) -> None:
    """Replaces this benchmark's section of the document, or appends it; every other
    benchmark's section is left as it is."""
    section_text = f"{BEGIN}\n{text.rstrip()}\n{END}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        current = before + section_text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + section_text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events in the log")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of (p0) and (p1)")
    parser.add_argument("--batch-size", type=int, default=1_000, help="projector batch")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--write", action="store_true", help=f"update {DOC.name}")
    args = parser.parse_args(argv)
    result = run(args.events, args.database_url, args.repeat, args.batch_size)
    where = machine(args.database_url)
    print(table(result, where))
    print(f"In short: {summary(result)}.")
    if args.write:
        write_section(DOC, section(result, where))
        print(f"wrote the ledger section of {DOC}")


if __name__ == "__main__":
    main()
