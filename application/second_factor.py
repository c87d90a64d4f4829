"""The second factor (等保 身份鉴别: two factors, one of them cryptographic): a TOTP secret
(RFC 6238, HMAC-SHA1, 6 digits, 30 s) per account, sealed with the deployment's personal-data
key (AES-256-GCM, bound to the account) before it is stored; each code is good once; ten
recovery codes, shown once, kept only as SHA-256 hashes (they are random, 50 bits each)."""

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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.credentials import RECOVERY_CODES

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
    """Seals TOTP secrets with the personal-data key; without one (development only — the
    production check requires it) they are kept as they are, marked so."""

    def __init__(self, cipher: AESGCM | None) -> None:
        self.cipher = cipher

    def seal(self, account_id: str, secret: str) -> str:
        if self.cipher is None:
            return f"plain:{secret}"
        nonce = os.urandom(12)
        sealed = self.cipher.encrypt(nonce, secret.encode(), f"totp:{account_id}".encode())
        return "v1:" + base64.b64encode(nonce + sealed).decode()

    def open(self, account_id: str, sealed: str) -> str:
        kind, _, body = sealed.partition(":")
        if kind == "plain":
            return body
        raw = base64.b64decode(body)
        plain = self.cipher.decrypt(raw[:12], raw[12:], f"totp:{account_id}".encode())  # type: ignore[union-attr]
        return plain.decode()


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
