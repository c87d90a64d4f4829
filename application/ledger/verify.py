"""Independent verification: recompute every leaf from the raw stored events, compare with the
ledger, and check every checkpoint's root and signature. Memory stays O(log n)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from application.ledger.entries import Entry
from application.ledger.merkle import EMPTY_ROOT, Hash, node_hash
from application.ledger.signing import Checkpoint, signature_valid


@dataclass(frozen=True)
class Leaf:
    index: int
    position: int
    hash: Hash


@dataclass(frozen=True)
class Divergence:
    """The first place where the log and its ledger disagree."""

    leaf_index: int
    position: int | None
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        where = f"日志位置 position {self.position}" if self.position is not None else ""
        reason = f"{self.reason_zh} ({self.reason_en})"
        return f"第 {self.leaf_index} 项 leaf {self.leaf_index} {where}: {reason}"


@dataclass
class Report:
    events_checked: int = 0
    checkpoints_checked: int = 0
    pending: int = 0
    divergence: Divergence | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.divergence is None


class Frontier:
    """The right edge of the tree: one complete subtree per set bit of the size."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, Hash]] = []
        self.size = 0

    def append(self, leaf: Hash) -> None:
        size, current = 1, leaf
        while self.stack and self.stack[-1][0] == size:
            left = self.stack.pop()[1]
            size, current = size * 2, node_hash(left, current)
        self.stack.append((size, current))
        self.size += 1

    def root(self) -> Hash:
        if not self.stack:
            return EMPTY_ROOT
        result = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            result = node_hash(left, result)
        return result


def verify(
    events: Iterable[Entry],
    leaves: Iterable[Leaf],
    checkpoints: list[Checkpoint],
    public: Ed25519PublicKey | None,
) -> Report:
    report, frontier = Report(), Frontier()
    by_size = _by_size(checkpoints)
    stream = iter(events)
    # A checkpoint of the empty ledger (signed before the first event) attests the empty root.
    report.divergence = _check_checkpoints(by_size.pop(0, []), frontier, public, report)
    if report.divergence:
        return report
    for leaf in leaves:
        event = next(stream, None)
        report.divergence = _compare(leaf, event)
        if report.divergence:
            return report
        assert event is not None
        frontier.append(event.leaf())
        report.events_checked += 1
        report.divergence = _check_checkpoints(
            by_size.pop(frontier.size, []), frontier, public, report
        )
        if report.divergence:
            return report
    report.pending = sum(1 for _ in stream)
    if by_size:
        size = min(by_size)
        report.divergence = Divergence(
            size - 1,
            None,
            "签名检查点超出账本范围,账本可能被截断",
            "a checkpoint covers more than the ledger holds",
        )
    return report


def _by_size(checkpoints: list[Checkpoint]) -> dict[int, list[Checkpoint]]:
    grouped: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        grouped.setdefault(checkpoint.tree_size, []).append(checkpoint)
    return grouped


def _compare(leaf: Leaf, event: Entry | None) -> Divergence | None:
    if event is None:
        return Divergence(
            leaf.index,
            leaf.position,
            "已记账的事件不见了(被删除?)",
            "a ledgered event is missing (deleted?)",
        )
    if event.position < leaf.position:
        return Divergence(
            leaf.index,
            event.position,
            "出现未记账的事件(被插入?)",
            "an event the ledger never saw (inserted?)",
        )
    if event.position > leaf.position:
        return Divergence(
            leaf.index,
            leaf.position,
            "已记账的事件不见了(被删除?)",
            "a ledgered event is missing (deleted?)",
        )
    if event.leaf() != leaf.hash:
        return Divergence(
            leaf.index,
            leaf.position,
            "事件内容或顺序被改动",
            "the event's content or order was altered",
        )
    return None


def _check_checkpoints(
    due: list[Checkpoint], frontier: Frontier, public: Ed25519PublicKey | None, report: Report
) -> Divergence | None:
    for checkpoint in due:
        index = checkpoint.tree_size - 1
        if checkpoint.root_hash != frontier.root().hex():
            return Divergence(
                index,
                None,
                "检查点的根哈希与重算结果不符",
                "the checkpoint's root differs from the recomputed root",
            )
        if public is not None and not signature_valid(checkpoint, public):
            return Divergence(
                index, None, "检查点签名无效", "the checkpoint's signature is invalid"
            )
        report.checkpoints_checked += 1
    return None


def entries(pages: Iterable[list[Entry]]) -> Iterator[Entry]:
    for page in pages:
        yield from page
