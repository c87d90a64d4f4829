"""Proofs an auditor can check with nothing but the ledger's public key: an event's inclusion
in a signed checkpoint, and one checkpoint's consistency with a later one."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from application.ledger import merkle
from application.ledger.entries import Entry
from application.ledger.signing import Checkpoint, signature_valid


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

    @classmethod
    def of(cls, entry: Entry, leaf_index: int, tree_size: int, path: list[bytes]) -> InclusionProof:
        return cls(
            entry.position,
            str(entry.originator_id),
            entry.originator_version,
            entry.topic,
            base64.b64encode(entry.state).decode(),
            leaf_index,
            tree_size,
            [p.hex() for p in path],
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
        return cls(**json.loads(text))


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    path: list[str]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> ConsistencyProof:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        return f"{'通过' if self.ok else '不通过'}: {self.reason_zh} ({self.reason_en})"


def check_inclusion(
    proof: InclusionProof, checkpoint: Checkpoint, public: Ed25519PublicKey
) -> Verdict:
    if not signature_valid(checkpoint, public):
        return Verdict(False, "检查点签名无效", "the checkpoint's signature is invalid")
    if proof.tree_size != checkpoint.tree_size:
        return Verdict(False, "证明与检查点的规模不同", "the proof is for another tree size")
    path = [bytes.fromhex(p) for p in proof.path]
    included = merkle.verify_inclusion(
        proof.entry().leaf(),
        proof.leaf_index,
        proof.tree_size,
        path,
        bytes.fromhex(checkpoint.root_hash),
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
    proof: ConsistencyProof, old: Checkpoint, new: Checkpoint, public: Ed25519PublicKey
) -> Verdict:
    for checkpoint in (old, new):
        if not signature_valid(checkpoint, public):
            return Verdict(False, "检查点签名无效", "a checkpoint's signature is invalid")
    if (proof.old_size, proof.new_size) != (old.tree_size, new.tree_size):
        return Verdict(False, "证明与检查点的规模不同", "the proof is for other tree sizes")
    consistent = merkle.verify_consistency(
        old.tree_size,
        new.tree_size,
        bytes.fromhex(old.root_hash),
        bytes.fromhex(new.root_hash),
        [bytes.fromhex(p) for p in proof.path],
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
