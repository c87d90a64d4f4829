"""Benchmark: `memberRecords` (委员履职) for a district's members over a large history, beside
the same answer from hand-written SQL over the view, in the same run.

    .venv/bin/python -m bench.members [--quick] [--events N] [--members M] [--samples S]

In one run, in a schema of its own on PostgreSQL:
  1. a district history (bench/generate.py) of about N events in all, then M members
     (政协委员: registered, enrolled in a 界别 and on a platform) whose year is written in bulk
     through the application: each raises matters through the channel 政协委员 and follows
     supervision items of whole stories (bench/workload.py) written for them, every entry on
     a day of the year; a points scheme set from 1 July, so that half the year is weighed by
     the example table and half by the scheme (the read weighs each entry by the scheme in force
     on its day);
  2. the views the read needs (reference data, the members' records) rebuilt from the log by
     `Projector.rebuild()`, then VACUUM ANALYZE;
  3. `yishiting serve --no-projector`; a leader's keep-alive client asks for the first page
     of the year's records by points (`memberRecords(year, first: 50)`: every member weighed,
     the 50 with the most points, with totalCount and each kind's count and points), S samples,
     one request at a time, interleaved in rounds in a new seeded order each round with
  4. the baseline: the same page by hand-written SQL on one psycopg connection (each entry
     joined to the scheme in force on its day, the example table where none is, summed per
     member and kind, the members ordered by points then name), checked once against the HTTP
     answer;
  5. and the application's own read in this process (`member_records`), without HTTP or
     GraphQL.
Latencies: p50 and p99 of each; the target is HTTP ≤ 2× the SQL at p50."""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import psycopg

from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from bench.common import DEFAULT_URL, Figure, Server, Timings, graphql, schema
from bench.generate import District, Generated, generate
from bench.workload import ADMIN, CATEGORIES, STAFF
from domain.base import Actor, Record, recorded_at
from domain.members import EXAMPLE_WEIGHTS, Weight
from domain.people import Proposer
from domain.reference import Person
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import Channel, ParticipationKind, Role
from interfaces.bootstrap import bootstrap
from projections.reads.members import MemberFilter, member_records
from projections.store import ViewStore

TARGET = 2.0
VIEWS = "reference,member_records"
LEADER = Actor("leader-bench", "区政协领导", Role.LEADER)
YEAR = 2025
SCHEME_FROM = date(YEAR, 7, 1)
# The district's own weights from 1 July (any other than the example's would do).
SCHEME = dict(zip((k.code for k in ParticipationKind), (3.0, 4.0, 4.0, 1.0, 6.0, 2.0), strict=True))
SECTORS = ("经济界", "教育界", "科技界", "医药卫生界", "文化艺术界", "农业界", "社会福利界")
MATTERS_PER_MEMBER = 16
FOLLOWS_PER_MEMBER = 4
FOLLOWERS_PER_ITEM = 5
PAGE = 50
SEED = 22
RECORDS = """query Members($year: Int!) {
  memberRecords(year: $year, first: 50) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name sector platformName points active counts { kind count points } }
  }
}"""


@dataclass
class Result:
    generated: Generated
    members: int
    entries: int = 0
    rebuild_seconds: float = 0.0
    timings: Timings = field(default_factory=Timings)

    def figures(self) -> list[Figure]:
        size = f"{self.members:,} members, {self.entries:,} entries"
        size += f", {self.generated.events:,} events"
        t = self.timings
        http50, http99 = t.ms("http", 0.5), t.ms("http", 0.99)
        sql50, sql99 = t.ms("sql", 0.5), t.ms("sql", 0.99)
        what = f"`memberRecords(year, first: {PAGE})` by points"
        return [
            Figure(
                f"members: {what} over HTTP, p50",
                f"{http50:.1f} ms (in process, no HTTP: {t.ms('app', 0.5):.1f} ms)",
                f"hand-written SQL over the view, p50: {sql50:.1f} ms",
                http50 / sql50,
                f"≤ {TARGET:g}×",
                http50 / sql50 <= TARGET,
                size,
            ),
            Figure(
                f"members: {what} over HTTP, p99",
                f"{http99:.1f} ms",
                f"hand-written SQL over the view, p99: {sql99:.1f} ms",
                http99 / sql99,
                size=size,
            ),
        ]


class Members:
    """M members on the district's platforms and their year: matters raised, items followed."""

    def __init__(self, district: District, members: int) -> None:
        self.district = district
        self.app = district.app
        self.ids: list[UUID] = []
        self.subjects: list[str] = []
        self.count = members
        self.events = 0

    def enrol(self) -> None:
        people: list[Record] = []
        with recorded_at(datetime(YEAR - 1, 12, 1, 9, tzinfo=UTC)):
            for n in range(self.count):
                person = Person.register(
                    name=f"委员{n:04d}", position="政协委员", subject_id=f"member-{n}", actor=ADMIN
                )
                person.enroll_as_member(
                    sector=SECTORS[n % len(SECTORS)], platform_id=self._platform(n), actor=ADMIN
                )
                people.append(person)
        self._save(people)
        self.ids = [person.id for person in people]
        self.subjects = [f"member-{n}" for n in range(self.count)]

    def matters(self) -> None:
        """Each member raises matters through the channel 政协委员, on days of the year (some
        members more than others, so that the points differ)."""
        pending: list[Record] = []
        for n, person_id in enumerate(self.ids):
            for m in range(MATTERS_PER_MEMBER * (1 + n % 3) // 2):
                with recorded_at(self._day(n, m)):
                    pending.append(
                        Topic.propose(
                            title=f"委员{n:04d}反映第{m}件:老旧小区加装电梯",
                            content="委员走访时居民反映,请协商议事平台研究。",
                            channel=Channel.CPPCC_MEMBER,
                            category=CATEGORIES[m % len(CATEGORIES)],
                            platform_id=self._platform(n),
                            proposer=Proposer.checked(
                                f"委员{n:04d}",
                                subject_id=self.subjects[n],
                                person_id=str(person_id),
                            ),
                            actor=STAFF,
                        )
                    )
            if len(pending) >= 1_000:
                self._save(pending)
                pending = []
        self._save(pending)

    def follows(self) -> None:
        """Whole stories whose supervision items the members follow, a few members each."""
        wanted = self.count * FOLLOWS_PER_MEMBER
        followed = 0
        turn = 0
        while followed < wanted:
            records = self.district.story(self.district.stories)
            self.district.stories += 1
            for item in (r for r in records if isinstance(r, SupervisionItem)):
                for _ in range(FOLLOWERS_PER_ITEM):
                    if followed >= wanted:
                        break
                    with recorded_at(self._day(turn, followed)):
                        item.follow(person_id=self.ids[turn % self.count], actor=STAFF)
                    turn += 7
                    followed += 1
            self._save(records)

    def scheme(self) -> None:
        weights = [Weight(kind, SCHEME[kind.code]) for kind in ParticipationKind]
        with recorded_at(datetime(YEAR, 6, 20, 9, tzinfo=UTC)):
            self.app.set_points_scheme(
                Command(ADMIN), effective_from=SCHEME_FROM, weights=weights, reason="基准测试"
            )

    def _platform(self, n: int) -> UUID:
        return self.district.platform_ids[n % len(self.district.platform_ids)]

    def _day(self, n: int, m: int) -> datetime:
        return datetime(YEAR, 1, 2, 2, tzinfo=UTC) + timedelta(days=(n * 7 + m * 23) % 360)

    def _save(self, records: list[Record]) -> None:
        if records:
            self.events += sum(len(r.pending_events) for r in records)
            self.app.save(*records)


def run(
    url: str, events: int, members: int, samples: int, say: Callable[[str], object] = print
) -> Result:
    from bench import memory

    with schema(url, "bench_members") as log_url:
        settings = Settings(database_url=log_url)
        system = bootstrap(settings)
        try:
            per_member = MATTERS_PER_MEMBER + FOLLOWS_PER_MEMBER * 4 + 2
            say(f"writing about {events:,} events, {members:,} members' year among them …")
            district, made = generate(system.app, max(0, events - members * per_member), say=say)
            year = Members(district, members)
            year.enrol()
            year.matters()
            year.follows()
            year.scheme()
            made = Generated(system.app.position(), made.topics, made.seconds)
            say(f"  {made}; {year.events:,} of them the members'")
        finally:
            system.close()
        say("rebuilding the views the read needs, in a child process …")
        rebuilt = memory.rebuild_in_child(log_url, VIEWS)
        say(f"  {rebuilt.events:,} events in {rebuilt.seconds:.1f} s")
        conninfo = Database.from_url(log_url).conninfo()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            row = conn.execute("SELECT COUNT(*) FROM member_entries WHERE year = %s", (YEAR,))
            entries = int((row.fetchone() or (0,))[0])
        result = Result(made, members, entries, rebuilt.seconds)
        say(f"{samples} samples of each answer, HTTP, SQL and in process, alternating …")
        with Server(log_url, projector=False) as server, server.client(LEADER) as http:
            _measure(result, http, conninfo, settings, samples)
    return result


def _measure(
    result: Result, http: httpx.Client, conninfo: str, settings: Settings, samples: int
) -> None:
    store = ViewStore(Database.from_url(settings.database_url), pool_size=1)
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            answers: dict[str, Callable[[], Any]] = {
                "http": lambda: graphql(http, RECORDS, year=YEAR),
                "sql": lambda: sql_records(conn, YEAR),
                "app": lambda: member_records(store, MemberFilter(year=YEAR))[:PAGE],
            }
            first = {key: answer() for key, answer in answers.items()}  # warm, and compare
            _same(first, result.members)
            for _ in range(3):
                for answer in answers.values():
                    answer()
            order = random.Random(SEED)
            for _ in range(samples):
                for key, answer in order.sample(list(answers.items()), len(answers)):
                    started = time.perf_counter()
                    answer()
                    result.timings.add(key, time.perf_counter() - started)
    finally:
        store.close()


EXAMPLE_SQL = ", ".join(f"('{kind}', {points})" for kind, points in EXAMPLE_WEIGHTS.items())
RECORDS_SQL = f"""
WITH schemes AS (
  SELECT id AS since, LEAD(id) OVER (ORDER BY id) AS until, weights::jsonb AS weights
  FROM points_schemes
), per_kind AS (
  SELECT e.person_id, e.kind, COUNT(*) AS n,
    SUM(COALESCE((s.weights ->> e.kind)::float, x.points)) AS points
  FROM member_entries e
  LEFT JOIN schemes s ON e.day >= s.since AND (s.until IS NULL OR e.day < s.until)
  LEFT JOIN (VALUES {EXAMPLE_SQL}) AS x (kind, points) ON s.since IS NULL AND x.kind = e.kind
  WHERE e.year = %(year)s
  GROUP BY e.person_id, e.kind
)
SELECT r.id, p.name, r.sector, f.name AS platform_name,
  ROUND(COALESCE(SUM(k.points), 0)::numeric, 2)::float AS points,
  COALESCE(jsonb_object_agg(k.kind, jsonb_build_array(k.n, k.points))
    FILTER (WHERE k.kind IS NOT NULL), '{{}}') AS counts
FROM member_roster r
JOIN ref_people p ON p.id = r.id
JOIN ref_platforms f ON f.id = r.platform_id
LEFT JOIN per_kind k ON k.person_id = r.id
GROUP BY r.id, p.name, r.sector, f.name
ORDER BY points DESC, p.name COLLATE "C", r.id
LIMIT {PAGE + 1}
"""


def sql_records(conn: psycopg.Connection[Any], year: int) -> tuple[int, list[Any]]:
    """The first page of the year's records by points, as an expert would ask PostgreSQL."""
    (total,) = conn.execute("SELECT COUNT(*) FROM member_roster").fetchone() or (0,)
    return int(total), conn.execute(RECORDS_SQL, {"year": year}).fetchall()


def _same(first: dict[str, Any], members: int) -> None:
    """The baseline gives the same page as the API (else the comparison means nothing)."""
    page = first["http"]["memberRecords"]
    total, rows = first["sql"]
    assert page["totalCount"] == total == members, (page["totalCount"], total, members)
    ids = [node["id"] for node in page["nodes"]]
    assert ids == [row[0] for row in rows[:PAGE]], (ids[:5], rows[:5])
    assert [n["points"] for n in page["nodes"]] == [row[4] for row in rows[:PAGE]]
    assert [r.id for r in first["app"]] == ids
    counted = {c["kind"]: c["count"] for c in page["nodes"][0]["counts"] if c["count"]}
    assert counted == {kind: n for kind, (n, _) in rows[0][5].items()}, (counted, rows[0][5])


def main(argv: list[str] | None = None) -> Result:
    parser = argparse.ArgumentParser(prog="python -m bench.members", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 events, 60 samples")
    parser.add_argument("--events", type=int, help="events in the history")
    parser.add_argument("--members", type=int, default=500, help="members (default 500)")
    parser.add_argument("--samples", type=int, help="requests of each kind")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)
    events = args.events or (100_000 if args.quick else 1_000_000)
    samples = args.samples or (60 if args.quick else 200)
    result = run(args.database_url, events, args.members, samples)
    for figure in result.figures():
        print(" | ".join(figure.cells()))
    return result


if __name__ == "__main__":
    main()
