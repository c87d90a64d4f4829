"""Delivery signatures: HMAC-SHA256 over `timestamp.body`, sent as
`X-Yishiting-Signature: t=<unix seconds>,v1=<hex>` (receivers should also bound the age)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Yishiting-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    expected = signature(secret, int(parts["t"]), body)
    return hmac.compare_digest(expected, header)
