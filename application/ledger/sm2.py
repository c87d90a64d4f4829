"""SM2 signatures with SM3 (GB/T 32918.2, GB/T 35276): e = SM3(Z_A || M), Z_A binding the
signer's user id and public key; signatures DER-encoded (SEQUENCE {r, s}); keys as PEM in
the standard encodings (public: SubjectPublicKeyInfo, id-ecPublicKey on sm2p256v1; private:
SEC 1 ECPrivateKey), readable by OpenSSL. The curve arithmetic is gmssl's
(application/fences/gmssl_internals.py); the nonce is ours, from `secrets`."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from application.fences import gmssl_internals as curve

DEFAULT_USER_ID = b"1234567812345678"  # GB/T 35276-2017 §10: the id when none is agreed
# DER prefixes of the two fixed-length structures (sm2p256v1 = 1.2.156.10197.1.301).
_SM2_CURVE = bytes.fromhex("06082a811ccf5501822d")
_PUBLIC_PREFIX = (
    bytes.fromhex("3059301306072a8648ce3d0201") + _SM2_CURVE + bytes.fromhex("03420004")
)
_PRIVATE_PREFIX = bytes.fromhex("307702010104 20".replace(" ", ""))
_PRIVATE_MIDDLE = bytes.fromhex("a00a") + _SM2_CURVE + bytes.fromhex("a14403420004")


def _sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


@dataclass(frozen=True)
class SM2PublicKey:
    point: bytes  # x || y, 64 bytes
    user_id: bytes = DEFAULT_USER_ID

    def __post_init__(self) -> None:
        if len(self.point) != 64:
            raise ValueError("SM2 公钥须为 64 字节的点 (an SM2 public key is a 64-byte point)")

    def z(self) -> bytes:
        """Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)."""
        entl = (len(self.user_id) * 8).to_bytes(2, "big")
        return _sm3(
            entl + self.user_id + curve.CURVE_A + curve.CURVE_B + curve.GENERATOR + self.point
        )

    def digest(self, message: bytes) -> bytes:
        return _sm3(self.z() + message)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            r, s = decode_dss_signature(signature)
        except ValueError:
            return False
        if not (0 < r < curve.ORDER and 0 < s < curve.ORDER):
            return False
        return curve.verify_digest(self.point, self.digest(message), r, s)

    def der(self) -> bytes:
        return _PUBLIC_PREFIX + self.point

    def pem(self) -> str:
        return _pem("PUBLIC KEY", self.der())

    @classmethod
    def from_der(cls, der: bytes, user_id: bytes = DEFAULT_USER_ID) -> SM2PublicKey:
        if not der.startswith(_PUBLIC_PREFIX) or len(der) != len(_PUBLIC_PREFIX) + 64:
            raise ValueError("不是 SM2 公钥 (not an SM2 public key)")
        return cls(der[len(_PUBLIC_PREFIX) :], user_id)


@dataclass(frozen=True)
class SM2PrivateKey:
    secret: int
    user_id: bytes = DEFAULT_USER_ID

    def __post_init__(self) -> None:
        # d < n - 1: the signature's (1 + d)^-1 must exist.
        if not 0 < self.secret < curve.ORDER - 1:
            raise ValueError("SM2 私钥超出范围 (the SM2 private key is out of range)")

    @classmethod
    def generate(cls, user_id: bytes = DEFAULT_USER_ID) -> SM2PrivateKey:
        return cls(secrets.randbelow(curve.ORDER - 2) + 1, user_id)

    def public_key(self) -> SM2PublicKey:
        return SM2PublicKey(curve.public_point(self.secret), self.user_id)

    def sign(self, message: bytes) -> bytes:
        e = self.public_key().digest(message)
        while True:
            signed = curve.sign_digest(self.secret, e, secrets.randbelow(curve.ORDER - 1) + 1)
            if signed is not None:
                return encode_dss_signature(*signed)

    def pem(self) -> str:
        der = (
            _PRIVATE_PREFIX
            + self.secret.to_bytes(32, "big")
            + _PRIVATE_MIDDLE
            + self.public_key().point
        )
        return _pem("EC PRIVATE KEY", der)

    @classmethod
    def from_pem(cls, pem: str, user_id: bytes = DEFAULT_USER_ID) -> SM2PrivateKey:
        der = _unpem("EC PRIVATE KEY", pem)
        middle = len(_PRIVATE_PREFIX) + 32
        if (
            len(der) != middle + len(_PRIVATE_MIDDLE) + 64
            or not der.startswith(_PRIVATE_PREFIX)
            or der[middle : middle + len(_PRIVATE_MIDDLE)] != _PRIVATE_MIDDLE
        ):
            raise ValueError("不是 SM2 私钥 (not an SM2 private key in SEC 1 form)")
        key = cls(int.from_bytes(der[len(_PRIVATE_PREFIX) : middle], "big"), user_id)
        if key.public_key().point != der[-64:]:
            raise ValueError("SM2 私钥与其公钥不符 (the key's public point does not match)")
        return key


def public_from_pem(pem: str, user_id: bytes = DEFAULT_USER_ID) -> SM2PublicKey:
    return SM2PublicKey.from_der(_unpem("PUBLIC KEY", pem), user_id)


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""])


def _unpem(label: str, pem: str) -> bytes:
    found = re.search(rf"-----BEGIN {label}-----(.*?)-----END {label}-----", pem, re.S)
    if found is None:
        raise ValueError(f"不是 PEM {label} (not a PEM {label})")
    return base64.b64decode("".join(found.group(1).split()), validate=True)
