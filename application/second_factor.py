"""The second factor (等保 身份鉴别: two factors, one of them cryptographic): a TOTP secret
(RFC 6238, HMAC-SHA1, 6 digits, 30 s) per account, sealed with the deployment's personal-data
key (AES-256-GCM, or SM4-GCM under the gm suite; bound to the account) before it is stored;
each code is good once; ten recovery codes, shown once, kept only as SHA-256 hashes (they are
random, 50 bits each)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.credentials import RECOVERY_CODES
from application.sealing import SM4GCM, sm4_master

ISSUER = "议事厅 yishiting"
STEP = 30
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 10
MAX_CODE = 64  # longer is no code: refused before any work


@dataclass(frozen=True)
class Enrolment:
    """What the holder's authenticator app needs: the secret and its otpauth:// address (the
    page shows it as a QR code)."""

    secret: str
    uri: str


class SecretBox:
    """Seals TOTP secrets with the personal-data key, bound to their account: AES-256-GCM
    (`v1:`) under the international suite, SM4-GCM under a key derived from it with HKDF-SM3
    (`sm4:`) under gm; either opens under both, so a switch of suites loses no enrolment and
    `reseal` moves the old ones. Without a key (development only — the production check
    requires one) secrets are kept as they are, marked so."""

    def __init__(self, master_key: bytes | None, suite: str = "international") -> None:
        self.suite = suite
        self._aes = AESGCM(master_key) if master_key else None
        self._sm4 = SM4GCM(sm4_master(master_key, b"totp-secret")) if master_key else None

    def seal(self, account_id: str, secret: str) -> str:
        if self._aes is None or self._sm4 is None:
            return f"plain:{secret}"
        nonce = os.urandom(12)
        kind, cipher = ("sm4", self._sm4) if self.suite == "gm" else ("v1", self._aes)
        sealed = cipher.encrypt(nonce, secret.encode(), _bound(account_id))
        return f"{kind}:" + base64.b64encode(nonce + sealed).decode()

    def open(self, account_id: str, sealed: str) -> str:
        """The secret; InvalidTag when the value was changed or belongs to another account."""
        kind, _, body = sealed.partition(":")
        if kind == "plain":
            return body
        cipher = self._sm4 if kind == "sm4" else self._aes
        if cipher is None:
            raise InvalidTag
        raw = base64.b64decode(body)
        return cipher.decrypt(raw[:12], raw[12:], _bound(account_id)).decode()

    def resealed(self, account_id: str, sealed: str) -> str | None:
        """The secret sealed as this suite seals it now; None when it already is (or is kept
        plain, which only a key can change)."""
        kind = sealed.partition(":")[0]
        if kind == "plain" or kind == ("sm4" if self.suite == "gm" else "v1"):
            return None
        return self.seal(account_id, self.open(account_id, sealed))


def _bound(account_id: str) -> bytes:
    return f"totp:{account_id}".encode()


def new_enrolment(username: str) -> Enrolment:
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code `code` is (this one or either neighbour, for clock drift)."""
    if len(code) > MAX_CODE:
        return None
    digits = _typed(code)
    if len(digits) != 6 or not (digits.isascii() and digits.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP), digits):
            return step
    return None


def new_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]


def recovery_hash(code: str) -> str:
    return hashlib.sha256(_typed(code).lower().encode()).hexdigest()


def _typed(code: str) -> str:
    """A code as typed, read as meant: full-width digits and letters (a Chinese input method's)
    as ASCII, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", code).split())
