"""Merkle tree hashing, inclusion and consistency proofs as in RFC 6962 (and RFC 9162 §2.1):
leaves and nodes are domain-separated, so no leaf can pose as a node. Pure functions over
a source of complete-subtree hashes, so the same code serves the database and the verifier.

The hash is the tree's (`TreeHash`): SHA-256, or SM3 (GB/T 32905) for the 国密 suite, with
the same domain separation either way. Each function takes the tree's hash, SHA-256 unless
told."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

Hash = bytes
# The hash of the complete subtree at (level, index): leaves index << level .. +2**level.
NodeSource = Callable[[int, int], Hash]


@dataclass(frozen=True)
class TreeHash:
    """A tree's hash function, named as proofs and checkpoints name it."""

    name: str
    new: Callable[[bytes], Any] = field(repr=False)

    def leaf(self, data: bytes) -> Hash:
        return bytes(self.new(b"\x00" + data).digest())

    def node(self, left: Hash, right: Hash) -> Hash:
        return bytes(self.new(b"\x01" + left + right).digest())

    def empty(self) -> Hash:
        return bytes(self.new(b"").digest())


SHA256 = TreeHash("sha256", hashlib.sha256)
SM3 = TreeHash("sm3", partial(hashlib.new, "sm3"))

EMPTY_ROOT = SHA256.empty()


def leaf_hash(data: bytes) -> Hash:
    return SHA256.leaf(data)


def node_hash(left: Hash, right: Hash) -> Hash:
    return SHA256.node(left, right)


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtree_hash(nodes: NodeSource, start: int, end: int, tree: TreeHash = SHA256) -> Hash:
    """MTH of leaves [start, end), read from complete subtrees where it can."""
    size = end - start
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return nodes(level, start >> level)
    k = _split(size)
    return tree.node(
        subtree_hash(nodes, start, start + k, tree), subtree_hash(nodes, start + k, end, tree)
    )


def root(nodes: NodeSource, size: int, tree: TreeHash = SHA256) -> Hash:
    return tree.empty() if size == 0 else subtree_hash(nodes, 0, size, tree)


def inclusion_proof(
    nodes: NodeSource, index: int, size: int, tree: TreeHash = SHA256
) -> list[Hash]:
    """PATH(m, D[n]): the audit path for leaf `index` in a tree of `size` leaves."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    return _path(nodes, index, 0, size, tree)


def _path(nodes: NodeSource, index: int, start: int, end: int, tree: TreeHash) -> list[Hash]:
    if end - start == 1:
        return []
    k = _split(end - start)
    if index < start + k:
        return [
            *_path(nodes, index, start, start + k, tree),
            subtree_hash(nodes, start + k, end, tree),
        ]
    return [
        *_path(nodes, index, start + k, end, tree),
        subtree_hash(nodes, start, start + k, tree),
    ]


def consistency_proof(
    nodes: NodeSource, old_size: int, new_size: int, tree: TreeHash = SHA256
) -> list[Hash]:
    """PROOF(m, D[n]): shows the tree of `old_size` is a prefix of the tree of `new_size`."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    return _subproof(nodes, old_size, 0, new_size, tree, complete=True)


def _subproof(
    nodes: NodeSource, m: int, start: int, end: int, tree: TreeHash, *, complete: bool
) -> list[Hash]:
    n = end - start
    if m == n:
        return [] if complete else [subtree_hash(nodes, start, end, tree)]
    k = _split(n)
    if m <= k:
        return [
            *_subproof(nodes, m, start, start + k, tree, complete=complete),
            subtree_hash(nodes, start + k, end, tree),
        ]
    return [
        *_subproof(nodes, m - k, start + k, end, tree, complete=False),
        subtree_hash(nodes, start, start + k, tree),
    ]


def verify_inclusion(
    leaf: Hash,
    index: int,
    size: int,
    proof: list[Hash],
    expected: Hash,
    tree: TreeHash = SHA256,
) -> bool:
    """RFC 9162 §2.1.3.2: recompute the root from a leaf and its audit path."""
    if not 0 <= index < size:
        return False
    node_hash = tree.node
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: Hash,
    new_root: Hash,
    proof: list[Hash],
    tree: TreeHash = SHA256,
) -> bool:
    """RFC 9162 §2.1.4.2: the old tree is a prefix of the new one."""
    node_hash = tree.node
    if old_size == new_size:
        return old_root == new_root and not proof
    if not 0 < old_size < new_size or not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


class MemoryTree:
    """A tree held in memory: for verifying a whole log and for tests."""

    def __init__(self, tree: TreeHash = SHA256) -> None:
        self.levels: list[list[Hash]] = [[]]
        self.size = 0
        self.tree = tree

    def append(self, leaf: Hash) -> None:
        append_leaf(self._put, self.node, leaf, self.size, self.tree)
        self.size += 1

    def node(self, level: int, index: int) -> Hash:
        return self.levels[level][index]

    def _put(self, level: int, index: int, value: Hash) -> None:
        while len(self.levels) <= level:
            self.levels.append([])
        row = self.levels[level]
        if index == len(row):
            row.append(value)
        else:
            row[index] = value


def append_leaf(
    put: Callable[[int, int, Hash], None],
    get: NodeSource,
    leaf: Hash,
    index: int,
    tree: TreeHash = SHA256,
) -> None:
    """Stores the leaf at `index` and every complete subtree it completes."""
    put(0, index, leaf)
    level, position, current = 0, index, leaf
    while position & 1:
        current = tree.node(get(level, position - 1), current)
        level, position = level + 1, position >> 1
        put(level, position, current)
