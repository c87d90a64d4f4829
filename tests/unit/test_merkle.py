"""application/ledger/merkle.py against RFC 6962 itself: a recursive Merkle Tree Hash, PATH and
PROOF written straight from §2.1, compared for every tree of 1 to 70 leaves, every leaf and
every pair of sizes; then proofs that must not verify."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest

from application.ledger import merkle
from application.ledger.entries import Entry
from application.ledger.merkle import MemoryTree
from application.ledger.verify import Frontier

SIZES = range(1, 71)
LEAVES = [hashlib.sha256(b"\x00" + f"event {i}".encode()).digest() for i in range(max(SIZES) + 1)]


# -------------------------------------------------------------- RFC 6962 §2.1, as written


def k_of(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def mth(start: int, end: int) -> bytes:
    """MTH(D[start:end]) over the leaf inputs above."""
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return LEAVES[start]
    k = k_of(n)
    return hashlib.sha256(b"\x01" + mth(start, start + k) + mth(start + k, end)).digest()


def path(m: int, start: int, end: int) -> list[bytes]:
    """PATH(m, D[start:end]), m relative to start."""
    n = end - start
    if n == 1:
        return []
    k = k_of(n)
    if m < k:
        return [*path(m, start, start + k), mth(start + k, end)]
    return [*path(m - k, start + k, end), mth(start, start + k)]


def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[start:end], b)."""
    n = end - start
    if m == n:
        return [] if complete else [mth(start, end)]
    k = k_of(n)
    if m <= k:
        return [*subproof(m, start, start + k, complete), mth(start + k, end)]
    return [*subproof(m - k, start + k, end, False), mth(start, start + k)]


# ------------------------------------------------------------------------------- agreement


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    built = MemoryTree()
    for leaf in LEAVES:
        built.append(leaf)
    return built


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert mth(0, 0) == merkle.EMPTY_ROOT
    assert merkle.root(lambda level, index: b"", 0) == merkle.EMPTY_ROOT


def test_the_stored_nodes_are_the_complete_subtrees(tree: MemoryTree) -> None:
    for level, row in enumerate(tree.levels):
        width = 1 << level
        assert len(row) == len(LEAVES) // width
        for index, value in enumerate(row):
            assert value == mth(index * width, (index + 1) * width)


@pytest.mark.parametrize("size", SIZES)
def test_roots_and_every_inclusion_proof_agree_with_the_rfc(tree: MemoryTree, size: int) -> None:
    # A tree of `size` is the prefix of the 70-leaf tree: the same nodes serve every size.
    root = merkle.root(tree.node, size)
    assert root == mth(0, size)
    frontier = Frontier()
    for leaf in LEAVES[:size]:
        frontier.append(leaf)
    assert frontier.root() == root
    for index in range(size):
        proof = merkle.inclusion_proof(tree.node, index, size)
        assert proof == path(index, 0, size)
        assert merkle.verify_inclusion(LEAVES[index], index, size, proof, root)


@pytest.mark.parametrize("new_size", SIZES)
def test_every_consistency_proof_agrees_with_the_rfc(tree: MemoryTree, new_size: int) -> None:
    new_root = mth(0, new_size)
    for old_size in range(1, new_size + 1):
        proof = merkle.consistency_proof(tree.node, old_size, new_size)
        assert proof == subproof(old_size, 0, new_size, True)
        assert merkle.verify_consistency(old_size, new_size, mth(0, old_size), new_root, proof)


def test_a_tree_built_leaf_by_leaf_matches_at_every_size() -> None:
    growing = MemoryTree()
    for size, leaf in enumerate(LEAVES, start=1):
        growing.append(leaf)
        assert growing.size == size
        assert merkle.root(growing.node, size) == mth(0, size)


# -------------------------------------------------------------------------- what must fail


@pytest.mark.parametrize("size", SIZES)
def test_inclusion_proofs_that_must_fail(tree: MemoryTree, size: int) -> None:
    root = mth(0, size)
    other_root = mth(0, size - 1) if size > 1 else mth(0, 2)
    for index in range(size):
        proof = path(index, 0, size)
        leaf = LEAVES[index]
        verify = merkle.verify_inclusion
        # another leaf index (every one), another size, outside the tree
        for wrong in range(size):
            if wrong != index:
                assert not verify(leaf, wrong, size, proof, root), (index, wrong, size)
        # another size, with that size's own root (a signed checkpoint pairs the two)
        assert not verify(leaf, index, size + 1, proof, mth(0, size + 1))
        if index < size - 1:
            assert not verify(leaf, index, size - 1, proof, mth(0, size - 1))
        assert not verify(leaf, size, size, proof, root)
        assert not verify(leaf, -1, size, proof, root)
        # another leaf, another root
        assert not verify(LEAVES[(index + 1) % len(LEAVES)], index, size, proof, root)
        assert not verify(leaf, index, size, proof, other_root)
        # the path truncated, extended, or one hash changed
        if proof:
            assert not verify(leaf, index, size, proof[:-1], root)
            assert not verify(leaf, index, size, proof[1:], root)
            bent = [*proof[:-1], bytes(32)]
            assert not verify(leaf, index, size, bent, root)
        assert not verify(leaf, index, size, [*proof, LEAVES[0]], root)


@pytest.mark.parametrize("new_size", SIZES)
def test_consistency_proofs_that_must_fail(new_size: int) -> None:
    new_root = mth(0, new_size)
    verify = merkle.verify_consistency
    for old_size in range(1, new_size + 1):
        proof = subproof(old_size, 0, new_size, True)
        old_root = mth(0, old_size)
        assert verify(old_size, new_size, old_root, new_root, proof)
        # the roots swapped or replaced
        if old_size < new_size:
            assert not verify(old_size, new_size, new_root, old_root, proof)
            assert not verify(new_size, old_size, new_root, old_root, proof)
        assert not verify(old_size, new_size, mth(1, old_size + 1), new_root, proof)
        assert not verify(old_size, new_size, old_root, mth(0, new_size + 1), proof)
        # other sizes for the same proof, each with its own root (as a checkpoint pairs them)
        for wrong_old in (old_size - 1, old_size + 1):
            if 0 < wrong_old < new_size:
                assert not verify(wrong_old, new_size, mth(0, wrong_old), new_root, proof)
        assert not verify(old_size, new_size + 1, old_root, mth(0, new_size + 1), proof)
        if old_size < new_size - 1:
            assert not verify(old_size, new_size - 1, old_root, mth(0, new_size - 1), proof)
        assert not verify(0, new_size, old_root, new_root, proof)
        # the path truncated, extended, emptied, or one hash changed
        if proof:
            assert not verify(old_size, new_size, old_root, new_root, proof[:-1])
            assert not verify(old_size, new_size, old_root, new_root, [])
            bent = [*proof[:-1], bytes(32)]
            assert not verify(old_size, new_size, old_root, new_root, bent)
        assert not verify(old_size, new_size, old_root, new_root, [*proof, LEAVES[0]])


def test_proofs_are_refused_outside_the_tree(tree: MemoryTree) -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_proof(tree.node, 5, 5)
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_proof(tree.node, -1, 5)
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_proof(tree.node, 0, 5)
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_proof(tree.node, 6, 5)


# ------------------------------------------------------------------------ what is a leaf


def test_every_field_of_an_event_is_in_its_leaf() -> None:
    from dataclasses import replace
    from uuid import UUID

    entry = Entry(9, UUID(int=1), 4, "domain.topic:Topic.TopicApproved", b'{"reason":"x"}')
    changed = [
        replace(entry, position=10),
        replace(entry, originator_id=UUID(int=2)),
        replace(entry, originator_version=5),
        replace(entry, topic="domain.topic:Topic.TopicReturned"),
        replace(entry, state=b'{"reason":"y"}'),
    ]
    leaves = {entry.leaf(), *(c.leaf() for c in changed)}
    assert len(leaves) == 1 + len(changed)
    # Length prefixes: moving bytes between the topic and the state changes the leaf.
    shifted = replace(entry, topic=entry.topic + '{"', state=entry.state[2:])
    assert shifted.data() != entry.data()
    assert entry.leaf() == merkle.leaf_hash(entry.data())
