"""The authenticity tag of an event, and how `verify` walks a log against its ledger: every
divergence named with its place, runs named once, a pending tail told from a wiped ledger."""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from application.ledger.entries import Entry
from application.ledger.tags import ALGORITHM, EventKey
from application.ledger.verify import Leaf, verify

ORIGINATOR = UUID("2b4f6a9e-3c1d-4e5f-8a7b-9c0d1e2f3a4b")
TOPIC = "domain.topic:Topic.TopicApproved"
STATE = '{"reason":"群众关切,同意协商。"}'.encode()


def test_a_tag_names_its_algorithm_and_fits_only_its_event() -> None:
    key = EventKey.generate()
    tag = key.tag(ORIGINATOR, 4, TOPIC, STATE)
    assert tag.startswith(f"{ALGORITHM}:")
    assert len(tag) == len(ALGORITHM) + 1 + 64
    assert key.refusal(tag, ORIGINATOR, 4, TOPIC, STATE) is None
    # SQLite spells the originator as hex, PostgreSQL as a uuid: the same event, the same tag.
    assert key.tag(ORIGINATOR.hex, 4, TOPIC, STATE) == tag
    others = [
        (uuid4(), 4, TOPIC, STATE),
        (ORIGINATOR, 5, TOPIC, STATE),
        (ORIGINATOR, 4, "domain.topic:Topic.TopicReturned", STATE),
        (ORIGINATOR, 4, TOPIC, STATE.replace("同意".encode(), "退回".encode())),
    ]
    for other in others:
        refusal = key.refusal(tag, *other)
        assert refusal == (
            "事件认证标签不符(事件被伪造或改动) (the event's authenticity tag is wrong)"
        )
    # Another deployment's key does not make this one's tags.
    assert EventKey.generate().refusal(tag, ORIGINATOR, 4, TOPIC, STATE) is not None


@pytest.mark.parametrize(
    ("tag", "reason"),
    [
        (None, "the event has no authenticity tag"),
        ("", "the event has no authenticity tag"),
        ("hmac-sm3:" + "0" * 64, "unknown tag algorithm 'hmac-sm3'"),
        ("not a tag", "unknown tag algorithm 'not a tag'"),
        (f"{ALGORITHM}:" + "0" * 64, "the event's authenticity tag is wrong"),
        (f"{ALGORITHM}:short", "the event's authenticity tag is wrong"),
    ],
)
def test_a_missing_or_foreign_tag_is_refused_in_both_languages(
    tag: str | None, reason: str
) -> None:
    refusal = EventKey.generate().refusal(tag, ORIGINATOR, 4, TOPIC, STATE)
    assert refusal is not None
    chinese, _, english = refusal.partition(" (")
    assert not chinese.isascii()  # Chinese first
    assert reason in english


def test_the_key_file_is_made_once_by_racing_processes(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "event.key"
    start = threading.Barrier(8)
    made: list[str] = []

    def make() -> None:
        start.wait()
        key = EventKey.from_file(path, create=True)
        made.append(key.tag(ORIGINATOR, 1, TOPIC, STATE))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 8
    assert len(set(made)) == 1  # one key, whoever made it
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["event.key"]  # no drafts left


def test_a_missing_short_or_garbled_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="YISHITING_EVENT_KEY_FILE"):
        EventKey.from_file(tmp_path / "absent.key", create=False)
    assert not (tmp_path / "absent.key").exists()
    short = tmp_path / "short.key"
    short.write_text(base64.b64encode(os.urandom(16)).decode())
    with pytest.raises(ValueError, match="at least 32 bytes"):
        EventKey.from_file(short, create=False)
    garbled = tmp_path / "garbled.key"
    garbled.write_text("这不是 base64")
    with pytest.raises(ValueError, match="must be base64"):
        EventKey.from_file(garbled, create=False)


# ------------------------------------------------------------------------- verify's walk


def entry(position: int, version: int | None = None) -> Entry:
    return Entry(position, ORIGINATOR, version or position, TOPIC, STATE + bytes([position]))


def ledger_of(entries: list[Entry]) -> list[Leaf]:
    return [Leaf(index, e.position, e.leaf()) for index, e in enumerate(entries)]


def named(report: object) -> list[tuple[int | None, int | None, int | None, str]]:
    return [
        (d.leaf_index, d.position, d.last_position, d.reason_en)
        for d in report.divergences  # type: ignore[attr-defined]
    ]


def test_a_log_and_its_ledger_agree() -> None:
    log = [entry(p) for p in range(1, 9)]
    report = verify(log, ledger_of(log), [], None, sealed_up_to=8)
    assert (report.ok, report.events_checked, report.pending) == (True, 8, 0)


def test_events_past_the_projector_are_pending_but_a_wiped_ledger_is_not() -> None:
    log = [entry(p) for p in range(1, 9)]
    sealed = ledger_of(log[:5])
    report = verify(log, sealed, [], None, sealed_up_to=5)
    assert (report.ok, report.pending) == (True, 3)
    # Without knowing where the projector is, an unsealed tail is taken as pending ...
    assert verify(log, [], [], None).ok
    # ... but not once the projector is known to have passed it.
    report = verify(log, [], [], None, sealed_up_to=8)
    assert named(report) == [
        (
            0,
            1,
            8,
            "an event the ledger never saw (inserted? set aside? ledger wiped?)",
        )
    ]
    assert "日志位置 position 1–8 (共 8 个事件 events)" in str(report.divergences[0])


def test_every_divergence_is_named_not_only_the_first() -> None:
    log = [entry(p) for p in range(10, 101, 10)]  # positions with gaps, as PostgreSQL leaves
    leaves = ledger_of(log)
    changed = [e for e in log if e.position != 60]  # deleted
    changed[2] = Entry(30, ORIGINATOR, 30, TOPIC, b"forged")  # altered
    changed.insert(7, entry(85))  # slipped into a gap
    report = verify(changed, leaves, [], None, sealed_up_to=100)
    assert named(report) == [
        (2, 30, None, "the event's content or order was altered"),
        (5, 60, None, "a ledgered event is missing (deleted?)"),
        (8, 85, None, "an event the ledger never saw (inserted? set aside? ledger wiped?)"),
    ]
    assert report.events_checked == 9


def test_a_tag_check_names_untagged_events_unless_the_ledger_sealed_them() -> None:
    log = [entry(p) for p in range(1, 7)]
    leaves = ledger_of(log[:4])
    refusals = {2: "事件缺少认证标签 (the event has no authenticity tag)"}
    refusals[6] = refusals[2]
    refusals[3] = "事件认证标签不符 (the event's authenticity tag is wrong)"
    report = verify(log, leaves, [], None, tag_check=lambda e: refusals.get(e.position))
    # 2: untagged but sealed as it is (an older log); 3: a wrong tag is wrong even if sealed;
    # 6: untagged and not sealed, pending or not.
    assert report.sealed_before_tagging == 1
    assert named(report) == [
        (2, 3, None, "the event's authenticity tag is wrong"),
        (4, 6, None, "the event has no authenticity tag"),
    ]
    assert report.pending == 2
