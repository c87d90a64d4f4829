"""The crypto suites a deployment runs on (YISHITING_CRYPTO_SUITE): `international` (SHA-256,
Ed25519) and `gm`, the 国密 suite for 密评 (SM3, SM2 with SM3). A checkpoint and a proof name
their suite, so either verifies offline with the package alone (docs/GM-CRYPTO.md)."""

from __future__ import annotations

from dataclasses import dataclass

from application.ledger.merkle import SHA256, SM3, TreeHash


@dataclass(frozen=True)
class Suite:
    name: str
    tree: TreeHash  # the Merkle tree's hash
    signature: str  # the checkpoints' signature algorithm


INTERNATIONAL = Suite("international", SHA256, "ed25519")
GM = Suite("gm", SM3, "sm2-sm3")
SUITES = {suite.name: suite for suite in (INTERNATIONAL, GM)}


def suite_named(name: str) -> Suite:
    try:
        return SUITES[name]
    except KeyError:
        raise ValueError(
            f"未知的密码套件 {name!r} (unknown crypto suite; one of {', '.join(SUITES)})"
        ) from None
