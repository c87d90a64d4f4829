"""Signed checkpoints: (tree size, root hash, time) signed with the suite's key — Ed25519, or
SM2 with SM3 under the 国密 suite. The private key lives outside the database (a PEM file,
`CheckpointKey`'s file implementation; a 密码机/HSM would be another implementation of that
interface); anyone with the public key can check a checkpoint.

A checkpoint of a later epoch (the deployment switched suites) also names where its tree
starts in the log (`first_leaf`) and the last root of the epoch before (`previous_root`), and
signs them, so the epochs form one chain."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from application.ledger import shapes
from application.ledger.sm2 import DEFAULT_USER_ID, SM2PrivateKey, SM2PublicKey, public_from_pem
from application.ledger.suites import GM, INTERNATIONAL, Suite, suite_named

ORIGIN = "yishiting-ledger"
PublicKey = Ed25519PublicKey | SM2PublicKey
# One public key, or those of several epochs (a key per suite the deployment has run on).
PublicKeys = PublicKey | Sequence[PublicKey]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int  # leaves of the whole ledger, all epochs, the checkpoint covers
    root_hash: str  # the root of its epoch's tree: leaves first_leaf … tree_size - 1
    issued_at: str
    key_id: str
    signature: str = ""
    suite: str = INTERNATIONAL.name
    epoch: int = 0
    first_leaf: int = 0
    previous_root: str = ""  # the last root of the epoch before (epoch > 0)

    @property
    def legacy(self) -> bool:
        """Signed as checkpoints were before suites and epochs: the first epoch, international."""
        return self.suite == INTERNATIONAL.name and self.epoch == 0

    @property
    def epoch_size(self) -> int:
        return self.tree_size - self.first_leaf

    def signed_bytes(self) -> bytes:
        head = f"{self.origin}\n{self.tree_size}\n{self.root_hash}\n{self.issued_at}\n"
        if self.legacy:
            return head.encode()
        tail = f"{self.suite}\n{self.epoch}\n{self.first_leaf}\n{self.previous_root}\n"
        return (head + tail).encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """As `to_json` writes it or as GraphQL answers it (camelCase); NotThisShape else."""
        return shapes.from_json(cls, text, "检查点 checkpoint")


def key_id(public: PublicKey) -> str:
    if isinstance(public, SM2PublicKey):
        return hashlib.new("sm3", public.point).hexdigest()[:16]
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def suite_of(public: PublicKey) -> Suite:
    return GM if isinstance(public, SM2PublicKey) else INTERNATIONAL


def public_pem(public: PublicKey) -> str:
    if isinstance(public, SM2PublicKey):
        return public.pem()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str, user_id: bytes = DEFAULT_USER_ID) -> PublicKey:
    """An Ed25519 or SM2 public key (SubjectPublicKeyInfo PEM)."""
    try:
        return public_from_pem(pem, user_id)
    except ValueError:
        pass
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(
            "账本公钥须为 Ed25519 或 SM2 (the ledger public key must be Ed25519 or SM2)"
        )
    return key


class CheckpointKey(Protocol):
    """Where checkpoints are signed: a key file here; a 密码机/HSM would sign behind the same
    three members, its private key never leaving it."""

    suite: Suite
    public: PublicKey

    def sign(self, message: bytes) -> bytes: ...


class Ed25519File:
    suite = INTERNATIONAL

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        self.public: PublicKey = private.public_key()

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @classmethod
    def load(cls, path: Path, *, create: bool) -> Ed25519File:
        if not path.exists() and create:
            _write_private(
                path,
                Ed25519PrivateKey.generate()
                .private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                .decode(),
            )
        _must_exist(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"账本签名密钥须为 Ed25519 (must be Ed25519): {path}")
        return cls(key)


class SM2File:
    suite = GM

    def __init__(self, private: SM2PrivateKey) -> None:
        self.private = private
        self.public: PublicKey = private.public_key()

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @classmethod
    def load(cls, path: Path, *, create: bool, user_id: bytes = DEFAULT_USER_ID) -> SM2File:
        if not path.exists() and create:
            _write_private(path, SM2PrivateKey.generate().pem())
        _must_exist(path)
        try:
            return cls(SM2PrivateKey.from_pem(path.read_text(), user_id))
        except ValueError as bad:
            raise ValueError(f"账本签名密钥须为 SM2 (must be SM2): {path}: {bad}") from None


def _must_exist(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"账本签名密钥不存在 (ledger signing key missing): {path}")


def _write_private(path: Path, pem: str) -> None:
    """Created there (mode 600) only when allowed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pem)
    path.chmod(0o600)


class Signer:
    def __init__(self, key: CheckpointKey | Ed25519PrivateKey) -> None:
        """`key`: where signing happens (a bare Ed25519 private key: held in memory)."""
        if isinstance(key, Ed25519PrivateKey):
            key = Ed25519File(key)
        self.key = key
        self.suite = key.suite
        self.public = key.public
        self.key_id = key_id(self.public)

    @classmethod
    def from_file(
        cls,
        path: Path,
        *,
        create: bool,
        suite: Suite = INTERNATIONAL,
        user_id: bytes = DEFAULT_USER_ID,
    ) -> Signer:
        """The signing key from its PEM file; created there (mode 600) only when allowed."""
        if suite == GM:
            return cls(SM2File.load(path, create=create, user_id=user_id))
        return cls(Ed25519File.load(path, create=create))

    def sign(
        self,
        tree_size: int,
        root: bytes,
        issued_at: str,
        *,
        epoch: int = 0,
        first_leaf: int = 0,
        previous_root: str = "",
    ) -> Checkpoint:
        unsigned = Checkpoint(
            ORIGIN,
            tree_size,
            root.hex(),
            issued_at,
            self.key_id,
            suite=self.suite.name,
            epoch=epoch,
            first_leaf=first_leaf,
            previous_root=previous_root,
        )
        signature = base64.b64encode(self.key.sign(unsigned.signed_bytes())).decode()
        return Checkpoint(**{**asdict(unsigned), "signature": signature})


def signature_valid(checkpoint: Checkpoint, public: PublicKeys) -> bool:
    """Signed by one of the given keys, of the suite the checkpoint names."""
    keys = [public] if isinstance(public, Ed25519PublicKey | SM2PublicKey) else list(public)
    try:
        suite = suite_named(checkpoint.suite)
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except ValueError:
        return False
    message = checkpoint.signed_bytes()
    return any(_verifies(key, signature, message) for key in keys if suite_of(key) == suite)


def _verifies(key: PublicKey, signature: bytes, message: bytes) -> bool:
    if isinstance(key, SM2PublicKey):
        return key.verify(signature, message)
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
