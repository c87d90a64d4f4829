"""SM4-GCM through libgcrypt (application/_sm4gcm.c) against OpenSSL's through `cryptography`:
the same bytes for the same key, nonce, data and associated data, each opening the other's;
every change refused; bad lengths refused with a message; large inputs (the GIL let go) and
many threads at once."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given, settings
from hypothesis import strategies as st

from application import sealing
from application.sealing import SM4GCM, open_fields, seal_fields
from tests.support.native import NEEDS_NATIVE_SM4

pytestmark = NEEDS_NATIVE_SM4

keys = st.binary(min_size=16, max_size=16)
nonces = st.binary(min_size=12, max_size=12)


def test_the_native_cipher_is_the_one_in_use() -> None:
    assert sealing.NATIVE, "application/_sm4gcm.c was not built (gcc, libgcrypt20-dev)"
    assert sealing.SM4_GCM_BY.startswith("libgcrypt 1.")
    assert SM4GCM(bytes(16))._native


@settings(max_examples=300)
@given(keys, nonces, st.binary(max_size=600), st.binary(max_size=80))
def test_both_make_the_same_bytes_and_open_each_others(
    key: bytes, nonce: bytes, plain: bytes, associated: bytes
) -> None:
    native, openssl = SM4GCM(key, native=True), SM4GCM(key, native=False)
    sealed = native.encrypt(nonce, plain, associated)
    assert sealed == openssl.encrypt(nonce, plain, associated)
    assert len(sealed) == len(plain) + 16
    assert openssl.decrypt(nonce, sealed, associated) == plain
    assert native.decrypt(nonce, sealed, associated) == plain


@settings(max_examples=200)
@given(keys, nonces, st.binary(min_size=1, max_size=300), st.data())
def test_any_flipped_bit_is_refused(key: bytes, nonce: bytes, plain: bytes, data: st.DataObject):
    cipher = SM4GCM(key, native=True)
    sealed = bytearray(cipher.encrypt(nonce, plain, b"subject"))
    where = data.draw(st.integers(0, len(sealed) - 1))
    sealed[where] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(InvalidTag):
        cipher.decrypt(nonce, bytes(sealed), b"subject")


def test_another_key_nonce_or_subject_is_refused() -> None:
    key, nonce = SM4GCM.generate_key(), secrets.token_bytes(12)
    sealed = SM4GCM(key, native=True).encrypt(nonce, "王五 13900000000".encode(), b"subject")
    for k, n, ad, data in [
        (SM4GCM.generate_key(), nonce, b"subject", sealed),
        (key, secrets.token_bytes(12), b"subject", sealed),
        (key, nonce, b"subjecT", sealed),
        (key, nonce, b"", sealed),
        (key, nonce, b"subject", sealed[:-1]),
        (key, nonce, b"subject", sealed[:16]),
        (key, nonce, b"subject", sealed[:15]),
        (key, nonce, b"subject", b""),
    ]:
        with pytest.raises(InvalidTag):
            SM4GCM(k, native=True).decrypt(n, data, ad)


def test_bad_lengths_are_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="an SM4 key is 16 bytes"):
        SM4GCM(bytes(15), native=True)
    with pytest.raises(ValueError, match="nonce is 12 bytes"):
        SM4GCM(bytes(16), native=True).encrypt(bytes(16), b"x", b"")
    from application import _sm4gcm

    with pytest.raises(ValueError, match="an SM4 key is 16 bytes"):
        _sm4gcm.seal(bytes(32), bytes(12), b"x", b"")
    with pytest.raises(ValueError, match="nonce is 12 bytes"):
        _sm4gcm.open(bytes(16), bytes(11), bytes(32), b"")
    with pytest.raises(TypeError):
        _sm4gcm.seal("a key", bytes(12), b"x", b"")  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [65_535, 65_536, 1 << 20])
def test_large_inputs_seal_alike(size: int) -> None:
    # From 64 KiB the native call lets the GIL go while it works (a sealed file's chunks).
    key, nonce, plain = SM4GCM.generate_key(), secrets.token_bytes(12), secrets.token_bytes(size)
    sealed = SM4GCM(key, native=True).encrypt(nonce, plain, b"file")
    assert sealed == SM4GCM(key, native=False).encrypt(nonce, plain, b"file")
    assert SM4GCM(key, native=True).decrypt(nonce, sealed, b"file") == plain


def test_threads_sealing_at_once_each_get_their_own() -> None:
    work = [
        (SM4GCM.generate_key(), secrets.token_bytes(12), secrets.token_bytes(n * 997 % 200_000))
        for n in range(64)
    ]

    def round_trip(item: tuple[bytes, bytes, bytes]) -> bool:
        key, nonce, plain = item
        sealed = SM4GCM(key, native=True).encrypt(nonce, plain, b"t")
        expected = SM4GCM(key, native=False).encrypt(nonce, plain, b"t")
        return sealed == expected and SM4GCM(key, native=True).decrypt(nonce, sealed, b"t") == plain

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trip, work * 4))


def test_a_field_sealed_by_either_opens_with_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    key = SM4GCM.generate_key()
    native_sealed = seal_fields(key, "李四".encode(), b"s1")
    monkeypatch.setattr(sealing, "NATIVE", False)
    openssl_sealed = seal_fields(key, "李四".encode(), b"s1")
    assert open_fields(key, native_sealed, b"s1") == "李四".encode()
    monkeypatch.undo()
    assert open_fields(key, openssl_sealed, b"s1") == "李四".encode()
    assert native_sealed.startswith("sm4-gcm:")
    assert openssl_sealed.startswith("sm4-gcm:")
