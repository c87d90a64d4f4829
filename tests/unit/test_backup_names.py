"""The archive's names and the key scan, without a database: which member names a restore
accepts, and a key's value found even when it straddles two chunks."""

from __future__ import annotations

import pytest

from application.backup import BackupRefused, SecretScanner, member_path

DIGEST = "ab" + "c" * 62


@pytest.mark.parametrize(
    "name",
    [
        "MANIFEST.json",
        "database/log.sqlite3",
        "database/views.sqlite3",
        "database/postgresql.sql",
        f"attachments/ab/{DIGEST}",
    ],
)
def test_the_names_an_archive_holds_are_accepted(name: str) -> None:
    assert str(member_path(name)) == name


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "/etc/passwd",
        "attachments/../x",
        "./MANIFEST.json",
        "database//log.sqlite3",
        f"attachments/cd/{DIGEST}",
        f"attachments/ab/{DIGEST.upper()}",
        "attachments\\ab\\x",
        f"attachments/ab/{DIGEST}/x",
        "database/log.sqlite3\x00",
        "",
        "tmp/upload.part",
    ],
)
def test_anything_else_is_refused(name: str) -> None:
    with pytest.raises(BackupRefused) as refused:
        member_path(name)
    assert refused.value.code == "RESTORE_UNSAFE_MEMBER"


def test_a_key_straddling_two_chunks_is_found() -> None:
    key = b"0123456789abcdef-secret"
    scanner = SecretScanner([key], "file")
    scanner.feed(b"x" * 100 + key[:7])
    with pytest.raises(BackupRefused) as refused:
        scanner.feed(key[7:] + b"y" * 100)
    assert refused.value.code == "BACKUP_KEY_REFUSED"


def test_bytes_without_a_key_pass() -> None:
    scanner = SecretScanner([b"0123456789abcdef-secret"], "file")
    for _ in range(3):
        scanner.feed(b"0123456789abcdef-secre" + b"z")
