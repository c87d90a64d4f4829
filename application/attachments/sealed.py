"""A personal-data file sealed with its data subject's key, chunk by chunk (never whole in
memory): AES-256-GCM, or SM4-GCM for a subject keyed under the gm suite (the key's length names
the cipher, application/sealing.py).

Layout: `YSTSEAL1` ‖ 8-byte random prefix ‖ chunks, each the GCM ciphertext of up to 64 KiB
with its 16-byte tag. A chunk's nonce is the prefix ‖ its 4-byte number; its associated data
binds the subject id, the number and whether it is the last, so chunks cannot be reordered,
dropped or cut short unnoticed. Erasing the subject's key leaves the stored bytes (and their
hash in the log) as they were, and unreadable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag

from application.sealing import TAG, cipher_for

MAGIC = b"YSTSEAL1"
PREFIX = 8
PLAIN_CHUNK = 64 * 1024
SEALED_CHUNK = PLAIN_CHUNK + TAG


class UnreadableSealedFile(Exception):
    """The key is wrong (or gone), or the sealed bytes were changed."""


def _associated(subject_id: str, number: int, last: bool) -> bytes:
    return subject_id.encode() + b"\x00" + number.to_bytes(4, "big") + (b"L" if last else b"C")


def seal_stream(key: bytes, subject_id: str, source: BinaryIO, out: BinaryIO) -> None:
    cipher = cipher_for(key)
    prefix = os.urandom(PREFIX)
    out.write(MAGIC + prefix)
    number = 0
    chunk = source.read(PLAIN_CHUNK)
    while True:
        following = source.read(PLAIN_CHUNK)
        last = not following
        nonce = prefix + number.to_bytes(4, "big")
        out.write(cipher.encrypt(nonce, chunk, _associated(subject_id, number, last)))
        if last:
            return
        chunk, number = following, number + 1


def open_stream(key: bytes, subject_id: str, source: BinaryIO) -> Iterator[bytes]:
    """The plain bytes, chunk by chunk; UnreadableSealedFile at the first chunk that does not
    open (nothing after it is given out)."""
    header = source.read(len(MAGIC) + PREFIX)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + PREFIX:
        raise UnreadableSealedFile("not a sealed file")
    cipher, prefix = cipher_for(key), header[len(MAGIC) :]
    number = 0
    chunk = source.read(SEALED_CHUNK)
    while True:
        following = source.read(SEALED_CHUNK)
        last = not following
        nonce = prefix + number.to_bytes(4, "big")
        try:
            yield cipher.decrypt(nonce, chunk, _associated(subject_id, number, last))
        except InvalidTag:
            raise UnreadableSealedFile("the sealed file does not open") from None
        if last:
            return
        chunk, number = following, number + 1
