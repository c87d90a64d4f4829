"""Delivery signatures over `timestamp.body`, sent as `X-Yishiting-Signature: t=<unix
seconds>,<scheme>=<hex>`, the scheme naming the algorithm: `v1` HMAC-SHA256 (the international
suite, as always) or `hmac-sm3` HMAC-SM3 (GB/T 32905, the gm suite). Receivers should also
bound the age."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

SIGNATURE_HEADER = "X-Yishiting-Signature"
# suite → (the header's scheme, the HMAC's hash)
SCHEMES: dict[str, tuple[str, str | Callable[..., Any]]] = {
    "international": ("v1", hashlib.sha256),
    "gm": ("hmac-sm3", "sm3"),  # OpenSSL's SM3 through hashlib
}


def signature(secret: str, timestamp: int, body: bytes, suite: str = "international") -> str:
    scheme, digest = SCHEMES[suite]
    signed = f"{timestamp}.".encode() + body
    mac = hmac.new(secret.encode(), signed, digest).hexdigest()
    return f"t={timestamp},{scheme}={mac}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does: recompute with the scheme the header names and compare in
    constant time."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit():
        return False
    for suite, (scheme, _) in SCHEMES.items():
        if scheme in parts:
            expected = signature(secret, int(parts["t"]), body, suite)
            return hmac.compare_digest(expected, header)
    return False
