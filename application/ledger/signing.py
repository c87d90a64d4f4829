"""Signed checkpoints: (tree size, root hash, time) signed with Ed25519. The private key lives
outside the database (a PEM file); anyone with the public key can check a checkpoint."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ORIGIN = "yishiting-ledger"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: str
    issued_at: str
    key_id: str
    signature: str = ""

    def signed_bytes(self) -> bytes:
        return f"{self.origin}\n{self.tree_size}\n{self.root_hash}\n{self.issued_at}\n".encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        return cls(**json.loads(text))


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("账本公钥须为 Ed25519 (the ledger public key must be Ed25519)")
    return key


class Signer:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        self.public = private.public_key()
        self.key_id = key_id(self.public)

    @classmethod
    def from_file(cls, path: Path, *, create: bool) -> Signer:
        """The signing key from its PEM file; created there (mode 600) only when allowed."""
        if not path.exists():
            if not create:
                raise FileNotFoundError(f"账本签名密钥不存在 (ledger signing key missing): {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.write_bytes(pem)
            path.chmod(0o600)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"账本签名密钥须为 Ed25519 (must be Ed25519): {path}")
        return cls(key)

    def sign(self, tree_size: int, root: bytes, issued_at: str) -> Checkpoint:
        unsigned = Checkpoint(ORIGIN, tree_size, root.hex(), issued_at, self.key_id)
        signature = base64.b64encode(self.private.sign(unsigned.signed_bytes())).decode()
        return Checkpoint(**{**asdict(unsigned), "signature": signature})


def signature_valid(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    try:
        public.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True
