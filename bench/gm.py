"""Benchmark: the 国密 suite (YISHITING_CRYPTO_SUITE=gm) beside the international one, on
PostgreSQL, in the same run.

    .venv/bin/python -m bench.gm [--events N] [--seals S] [--write]

For each suite, a log of N realistic events (bench/workload.py) in a schema of its own,
dropped afterwards; then three rounds taking the suites in turns (each round starting with the
other), the best round of each:
  (l) the ledger's append cost: only the ledger's tables dropped, then a projector of the
      ledger view alone (the suite's tree hash) catches up from 0, per event;
  (v) `Ledger.verify` with the suite's public key (re-read, re-hash, compare, the signed
      checkpoint checked), per event.
And without a database: (s) sealing a subject's personal fields and opening them again
(`Sealer.seal` + `Sealer.open`, the key cached) with AES-256-GCM and with SM4-GCM (libgcrypt's
where application/_sm4gcm.c was built, else OpenSSL's: the report names it), in ten
blocks of S/10 taken in turns, the best block of each. Targets: gm ≤ 1.5× international per
event, SM4-GCM ≤ 1.5× AES-GCM."""

from __future__ import annotations

import argparse
import base64
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from application.key_tables import MemoryKeyTable
from application.personal_data import Sealer, SubjectKeys
from application.sealing import SM4_GCM_BY
from application.settings import Settings
from bench import common
from bench.ledger import _warm
from bench.rebuild import DEFAULT_URL, machine
from bench.workload import Workload
from interfaces.bootstrap import System, bootstrap
from projections.ledger import LedgerView
from projections.runner import Projector

DOC = common.DOC
Say = Callable[[str], object]
SUITES = ("international", "gm")
TARGET = 1.5
MAX_EVENTS = 20_000  # per suite, in `python -m bench` (two logs of the workload)
FIELDS = {
    "name": "欧阳遗忘",
    "phone": "13912345678",
    "id_number": "110101199001011234",
    "address": "北京市东城区东华门街道某某胡同12号院3号楼2单元501",
}


@dataclass
class Result:
    events: dict[str, int] = field(default_factory=dict)
    ledger_seconds: dict[str, float] = field(default_factory=dict)
    verify_seconds: dict[str, float] = field(default_factory=dict)
    seals: int = 0
    seal_seconds: dict[str, float] = field(default_factory=dict)

    def ledger_micros(self, suite: str) -> float:
        return self.ledger_seconds[suite] / self.events[suite] * 1e6

    def verify_micros(self, suite: str) -> float:
        return self.verify_seconds[suite] / self.events[suite] * 1e6

    def seal_micros(self, suite: str) -> float:
        return self.seal_seconds[suite] / self.seals * 1e6

    def ratio(self, what: str) -> float:
        micros = {"ledger": self.ledger_micros, "verify": self.verify_micros}.get(
            what, self.seal_micros
        )
        return micros("gm") / micros("international")


def run(events: int, url: str = DEFAULT_URL, seals: int = 20_000, say: Say = print) -> Result:
    result = Result(seals=seals)
    with ExitStack() as stack:
        systems = {suite: stack.enter_context(_system(url, suite)) for suite in SUITES}
        for suite, system in systems.items():
            _write(system, suite, events, result, say)
        for round_ in range(ROUNDS):
            for suite in common.in_turn(SUITES, round_):
                _measure(systems[suite], suite, result)
    _seal_in_turns(result, seals)
    for suite in SUITES:
        say(f"(l) {suite}: {result.ledger_micros(suite):,.1f} µs/event")
        say(f"(v) {suite}: {result.verify_micros(suite):,.1f} µs/event")
        say(f"(s) {suite}: {result.seal_micros(suite):,.1f} µs per seal + open")
    return result


ROUNDS = 3


@contextmanager
def _system(url: str, suite: str) -> Iterator[System]:
    with common.schema(url, "bench_gm") as schema_url, tempfile.TemporaryDirectory() as keys:
        settings = Settings(
            database_url=schema_url,
            crypto_suite=suite,
            personal_data_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            ledger_key_file=str(Path(keys) / "ledger-ed25519.pem"),
            ledger_sm2_key_file=str(Path(keys) / "ledger-sm2.pem"),
            event_key_file=str(Path(keys) / "event-hmac.key"),
        )
        system = bootstrap(settings)
        try:
            yield system
        finally:
            system.close()


def _write(system: System, suite: str, events: int, result: Result, say: Say) -> None:
    app = system.app
    say(f"[{suite}] writing {events:,} events …")
    Workload.prepare(app).write(events)
    result.events[suite] = app.position()
    _warm(app)


def _measure(system: System, suite: str, result: Result) -> None:
    """One round of the suite's ledger append (the ledger view rebuilt alone) and `verify`,
    each kept if it is the suite's best so far."""
    total = result.events[suite]
    ledger = _ledger_alone(system, suite, total)
    result.ledger_seconds[suite] = min(result.ledger_seconds.get(suite, ledger), ledger)
    checkpoint = system.ledger.issue_checkpoint()
    assert (checkpoint.suite, checkpoint.tree_size) == (suite, total)
    started = time.perf_counter()
    report = system.ledger.verify(system.ledger.public_keys())
    verify = time.perf_counter() - started
    assert report.ok, report.divergence
    result.verify_seconds[suite] = min(result.verify_seconds.get(suite, verify), verify)


SEAL_BLOCKS = 10


def _seal_in_turns(result: Result, seals: int) -> None:
    """Both suites' sealing, in blocks taken in turns (each round starting with the other), the
    best block of each scaled to `seals`: a moment of load weighs on both, not on whichever
    suite happened to be running then."""
    block = max(1, seals // SEAL_BLOCKS)
    sealers = {suite: _sealer(suite) for suite in SUITES}
    best = {suite: float("inf") for suite in SUITES}
    for round_ in range(SEAL_BLOCKS):
        for suite in common.in_turn(SUITES, round_):
            best[suite] = min(best[suite], _seal(sealers[suite], block))
    for suite in SUITES:
        result.seal_seconds[suite] = best[suite] * seals / block


def _ledger_alone(system: System, suite: str, total: int) -> float:
    with system.store.transaction() as tx:
        for table in LedgerView().table_names:
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        tx.execute("DELETE FROM projection_tracking WHERE view = ?", (LedgerView.name,))
    projector = Projector(system.app, system.store, 1_000, views=(LedgerView,))
    for view in projector.views:
        if isinstance(view, LedgerView):
            view.suite = next(v for v in system.projector.views if isinstance(v, LedgerView)).suite
    assert all(v.suite.name == suite for v in projector.views if isinstance(v, LedgerView))
    started = time.perf_counter()
    applied = projector.catch_up()
    seconds = time.perf_counter() - started
    assert applied == total, (applied, total)
    return seconds


def _sealer(suite: str) -> Sealer:
    sealer = Sealer(SubjectKeys(MemoryKeyTable(), os.urandom(32), suite))
    sealed = sealer.seal("subject", FIELDS)
    assert sealed.startswith("sm4-gcm:") == (suite == "gm")
    return sealer


def _seal(sealer: Sealer, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        assert sealer.open("subject", sealer.seal("subject", FIELDS)) is not None
    return time.perf_counter() - started


def figures(result: Result) -> list[common.Figure]:
    size = f"{result.events['gm']:,} events"
    rows = [
        ("gm: ledger append per event (SM3 tree), beside international", "ledger", "µs/event"),
        ("gm: `verify` per event (SM3, SM2), beside international", "verify", "µs/event"),
        ("gm: sealing a subject's fields, SM4-GCM beside AES-GCM", "seal", "µs per seal+open"),
    ]
    out = []
    for name, what, unit in rows:
        micros = {"ledger": result.ledger_micros, "verify": result.verify_micros}.get(
            what, result.seal_micros
        )
        ratio = result.ratio(what)
        out.append(
            common.Figure(
                name,
                f"{micros('gm'):,.1f} {unit}" + (f" ({SM4_GCM_BY})" if what == "seal" else ""),
                f"{'AES-GCM' if what == 'seal' else 'international'}: "
                f"{micros('international'):,.1f} {unit}",
                ratio,
                f"≤ {TARGET}×",
                ratio <= TARGET,
                size=size if what != "seal" else f"{result.seals:,} seals",
            )
        )
    return out


SECTION = "## The 国密 suite (gm) beside international"
BEGIN, END = "<!-- gm:begin -->", "<!-- gm:end -->"


def section(result: Result, where: dict[str, str], command: str) -> str:
    lines = [
        SECTION,
        "",
        f"Generated by `{command}` (bench/gm.py). Both suites in the same run, each on its own"
        " log of the same workload in a schema of its own. (l) is the ledger view alone"
        " rebuilt from position 0 (its tree hash: SHA-256 or SM3); (v) is"
        " `Ledger.verify` (re-read, re-hash, compare, the checkpoint's Ed25519 or SM2"
        " signature checked): three rounds taking the suites in turns, the best of each;"
        " (s) seals and opens one subject's fields with its cached key, ten blocks in turns,"
        " the best of each.",
        "",
        "| figure | gm | international | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for figure in figures(result):
        cells = figure.cells()
        lines.append(f"| {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | {cells[4]} |")
    lines += [
        "",
        f"Machine: {where['nproc']} CPUs, {where['cpu']}; {where['postgres']};"
        f" Python {where['python']}; SM4-GCM by {SM4_GCM_BY}."
        f" Commit {where['commit']}, {where['date']}."
        " Wall-clock on a machine that may be shared: the ratios matter more than the"
        " absolute numbers.",
    ]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    section_text = f"{BEGIN}\n{text.rstrip()}\n{END}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    replaced = common.replace_section(current, BEGIN, END, section_text)
    if replaced is None:
        replaced = current.rstrip("\n") + "\n\n" + section_text + "\n"
    path.write_text(replaced, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.gm", description=__doc__)
    parser.add_argument("--events", type=int, default=5_000, help="events in each log")
    parser.add_argument("--seals", type=int, default=20_000, help="seals per cipher")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--write", action="store_true", help=f"update {DOC.name}")
    args = parser.parse_args(argv)
    result = run(args.events, args.database_url, args.seals)
    where = machine(args.database_url)
    text = section(result, where, f"python -m bench.gm --events {args.events}")
    print(text)
    if args.write:
        write_section(DOC, text)


if __name__ == "__main__":
    main()
