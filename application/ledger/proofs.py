"""Proofs an auditor can check with nothing but the ledger's public key: an event's inclusion
in a signed checkpoint, and one checkpoint's consistency with a later one. A proof names its
suite (the tree's hash); it is checked in the tree of the checkpoint's epoch, whose leaves
start at the checkpoint's `first_leaf` (0 before any switch of suites)."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from uuid import UUID

from application.ledger import merkle, shapes
from application.ledger.entries import Entry
from application.ledger.signing import Checkpoint, PublicKeys, signature_valid
from application.ledger.suites import INTERNATIONAL, suite_named


@dataclass(frozen=True)
class InclusionProof:
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: str  # base64 of the stored state
    leaf_index: int
    tree_size: int
    path: list[str]
    suite: str = INTERNATIONAL.name

    @classmethod
    def of(
        cls,
        entry: Entry,
        leaf_index: int,
        tree_size: int,
        path: list[bytes],
        suite: str = INTERNATIONAL.name,
    ) -> InclusionProof:
        return cls(
            entry.position,
            str(entry.originator_id),
            entry.originator_version,
            entry.topic,
            base64.b64encode(entry.state).decode(),
            leaf_index,
            tree_size,
            [p.hex() for p in path],
            suite,
        )

    def entry(self) -> Entry:
        return Entry(
            self.position,
            UUID(self.originator_id),
            self.originator_version,
            self.topic,
            base64.b64decode(self.state),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> InclusionProof:
        return shapes.from_json(cls, text, "包含证明 inclusion proof")


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    path: list[str]
    suite: str = INTERNATIONAL.name

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> ConsistencyProof:
        return shapes.from_json(cls, text, "一致性证明 consistency proof")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        return f"{'通过' if self.ok else '不通过'}: {self.reason_zh} ({self.reason_en})"


OTHER_SUITE = Verdict(False, "证明与检查点的密码套件不同", "the proof is for another suite")


def check_inclusion(proof: InclusionProof, checkpoint: Checkpoint, public: PublicKeys) -> Verdict:
    if not signature_valid(checkpoint, public):
        return Verdict(False, "检查点签名无效", "the checkpoint's signature is invalid")
    if proof.tree_size != checkpoint.tree_size:
        return Verdict(False, "证明与检查点的规模不同", "the proof is for another tree size")
    if proof.suite != checkpoint.suite:
        return OTHER_SUITE
    tree = suite_named(checkpoint.suite).tree
    path = [bytes.fromhex(p) for p in proof.path]
    included = merkle.verify_inclusion(
        proof.entry().leaf(tree),
        proof.leaf_index - checkpoint.first_leaf,
        checkpoint.epoch_size,
        path,
        bytes.fromhex(checkpoint.root_hash),
        tree,
    )
    if not included:
        return Verdict(
            False,
            "该事件不在检查点所证明的账本中",
            "the event is not in the ledger the checkpoint attests",
        )
    return Verdict(
        True,
        f"事件(日志位置 {proof.position})包含在规模为 {proof.tree_size} 的已签名账本中",
        f"event at position {proof.position} is in the signed tree of size {proof.tree_size}",
    )


def check_consistency(
    proof: ConsistencyProof, old: Checkpoint, new: Checkpoint, public: PublicKeys
) -> Verdict:
    for checkpoint in (old, new):
        if not signature_valid(checkpoint, public):
            return Verdict(False, "检查点签名无效", "a checkpoint's signature is invalid")
    if (proof.old_size, proof.new_size) != (old.tree_size, new.tree_size):
        return Verdict(False, "证明与检查点的规模不同", "the proof is for other tree sizes")
    if not proof.suite == old.suite == new.suite:
        return OTHER_SUITE
    if (old.epoch, old.first_leaf) != (new.epoch, new.first_leaf):
        return Verdict(
            False,
            "两个检查点属于不同纪元(由新纪元首个检查点所记的上一根哈希相连)",
            "the checkpoints are of different epochs (chained by the new epoch's previous root)",
        )
    consistent = merkle.verify_consistency(
        old.epoch_size,
        new.epoch_size,
        bytes.fromhex(old.root_hash),
        bytes.fromhex(new.root_hash),
        [bytes.fromhex(p) for p in proof.path],
        suite_named(old.suite).tree,
    )
    if not consistent:
        return Verdict(
            False,
            "新账本不是旧账本的延续(历史被改写?)",
            "the new tree does not extend the old one (history rewritten?)",
        )
    return Verdict(
        True,
        f"规模 {new.tree_size} 的账本是规模 {old.tree_size} 的账本的延续",
        f"the tree of {new.tree_size} extends the tree of {old.tree_size}",
    )
