"""The tamper-evident ledger against someone with write access to the database: every change
made with raw SQL, outside the application, after the projector has ledgered the events and a
checkpoint was signed, is caught by `yishiting verify` (and by `system.ledger.verify`), which
names the first leaf and log position where the log and its ledger part. Inclusion and
consistency proofs outlive 10,000 more events and are checked offline with the public key only.
SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import IntegrityError
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from application.ledger.merkle import MemoryTree
from application.ledger.proofs import (
    ConsistencyProof,
    InclusionProof,
    check_consistency,
    check_inclusion,
)
from application.ledger.signing import Checkpoint, Signer, load_public_key, public_pem
from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from domain.base import Actor
from domain.people import ERASED
from domain.reference import Platform, Unit
from domain.topic import Topic
from domain.vocabulary import Role, TopicStatus, UnitKind
from interfaces.bootstrap import System, bootstrap
from interfaces.cli.main import app as yishiting
from interfaces.server import create_app
from projections.ledger import CheckpointTimer
from tests.support.clock import FixedClock
from tests.support.district import ADMIN, District
from tests.support.graphql import GraphQLClient, credentials_of

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
STORY_EVENTS = 14  # District.build (5) and District.assigned_item (9)
MORE_EVENTS = 10_000
NOWHERE = "postgresql://nobody@127.0.0.1:9/nowhere"  # no database answers there


# ------------------------------------------------------------------------------- raw access


class Raw:
    """SQL straight on the database, outside the application: what an intruder with database
    access can do. `{events}` and `{position}` name the log table and its position column."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.postgres = database.engine == "postgresql"
        self.names = {
            "events": "yishiting_events" if self.postgres else "stored_events",
            "position": "notification_id" if self.postgres else "rowid",
        }

    def log(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._run(self.database.path, statement, params)

    def ledger(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """The ledger's tables: in the views file beside the log (SQLite) or the log's schema."""
        path = "" if self.postgres else self.database.views_path()
        return self._run(path, statement, params)

    def _run(self, path: str, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        statement = statement.format(**self.names)
        if self.postgres:
            with psycopg.connect(self.database.conninfo()) as conn:
                cursor = conn.execute(statement.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        conn = sqlite3.connect(path)
        try:
            with conn:
                return conn.execute(statement, params).fetchall()
        finally:
            conn.close()

    def positions(self) -> list[int]:
        return [r[0] for r in self.log("SELECT {position} FROM {events} ORDER BY {position}")]

    def position_of(self, event_type: str) -> int:
        (row,) = self.log(
            "SELECT {position} FROM {events} WHERE topic LIKE ? ORDER BY {position}",
            f"%.{event_type}",
        )
        return int(row[0])

    def row(self, position: int) -> tuple[Any, ...]:
        (row,) = self.log(
            "SELECT originator_id, originator_version, topic, state FROM {events}"
            " WHERE {position} = ?",
            position,
        )
        return row

    def alter(self, position: int, old: str, new: str) -> None:
        """Rewrites text inside an event's stored state."""
        state = bytes(self.row(position)[3])
        assert old.encode() in state
        self.log(
            "UPDATE {events} SET state = ? WHERE {position} = ?",
            state.replace(old.encode(), new.encode()),
            position,
        )

    def insert(
        self, position: int, originator_id: Any, version: int, topic: str, state: bytes
    ) -> None:
        self.log(
            "INSERT INTO {events} ({position}, originator_id, originator_version, topic, state)"
            " VALUES (?, ?, ?, ?, ?)",
            position,
            originator_id,
            version,
            topic,
            state,
        )

    def move(self, position: int, to: int) -> None:
        self.log("UPDATE {events} SET {position} = ? WHERE {position} = ?", to, position)


# ----------------------------------------------------------------------------------- the CLI


def cli(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Runs `yishiting …` in a process of its own; returns its exit status and what it said
    (stdout and stderr, whitespace folded so that wrapped lines read as one)."""
    done = _run(args, env, cwd)
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def cli_output(*args: str, env: dict[str, str], cwd: Path) -> str:
    """The command's standard output exactly (a JSON document, a PEM key); it must succeed."""
    done = _run(args, env, cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _run(args: tuple[str, ...], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("yishiting")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "interfaces.cli.main"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YISHITING_")}
    return subprocess.run(
        [*command, *args],
        env={**clean, "COLUMNS": "400", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -------------------------------------------------------------------------------- the story


@dataclass
class Ledgered:
    """A district whose first story is in the log, ledgered and under a signed checkpoint,
    with the auditor's own copies of that checkpoint and of the public key."""

    system: System
    raw: Raw
    district: District
    topic_id: UUID
    approval: int  # the committee's approval of the topic: a decision worth forging
    checkpoint: Checkpoint
    kept: Path
    public_key: Path
    env: dict[str, str]
    tmp: Path

    @property
    def public(self) -> Ed25519PublicKey:
        return load_public_key(self.public_key.read_text())

    def verify(self, *args: str) -> tuple[int, str]:
        return cli("verify", *args, env=self.env, cwd=self.tmp)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def ledgered(url: str, tmp_path: Path) -> Iterator[Ledgered]:
    key_file = tmp_path / "ledger-key.pem"
    event_key = tmp_path / "event-hmac.key"
    settings = Settings(
        database_url=url, ledger_key_file=str(key_file), event_key_file=str(event_key)
    )
    system = bootstrap(settings)
    try:
        district = District.build(system.app)
        district.assigned_item()
        assert system.projector.catch_up() == STORY_EVENTS
        checkpoint = system.ledger.issue_checkpoint()
        raw = Raw(system.app.database)
        # A log nobody has touched yet: positions 1…14, leaf i holding position i + 1.
        assert raw.positions() == list(range(1, STORY_EVENTS + 1))
        assert checkpoint.tree_size == STORY_EVENTS
        kept = tmp_path / "kept-checkpoint.json"
        kept.write_text(checkpoint.to_json())
        public_key = tmp_path / "ledger-public.pem"
        assert system.ledger.signer is not None
        public_key.write_text(public_pem(system.ledger.signer.public))
        approval = raw.position_of("TopicApproved")
        yield Ledgered(
            system=system,
            raw=raw,
            district=district,
            topic_id=UUID(str(raw.row(approval)[0])),
            approval=approval,
            checkpoint=checkpoint,
            kept=kept,
            public_key=public_key,
            env={
                "YISHITING_DATABASE_URL": url,
                "YISHITING_LEDGER_KEY_FILE": str(key_file),
                "YISHITING_EVENT_KEY_FILE": str(event_key),
            },
            tmp=tmp_path,
        )
    finally:
        system.close()


def assert_diverges(ledgered: Ledgered, leaf_index: int, position: int, reason: str) -> None:
    """Both `system.ledger.verify` and `yishiting verify` name this leaf and position first."""
    report = ledgered.system.ledger.verify(ledgered.public)
    assert not report.ok
    assert report.divergence is not None
    assert (report.divergence.leaf_index, report.divergence.position) == (leaf_index, position)
    assert reason in report.divergence.reason_en
    # Nothing before it diverged: it is the first named.
    assert all(d.position is None or d.position >= position for d in report.divergences)

    status, said = ledgered.verify()
    assert status == 1, said
    assert "LEDGER VERIFICATION FAILED" in said
    # The position alone, or the first of a run of consecutive ones ("9–10 (共 2 个事件 …)").
    named = re.escape(f"leaf {leaf_index} 日志位置 position {position}") + r"(: |–\d+ \()"
    assert re.search(named, said), said
    assert reason in said


# ------------------------------------------------------------------------------ tampering


def test_an_untouched_log_verifies(ledgered: Ledgered) -> None:
    report = ledgered.system.ledger.verify(ledgered.public)
    assert report.ok, report.divergence
    assert (report.events_checked, report.checkpoints_checked, report.pending) == (14, 1, 0)

    status, said = ledgered.verify()
    assert status == 0, said
    assert "ledger verified: 14 个事件 events, 1 个检查点 checkpoints, 0 个待记账 pending" in said
    # The auditor's own copy of the checkpoint and of the public key agree too.
    status, said = ledgered.verify(
        "--checkpoint", str(ledgered.kept), "--public-key", str(ledgered.public_key)
    )
    assert status == 0, said
    assert "2 个检查点 checkpoints" in said


def test_an_altered_event_is_named(ledgered: Ledgered) -> None:
    raw, approval = ledgered.raw, ledgered.approval
    # The approver's name rewritten; and, later in the log, the assignment's too. The
    # application reads the forgery as if it were true ...
    raw.alter(STORY_EVENTS, "李专员", "钱专员")
    raw.alter(approval, "王主任", "赵副主任")
    approved = list(ledgered.system.app.events.get(ledgered.topic_id))[-1]
    assert approved.actor.name == "赵副主任"
    # ... the ledger does not, and names the first altered event (leaf 8 = position 9).
    assert approval == 9
    assert_diverges(ledgered, approval - 1, approval, "content or order was altered")
    # Both are named, each with its position, and neither still bears a valid tag.
    report = ledgered.system.ledger.verify(ledgered.public)
    assert [(d.leaf_index, d.position) for d in report.divergences] == [
        (approval - 1, approval),
        (STORY_EVENTS - 1, STORY_EVENTS),
    ]
    assert all("authenticity tag is wrong" in d.reason_en for d in report.divergences)
    status, said = ledgered.verify()
    assert status == 1, said
    assert f"leaf {STORY_EVENTS - 1} 日志位置 position {STORY_EVENTS}: " in said, said


def test_a_deleted_event_is_named(ledgered: Ledgered) -> None:
    raw, approval = ledgered.raw, ledgered.approval
    raw.log("DELETE FROM {events} WHERE {position} = ?", approval)
    assert approval not in raw.positions()
    assert_diverges(ledgered, approval - 1, approval, "missing (deleted?)")


def test_the_last_event_deleted_is_named(ledgered: Ledgered) -> None:
    ledgered.raw.log("DELETE FROM {events} WHERE {position} = ?", STORY_EVENTS)
    assert_diverges(ledgered, STORY_EVENTS - 1, STORY_EVENTS, "missing (deleted?)")


@pytest.mark.parametrize("position", [0, -7])
def test_an_event_forged_before_the_first_is_named(ledgered: Ledgered, position: int) -> None:
    """A row slipped in below position 1 sorts first: the repository reads it (the topic is
    now 'returned'), the projector never would; the ledger's first leaf no longer matches."""
    forge_return(ledgered, position)
    topic = ledgered.system.app.repository.get(ledgered.topic_id)
    assert isinstance(topic, Topic)
    assert (topic.status, topic.version) == (TopicStatus.RETURNED, 5)
    assert_diverges(ledgered, 0, position, "an event the ledger never saw (inserted?")


@pytest.mark.postgres
@pytest.mark.parametrize("url", ["postgres"], indirect=True)
def test_an_event_forged_into_a_gap_is_named(ledgered: Ledgered) -> None:
    """PostgreSQL: a save that fails on a conflict still consumes its sequence value, leaving a
    real gap in the positions. A forged event put there sits inside the signed range."""
    app, raw = ledgered.system.app, ledgered.raw
    platform_id = ledgered.district.platform_id
    first, second = app.repository.get(platform_id), app.repository.get(platform_id)
    assert isinstance(first, Platform)
    assert isinstance(second, Platform)
    first.move_hall(hall_venue="永顺镇文化中心", actor=ADMIN)
    app.save(first)  # position 15
    second.move_hall(hall_venue="永顺镇党群服务中心", actor=ADMIN)
    with pytest.raises(IntegrityError):
        app.save(second)  # took position 16, then failed
    app.save(Unit.register(name="永顺镇", kind=UnitKind.TOWN_OR_STREET, actor=ADMIN))
    gap = 16
    assert raw.positions() == [*range(1, gap), gap + 1]
    assert ledgered.system.projector.catch_up() == 2
    assert ledgered.system.ledger.issue_checkpoint().tree_size == 16  # leaf 15 = position 17
    assert ledgered.system.ledger.verify(ledgered.public).ok

    forge_return(ledgered, gap)
    # Leaves 0…14 hold positions 1…15; leaf 15 holds 17, and the log now shows 16 first.
    assert_diverges(ledgered, gap - 1, gap, "an event the ledger never saw (inserted?")


def forge_return(ledgered: Ledgered, position: int) -> None:
    """A 'returned' decision nobody took, made from the real approval's stored state."""
    originator_id, version, _topic, state = ledgered.raw.row(ledgered.approval)
    assert version == 4
    ledgered.raw.insert(
        position,
        originator_id,
        5,
        "domain.topic:Topic.TopicReturned",
        bytes(state).replace("群众关切,切口小,同意协商。".encode(), "材料不全,退回。".encode()),
    )


def test_swapped_events_are_named(ledgered: Ledgered) -> None:
    raw, approval = ledgered.raw, ledgered.approval
    scheduled = raw.position_of("ConsultationScheduled")
    assert scheduled == approval + 1
    # The consultation scheduled before the topic was approved: swap their positions.
    raw.move(approval, -1)
    raw.move(scheduled, approval)
    raw.move(-1, scheduled)
    assert raw.position_of("ConsultationScheduled") == approval
    assert_diverges(ledgered, approval - 1, approval, "content or order was altered")


def test_a_ledger_rewritten_to_match_is_caught_by_the_signed_checkpoint(
    ledgered: Ledgered,
) -> None:
    """The intruder alters an event and then rewrites the ledger's leaf and every node to
    match: each leaf agrees with its event, but the tree's root is no longer the one signed."""
    system, raw, approval = ledgered.system, ledgered.raw, ledgered.approval
    raw.alter(approval, "王主任", "赵副主任")
    tree = MemoryTree()
    for entry in system.ledger.entries():
        tree.append(entry.leaf())
    for index in range(tree.size):
        raw.ledger(
            "UPDATE ledger_leaves SET leaf_hash = ? WHERE leaf_index = ?",
            tree.node(0, index).hex(),
            index,
        )
    raw.ledger("DELETE FROM ledger_nodes")
    for level, row in enumerate(tree.levels):
        for index, value in enumerate(row):
            raw.ledger("INSERT INTO ledger_nodes VALUES (?, ?, ?)", level, index, value.hex())
    forged_root = system.ledger.root(STORY_EVENTS)
    assert forged_root.hex() != ledgered.checkpoint.root_hash

    last = STORY_EVENTS - 1
    report = system.ledger.verify(ledgered.public)
    assert report.events_checked == STORY_EVENTS  # every leaf matches its (altered) event
    # The altered event's tag no longer fits it (the intruder has no key to make one), and
    # the rewritten ledger no longer reaches the signed root.
    assert [(d.leaf_index, d.position) for d in report.divergences] == [
        (approval - 1, approval),
        (last, None),
    ]
    tag, root = report.divergences
    assert tag.reason_en == "the event's authenticity tag is wrong"
    assert "root differs from the recomputed root" in root.reason_en
    # A fresh proof for the altered event does not reach the root the auditor holds.
    proof = system.ledger.prove(approval, STORY_EVENTS)
    assert not check_inclusion(proof, ledgered.checkpoint, ledgered.public).ok

    # The stored checkpoint given the new root: its signature no longer holds.
    raw.ledger("UPDATE ledger_checkpoints SET root_hash = ?", forged_root.hex())
    assert_signature_refused(ledgered, last)
    # Signed again with a key of the intruder's own: still not the ledger's key.
    intruder = Signer(Ed25519PrivateKey.generate())
    resigned = intruder.sign(STORY_EVENTS, forged_root, ledgered.checkpoint.issued_at)
    raw.ledger("UPDATE ledger_checkpoints SET signature = ?", resigned.signature)
    assert_signature_refused(ledgered, last)

    # With every stored checkpoint gone, the ledger agrees with the log; only the tag tells ...
    raw.ledger("DELETE FROM ledger_checkpoints")
    report = system.ledger.verify(ledgered.public)
    assert [(d.position, d.reason_en) for d in report.divergences] == [
        (approval, "the event's authenticity tag is wrong")
    ]
    # ... and the checkpoint the auditor kept outside the database.
    report = system.ledger.verify(
        ledgered.public, [Checkpoint.from_json(ledgered.kept.read_text())]
    )
    assert [(d.leaf_index, d.position) for d in report.divergences] == [
        (approval - 1, approval),
        (last, None),
    ]
    assert "root differs" in report.divergences[1].reason_en
    status, said = ledgered.verify(
        "--checkpoint", str(ledgered.kept), "--public-key", str(ledgered.public_key)
    )
    assert status == 1, said
    assert f"leaf {last} : 检查点的根哈希与重算结果不符" in said


def assert_signature_refused(ledgered: Ledgered, leaf_index: int) -> None:
    report = ledgered.system.ledger.verify(ledgered.public)
    refused = [d for d in report.divergences if d.position is None]
    assert [(d.leaf_index, d.reason_en) for d in refused] == [
        (leaf_index, "the checkpoint's signature is invalid")
    ]


def test_a_checkpoint_with_a_forged_signature_is_refused(ledgered: Ledgered) -> None:
    system, checkpoint, public = ledgered.system, ledgered.checkpoint, ledgered.public
    intruder = Signer(Ed25519PrivateKey.generate())
    forgeries = [
        # the same statement, signed by another key
        intruder.sign(
            checkpoint.tree_size, bytes.fromhex(checkpoint.root_hash), checkpoint.issued_at
        ),
        # the real signature over another statement
        dataclasses.replace(checkpoint, root_hash="00" * 32),
        dataclasses.replace(checkpoint, tree_size=checkpoint.tree_size - 1),
        dataclasses.replace(checkpoint, issued_at="2026-01-01T00:00:00+00:00"),
        # no signature at all, and garbage
        dataclasses.replace(checkpoint, signature=""),
        dataclasses.replace(checkpoint, signature="not base64!"),
    ]
    proof = system.ledger.prove(ledgered.approval)
    assert check_inclusion(proof, checkpoint, public).ok
    for forged in forgeries:
        verdict = check_inclusion(proof, forged, public)
        assert not verdict.ok
        report = system.ledger.verify(public, [forged])
        assert report.divergence is not None, forged
        assert report.divergence.leaf_index == forged.tree_size - 1
        assert report.divergence.reason_en in (
            "the checkpoint's signature is invalid",
            "the checkpoint's root differs from the recomputed root",
        )
    # Stored in the database in place of the real one, a forged signature is refused too.
    forged = forgeries[0]
    ledgered.raw.ledger("UPDATE ledger_checkpoints SET signature = ?", forged.signature)
    assert_signature_refused(ledgered, STORY_EVENTS - 1)
    status, said = ledgered.verify()
    assert status == 1, said
    assert f"leaf {STORY_EVENTS - 1} : 检查点签名无效" in said


def test_erasure_changes_nothing_the_ledger_covers(ledgered: Ledgered) -> None:
    system, topic_id = ledgered.system, ledgered.topic_id
    topic = system.app.repository.get(topic_id)
    assert isinstance(topic, Topic)
    proposed = ledgered.raw.position_of("TopicProposed")
    before = system.ledger.prove(proposed)  # sealed personal data inside

    admin = Command(Actor("admin-9", "数据保护管理员", Role.ADMIN))
    system.app.erase_subject(admin, subject_id=topic.proposer.subject_id, reason="本人申请删除")
    erased = system.app.repository.get(topic_id)
    assert isinstance(erased, Topic)
    assert erased.proposer.name == ERASED

    assert system.projector.catch_up() == 1  # the erasure's own event
    report = system.ledger.verify(ledgered.public, [ledgered.checkpoint])
    assert report.ok, report.divergence
    assert report.events_checked == STORY_EVENTS + 1
    status, said = ledgered.verify("--checkpoint", str(ledgered.kept))
    assert status == 0, said

    after = system.ledger.prove(proposed, STORY_EVENTS)
    assert after == before  # the stored, sealed bytes did not change
    assert check_inclusion(before, ledgered.checkpoint, ledgered.public).ok
    newer = system.ledger.issue_checkpoint()
    consistency = system.ledger.prove_consistency(STORY_EVENTS, newer.tree_size)
    assert check_consistency(consistency, ledgered.checkpoint, newer, ledgered.public).ok


def test_a_checkpoint_of_the_empty_ledger_verifies(tmp_path: Path, sqlite_url: str) -> None:
    """Signed before the first event (a fresh install), it must not fail every later check."""
    settings = Settings(database_url=sqlite_url, ledger_key_file=str(tmp_path / "key.pem"))
    system = bootstrap(settings)
    try:
        empty = system.ledger.issue_checkpoint()
        assert empty.tree_size == 0
        assert system.ledger.signer is not None
        public = system.ledger.signer.public
        assert system.ledger.verify(public).ok
        District.build(system.app)
        system.projector.catch_up()
        report = system.ledger.verify(public, [empty])
        assert report.ok, report.divergence
        assert report.checkpoints_checked == 2
        forged = dataclasses.replace(empty, root_hash="11" * 32)
        report = system.ledger.verify(public, [forged])
        assert report.divergence is not None
        assert report.divergence.leaf_index == -1
    finally:
        system.close()


def test_checkpoints_are_signed_by_the_clock_the_root_hands_the_ledger(
    tmp_path: Path, sqlite_url: str
) -> None:
    """Not many events since the last checkpoint: the next waits until the clock says it is
    old enough (checkpoint_seconds), and says when it was signed."""
    clock = FixedClock()
    settings = Settings(database_url=sqlite_url, ledger_key_file=str(tmp_path / "key.pem"))
    system = bootstrap(settings, clock=clock)
    try:
        District.build(system.app)
        system.projector.catch_up()
        first = system.ledger.maybe_checkpoint(every=1000, seconds=600)
        assert first is not None
        assert first.issued_at == clock().isoformat()
        District.build(system.app)
        system.projector.catch_up()
        clock.advance(timedelta(seconds=599))
        assert system.ledger.maybe_checkpoint(every=1000, seconds=600) is None
        clock.advance(timedelta(seconds=1))
        second = system.ledger.maybe_checkpoint(every=1000, seconds=600)
        assert second is not None
        assert second.issued_at == clock().isoformat()
    finally:
        system.close()


def test_the_worker_asks_the_ledger_only_when_a_checkpoint_may_be_due(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After every batch the worker asks whether a checkpoint is due: the ledger is read
    only once enough positions were applied since it last looked, or the latest checkpoint
    is old enough with something new — and then signs as `maybe_checkpoint` would."""
    clock = FixedClock()
    settings = Settings(database_url=sqlite_url, ledger_key_file=str(tmp_path / "key.pem"))
    system = bootstrap(settings, clock=clock)
    looks: list[int] = []
    look = system.ledger.checkpoint_if_due

    def counted(every: int, seconds: float) -> Any:
        looks.append(system.projector.reached)
        return look(every, seconds)

    monkeypatch.setattr(system.ledger, "checkpoint_if_due", counted)
    try:
        District.build(system.app)
        system.projector.catch_up()
        every = system.app.position()
        timer = CheckpointTimer(system.ledger, every=every, seconds=600)
        first = timer(system.projector.reached)
        assert first is not None
        assert first.tree_size == every
        assert timer(system.projector.reached) is None  # nothing new: not asked
        write_units(system, 2)
        system.projector.catch_up()
        clock.advance(timedelta(seconds=599))
        assert timer(system.projector.reached) is None  # 2 new, the latest young: not asked
        assert len(looks) == 1
        clock.advance(timedelta(seconds=1))
        second = timer(system.projector.reached)  # old enough, with something new
        assert second is not None
        assert second.tree_size == every + 2
        District.build(system.app)
        system.projector.catch_up()
        third = timer(system.projector.reached)  # as many new as `every`
        assert third is not None
        assert third.tree_size == system.app.position()
        assert len(looks) == 3
    finally:
        system.close()


# ---------------------------------------------------------------------------------- proofs


def test_proofs_outlive_ten_thousand_more_events(ledgered: Ledgered) -> None:
    system, old, public, approval = (
        ledgered.system,
        ledgered.checkpoint,
        ledgered.public,
        ledgered.approval,
    )
    proof = system.ledger.prove(approval)  # against the latest checkpoint: the old one
    assert (proof.leaf_index, proof.tree_size) == (approval - 1, STORY_EVENTS)
    assert check_inclusion(proof, old, public).ok

    write_units(system, MORE_EVENTS)
    assert system.projector.catch_up() == MORE_EVENTS
    new = system.ledger.issue_checkpoint()
    assert new.tree_size == STORY_EVENTS + MORE_EVENTS

    # The proof issued back then still holds against the checkpoint of back then ...
    verdict = check_inclusion(proof, old, public)
    assert verdict.ok, verdict
    # ... the event is as much in the new tree ...
    again = system.ledger.prove(approval)
    assert (again.leaf_index, again.tree_size) == (approval - 1, new.tree_size)
    assert again.entry() == proof.entry()
    assert check_inclusion(again, new, public).ok
    last = system.ledger.prove(system.app.position())
    assert last.leaf_index == new.tree_size - 1
    assert check_inclusion(last, new, public).ok
    # ... and the new tree extends the old one.
    consistency = system.ledger.prove_consistency(old.tree_size, new.tree_size)
    assert check_consistency(consistency, old, new, public).ok
    assert system.ledger.verify(public, [old, new]).ok

    # A changed event is not in either tree.
    changed = dataclasses.replace(proof, state=again.state.replace("A", "B", 1))
    assert changed.state != proof.state
    assert not check_inclusion(changed, old, public).ok
    moved = dataclasses.replace(proof, position=approval + 1)
    assert not check_inclusion(moved, old, public).ok
    # A proof is for one checkpoint only.
    assert not check_inclusion(proof, new, public).ok
    assert not check_inclusion(dataclasses.replace(proof, tree_size=new.tree_size), new, public).ok
    assert not check_inclusion(again, old, public).ok
    wrong_leaf = dataclasses.replace(again, leaf_index=again.leaf_index + 1)
    assert not check_inclusion(wrong_leaf, new, public).ok
    # Consistency runs one way, between the two sizes proved, along the path given.
    assert not check_consistency(consistency, new, old, public).ok
    other = system.ledger.prove_consistency(old.tree_size - 1, new.tree_size)
    assert not check_consistency(other, old, new, public).ok
    relabelled = dataclasses.replace(other, old_size=old.tree_size)
    assert not check_consistency(relabelled, old, new, public).ok
    bent = dataclasses.replace(consistency, path=[*consistency.path[:-1], "00" * 32])
    assert not check_consistency(bent, old, new, public).ok
    impostor = Signer(Ed25519PrivateKey.generate())
    claimed = impostor.sign(new.tree_size, bytes.fromhex(new.root_hash), new.issued_at)
    verdict = check_consistency(consistency, old, claimed, public)
    assert verdict.reason_en == "a checkpoint's signature is invalid"
    # And once the event itself is altered in the database, a proof made now fails.
    ledgered.raw.alter(approval, "王主任", "赵副主任")
    assert not check_inclusion(system.ledger.prove(approval), new, public).ok
    assert not check_inclusion(system.ledger.prove(approval, old.tree_size), old, public).ok


def write_units(system: System, count: int, per_save: int = 1_000) -> None:
    """Many small events quickly: one registration each, a thousand aggregates per save."""
    actor = ADMIN
    for start in range(0, count, per_save):
        units = [
            Unit.register(name=f"第{n}号单位", kind=UnitKind.VILLAGE_OR_COMMUNITY, actor=actor)
            for n in range(start, min(start + per_save, count))
        ]
        system.app.save(*units)


@pytest.mark.parametrize("url", ["sqlite"], indirect=True)
def test_the_auditor_checks_proofs_offline(ledgered: Ledgered) -> None:
    """A proof taken with `yishiting ledger prove`, kept with the checkpoint and the public key
    the auditor already holds; then checked by the CLI in an empty folder, with no database
    anywhere (the configured one does not exist) and no signing key."""
    env, here = ledgered.env, ledgered.tmp
    files = here / "auditor"
    files.mkdir()
    (files / "checkpoint.json").write_text(ledgered.kept.read_text())
    (files / "public.pem").write_text(ledgered.public_key.read_text())
    (files / "proof.json").write_text(
        cli_output("ledger", "prove", str(ledgered.approval), env=env, cwd=here)
    )
    proof = InclusionProof.from_json((files / "proof.json").read_text())
    assert (proof.position, proof.leaf_index, proof.tree_size) == (9, 8, STORY_EVENTS)

    # A later checkpoint and the consistency proof between the two, kept as files too.
    write_units(ledgered.system, 3, per_save=3)
    ledgered.system.projector.catch_up()
    newer = ledgered.system.ledger.issue_checkpoint()
    (files / "newer.json").write_text(newer.to_json())
    (files / "consistency.json").write_text(
        ledgered.system.ledger.prove_consistency(STORY_EVENTS, newer.tree_size).to_json()
    )
    # Bad copies: the event altered; a checkpoint signed by someone else; history rewritten.
    (files / "altered.json").write_text(
        dataclasses.replace(proof, state=proof.state.replace("A", "B", 1)).to_json()
    )
    impostor = Signer(Ed25519PrivateKey.generate())
    checkpoint = ledgered.checkpoint
    (files / "impostor.json").write_text(
        impostor.sign(
            checkpoint.tree_size, bytes.fromhex(checkpoint.root_hash), checkpoint.issued_at
        ).to_json()
    )
    rewritten = ConsistencyProof(STORY_EVENTS, newer.tree_size, ["00" * 32] * 2)
    (files / "rewritten.json").write_text(rewritten.to_json())
    # The checkpoint as GraphQL answers it (camelCase), and files that are no checkpoint.
    kept = json.loads(ledgered.kept.read_text())
    camel = {re.sub(r"_([a-z])", lambda m: m[1].upper(), k): v for k, v in kept.items()}
    (files / "camel.json").write_text(json.dumps(camel))
    (files / "list.json").write_text("[]")
    (files / "unknown.json").write_text(json.dumps({**kept, "treeHeight": 4}))
    (files / "stringly.json").write_text(json.dumps({**kept, "tree_size": str(STORY_EVENTS)}))
    (files / "partial.json").write_text(json.dumps({"tree_size": STORY_EVENTS}))

    offline = here / "offline"
    offline.mkdir()
    nowhere = {"YISHITING_DATABASE_URL": NOWHERE, "YISHITING_LEDGER_KEY_FILE": "/nonexistent/k"}
    public = ["--public-key", str(files / "public.pem")]
    old_new = ["--old", "checkpoint.json", "--new", "newer.json"]
    partial_new = ["--old", "partial.json", "--new", "newer.json"]
    cases = [
        (
            ["verify-proof", "--proof", "proof.json", "--checkpoint", "checkpoint.json"],
            0,
            "通过: 事件(日志位置 9)包含在规模为 14 的已签名账本中",
        ),
        (
            ["verify-proof", "--proof", "altered.json", "--checkpoint", "checkpoint.json"],
            1,
            "不通过: 该事件不在检查点所证明的账本中",
        ),
        (
            ["verify-proof", "--proof", "proof.json", "--checkpoint", "impostor.json"],
            1,
            "不通过: 检查点签名无效",
        ),
        (
            ["verify-proof", "--proof", "proof.json", "--checkpoint", "camel.json"],
            0,
            "通过: 事件(日志位置 9)包含在规模为 14 的已签名账本中",
        ),
        (
            ["verify-proof", "--proof", "proof.json", "--checkpoint", "list.json"],
            2,
            "检查点 checkpoint应为 JSON 对象",
        ),
        (
            ["verify-proof", "--proof", "proof.json", "--checkpoint", "unknown.json"],
            2,
            "unknown fields ['tree_height']",
        ),
        (
            ["verify-proof", "--proof", "proof.json", "--checkpoint", "stringly.json"],
            2,
            "tree_size must be int",
        ),
        (
            ["verify-consistency", "--proof", "consistency.json", *partial_new],
            2,
            "lacks fields ['origin', 'root_hash', 'issued_at', 'key_id']",
        ),
        (
            ["verify-consistency", "--proof", "consistency.json", *old_new],
            0,
            "the tree of 17 extends the tree of 14",
        ),
        (
            ["verify-consistency", "--proof", "rewritten.json", *old_new],
            1,
            "history rewritten?",
        ),
    ]
    for args, expected, words in cases:
        named = [str(files / a) if a.endswith(".json") else a for a in args]
        status, said = cli("ledger", *named, *public, env=nowhere, cwd=offline)
        assert (status, words in said) == (expected, True), (args, said)
    assert list(offline.iterdir()) == []  # nothing created: no database, no key, no var/


# --------------------------------------------------------------------------------- GraphQL

LEDGER = """query($position: Int!) { ledger { size publicKey
  latestCheckpoint { treeSize rootHash issuedAt keyId signature origin
    suite epoch firstLeaf previousRoot }
  proof(position: $position) { position leafIndex treeSize json }
  verification { ok eventsChecked checkpointsChecked pending divergence } } }"""
ISSUE = """mutation { issueCheckpoint { treeSize rootHash issuedAt keyId signature origin
  suite epoch firstLeaf previousRoot } }"""


def test_the_ledger_over_graphql(ledgered: Ledgered) -> None:
    settings = Settings(
        database_url=ledgered.env["YISHITING_DATABASE_URL"],
        ledger_key_file=ledgered.env["YISHITING_LEDGER_KEY_FILE"],
        event_key_file=ledgered.env["YISHITING_EVENT_KEY_FILE"],
        token_secret="ledger-test-token-secret-0123456789abcdef",
    )
    auditor = Actor("audit-1", "纪检监察员", Role.AUDITOR)
    leader = Actor("leader-1", "区政协领导", Role.LEADER)
    with TestClient(create_app(settings)) as http:
        api = GraphQLClient(http, credentials=credentials_of(http.app))
        ledgered.system.app.save(
            Unit.register(name="北苑社区", kind=UnitKind.VILLAGE_OR_COMMUNITY, actor=ADMIN)
        )
        issued = api.acting_as(auditor).query(ISSUE)["issueCheckpoint"]
        assert issued["treeSize"] == STORY_EVENTS + 1
        checkpoint = Checkpoint(
            issued["origin"],
            issued["treeSize"],
            issued["rootHash"],
            issued["issuedAt"],
            issued["keyId"],
            issued["signature"],
            suite=issued["suite"],
            epoch=issued["epoch"],
            first_leaf=issued["firstLeaf"],
            previous_root=issued["previousRoot"],
        )
        assert (checkpoint.suite, checkpoint.epoch) == ("international", 0)
        seen = api.acting_as(leader).query(LEDGER, position=ledgered.approval)["ledger"]
        assert seen["size"] == STORY_EVENTS + 1
        assert seen["latestCheckpoint"] == issued
        assert seen["verification"] == {
            "ok": True,
            "eventsChecked": STORY_EVENTS + 1,
            "checkpointsChecked": 2,
            "pending": 0,
            "divergence": None,
        }
        # What the API hands out checks offline with the key it publishes.
        public = load_public_key(seen["publicKey"])
        assert seen["publicKey"] == ledgered.public_key.read_text()
        proof = InclusionProof.from_json(seen["proof"]["json"])
        assert (proof.position, proof.leaf_index, proof.tree_size) == (9, 8, STORY_EVENTS + 1)
        assert check_inclusion(proof, checkpoint, public).ok
        assert not check_inclusion(proof, ledgered.checkpoint, public).ok  # another size

        # Only the discipline office and administrators sign; scoped roles do not read it.
        staff = api.acting_as(ledgered.district.staff.actor)
        refusals = [
            staff.errors(LEDGER, position=1),
            staff.errors(ISSUE),
            api.acting_as(leader).errors(ISSUE),
        ]
        for (error,) in refusals:
            assert error["extensions"]["code"] == "FORBIDDEN", error

        ledgered.raw.alter(ledgered.approval, "王主任", "赵副主任")
        after = api.acting_as(auditor).query(LEDGER, position=ledgered.approval)["ledger"]
        assert after["verification"]["ok"] is False
        assert after["verification"]["eventsChecked"] == STORY_EVENTS + 1  # every one compared
        assert "leaf 8 日志位置 position 9" in after["verification"]["divergence"]


@pytest.mark.parametrize("url", ["sqlite"], indirect=True)
def test_the_cli_refuses_impossible_proofs_plainly(ledgered: Ledgered) -> None:
    runner = CliRunner()
    for args, words in (
        (["ledger", "consistency", str(STORY_EVENTS + 1), str(STORY_EVENTS)], "无法给出一致性证明"),
        (["ledger", "consistency", "0", str(STORY_EVENTS)], "无法给出一致性证明"),
        (["ledger", "prove", "999"], "尚未记账"),
    ):
        result = runner.invoke(yishiting, args, env=ledgered.env)
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert words in " ".join(result.output.split()), (args, result.output)


@pytest.mark.postgres
@pytest.mark.parametrize("url", ["postgres"], indirect=True)
def test_two_issuers_of_the_same_checkpoint_agree(ledgered: Ledgered) -> None:
    """The projector's timer, the API and the CLI may sign the same size at once: the one that
    commits second gets the first one's checkpoint, not an error."""
    system, database = ledgered.system, ledgered.raw.database
    system.app.save(Unit.register(name="北苑社区", kind=UnitKind.VILLAGE_OR_COMMUNITY, actor=ADMIN))
    system.projector.catch_up()
    size = STORY_EVENTS + 1
    assert system.ledger.signer is not None
    theirs = system.ledger.signer.sign(size, system.ledger.root(size), "2026-11-26T00:00:00+00:00")
    with psycopg.connect(database.conninfo()) as other, ThreadPoolExecutor(1) as pool:
        other.execute(
            "INSERT INTO ledger_checkpoints VALUES (%s, %s, %s, %s, %s, %s)",
            (
                size,
                theirs.root_hash,
                theirs.issued_at,
                theirs.origin,
                theirs.key_id,
                theirs.signature,
            ),
        )
        ours = pool.submit(system.ledger.issue_checkpoint)
        assert waiting_on_a_lock(database, "INSERT INTO ledger_checkpoints"), "never blocked"
        other.commit()
        assert ours.result(timeout=30) == theirs
    assert system.ledger.checkpoints()[-1] == theirs
    assert system.ledger.verify(ledgered.public).ok


def waiting_on_a_lock(database: Database, statement: str, patience: int = 500) -> bool:
    """Whether some session is (or within `patience` polls becomes) blocked running this."""
    with psycopg.connect(database.conninfo(), autocommit=True) as conn:
        for _ in range(patience):
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND query LIKE %s",
                (statement + "%",),
            ).fetchone()
            if row and row[0]:
                return True
            time.sleep(0.02)
    return False


def test_small_batches_build_the_same_ledger_as_large_ones(postgres_url: str, tmp_path) -> None:
    """Many small pipelined batches: the ledger reads nodes written by earlier batches between
    its own writes, and the tree still verifies event for event."""
    from application.settings import Settings as _Settings
    from interfaces.bootstrap import bootstrap as _bootstrap
    from tests.support.district import District as _District

    settings = _Settings(
        database_url=postgres_url, ledger_key_file=str(tmp_path / "key.pem"), projector_batch_size=3
    )
    system = _bootstrap(settings)
    try:
        district = _District.build(system.app)
        for _ in range(3):
            district.assigned_item()
        system.projector.catch_up()
        report = system.ledger.verify(system.ledger.signer.public if system.ledger.signer else None)
        assert report.ok, report.divergence
        assert report.events_checked == system.app.position()
    finally:
        system.close()
