"""Independent verification: recompute every leaf from the raw stored events, compare with the
ledger, check each event's authenticity tag, and check every checkpoint's root and signature
against the ledger as stored. Every divergence is named with its place, not just the first;
a run of the same divergence over consecutive events is named once, as a range. Memory stays
O(log n) (plus the divergences found, at most MAX_NAMED of them).

What counts as not yet sealed (pending) rather than missing from the ledger: the events after
the furthest position the projector has reached (`sealed_up_to`). The projector feeds the
ledger every event it applies, so an event at or before that position without a leaf was set
aside, forged in after the projector passed, or its leaf was removed (a wiped ledger)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from application.ledger.entries import Entry
from application.ledger.epochs import FIRST, Epoch
from application.ledger.merkle import SHA256, Hash, TreeHash
from application.ledger.signing import Checkpoint, PublicKeys, signature_valid

MAX_NAMED = 1000  # divergences kept in a report; more are counted

# The authenticity tag of an event as stored: why it is refused, or None.
TagCheck = Callable[[Entry], "str | None"]
# The event has no tag at all: accepted only where the ledger sealed it as it is.
UNTAGGED = "事件缺少认证标签"


@dataclass(frozen=True)
class Leaf:
    index: int
    position: int
    hash: Hash


@dataclass(frozen=True)
class Divergence:
    """A place where the log, its tags, its ledger or a checkpoint disagree."""

    leaf_index: int | None
    position: int | None
    reason_zh: str
    reason_en: str
    last_position: int | None = None  # a run of events with the same divergence
    count: int = 1
    subject: str = ""  # what it is about when not a place in the log (a snapshot)

    def __str__(self) -> str:
        reason = f"{self.reason_zh} ({self.reason_en})"
        if self.subject:
            return f"{self.subject}: {reason}"
        where = f"日志位置 position {self.position}" if self.position is not None else ""
        if self.count > 1:
            where += f"–{self.last_position} (共 {self.count} 个事件 events)"
        leaf = (
            f"第 {self.leaf_index} 项 leaf {self.leaf_index} "
            if self.leaf_index is not None
            else ""
        )
        return f"{leaf}{where}: {reason}"

    def extended_by(self, other: Divergence) -> Divergence | None:
        """This run with `other` after it, when it is the same divergence one event on."""
        if other.subject or self.subject or other.position is None or self.position is None:
            return None
        if other.reason_en != self.reason_en or self.leaf_index is None:
            return None
        # Events the ledger never saw keep the next leaf's index; lost leaves count up.
        if other.leaf_index not in (self.leaf_index, self.leaf_index + self.count):
            return None
        return Divergence(
            self.leaf_index,
            self.position,
            self.reason_zh,
            self.reason_en,
            other.position,
            self.count + 1,
        )


@dataclass
class Report:
    events_checked: int = 0
    checkpoints_checked: int = 0
    pending: int = 0
    sealed_before_tagging: int = 0
    snapshots_checked: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    not_named: int = 0  # divergences beyond MAX_NAMED, counted only
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.divergences

    @property
    def divergence(self) -> Divergence | None:
        """The first divergence, in log order."""
        return self.divergences[0] if self.divergences else None

    def add(self, divergence: Divergence) -> None:
        if self.divergences:
            run = self.divergences[-1].extended_by(divergence)
            if run is not None:
                self.divergences[-1] = run
                return
        if len(self.divergences) < MAX_NAMED:
            self.divergences.append(divergence)
        else:
            self.not_named += 1


class Frontier:
    """The right edge of the tree: one complete subtree per set bit of the size."""

    def __init__(self, tree: TreeHash = SHA256) -> None:
        self.stack: list[tuple[int, Hash]] = []
        self.size = 0
        self.tree = tree

    def append(self, leaf: Hash) -> None:
        size, current = 1, leaf
        while self.stack and self.stack[-1][0] == size:
            left = self.stack.pop()[1]
            size, current = size * 2, self.tree.node(left, current)
        self.stack.append((size, current))
        self.size += 1

    def root(self) -> Hash:
        if not self.stack:
            return self.tree.empty()
        result = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            result = self.tree.node(left, result)
        return result


def verify(
    events: Iterable[Entry],
    leaves: Iterable[Leaf],
    checkpoints: list[Checkpoint],
    public: PublicKeys | None,
    *,
    tag_check: TagCheck | None = None,
    sealed_up_to: int | None = None,
    epochs: list[Epoch] | None = None,
) -> Report:
    """Walks the log and the ledger side by side, in position order. The tree the checkpoints
    are checked against is the ledger as stored (so a changed event is named once, at its
    position, and a rewritten ledger by the checkpoints); each event is compared with its leaf.
    Without `sealed_up_to` every event past the ledger's last leaf counts as pending. Each
    epoch's leaves are hashed with its suite, in a tree of their own; where one epoch ends,
    its root is the one the next epoch's checkpoints name as their previous root."""
    walk = _Walk(checkpoints, public, tag_check, sealed_up_to, epochs or [FIRST])
    walk.report.divergences.extend(walk.due(0))
    stream, ledger = iter(events), iter(leaves)
    event, leaf = next(stream, None), next(ledger, None)
    while event is not None or leaf is not None:
        if leaf is None or (event is not None and event.position < leaf.position):
            assert event is not None
            walk.unsealed(event, leaf)
            event = next(stream, None)
        elif event is None or event.position > leaf.position:
            walk.lost(leaf)
            leaf = next(ledger, None)
        else:
            walk.sealed(event, leaf)
            event, leaf = next(stream, None), next(ledger, None)
    walk.finish()
    return walk.report


class _Walk:
    def __init__(
        self,
        checkpoints: list[Checkpoint],
        public: PublicKeys | None,
        tag_check: TagCheck | None,
        sealed_up_to: int | None,
        epochs: list[Epoch],
    ) -> None:
        self.report = Report()
        self.epochs = sorted(epochs, key=lambda e: e.first_leaf)
        self.epoch = self.epochs[0]
        self.frontier = Frontier(self.epoch.suite.tree)
        self.closing_roots: dict[int, str] = {}  # epoch → the recomputed last root before it
        self.next_start = self._start_after(self.epoch)
        self.by_size = _by_size(checkpoints)
        self.public = public
        self.tag_check = tag_check
        self.sealed_up_to = sealed_up_to
        self.expected = 0  # the next leaf's index

    def unsealed(self, event: Entry, next_leaf: Leaf | None) -> None:
        """An event with no leaf: pending if the projector has not reached it yet."""
        index = next_leaf.index if next_leaf is not None else self.expected
        reasons = []
        passed = self.sealed_up_to is not None and event.position <= self.sealed_up_to
        if next_leaf is not None or passed:
            reasons.append(
                (
                    "出现未记账的事件(被插入?被搁置?账本被清空?)",
                    "an event the ledger never saw (inserted? set aside? ledger wiped?)",
                )
            )
        else:
            self.report.pending += 1
        refusal = self.tag_check(event) if self.tag_check else None
        if refusal is not None:
            reasons.append(_split(refusal))
        self._name(index, event.position, reasons)

    def lost(self, leaf: Leaf) -> None:
        self._leaf(leaf)
        self._name(
            leaf.index,
            leaf.position,
            [("已记账的事件不见了(被删除?)", "a ledgered event is missing (deleted?)")],
        )
        self._checkpoints()

    def sealed(self, event: Entry, leaf: Leaf) -> None:
        self._leaf(leaf)
        reasons = []
        matches = event.leaf(self.frontier.tree) == leaf.hash
        if not matches:
            reasons.append(("事件内容或顺序被改动", "the event's content or order was altered"))
        refusal = self.tag_check(event) if self.tag_check else None
        if refusal is not None and refusal.startswith(UNTAGGED) and matches:
            self.report.sealed_before_tagging += 1  # the ledger vouches for it as it is
        elif refusal is not None:
            reasons.append(_split(refusal))
        self._name(leaf.index, leaf.position, reasons)
        self.report.events_checked += 1
        self._checkpoints()

    def finish(self) -> None:
        for size in sorted(self.by_size):
            self.report.add(
                Divergence(
                    size - 1,
                    None,
                    "签名检查点超出账本范围,账本可能被截断",
                    "a checkpoint covers more than the ledger holds",
                )
            )

    def due(self, size: int) -> list[Divergence]:
        found = []
        for checkpoint in self.by_size.pop(size, []):
            index = checkpoint.tree_size - 1
            if not self._of_this_epoch(checkpoint):
                found.append(
                    Divergence(
                        index,
                        None,
                        "检查点的密码套件或纪元与账本不符",
                        "the checkpoint's suite or epoch differs from the ledger's",
                    )
                )
            elif checkpoint.root_hash != self.frontier.root().hex():
                found.append(
                    Divergence(
                        index,
                        None,
                        "检查点的根哈希与重算结果不符",
                        "the checkpoint's root differs from the recomputed root",
                    )
                )
            elif self.public is not None and not signature_valid(checkpoint, self.public):
                found.append(
                    Divergence(
                        index, None, "检查点签名无效", "the checkpoint's signature is invalid"
                    )
                )
            else:
                self.report.checkpoints_checked += 1
        return found

    def _of_this_epoch(self, checkpoint: Checkpoint) -> bool:
        epoch = self.epoch
        return (
            checkpoint.suite == epoch.suite.name
            and (checkpoint.epoch, checkpoint.first_leaf) == (epoch.number, epoch.first_leaf)
            and checkpoint.previous_root == self.closing_roots.get(epoch.number, "")
        )

    def _next_epoch(self, leaf_index: int) -> None:
        """Where a new epoch begins: the old tree's root closes it, and a new tree starts."""
        later = [e for e in self.epochs if self.epoch.first_leaf < e.first_leaf <= leaf_index]
        if not later:
            return
        closing = self.frontier.root().hex()
        self.epoch = later[-1]
        self.closing_roots[self.epoch.number] = closing
        if self.epoch.previous_root != closing:
            self.report.add(
                Divergence(
                    leaf_index,
                    None,
                    "新纪元所记的上一纪元根哈希与重算结果不符",
                    "the new epoch's previous root differs from the old epoch's recomputed root",
                )
            )
        self.frontier = Frontier(self.epoch.suite.tree)
        self.next_start = self._start_after(self.epoch)

    def _start_after(self, epoch: Epoch) -> float:
        return min(
            (e.first_leaf for e in self.epochs if e.first_leaf > epoch.first_leaf),
            default=float("inf"),
        )

    def _size(self) -> int:
        """Leaves walked so far, all epochs."""
        return self.epoch.first_leaf + self.frontier.size

    def _leaf(self, leaf: Leaf) -> None:
        if leaf.index >= self.next_start:
            self._next_epoch(leaf.index)
        if leaf.index != self.expected:
            self.report.add(
                Divergence(
                    self.expected,
                    leaf.position,
                    "账本的叶子序号不连续(账本被改动)",
                    "the ledger's leaves are not numbered in sequence (ledger altered)",
                )
            )
        self.expected = leaf.index + 1
        self.frontier.append(leaf.hash)

    def _checkpoints(self) -> None:
        for divergence in self.due(self._size()):
            self.report.add(divergence)

    def _name(self, index: int, position: int, reasons: list[tuple[str, str]]) -> None:
        if reasons:
            self.report.add(
                Divergence(
                    index,
                    position,
                    ";".join(zh for zh, _ in reasons),
                    "; ".join(en for _, en in reasons),
                )
            )


def _split(reason: str) -> tuple[str, str]:
    """'中文 (English)' as its two halves."""
    zh, _, en = reason.partition(" (")
    return zh, en.removesuffix(")") or zh


def _by_size(checkpoints: list[Checkpoint]) -> dict[int, list[Checkpoint]]:
    grouped: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        grouped.setdefault(checkpoint.tree_size, []).append(checkpoint)
    return grouped


def entries(pages: Iterable[list[Entry]]) -> Iterator[Entry]:
    for page in pages:
        yield from page
