"""gmssl's SM2 (GB/T 32918), used only through these three hooks, each guarded by
tests/unit/test_library_hooks.py. Two of gmssl's own habits are kept out on purpose:

- its signing nonce comes from `random.choice` (not a secure source): the nonce is always
  passed in, from `secrets`;
- its constructor strips a public key's leading "04" with `str.lstrip`, which eats the x
  coordinate's own leading 0s and 4s: the point is set after construction instead."""

from __future__ import annotations

from gmssl import sm2

ORDER = int(sm2.default_ecc_table["n"], 16)
CURVE_A = bytes.fromhex(sm2.default_ecc_table["a"])
CURVE_B = bytes.fromhex(sm2.default_ecc_table["b"])
GENERATOR = bytes.fromhex(sm2.default_ecc_table["g"])


def _curve(private: int = 0, public: bytes = b"") -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=f"{private:064x}", public_key="")
    crypt.public_key = public.hex()
    return crypt


def public_point(private: int) -> bytes:
    """x || y (64 bytes) of d·G."""
    return bytes.fromhex(_curve()._kg(private, sm2.default_ecc_table["g"]))


def sign_digest(private: int, e: bytes, nonce: int) -> tuple[int, int] | None:
    """(r, s) over the digest e with the nonce k; None when this k cannot serve."""
    signed = _curve(private).sign(e, f"{nonce:064x}")
    if signed is None:
        return None
    return int(signed[:64], 16), int(signed[64:], 16)


def verify_digest(public: bytes, e: bytes, r: int, s: int) -> bool:
    try:
        return bool(_curve(public=public).verify(f"{r:064x}{s:064x}", e))
    except (TypeError, ValueError):  # a point at infinity along the way: not a signature
        return False
