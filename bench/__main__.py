"""Runs every benchmark: `python -m bench` (full: 200,000 events, writes docs/BENCHMARKS.md) or
`python -m bench --quick` (20,000 events, prints only unless --write). The views' rebuild
(bench/rebuild.py), then the ledger (bench/ledger.py; `--no-ledger` skips it)."""

from __future__ import annotations

import argparse
import os

from bench import ledger, rebuild
from bench.report import write

FULL_EVENTS = 200_000
QUICK_EVENTS = 20_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EVENTS:,} events")
    parser.add_argument("--events", type=int, help="events in the log (overrides --quick)")
    parser.add_argument("--sample", type=int, default=3_000, help="events for the stock runner")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", rebuild.DEFAULT_URL)
    )
    parser.add_argument("--write", action="store_true", help="write docs/BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--no-ledger", action="store_true", help="skip the ledger benchmark")
    args = parser.parse_args(argv)
    events = args.events or (QUICK_EVENTS if args.quick else FULL_EVENTS)
    result = rebuild.run(events, args.sample, 1_000, args.database_url)
    where = rebuild.machine(args.database_url)
    print(rebuild.table(result, where))
    print(rebuild.summary(result))
    if (args.write or not args.quick) and not args.no_write:
        write(rebuild.DOC, [(result, where)])
        print(f"wrote {rebuild.DOC}")
    if not args.no_ledger:
        ledgered = ledger.run(events, args.database_url, repeat=2 if args.quick else 1)
        print(ledger.table(ledgered, where))
        print(f"In short: {ledger.summary(ledgered)}.")
        if (args.write or not args.quick) and not args.no_write:
            ledger.write_section(ledger.DOC, ledger.section(ledgered, where))
            print(f"wrote the ledger section of {ledger.DOC}")


if __name__ == "__main__":
    main()
