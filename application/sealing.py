"""The ciphers personal data is sealed with, and the subject keys wrapped with: AES-256-GCM
(the international suite, as always) and SM4-GCM (GB/T 32907 in GCM, the gm suite).

Every stored value says which one made it, so both stay readable whichever suite runs now:
- a sealed field is `sm4-gcm:` + base64(nonce ‖ ciphertext ‖ tag) under SM4, and plain
  base64(nonce ‖ ciphertext ‖ tag) under AES-256-GCM, exactly as it was before suites existed;
- a wrapped key is `SM4-GCM\\0` ‖ nonce ‖ ciphertext ‖ tag under SM4, and the 60 bytes
  nonce ‖ ciphertext ‖ tag of a 32-byte key under AES-256-GCM, as before;
- a subject key's length names its cipher: 16 bytes SM4, 32 bytes AES-256 (a subject keyed
  before a switch to gm keeps its AES key, as the data already sealed with it needs it).

GCM itself is a library's, never hand-rolled: AES-GCM is OpenSSL's through `cryptography`;
SM4-GCM is libgcrypt's through application/_sm4gcm.c when that was built (2.0 µs against 4.8
to seal 168 bytes, a fifth of the time for 1 MiB: its header says why), else OpenSSL's through
`cryptography` (Cipher(SM4, GCM)).
Both make the same bytes, so a field sealed by one opens with the other."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from application.fences.cryptography_internals import gcm_decryptor, gcm_encryptor, sm4

try:
    from application import _sm4gcm as libgcrypt_sm4gcm

    NATIVE = True
    SM4_GCM_BY = f"libgcrypt {libgcrypt_sm4gcm.version()}"
except ImportError:  # not built: no gcc or no libgcrypt headers at install (setup.py)
    NATIVE = False
    SM4_GCM_BY = "cryptography (OpenSSL)"

NONCE = 12
TAG = 16
SM4_KEY = 16
AES_KEY = 32
SM4_SEALED = "sm4-gcm:"  # the prefix of a field sealed with SM4-GCM (not in base64's alphabet)
SM4_WRAPPED = b"SM4-GCM\x00"  # the prefix of a key wrapped with SM4-GCM
AES_WRAPPED_LENGTH = NONCE + AES_KEY + TAG  # a 32-byte key wrapped with AES-256-GCM


class SM4GCM:
    """SM4 in GCM with AESGCM's interface: `encrypt` returns ciphertext ‖ 16-byte tag, and
    `decrypt` raises cryptography's InvalidTag when anything was changed. Through libgcrypt
    when application/_sm4gcm.c was built (`NATIVE`), else through `cryptography`; `native`
    picks one (the tests compare them: the same bytes either way)."""

    def __init__(self, key: bytes, native: bool | None = None) -> None:
        if len(key) != SM4_KEY:
            raise ValueError("an SM4 key is 16 bytes")
        if native and not NATIVE:
            raise ValueError("SM4-GCM through libgcrypt is not built here")
        self._key = key
        self._native = NATIVE if native is None else native
        self._algorithm = None if self._native else sm4(key)

    @staticmethod
    def generate_key() -> bytes:
        return os.urandom(SM4_KEY)

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        if len(nonce) != NONCE:
            raise ValueError("an SM4-GCM nonce is 12 bytes here")
        if self._algorithm is None:
            return libgcrypt_sm4gcm.seal(self._key, nonce, data, associated_data)
        encryptor = gcm_encryptor(self._algorithm, nonce)
        encryptor.authenticate_additional_data(associated_data)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        if len(data) < TAG or len(nonce) != NONCE:
            raise InvalidTag
        if self._algorithm is None:
            plain = libgcrypt_sm4gcm.open(self._key, nonce, data, associated_data)
            if plain is None:
                raise InvalidTag
            return plain
        decryptor = gcm_decryptor(self._algorithm, nonce, data[-TAG:])
        decryptor.authenticate_additional_data(associated_data)
        return decryptor.update(data[:-TAG]) + decryptor.finalize()


def cipher_for(key: bytes) -> AESGCM | SM4GCM:
    """The cipher a subject key is for, by its length."""
    return SM4GCM(key) if len(key) == SM4_KEY else AESGCM(key)


def new_subject_key(suite: str) -> bytes:
    """A new subject's key: SM4 under the gm suite, AES-256 under the international one."""
    return SM4GCM.generate_key() if suite == "gm" else AESGCM.generate_key(bit_length=256)


def sm4_master(master_key: bytes, purpose: bytes = b"subject-key") -> bytes:
    """An SM4 key for one purpose, derived from the 32-byte master key (HKDF with SM3), so one
    YISHITING_PERSONAL_DATA_KEY serves both suites: wrapping subject keys under gm, and
    sealing second factors' secrets (second_factor.py)."""
    return HKDF(
        algorithm=hashes.SM3(), length=SM4_KEY, salt=None, info=b"yishiting " + purpose + b" sm4"
    ).derive(master_key)


def seal_fields(key: bytes, plain: bytes, associated: bytes) -> str:
    nonce = os.urandom(NONCE)
    sealed = base64.b64encode(nonce + cipher_for(key).encrypt(nonce, plain, associated)).decode()
    return SM4_SEALED + sealed if len(key) == SM4_KEY else sealed


def open_fields(key: bytes, sealed: str, associated: bytes) -> bytes:
    """The plain bytes; InvalidTag when the value was changed, or sealed with another key or
    cipher than this one."""
    sm4 = sealed.startswith(SM4_SEALED)
    if sm4 != (len(key) == SM4_KEY):
        raise InvalidTag
    raw = base64.b64decode(sealed[len(SM4_SEALED) :] if sm4 else sealed)
    return cipher_for(key).decrypt(raw[:NONCE], raw[NONCE:], associated)


class KeyWrap:
    """Wraps subject keys with the master key: with SM4-GCM under gm, AES-256-GCM otherwise;
    unwraps either, whichever suite runs now."""

    AD = b"subject-key"

    def __init__(self, master_key: bytes, suite: str) -> None:
        self.suite = suite
        self._aes = AESGCM(master_key)
        self._sm4 = SM4GCM(sm4_master(master_key))

    def wrap(self, key: bytes) -> bytes:
        nonce = os.urandom(NONCE)
        if self.suite == "gm":
            return SM4_WRAPPED + nonce + self._sm4.encrypt(nonce, key, self.AD)
        return nonce + self._aes.encrypt(nonce, key, self.AD)

    def unwrap(self, wrapped: bytes) -> bytes:
        if is_sm4_wrapped(wrapped):
            body = wrapped[len(SM4_WRAPPED) :]
            return self._sm4.decrypt(body[:NONCE], body[NONCE:], self.AD)
        return self._aes.decrypt(wrapped[:NONCE], wrapped[NONCE:], self.AD)

    def rewrapped_with_sm4(self, wrapped: bytes) -> bytes | None:
        """The same key wrapped with SM4-GCM; None when it already is."""
        if is_sm4_wrapped(wrapped):
            return None
        key = self.unwrap(wrapped)
        nonce = os.urandom(NONCE)
        return SM4_WRAPPED + nonce + self._sm4.encrypt(nonce, key, self.AD)


def is_sm4_wrapped(wrapped: bytes) -> bool:
    # A wrapped AES key is always 60 bytes; an SM4-wrapped one 52 (an SM4 key) or 68 (an
    # AES key moved by `seal rewrap`), so a random nonce that happens to begin with the
    # prefix is still told apart.
    return len(wrapped) != AES_WRAPPED_LENGTH and wrapped.startswith(SM4_WRAPPED)
