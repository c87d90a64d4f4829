"""A realistic district history of N events, written quickly: many stories per `app.save()`
(one transaction each), never through HTTP.

    .venv/bin/python -m bench.generate --events 1000000 [--events-per-topic 10]
        [--database-url URL] [--project]

Without --database-url it writes where YISHITING_DATABASE_URL points (the embedded SQLite log
by default). Matters at every stage: besides whole stories (bench/workload.py: proposed to a
resolved supervision item, ~16 events; every tenth excluded), matters still proposed, verified
or awaiting the committee (1–3 events), mixed so that the log has about `events-per-topic`
events per matter (default 10: 100,000 matters in a million events)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.app import Yishiting
from application.settings import Settings
from bench.workload import (
    CATEGORIES,
    CHANNELS,
    EPOCH,
    PROPOSERS,
    STAFF,
    Workload,
    _Clock,
)
from domain.base import Record
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Channel

EVENTS_PER_TOPIC = 10.0
PLATFORMS = 12


@dataclass
class Generated:
    events: int
    topics: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def __str__(self) -> str:
        return (
            f"{self.events:,} events, {self.topics:,} matters in {self.seconds:.1f} s"
            f" ({self.rate:,.0f} events/s)"
        )


class District(Workload):
    """Whole stories and matters still under way, mixed to a given events-per-matter ratio."""

    topics: int = 0
    written: int = 0

    def generate(
        self,
        events: int,
        events_per_topic: float = EVENTS_PER_TOPIC,
        per_save: int = 1_000,
        say: Callable[[str], object] = lambda _: None,
    ) -> Generated:
        """Writes at least `events` more events, about `events_per_topic` per matter."""
        started = time.perf_counter()
        goal = self.app.position() + events
        reported = 0
        while (position := self.app.position()) < goal:
            pending: list[Record] = []
            count = 0
            while count < min(per_save, goal - position):
                whole = self.written < events_per_topic * self.topics
                records = self.story(self.stories) if whole else [self.matter(self.topics)]
                self.stories += whole
                self.topics += 1
                written = sum(len(record.pending_events) for record in records)
                self.written += written
                count += written
                pending.extend(records)
            self.app.save(*pending)
            if self.written - reported >= 100_000:
                reported = self.written
                say(f"    … {self.written:,} events")
        return Generated(self.app.position(), self.topics, time.perf_counter() - started)

    def matter(self, n: int) -> Topic:
        """A matter still under way: proposed, then perhaps verified and submitted."""
        clock = _Clock(EPOCH + timedelta(hours=6 * n, minutes=3))
        channel = CHANNELS[n % len(CHANNELS)]
        with clock.tick():
            topic = Topic.propose(
                title=f"第{n}号诉求:道路照明不足",
                content="居民反映夜间道路照明不足,存在安全隐患,希望尽快增设路灯。" * 2,
                channel=channel,
                category=CATEGORIES[(n // 3) % len(CATEGORIES)],
                platform_id=self.platform_ids[(n * 7) % len(self.platform_ids)],
                proposer=Proposer.checked(
                    f"群众{n % PROPOSERS}", "13800000002", subject_id=f"p{n % PROPOSERS}"
                ),
                hotline_tickets=[f"GM{n:08d}"] if channel is Channel.HOTLINE_12345 else [],
                actor=STAFF,
            )
        if n % 3 >= 1:
            with clock.tick():
                topic.verify(basic_situation="待进一步核实。", actor=STAFF)
        if n % 3 == 2:
            with clock.tick():
                topic.submit(
                    drafted_title=f"关于第{n}号诉求的协商",
                    committee_id=self.committee_ids[n % len(self.committee_ids)],
                    actor=STAFF,
                )
        return topic


def generate(
    app: Yishiting,
    events: int,
    events_per_topic: float = EVENTS_PER_TOPIC,
    platforms: int = PLATFORMS,
    say: Callable[[str], object] = lambda _: None,
) -> tuple[District, Generated]:
    """Registers the reference data, then writes about `events` more events of stories."""
    started = time.perf_counter()
    district: District = District.prepare(app, platforms=platforms)
    made = district.generate(events, events_per_topic, say=say)
    made.seconds = time.perf_counter() - started
    return district, made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--events", type=int, required=True, help="events to write")
    parser.add_argument("--events-per-topic", type=float, default=EVENTS_PER_TOPIC)
    parser.add_argument("--platforms", type=int, default=PLATFORMS)
    parser.add_argument("--database-url", help="default: YISHITING_DATABASE_URL")
    parser.add_argument("--project", action="store_true", help="then bring the views up to date")
    args = parser.parse_args(argv)
    settings = Settings(**({"database_url": args.database_url} if args.database_url else {}))
    from interfaces.bootstrap import bootstrap

    system = bootstrap(settings)
    try:
        _, made = generate(system.app, args.events, args.events_per_topic, args.platforms, print)
        print(f"wrote {made}")
        if args.project:
            started = time.perf_counter()
            system.projector.catch_up()
            print(f"projected in {time.perf_counter() - started:.1f} s")
    finally:
        system.close()


if __name__ == "__main__":
    main()
