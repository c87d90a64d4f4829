"""cryptography's own binding for a cipher context, used for SM4-GCM alone: `Cipher(SM4(key),
GCM(nonce)).encryptor()` spends about 9–13 µs per call in Python-side checks before OpenSSL is
reached, the binding underneath about 3 µs (measured with timeit on cryptography 50.0: a
field sealed and opened with SM4-GCM cost 3.6× AES-GCM through the public API, whose AESGCM
class keeps its context). Guarded by tests/unit/test_library_hooks.py (the same bytes as the
public API, a changed byte refused); should the binding move, the public API is used."""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import (
    AEADDecryptionContext,
    AEADEncryptionContext,
    Cipher,
    CipherAlgorithm,
    modes,
)

try:
    from cryptography.hazmat.bindings._rust import openssl as _rust

    _encryption = _rust.ciphers.create_encryption_ctx
    _decryption = _rust.ciphers.create_decryption_ctx
    BINDING = True
except (ImportError, AttributeError):  # pragma: no cover - a cryptography that moved it
    BINDING = False


def gcm_encryptor(algorithm: CipherAlgorithm, nonce: bytes) -> AEADEncryptionContext:
    """An encryption context in GCM: authenticate_additional_data, update, finalize, tag."""
    mode = modes.GCM(nonce)
    if BINDING:
        return _encryption(algorithm, mode)
    return Cipher(algorithm, mode).encryptor()


def gcm_decryptor(algorithm: CipherAlgorithm, nonce: bytes, tag: bytes) -> AEADDecryptionContext:
    """A decryption context in GCM checking this 16-byte tag at finalize (InvalidTag)."""
    mode = modes.GCM(nonce, tag, min_tag_length=len(tag))
    if BINDING:
        return _decryption(algorithm, mode)
    return Cipher(algorithm, mode).decryptor()
