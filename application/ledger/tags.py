"""Authenticity tags: each stored event carries a MAC over what it is (originator, version,
topic, stored state), computed by the process that writes it with a key kept outside the
database. Someone with write access to the database alone cannot make an event that passes.

The stored tag names its algorithm (`hmac-sha256:<hex>`) so that a later suite (HMAC-SM3)
can be told apart from this one in the same log."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import struct
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

ALGORITHM = "hmac-sha256"
TAGS_TABLE = "yishiting_event_tags"
KEY_BYTES = 32


class EventKey:
    """The key that tags events. Kept in a file (base64, mode 600), never in the database."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < KEY_BYTES:
            raise ValueError(
                f"事件认证密钥至少 {KEY_BYTES} 字节 (the event key must be at least "
                f"{KEY_BYTES} bytes)"
            )
        # Keyed once; each tag continues a copy (no key schedule per event).
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)

    @classmethod
    def generate(cls) -> EventKey:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_file(cls, path: Path, *, create: bool) -> EventKey:
        """The key from its file; made there first (by exactly one of several processes
        starting together) only when allowed."""
        if not path.exists():
            if not create:
                raise FileNotFoundError(
                    f"事件认证密钥不存在,请设置 YISHITING_EVENT_KEY_FILE "
                    f"(event authentication key missing: {path})"
                )
            _create(path)
        text = path.read_text().strip()
        try:
            secret = base64.b64decode(text, validate=True)
        except ValueError:
            raise ValueError(
                f"事件认证密钥文件须为 base64 (the event key file must be base64): {path}"
            ) from None
        return cls(secret)

    def seal(self, purpose: str, *parts: str) -> str:
        """A tag over other records kept beside the log (sessions, API tokens): `purpose`
        keeps a seal of one kind from standing for another."""
        mac = self._keyed.copy()
        mac.update(b"yishiting-seal-v1\x00" + purpose.encode())
        for part in parts:
            data = part.encode()
            mac.update(struct.pack(">I", len(data)) + data)
        return mac.hexdigest()

    def tag(self, originator_id: Any, version: int, topic: str, state: bytes) -> str:
        mac = self._keyed.copy()
        mac.update(message(originator_id, version, topic, state))
        return f"{ALGORITHM}:{mac.hexdigest()}"

    def refusal(
        self, tag: str | None, originator_id: Any, version: int, topic: str, state: bytes
    ) -> str | None:
        """None when the tag is this event's; else why not, 中文 then English."""
        if not tag:
            return "事件缺少认证标签 (the event has no authenticity tag)"
        algorithm = tag.partition(":")[0]
        if algorithm != ALGORITHM:
            return f"事件认证标签的算法未知:{algorithm} (unknown tag algorithm {algorithm!r})"
        if not hmac.compare_digest(tag, self.tag(originator_id, version, topic, state)):
            return "事件认证标签不符(事件被伪造或改动) (the event's authenticity tag is wrong)"
        return None


def message(originator_id: Any, version: int, topic: str, state: bytes) -> bytes:
    """Unambiguous bytes: fixed-width numbers, length-prefixed topic and state. The originator
    as its 16 bytes, however the store spells it (SQLite keeps hex, PostgreSQL a uuid)."""
    topic_bytes = topic.encode()
    uuid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
    return b"".join(
        (
            b"yishiting-tag-v1",
            uuid.bytes,
            struct.pack(">Q", int(version)),
            struct.pack(">I", len(topic_bytes)),
            topic_bytes,
            struct.pack(">Q", len(state)),
            bytes(state),
        )
    )


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 600
    draft = Path(name)
    with os.fdopen(fd, "w") as out:
        out.write(base64.b64encode(os.urandom(KEY_BYTES)).decode() + "\n")
    try:
        # A link never replaces: of processes racing here, the first key stands.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()
