"""The second factor's pieces: a TOTP secret sealed with the personal-data key and bound to
its account; a code matched to its time step (or a neighbour's, for drift) and nothing else;
recovery codes random, readable, and hashed the same however they are typed."""

from __future__ import annotations

import base64
import os

import pyotp
import pytest
from cryptography.exceptions import InvalidTag

from application.sealing import SM4GCM
from application.second_factor import (
    RECOVERY_ALPHABET,
    SecretBox,
    matching_step,
    new_enrolment,
    new_recovery_codes,
    recovery_hash,
)

NOW = 1_780_000_000.0  # a moment in 2026


def test_a_secret_is_sealed_for_its_account_alone() -> None:
    box = SecretBox(os.urandom(32))
    secret = pyotp.random_base32()
    sealed = box.seal("account-1", secret)
    assert sealed.startswith("v1:")
    assert secret not in sealed
    assert box.open("account-1", sealed) == secret
    with pytest.raises(InvalidTag):
        box.open("account-2", sealed)
    assert box.seal("account-1", secret) != sealed  # a fresh nonce each time


def test_under_gm_a_secret_is_sealed_with_sm4_and_either_suite_opens_both() -> None:
    master = os.urandom(32)
    gm, international = SecretBox(master, "gm"), SecretBox(master, "international")
    secret = pyotp.random_base32()
    sealed = gm.seal("account-1", secret)
    assert sealed.startswith("sm4:")
    assert secret not in sealed
    before = international.seal("account-1", secret)
    for box in (gm, international):
        assert box.open("account-1", sealed) == secret
        assert box.open("account-1", before) == secret
        with pytest.raises(InvalidTag):
            box.open("account-2", sealed)
    # The SM4 key is derived from the master key, not the master key itself: under another
    # master key, or read as AES-GCM, the value does not open.
    with pytest.raises(InvalidTag):
        SecretBox(os.urandom(32), "gm").open("account-1", sealed)
    with pytest.raises(InvalidTag):
        international.open("account-1", "v1:" + sealed.removeprefix("sm4:"))
    raw = base64.b64decode(sealed.removeprefix("sm4:"))
    with pytest.raises(InvalidTag):
        SM4GCM(master[:16]).decrypt(raw[:12], raw[12:], b"totp:account-1")


def test_resealing_moves_a_secret_to_the_suite_in_use_once() -> None:
    master = os.urandom(32)
    gm = SecretBox(master, "gm")
    before = SecretBox(master, "international").seal("account-1", "JBSWY3DPEHPK3PXP")
    moved = gm.resealed("account-1", before)
    assert moved is not None
    assert moved.startswith("sm4:")
    assert gm.open("account-1", moved) == "JBSWY3DPEHPK3PXP"
    assert gm.resealed("account-1", moved) is None
    assert gm.resealed("account-1", "plain:ABC") is None  # only a key can seal it
    with pytest.raises(InvalidTag):
        gm.resealed("account-2", before)  # bound to its account: never moved to another


def test_without_a_key_a_secret_is_kept_marked_as_plain() -> None:
    box = SecretBox(None)
    assert box.seal("account-1", "ABC") == "plain:ABC"
    assert box.open("account-1", "plain:ABC") == "ABC"


def test_a_code_matches_its_step_or_a_neighbour() -> None:
    secret = new_enrolment("zhang.wei").secret
    totp, step = pyotp.TOTP(secret), int(NOW // 30)
    for offset in (-1, 0, 1):
        code = totp.at((step + offset) * 30)
        assert matching_step(secret, code, NOW) == step + offset
        assert matching_step(secret, f" {code[:3]} {code[3:]} ", NOW) == step + offset
    assert matching_step(secret, totp.at((step + 2) * 30), NOW) is None
    assert matching_step(secret, totp.at((step - 2) * 30), NOW) is None
    for wrong in ("", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12345\u0000"):
        assert matching_step(secret, wrong, NOW) is None
    # Typed with a Chinese input method: full-width digits are the same code.
    full_width = totp.at(step * 30).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert matching_step(secret, full_width, NOW) == step


def test_the_enrolment_names_the_account_and_the_issuer() -> None:
    enrolment = new_enrolment("zhang.wei")
    assert enrolment.uri.startswith("otpauth://totp/")
    assert "zhang.wei" in enrolment.uri
    assert "issuer=" in enrolment.uri
    assert len(enrolment.secret) == 32


def test_recovery_codes_are_ten_random_readable_codes() -> None:
    codes = new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    assert all(len(c) == 10 and set(c) <= set(RECOVERY_ALPHABET) for c in codes)
    assert new_recovery_codes() != codes
    code = codes[0]
    assert recovery_hash(code) == recovery_hash(f"{code[:5].upper()} {code[5:]}")
    assert recovery_hash(code) != recovery_hash(codes[1])
