"""What the ledger hashes: each stored event exactly as stored (its sealed form, so erasing a
subject's key changes nothing the ledger covers), with its place in the log."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.ledger.merkle import SHA256, Hash, TreeHash


@dataclass(frozen=True)
class Entry:
    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes

    @classmethod
    def of(cls, notification: Any) -> Entry:
        """From an eventsourcing Notification (or any record with the same fields)."""
        return cls(
            int(notification.id),
            UUID(str(notification.originator_id)),
            int(notification.originator_version),
            str(notification.topic),
            bytes(notification.state),
        )

    def data(self) -> bytes:
        """Unambiguous bytes: fixed-width numbers, length-prefixed text and state."""
        topic = self.topic.encode()
        return b"".join(
            (
                b"yishiting-event-v1",
                struct.pack(">Q", self.position),
                self.originator_id.bytes,
                struct.pack(">Q", self.originator_version),
                struct.pack(">I", len(topic)),
                topic,
                struct.pack(">Q", len(self.state)),
                self.state,
            )
        )

    def leaf(self, tree: TreeHash = SHA256) -> Hash:
        return tree.leaf(self.data())
