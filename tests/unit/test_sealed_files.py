"""A personal-data file sealed as a stream: opens with its subject's key under either suite
(SM4-GCM for a 16-byte key, AES-256-GCM for a 32-byte one), and refuses a flipped byte, a
dropped or reordered chunk, a file cut short and another subject's id."""

from __future__ import annotations

import io
import os

import pytest

from application.attachments.sealed import (
    MAGIC,
    PREFIX,
    SEALED_CHUNK,
    UnreadableSealedFile,
    open_stream,
    seal_stream,
)
from application.sealing import new_subject_key

PLAIN = os.urandom(200_000)  # four chunks, the last one short
BODY = len(MAGIC) + PREFIX


def sealed(key: bytes, subject: str = "s1", plain: bytes = PLAIN) -> bytes:
    out = io.BytesIO()
    seal_stream(key, subject, io.BytesIO(plain), out)
    return out.getvalue()


def opened(key: bytes, data: bytes, subject: str = "s1") -> bytes:
    return b"".join(open_stream(key, subject, io.BytesIO(data)))


@pytest.mark.parametrize("suite", ["gm", "international"])
def test_a_sealed_file_opens_with_its_subjects_key(suite: str) -> None:
    key = new_subject_key(suite)
    assert len(key) == (16 if suite == "gm" else 32)
    data = sealed(key)
    assert data.startswith(MAGIC)
    assert PLAIN[:1000] not in data
    assert opened(key, data) == PLAIN
    assert opened(key, sealed(key, plain=b"x")) == b"x"


@pytest.mark.parametrize("suite", ["gm", "international"])
def test_a_changed_sealed_file_does_not_open(suite: str) -> None:
    key = new_subject_key(suite)
    data = sealed(key)
    flipped = bytearray(data)
    flipped[BODY + 10] ^= 1
    chunks = [data[i : i + SEALED_CHUNK] for i in range(BODY, len(data), SEALED_CHUNK)]
    head = data[:BODY]
    cases = {
        "flipped": bytes(flipped),
        "cut short": head + b"".join(chunks[:-1]),
        "reordered": head + chunks[1] + chunks[0] + b"".join(chunks[2:]),
    }
    for changed in cases.values():
        with pytest.raises(UnreadableSealedFile):
            opened(key, changed)
    with pytest.raises(UnreadableSealedFile):
        opened(key, data, subject="another")
    with pytest.raises(UnreadableSealedFile):
        opened(new_subject_key(suite), data)
