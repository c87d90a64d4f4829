"""Memo: what a hot path has worked out, kept in a dict that forgets everything once it holds
`limit` entries. Everything kept here can be worked out again, so forgetting costs one
recomputation and never an answer; a bounded size keeps a flood of distinct keys (forged
cookies, many tokens) from growing the process."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """A dict (its `get` and `in` are the dict's own) with `keep`, which empties it first when
    it is full."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
