"""Values sealed and keys wrapped by an earlier version of application/sealing.py (the fixture
tests/unit/data/sealed-before-dbe5d35.json, written by that version) still open: a faster
SM4-GCM path must seal and open exactly the same bytes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag

from application.sealing import SM4GCM, KeyWrap, open_fields

FIXTURE = Path(__file__).parent / "data" / "sealed-before-dbe5d35.json"


@pytest.fixture(scope="module")
def before() -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return fixture


def _key(before: dict[str, Any], name: str) -> bytes:
    return base64.b64decode(before[name])


def test_fields_sealed_before_open_with_either_cipher(before: dict[str, Any]) -> None:
    subject = before["subject"].encode()
    for sealed in before["sealed_sm4"]:
        assert sealed.startswith("sm4-gcm:")
        assert json.loads(open_fields(_key(before, "sm4_key"), sealed, subject)) == before["fields"]
    assert open_fields(_key(before, "sm4_key"), before["sealed_sm4_empty"], subject) == b""
    opened = open_fields(_key(before, "aes_key"), before["sealed_aes"], subject)
    assert json.loads(opened) == before["fields"]


def test_fields_sealed_before_refuse_another_subject_or_a_changed_byte(
    before: dict[str, Any],
) -> None:
    key, sealed = _key(before, "sm4_key"), before["sealed_sm4"][0]
    with pytest.raises(InvalidTag):
        open_fields(key, sealed, b"subject-2")
    raw = bytearray(base64.b64decode(sealed.removeprefix("sm4-gcm:")))
    for at in (0, 12, len(raw) - 1):  # the nonce, the ciphertext, the tag
        changed = bytearray(raw)
        changed[at] ^= 1
        with pytest.raises(InvalidTag):
            open_fields(key, "sm4-gcm:" + base64.b64encode(bytes(changed)).decode(), b"subject-1")


def test_keys_wrapped_before_unwrap_under_both_suites(before: dict[str, Any]) -> None:
    master = _key(before, "master_key")
    for suite in ("gm", "international"):
        wrap = KeyWrap(master, suite)
        assert wrap.unwrap(_key(before, "wrapped_sm4_key_gm")) == _key(before, "sm4_key")
        assert wrap.unwrap(_key(before, "wrapped_aes_key_gm")) == _key(before, "aes_key")
        assert wrap.unwrap(_key(before, "wrapped_aes_key_international")) == _key(before, "aes_key")


def test_sm4_gcm_seals_now_exactly_as_before(before: dict[str, Any]) -> None:
    """The same key, nonce and associated data give the same bytes as the earlier version's
    (the cipher is given the nonce of a value in the fixture)."""
    key, subject = _key(before, "sm4_key"), before["subject"].encode()
    for sealed in before["sealed_sm4"]:
        raw = base64.b64decode(sealed.removeprefix("sm4-gcm:"))
        plain = open_fields(key, sealed, subject)
        assert SM4GCM(key).encrypt(raw[:12], plain, subject) == raw[12:]
