"""cryptography's own binding for a cipher context, used for SM4-GCM alone: `Cipher(SM4(key),
GCM(nonce)).encryptor()` spends about 9–13 µs per call in Python-side checks before OpenSSL is
reached, the binding underneath about 3 µs (measured with timeit on cryptography 50.0: a
field sealed and opened with SM4-GCM cost 3.6× AES-GCM through the public API, whose AESGCM
class keeps its context). The SM4 key and the GCM mode handed to it are made without their
constructors' checks, which sealing.py has already made (a 16-byte key, a 12-byte nonce, a
16-byte tag): about 0.4 µs each of a seal's or an open's 5–6 µs. Guarded by
tests/unit/test_library_hooks.py (the same bytes as the public API, a changed byte refused,
the objects made here equal to the public constructors'); should the binding or the
attributes move, the public API is used."""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import (
    AEADDecryptionContext,
    AEADEncryptionContext,
    Cipher,
    CipherAlgorithm,
    algorithms,
    modes,
)

try:
    from cryptography.hazmat.bindings._rust import openssl as _rust

    _encryption = _rust.ciphers.create_encryption_ctx
    _decryption = _rust.ciphers.create_decryption_ctx
    BINDING = True
except (ImportError, AttributeError):  # pragma: no cover - a cryptography that moved it
    BINDING = False

TAG = 16
_new = object.__new__


def _unchecked_sm4(key: bytes) -> algorithms.SM4:
    algorithm: algorithms.SM4 = _new(algorithms.SM4)
    algorithm.key = key
    return algorithm


def _unchecked_gcm(nonce: bytes, tag: bytes | None = None) -> modes.GCM:
    mode: modes.GCM = _new(modes.GCM)
    mode._initialization_vector = nonce
    mode._tag = tag
    mode._min_tag_length = TAG
    return mode


def _checked_gcm(nonce: bytes, tag: bytes | None = None) -> modes.GCM:
    return modes.GCM(nonce, tag, min_tag_length=TAG)


def _alike(made: object, public: object, names: tuple[str, ...]) -> bool:
    return type(made) is type(public) and all(
        getattr(made, name, None) == getattr(public, name) for name in names
    )


# The objects made without checks must read as the constructors' do, or the constructors serve.
UNCHECKED = _alike(
    _unchecked_sm4(b"k" * 16), algorithms.SM4(b"k" * 16), ("key", "key_size", "name")
) and _alike(
    _unchecked_gcm(b"n" * 12, b"t" * TAG),
    modes.GCM(b"n" * 12, b"t" * TAG, min_tag_length=TAG),
    ("initialization_vector", "tag", "_min_tag_length", "name"),
)
sm4 = _unchecked_sm4 if UNCHECKED else algorithms.SM4  # a 16-byte key, checked by the caller
_gcm = _unchecked_gcm if UNCHECKED else _checked_gcm


def gcm_encryptor(algorithm: CipherAlgorithm, nonce: bytes) -> AEADEncryptionContext:
    """An encryption context in GCM (a 12-byte nonce): authenticate_additional_data, update,
    finalize, tag."""
    mode = _gcm(nonce)
    if BINDING:
        return _encryption(algorithm, mode)
    return Cipher(algorithm, mode).encryptor()


def gcm_decryptor(algorithm: CipherAlgorithm, nonce: bytes, tag: bytes) -> AEADDecryptionContext:
    """A decryption context in GCM (a 12-byte nonce) checking this 16-byte tag at finalize
    (InvalidTag)."""
    mode = _gcm(nonce, tag)
    if BINDING:
        return _decryption(algorithm, mode)
    return Cipher(algorithm, mode).decryptor()
