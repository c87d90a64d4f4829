"""Events written straight into the database, by someone with write access to it but not the
event key: the projector refuses them (not applied to any view, not sealed into the ledger,
set aside with an alarm) and `yishiting verify` names each by its position, writing nothing
itself. A wiped ledger fails verification; a rewritten snapshot is named. Every write path
tags what it stores. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from application.app import Yishiting
from application.publishing.envelope import sequence
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor
from domain.reference import Platform, Unit
from domain.topic import Topic
from domain.vocabulary import Role, UnitKind
from interfaces.bootstrap import application_for, bootstrap
from interfaces.cli.demo import seed_demo
from interfaces.edge.observability import SystemGauges
from interfaces.intake.importer import import_file
from projections import set_aside
from projections.health import stall_watch
from projections.outbound.feed import FeedQuery
from tests.integration import test_ledger
from tests.integration.test_ledger import STORY_EVENTS, Ledgered, Raw
from tests.support.district import ADMIN, District

# The ledger tests' district, ledgered and under a signed checkpoint, on each backend.
url = test_ledger.url
ledgered = test_ledger.ledgered

RETURNED = "domain.topic:Topic.TopicReturned"
NO_TAG = "the event has no authenticity tag"
WRONG_TAG = "the event's authenticity tag is wrong"
NEVER_SEEN = "an event the ledger never saw"


def forge(raw: Raw, approval: int) -> int:
    """A 'returned' decision nobody took, appended the way the database appends (the next
    position): made from the real approval's stored state. Returns its position."""
    originator_id, version, _topic, state = raw.row(approval)
    raw.log(
        "INSERT INTO {events} (originator_id, originator_version, topic, state)"
        " VALUES (?, ?, ?, ?)",
        originator_id,
        version + 1,
        RETURNED,
        bytes(state).replace("群众关切,切口小,同意协商。".encode(), "材料不全,退回。".encode()),
    )
    return max(raw.positions())


def lend_a_tag(raw: Raw, from_position: int, to_position: int) -> None:
    """The intruder copies a real event's stored tag onto the forged one."""
    ((tag,),) = raw.log(
        "SELECT t.tag FROM yishiting_event_tags t JOIN {events} e"
        " ON t.originator_id = e.originator_id AND t.originator_version = e.originator_version"
        " WHERE e.{position} = ?",
        from_position,
    )
    originator_id, version, _topic, _state = raw.row(to_position)
    raw.log("INSERT INTO yishiting_event_tags VALUES (?, ?, ?)", originator_id, version, tag)


def register_unit(ledgered: Ledgered, name: str) -> int:
    ledgered.system.app.save(
        Unit.register(name=name, kind=UnitKind.VILLAGE_OR_COMMUNITY, actor=ADMIN)
    )
    return max(ledgered.raw.positions())


def topic_status(ledgered: Ledgered) -> str:
    """The topic's status as the board shows it."""
    ((status, version),) = ledgered.raw.ledger(
        "SELECT status, version FROM topic_board WHERE id = ?", str(ledgered.topic_id)
    )
    return f"{status} v{version}"


def outstanding(ledgered: Ledgered) -> list[int]:
    with ledgered.system.store.reading() as tx:
        return set_aside.outstanding(tx)


def set_aside_error(ledgered: Ledgered, position: int) -> str:
    with ledgered.system.store.reading() as tx:
        found = set_aside.find(tx, position)
    assert found is not None
    return found.error


def test_an_event_forged_at_the_tail_is_refused_and_named(
    ledgered: Ledgered, caplog: pytest.LogCaptureFixture
) -> None:
    system, raw = ledgered.system, ledgered.raw
    before = topic_status(ledgered)
    forged = forge(raw, ledgered.approval)
    assert forged == STORY_EVENTS + 1
    # The repository reads the forgery as if it were true; the projector does not.
    topic = system.app.repository.get(ledgered.topic_id)
    assert isinstance(topic, Topic)
    assert topic.version == 5

    with caplog.at_level(logging.ERROR, logger="yishiting.projector"):
        assert system.projector.catch_up() == 1
    assert topic_status(ledgered) == before  # not applied
    assert system.ledger.size() == STORY_EVENTS  # not sealed
    assert outstanding(ledgered) == [forged]  # set aside: the alarm's record
    assert NO_TAG in set_aside_error(ledgered, forged)
    assert any(f"set aside at {forged}" in r.getMessage() for r in caplog.records)
    health = stall_watch(system.projector, 60).health(system.app.position()).as_dict()
    assert (health["status"], health["setAside"]["positions"]) == ("degraded", [forged])
    gauges = {m.name: m.samples for m in SystemGauges(system, lambda: 0).collect()}
    assert gauges["yishiting_projection_set_aside_events"][0].value == 1
    # Nor is it served on the feed (/events, subscriptions, webhooks), even to a reader of all.
    auditor = Actor("audit-1", "纪检监察员", Role.AUDITOR)
    page = system.integration.feed.page(auditor, FeedQuery(after=STORY_EVENTS - 1))
    assert (page.head, [e["sequence"] for e in page.events]) == (forged, [sequence(STORY_EVENTS)])

    # The views move on: the next real event is applied and sealed.
    after = register_unit(ledgered, "北苑社区")
    assert system.projector.catch_up() == 1
    assert system.ledger.size() == STORY_EVENTS + 1
    assert system.ledger.leaf_at(after) is not None

    report = system.ledger.verify(ledgered.public)
    assert [(d.leaf_index, d.position) for d in report.divergences] == [(STORY_EVENTS, forged)]
    (named,) = report.divergences
    assert NEVER_SEEN in named.reason_en
    assert NO_TAG in named.reason_en
    status, said = ledgered.verify()
    assert status == 1, said
    assert f"leaf {STORY_EVENTS} 日志位置 position {forged}: " in said, said
    assert NO_TAG in said
    assert "Traceback" not in said


def test_an_event_forged_between_real_ones_is_refused_and_named(ledgered: Ledgered) -> None:
    """Forged between two real events the projector has not reached yet, with a real event's
    tag copied onto it: the tag does not fit, and only the forgery is refused."""
    system, raw = ledgered.system, ledgered.raw
    first = register_unit(ledgered, "北苑社区")
    forged = forge(raw, ledgered.approval)
    lend_a_tag(raw, ledgered.approval, forged)
    last = register_unit(ledgered, "南苑社区")
    assert (first, forged, last) == (STORY_EVENTS + 1, STORY_EVENTS + 2, STORY_EVENTS + 3)
    before = topic_status(ledgered)

    assert system.projector.catch_up() == 3
    assert topic_status(ledgered) == before
    assert outstanding(ledgered) == [forged]
    assert WRONG_TAG in set_aside_error(ledgered, forged)
    assert system.ledger.size() == STORY_EVENTS + 2
    assert system.ledger.leaf_at(forged) is None
    assert [system.ledger.leaf_at(p) is not None for p in (first, last)] == [True, True]

    report = system.ledger.verify(ledgered.public)
    assert [(d.leaf_index, d.position) for d in report.divergences] == [(STORY_EVENTS + 1, forged)]
    assert WRONG_TAG in report.divergences[0].reason_en
    status, said = ledgered.verify()
    assert status == 1, said
    assert f"leaf {STORY_EVENTS + 1} 日志位置 position {forged}: " in said, said


def test_verify_writes_nothing(ledgered: Ledgered) -> None:
    """The case that once crashed `verify` with UniqueViolation … COPY consultation_calendar: a
    copy of the consultation's scheduling forged at the tail. `verify` projects nothing now:
    every table of the views' store reads the same before and after."""
    raw = ledgered.raw
    scheduled = raw.position_of("ConsultationScheduled")
    originator_id, _version, topic, state = raw.row(scheduled)
    raw.log(
        "INSERT INTO {events} (originator_id, originator_version, topic, state)"
        " VALUES (?, ?, ?, ?)",
        str(UUID(int=7)) if raw.postgres else UUID(int=7).hex,
        1,
        topic,
        bytes(state).replace(str(originator_id).encode(), str(UUID(int=7)).encode()),
    )
    forged = max(raw.positions())
    register_unit(ledgered, "北苑社区")  # a real event behind it, not yet projected
    before = dump_views(raw)

    status, said = ledgered.verify()
    assert status == 1, said
    assert "Traceback" not in said
    assert f"日志位置 position {forged}: " in said
    assert NO_TAG in said
    assert dump_views(raw) == before
    # The real event after it is pending, not a divergence.
    report = ledgered.system.ledger.verify(ledgered.public)
    assert report.pending == 2
    assert [d.position for d in report.divergences] == [forged]


def dump_views(raw: Raw) -> dict[str, list[str]]:
    """Every row of every table where the views live, in a stable order."""
    if raw.postgres:
        names = [
            r[0]
            for r in raw.ledger(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
    else:
        names = [r[0] for r in raw.ledger("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert "consultation_calendar" in names
    return {
        name: sorted(repr(row) for row in raw.ledger(f'SELECT * FROM "{name}"')) for name in names
    }


def test_a_wiped_ledger_fails_verification(ledgered: Ledgered) -> None:
    system, raw = ledgered.system, ledgered.raw
    # Events the projector has not reached yet are pending, not missing.
    register_unit(ledgered, "北苑社区")
    report = system.ledger.verify(ledgered.public)
    assert (report.ok, report.pending) == (True, 1)

    for table in ("ledger_leaves", "ledger_nodes", "ledger_checkpoints"):
        raw.ledger(f"DELETE FROM {table}")
    assert system.ledger.size() == 0
    report = system.ledger.verify(ledgered.public)
    assert not report.ok
    (wiped,) = report.divergences  # the run of missing leaves, named once
    assert (wiped.leaf_index, wiped.position, wiped.last_position) == (0, 1, STORY_EVENTS)
    assert "ledger wiped?" in wiped.reason_en
    assert report.pending == 1
    status, said = ledgered.verify()
    assert status == 1, said
    assert f"日志位置 position 1–{STORY_EVENTS} (共 {STORY_EVENTS} 个事件 events)" in said, said


def test_a_rewritten_snapshot_is_named(ledgered: Ledgered) -> None:
    system, raw = ledgered.system, ledgered.raw
    platform_id = ledgered.district.platform_id
    for move in range(60):  # snapshotted every 50 events
        platform = system.app.repository.get(platform_id)
        assert isinstance(platform, Platform)
        platform.move_hall(hall_venue=f"第{move}号议事厅", actor=ADMIN)
        system.app.save(platform)
    snapshots = "yishiting_snapshots" if raw.postgres else "stored_snapshots"
    ((version, state),) = raw.log(f"SELECT originator_version, state FROM {snapshots}")
    assert version == 50
    assert system.projector.catch_up() == 60
    report = system.ledger.verify(ledgered.public)
    assert (report.ok, report.snapshots_checked) == (True, 1), report.divergences

    forged = bytes(state).replace("第48号议事厅".encode(), "区政府大院".encode())
    assert forged != bytes(state)
    raw.log(f"UPDATE {snapshots} SET state = ?", forged)
    # No read trusts it: the record as of version 50 is rebuilt from its events.
    as_of = system.app.repository.get(platform_id, version=50)
    assert isinstance(as_of, Platform)
    assert as_of.hall_venue == "第48号议事厅"
    report = system.ledger.verify(ledgered.public)
    (named,) = report.divergences
    assert named.subject == f"快照 snapshot {platform_id} v50"
    assert "snapshot differs from its events replayed" in named.reason_en
    status, said = ledgered.verify()
    assert status == 1, said
    assert f"快照 snapshot {platform_id} v50: " in said

    raw.log(f"UPDATE {snapshots} SET state = ?", b"{not json")
    (named,) = system.ledger.verify(ledgered.public).divergences
    assert "the snapshot cannot be read" in named.reason_en


def test_every_write_path_tags_what_it_stores(url: str, tmp_path: Path) -> None:
    """The demo's seeding (commands through group commit) and a 12345 import: every stored
    event carries a tag that fits it, and the projector refuses none."""
    settings = Settings(
        database_url=url,
        ledger_key_file=str(tmp_path / "ledger.pem"),
        event_key_file=str(tmp_path / "event.key"),
        group_commit=True,
    )
    system = bootstrap(settings)
    try:
        seed_demo(system.app)
        district = District.build(system.app)
        orders = tmp_path / "orders.csv"
        with orders.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["工单编号", "诉求内容"])
            writer.writerows([f"GD-{n}", f"路灯不亮 {n}"] for n in range(30))
        assert not import_file(system.app, orders, district.platform_id).errors
        # Commands at the same moment: group commit appends them together.
        assert system.app.group is not None
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(register_community(system.app), range(40)))
        end = system.app.position()
        tags = system.app.tags_between(1, end)
        key = system.app.event_key
        for n in system.app.recorder.select_notifications(1, end):
            fields: tuple[Any, ...] = (n.originator_id, n.originator_version, n.topic, n.state)
            assert key.refusal(tags.get(n.id), *fields) is None, n.id
        system.projector.catch_up()
        with system.store.reading() as tx:
            assert set_aside.outstanding(tx) == []
        assert system.ledger.size() == len(tags)
        report = system.ledger.verify(system.ledger.signer.public if system.ledger.signer else None)
        assert report.ok, report.divergences
        assert report.sealed_before_tagging == 0
    finally:
        system.close()


def test_a_save_refused_for_a_conflict_is_refused_at_once(url: str, tmp_path: Path) -> None:
    """Two commands on one record: the second append is refused on its first try. On
    PostgreSQL it used to surface as a failed commit (the tag statement met the aborted
    pipeline first), which the recorder retried: up to five positions and a second spent on
    each refusal. Each refusal takes one position at most, and every stored event is tagged."""
    settings = Settings(database_url=url, event_key_file=str(tmp_path / "event.key"))
    app = application_for(settings)
    try:
        platform_id = District.build(app).platform_id
        start, rounds = app.position(), 25
        for n in range(rounds):
            first, second = app.repository.get(platform_id), app.repository.get(platform_id)
            assert isinstance(first, Platform)
            assert isinstance(second, Platform)
            first.move_hall(hall_venue=f"第{n}会场", actor=ADMIN)
            app.save(first)
            # Many events in the refused append: its tags take long enough to send that the
            # refusal reaches the client meanwhile (the race that caused the retries).
            for k in range(40):
                second.move_hall(hall_venue=f"第{n}备用会场{k}", actor=ADMIN)
            with pytest.raises(IntegrityError):
                app.save(second)
        refusals_take = 1 if app.database.engine == "postgresql" else 0
        assert app.position() - start == rounds * (1 + refusals_take) - refusals_take
        tags = app.tags_between(1, app.position())
        stored = list(app.recorder.select_notifications(1, app.position()))
        assert len(stored) == start + rounds
        for n in stored:
            fields: tuple[Any, ...] = (n.originator_id, n.originator_version, n.topic, n.state)
            assert app.event_key.refusal(tags.get(n.id), *fields) is None, n.id
    finally:
        app.close()


def register_community(app: Yishiting) -> Callable[[int], object]:
    admin = Command(ADMIN)
    return lambda n: app.register_unit(admin, name=f"第{n}社区", kind=UnitKind.VILLAGE_OR_COMMUNITY)


def test_a_log_written_before_tagging_is_vouched_for_by_its_ledger(ledgered: Ledgered) -> None:
    """Events sealed before events were tagged (their tags gone, as in an older log) are
    accepted where the ledger holds them as they are; on a rebuild too. Altered, not."""
    system, raw = ledgered.system, ledgered.raw
    raw.log("DELETE FROM yishiting_event_tags")
    report = system.ledger.verify(ledgered.public)
    assert report.ok, report.divergences
    assert report.sealed_before_tagging == STORY_EVENTS
    system.projector.rebuild()
    assert outstanding(ledgered) == []

    auditor, everything = Actor("audit-1", "纪检监察员", Role.AUDITOR), FeedQuery(after=0)
    served = [e["sequence"] for e in system.integration.feed.page(auditor, everything).events]
    assert served == [sequence(n) for n in range(1, STORY_EVENTS + 1)]  # the ledger vouches

    raw.alter(ledgered.approval, "王主任", "赵副主任")
    report = system.ledger.verify(ledgered.public)
    assert [d.position for d in report.divergences] == [ledgered.approval]
    assert NO_TAG in report.divergences[0].reason_en
    system.projector.rebuild()
    assert outstanding(ledgered) == [ledgered.approval]
    served = [e["sequence"] for e in system.integration.feed.page(auditor, everything).events]
    assert sequence(ledgered.approval) not in served  # untagged and altered: not served
    assert len(served) == STORY_EVENTS - 1


def test_without_its_key_production_does_not_start(tmp_path: Path, sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url,
        environment="development",
        event_key_file=str(tmp_path / "nowhere" / "event.key"),
    )
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(FileNotFoundError, match="YISHITING_EVENT_KEY_FILE"):
        application_for(production)
    assert not (tmp_path / "nowhere").exists()
    app = application_for(settings)  # development makes one, readable only by its owner
    app.close()
    assert (tmp_path / "nowhere" / "event.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("url", ["sqlite"], indirect=True)
def test_verify_refuses_what_it_cannot_read_plainly(ledgered: Ledgered) -> None:
    tmp = ledgered.tmp
    (tmp / "garbage.pem").write_text("不是公钥 not a key")
    (tmp / "broken.json").write_text('{"tree_size": ')
    (tmp / "alien.json").write_text('{"size": 3}')
    cases = [
        (["--public-key", str(tmp / "garbage.pem")], "无法读取账本公钥"),
        (["--public-key", str(tmp / "absent.pem")], "无法读取账本公钥"),
        (["--checkpoint", str(tmp / "broken.json")], "无法读取检查点"),
        (["--checkpoint", str(tmp / "alien.json")], "无法读取检查点"),
    ]
    for args, words in cases:
        status, said = ledgered.verify(*args)
        assert (status, words in said, "Traceback" in said) == (2, True, False), (args, said)
    # Another deployment's event key: every tag is wrong, and the operator is told why.
    other = {**ledgered.env, "YISHITING_EVENT_KEY_FILE": str(tmp / "another.key")}
    status, said = test_ledger.cli("verify", env=other, cwd=tmp)
    assert status == 1, said
    assert f"position 1–{STORY_EVENTS} (共 {STORY_EVENTS} 个事件 events)" in said, said
    assert "is YISHITING_EVENT_KEY_FILE this deployment's key?" in said
    # Production without the event key: refused, naming the setting.
    keyless = {
        **ledgered.env,
        "YISHITING_ENVIRONMENT": "production",
        "YISHITING_EVENT_KEY_FILE": str(tmp / "absent.key"),
    }
    status, said = test_ledger.cli("verify", env=keyless, cwd=tmp)
    assert (status, "YISHITING_EVENT_KEY_FILE" in said, "Traceback" in said) == (2, True, False)
    away = {**ledgered.env, "YISHITING_DATABASE_URL": test_ledger.NOWHERE}
    status, said = test_ledger.cli("verify", env=away, cwd=tmp)
    assert (status, "数据库无法连接 (the database cannot be reached)" in said) == (2, True), said
    assert "Traceback" not in said


def test_a_row_that_is_no_event_at_all_fails_verification_plainly(ledgered: Ledgered) -> None:
    """A row the log's reader cannot even read (an originator that is no id): `verify` fails
    with a plain message, not a traceback."""
    raw = ledgered.raw
    if raw.postgres:  # a uuid column takes nothing else; a state that is no JSON then
        originator: Any = str(UUID(int=9))
    else:
        originator = "不是编号 not an id"
    raw.log(
        "INSERT INTO {events} (originator_id, originator_version, topic, state)"
        " VALUES (?, ?, ?, ?)",
        originator,
        1,
        "domain.nowhere:Nothing",
        b"\xff not json",
    )
    status, said = ledgered.verify()
    assert status == 1, said
    assert "Traceback" not in said
    if raw.postgres:  # read, and named by its position: it bears no tag
        assert f"日志位置 position {STORY_EVENTS + 1}: " in said, said
        assert NO_TAG in said
    else:  # unreadable: named by the last position read before it
        assert f"a row after position {STORY_EVENTS} cannot be read as an event" in said, said
