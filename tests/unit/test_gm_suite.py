"""The 国密 suite's primitives against the standards' own examples and a second, independent
implementation: SM3 (GB/T 32905) and SM4 (GB/T 32907) known answers; SM2-with-SM3 signatures
(GB/T 32918.2) made here and checked by snowland-smx (and by OpenSSL where its command is
installed), and the reverse; the Merkle tree's SM3 roots against RFC 6962 written out again
here; checkpoints and proofs that name their suite."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
from functools import cache
from pathlib import Path
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pysmx import SM2 as SNOWLAND

from application.key_tables import MemoryKeyTable
from application.ledger import merkle
from application.ledger.entries import Entry
from application.ledger.merkle import SM3, MemoryTree
from application.ledger.proofs import InclusionProof, check_inclusion
from application.ledger.signing import Checkpoint, Signer, load_public_key, signature_valid
from application.ledger.sm2 import DEFAULT_USER_ID, SM2PrivateKey, SM2PublicKey
from application.ledger.suites import GM, INTERNATIONAL
from application.ledger.verify import Frontier
from application.personal_data import Sealer, SubjectKeys
from application.sealing import SM4GCM
from tests.support.native import NEEDS_NATIVE_SM4

# ------------------------------------------------------------------------ known answers


def test_sm3_gives_the_standards_examples() -> None:
    # GB/T 32905-2016 appendix A: "abc", and "abcd" sixteen times (512 bits).
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert hashlib.new("sm3", b"abcd" * 16).hexdigest() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_sm4_gives_the_standards_example() -> None:
    # GB/T 32907-2016 appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    ciphertext = encryptor.update(key) + encryptor.finalize()
    assert ciphertext.hex() == "681edf34d206965e86b3e94f536e4246"


# ----------------------------------------------------------- the Merkle tree under SM3


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


LEAF_INPUTS = [f"event {i}".encode() for i in range(8)]


@cache
def mth(start: int, end: int) -> bytes:
    """RFC 6962 §2.1 MTH over LEAF_INPUTS[start:end], with SM3 for SHA-256."""
    n = end - start
    if n == 0:
        return sm3(b"")
    if n == 1:
        return sm3(b"\x00" + LEAF_INPUTS[start])
    k = 1
    while k * 2 < n:
        k *= 2
    return sm3(b"\x01" + mth(start, start + k) + mth(start + k, end))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 8])
def test_the_sm3_tree_has_the_root_rfc_6962_gives(size: int) -> None:
    tree, frontier = MemoryTree(SM3), Frontier(SM3)
    for data in LEAF_INPUTS[:size]:
        tree.append(SM3.leaf(data))
        frontier.append(SM3.leaf(data))
    expected = mth(0, size)
    assert merkle.root(tree.node, size, SM3) == expected
    assert frontier.root() == expected
    # Not the SHA-256 tree's root: the suite is really in use.
    assert merkle.root(MemoryTree().node, 0) != expected or size


def test_the_empty_sm3_tree_is_sm3_of_nothing() -> None:
    assert SM3.empty().hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


def test_sm3_inclusion_and_consistency_proofs_verify_and_sha256_ones_do_not() -> None:
    tree = MemoryTree(SM3)
    for data in LEAF_INPUTS:
        tree.append(SM3.leaf(data))
    for size in range(1, 9):
        root = mth(0, size)
        for index in range(size):
            path = merkle.inclusion_proof(tree.node, index, size, SM3)
            leaf = SM3.leaf(LEAF_INPUTS[index])
            assert merkle.verify_inclusion(leaf, index, size, path, root, SM3)
            assert not merkle.verify_inclusion(leaf, index, size, path, root) or size == 1
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(tree.node, old, size, SM3)
            assert merkle.verify_consistency(old, size, mth(0, old), root, proof, SM3)


# ------------------------------------------------------------------ SM2 with SM3


def smx_signature(key: SM2PrivateKey, message: bytes, user_id: bytes) -> bytes:
    raw = SNOWLAND.Sign(
        message, f"{key.secret:064x}", secrets.token_hex(32), 64, uid=user_id.decode()
    )
    return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


@pytest.mark.parametrize("user_id", [DEFAULT_USER_ID, b"district-cppcc@yishiting"])
def test_our_sm2_signatures_verify_with_snowland_smx_and_theirs_with_ours(user_id: bytes) -> None:
    key = SM2PrivateKey.generate(user_id)
    public = key.public_key()
    message = "检查点 checkpoint 42".encode()
    r, s = decode_dss_signature(key.sign(message))
    assert SNOWLAND.Verify(
        f"{r:064x}{s:064x}", message, public.point.hex(), 64, uid=user_id.decode()
    )
    assert not SNOWLAND.Verify(
        f"{r:064x}{s:064x}", message + b"!", public.point.hex(), 64, uid=user_id.decode()
    )
    theirs = smx_signature(key, message, user_id)
    assert public.verify(theirs, message)
    assert not public.verify(theirs, message + b"!")
    # The user id is part of what is signed (Z_A).
    other = SM2PublicKey(public.point, b"someone else")
    assert not other.verify(theirs, message)


def test_a_public_key_whose_x_begins_with_04_still_verifies() -> None:
    """gmssl strips a leading "04" from a public key with str.lstrip, eating x's own leading
    0s and 4s: the fence sets the point itself."""
    secret = next(
        d for d in range(2, 20_000) if SM2PrivateKey(d).public_key().point.hex().startswith("04")
    )
    key = SM2PrivateKey(secret)
    assert key.public_key().verify(key.sign(b"m"), b"m")


def test_a_signature_out_of_range_or_not_der_is_refused() -> None:
    key = SM2PrivateKey.generate()
    public = key.public_key()
    assert not public.verify(b"not der", b"m")
    assert not public.verify(encode_dss_signature(0, 1), b"m")
    assert not public.verify(encode_dss_signature(1, 2**256), b"m")


def test_the_sm2_keys_pem_round_trip(tmp_path: Path) -> None:
    key = SM2PrivateKey.generate()
    assert SM2PrivateKey.from_pem(key.pem()) == key
    assert load_public_key(key.public_key().pem()) == key.public_key()
    with pytest.raises(ValueError, match="EC PRIVATE KEY"):
        SM2PrivateKey.from_pem(key.pem().replace("EC PRIVATE", "RSA PRIVATE"))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command here")
def test_openssl_reads_the_keys_and_verifies_the_signature(tmp_path: Path) -> None:
    key = SM2PrivateKey.generate()
    (tmp_path / "key.pem").write_text(key.pem())
    (tmp_path / "public.pem").write_text(key.public_key().pem())
    (tmp_path / "message").write_bytes(b"checkpoint")
    (tmp_path / "signature").write_bytes(key.sign(b"checkpoint"))
    run = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "public.pem",
        "-rawin",
        "-in",
        "message",
        "-sigfile",
        "signature",
        "-digest",
        "sm3",
        "-pkeyopt",
        f"distid:{DEFAULT_USER_ID.decode()}",
    ]
    done = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "Signature Verified Successfully" in done.stdout, done.stderr
    private = subprocess.run(
        ["openssl", "pkey", "-in", "key.pem", "-noout", "-text"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "SM2" in private.stdout or "1.2.156.10197.1.301" in private.stdout, private.stdout


# ------------------------------------------------------- checkpoints and proofs name their suite


def test_a_gm_checkpoint_names_its_suite_and_verifies_only_with_its_sm2_key(
    tmp_path: Path,
) -> None:
    gm = Signer.from_file(tmp_path / "sm2.pem", create=True, suite=GM)
    international = Signer.from_file(tmp_path / "ed25519.pem", create=True)
    checkpoint = gm.sign(3, mth(0, 3), "2027-01-01T00:00:00+08:00")
    kept = Checkpoint.from_json(checkpoint.to_json())
    assert '"suite": "gm"' in checkpoint.to_json()
    assert signature_valid(kept, gm.public)
    assert signature_valid(kept, [international.public, gm.public])
    assert not signature_valid(kept, international.public)
    # The suite is signed: the same signature does not pass for an international checkpoint.
    relabelled = Checkpoint(**{**kept.__dict__, "suite": INTERNATIONAL.name})
    assert not signature_valid(relabelled, [international.public, gm.public])


def test_an_international_checkpoint_signs_exactly_what_it_always_did(tmp_path: Path) -> None:
    signer = Signer.from_file(tmp_path / "ed25519.pem", create=True)
    checkpoint = signer.sign(3, b"\x01" * 32, "2027-01-01T00:00:00+08:00")
    assert checkpoint.signed_bytes() == (
        f"yishiting-ledger\n3\n{'01' * 32}\n2027-01-01T00:00:00+08:00\n".encode()
    )
    # A checkpoint kept before suites (no suite in its JSON) is read as international.
    old = {
        k: v
        for k, v in checkpoint.__dict__.items()
        if k in ("origin", "tree_size", "root_hash", "issued_at", "key_id", "signature")
    }

    assert signature_valid(Checkpoint.from_json(json.dumps(old)), signer.public)


def test_an_sm3_inclusion_proof_verifies_offline_against_an_sm2_checkpoint(
    tmp_path: Path,
) -> None:
    entries = [Entry(i + 1, uuid4(), 1, "topic", f"state {i}".encode()) for i in range(7)]
    tree = MemoryTree(SM3)
    for entry in entries:
        tree.append(entry.leaf(SM3))
    signer = Signer.from_file(tmp_path / "sm2.pem", create=True, suite=GM)
    checkpoint = signer.sign(7, merkle.root(tree.node, 7, SM3), "2027-01-01T00:00:00+08:00")
    proof = InclusionProof.of(
        entries[4], 4, 7, merkle.inclusion_proof(tree.node, 4, 7, SM3), GM.name
    )
    kept = InclusionProof.from_json(proof.to_json())
    assert check_inclusion(kept, checkpoint, signer.public).ok
    # A proof claiming the other suite is refused, not rehashed.
    sha = InclusionProof(**{**kept.__dict__, "suite": INTERNATIONAL.name})
    assert not check_inclusion(sha, checkpoint, signer.public).ok


# ------------------------------------------------------------- SM4-GCM sealing (gm)


# Both implementations (libgcrypt's through application/_sm4gcm.c, OpenSSL's through
# `cryptography`) are held to the same examples; the native one only where it was built.
IMPLEMENTATIONS = [
    pytest.param(True, id="libgcrypt", marks=NEEDS_NATIVE_SM4),
    pytest.param(False, id="openssl"),
]


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
def test_sm4_gcm_gives_rfc_8998s_example(native: bool) -> None:
    # RFC 8998 appendix A.1 (SM4-GCM for TLS 1.3).
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    associated = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plain = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    sealed = SM4GCM(key, native).encrypt(nonce, plain, associated)
    assert sealed[:-16].hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert sealed[-16:].hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    assert SM4GCM(key, native).decrypt(nonce, sealed, associated) == plain


@pytest.mark.parametrize("native", IMPLEMENTATIONS)
def test_sm4_gcm_round_trips_and_refuses_every_tampering(native: bool) -> None:
    key, nonce = SM4GCM.generate_key(), secrets.token_bytes(12)
    cipher = SM4GCM(key, native)
    sealed = cipher.encrypt(nonce, "张三 13800000000".encode(), b"subject")
    assert cipher.decrypt(nonce, sealed, b"subject").decode() == "张三 13800000000"
    flipped = [bytes([*sealed[:i], sealed[i] ^ 1, *sealed[i + 1 :]]) for i in (0, len(sealed) - 1)]
    attempts = [
        (key, nonce, flipped[0], b"subject"),  # ciphertext
        (key, nonce, flipped[1], b"subject"),  # tag
        (key, secrets.token_bytes(12), sealed, b"subject"),  # nonce
        (key, nonce, sealed, b"another subject"),  # bound to another subject
        (SM4GCM.generate_key(), nonce, sealed, b"subject"),  # another key
        (key, nonce, sealed[:-1], b"subject"),  # tag cut short
        (key, nonce, sealed[:15], b"subject"),  # less than a tag
    ]
    for k, n, data, ad in attempts:
        with pytest.raises(InvalidTag):
            SM4GCM(k, native).decrypt(n, data, ad)


def test_under_gm_new_subjects_are_sealed_and_wrapped_with_sm4() -> None:
    table = MemoryKeyTable()
    master = secrets.token_bytes(32)
    gm = Sealer(SubjectKeys(table, master, "gm"))
    sealed = gm.seal("s1", {"name": "李四"})
    assert sealed.startswith("sm4-gcm:")
    wrapped = table.rows["s1"]
    assert wrapped is not None
    assert wrapped.startswith(b"SM4-GCM\x00")
    assert len(wrapped) == 8 + 12 + 16 + 16
    assert gm.open("s1", sealed) == {"name": "李四"}
    # The sealed value tampered with, or opened as another subject: nothing.
    raw = base64.b64decode(sealed.removeprefix("sm4-gcm:"))
    forged = "sm4-gcm:" + base64.b64encode(raw[:-1] + bytes([raw[-1] ^ 1])).decode()
    assert gm.open("s1", forged) is None
    table.rows["s2"] = table.rows["s1"]
    assert gm.open("s2", sealed) is None


def test_both_suites_read_what_either_sealed() -> None:
    """A deployment switched either way: a subject keyed under international keeps its AES
    key (and AES-GCM sealing, byte for byte as before) under gm, and the reverse."""
    table = MemoryKeyTable()
    master = secrets.token_bytes(32)
    international = Sealer(SubjectKeys(table, master))
    old = international.seal("before", {"phone": "13800000000"})
    assert not old.startswith("sm4-gcm:")
    assert len(base64.b64decode(old)) > 12
    assert len(table.rows["before"] or b"") == 60  # nonce, 32-byte key, tag: as always
    gm = Sealer(SubjectKeys(table, master, "gm"))
    new = gm.seal("after", {"phone": "13900000000"})
    assert gm.open("before", old) == {"phone": "13800000000"}
    assert not gm.seal("before", {"x": "y"}).startswith("sm4-gcm:")  # its key is AES-256
    assert international.open("after", new) == {"phone": "13900000000"}
    assert Sealer(SubjectKeys(table, master)).open("before", old) == {"phone": "13800000000"}


def test_rewrapping_moves_every_key_to_sm4_once_and_leaves_the_erased_erased() -> None:
    table = MemoryKeyTable()
    master = secrets.token_bytes(32)
    international = Sealer(SubjectKeys(table, master))
    sealed = {s: international.seal(s, {"name": s}) for s in ("a", "b", "c")}
    international.keys.erase("c")
    gm_keys = SubjectKeys(table, master, "gm")
    assert gm_keys.rewrap() == (2, 0, 1)
    assert all((table.rows[s] or b"").startswith(b"SM4-GCM\x00") for s in ("a", "b"))
    assert gm_keys.rewrap() == (0, 2, 1)  # idempotent
    fresh = Sealer(SubjectKeys(table, master, "gm"))
    assert fresh.open("a", sealed["a"]) == {"name": "a"}
    assert fresh.open("c", sealed["c"]) is None
    with pytest.raises(ValueError, match="nothing to rewrap"):
        SubjectKeys(MemoryKeyTable(), None, "gm").rewrap()
