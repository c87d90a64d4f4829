"""A ledger epoch: the span of leaves hashed with one suite. A deployment starts in epoch 0;
switching suites (international → gm) starts the next epoch at the next leaf, its own tree
beginning empty, and every checkpoint of the new epoch names the last root of the one before.
Trees, checkpoints and proofs of an earlier epoch stay as they were, checked with its key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.ledger.suites import INTERNATIONAL, Suite


@dataclass(frozen=True)
class Epoch:
    number: int
    suite: Suite
    first_leaf: int  # the ledger-wide index of its first leaf
    previous_root: str = ""  # hex: the last root of the epoch before (epoch > 0)


FIRST = Epoch(0, INTERNATIONAL, 0)  # a ledger begun before suites: one epoch, international


def epoch_of_size(epochs: Sequence[Epoch], tree_size: int) -> Epoch:
    """The epoch a checkpoint of `tree_size` leaves belongs to: the last begun before its
    last leaf (a checkpoint at a boundary closes the old epoch; a new one needs a leaf)."""
    found = epochs[0] if epochs else FIRST
    for epoch in epochs:
        if epoch.first_leaf < tree_size:
            found = epoch
    return found


def epoch_of_leaf(epochs: Sequence[Epoch], leaf_index: int) -> Epoch:
    found = epochs[0] if epochs else FIRST
    for epoch in epochs:
        if epoch.first_leaf <= leaf_index:
            found = epoch
    return found
