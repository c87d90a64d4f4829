"""The content-addressed store of attached files: `<root>/<hh>/<sha256>`, hh the hash's first
two hex digits. A blob is written to `<root>/tmp/`, fsynced, then linked into place (never over
an existing one: the same name means the same bytes) and its directory fsynced. Whatever an
interrupted write leaves is under `tmp/`, emptied by `clean_tmp`."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
HEX = re.compile(r"[0-9a-f]{64}")


class AttachmentStore:
    """A directory of blobs named by their SHA-256."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"

    @classmethod
    def temporary(cls) -> AttachmentStore:
        """A store in a new temporary directory (a log held in memory)."""
        return cls(tempfile.mkdtemp(prefix="yishiting-attachments-"))

    def path_of(self, sha256: str) -> Path:
        if not HEX.fullmatch(sha256):
            raise ValueError("a blob is named by its SHA-256 in lowercase hex")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def temp_file(self, suffix: str = ".part") -> tuple[BinaryIO, Path]:
        """A new file under tmp/, opened for writing (never an existing one)."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        path = self.tmp / f"{uuid.uuid4().hex}{suffix}"
        return open(path, "xb"), path

    def temp_dir(self) -> Path:
        self.tmp.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.tmp))

    def keep(self, temp: Path, sha256: str, *, leave: bool = False) -> Path:
        """Moves a written, fsynced temp file into place under its hash; when the blob is
        there already (the same bytes) the temp file is dropped and the blob left untouched.
        `leave`: the temp file stays too (a second link, no copy), for its owner to remove."""
        final = self.path_of(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(temp, final)
        except FileExistsError:
            pass
        finally:
            if not leave:
                temp.unlink(missing_ok=True)
        _fsync_dir(final.parent)
        return final

    def put(self, source: BinaryIO) -> tuple[str, int]:
        """Copies a stream into the store: its hash and size."""
        out, temp = self.temp_file()
        digest, size = hashlib.sha256(), 0
        try:
            with out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        sha256 = digest.hexdigest()
        self.keep(temp, sha256)
        return sha256, size

    def open(self, sha256: str) -> BinaryIO:
        """The stored blob; FileNotFoundError when it is missing."""
        return open(self.path_of(sha256), "rb")

    def chunks(self, sha256: str) -> Iterator[bytes]:
        with self.open(sha256) as blob:
            while chunk := blob.read(CHUNK):
                yield chunk

    def digest_of(self, sha256: str) -> str | None:
        """The SHA-256 of the bytes stored under this name now; None when there are none."""
        try:
            with open(self.path_of(sha256), "rb") as blob:
                return hashlib.file_digest(blob, "sha256").hexdigest()
        except FileNotFoundError:
            return None

    def clean_tmp(self, older_than: float = 0.0) -> int:
        """Removes what interrupted writes and unattached uploads left under tmp/ (those
        untouched for `older_than` seconds: another process may be writing the newer ones):
        how many entries."""
        if not self.tmp.is_dir():
            return 0
        removed, now = 0, time.time()
        for entry in self.tmp.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if now - entry.stat().st_mtime < older_than:
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed += 1
        return removed

    def blobs(self) -> Iterator[str]:
        """The names of every stored blob."""
        for folder in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for blob in sorted(folder.iterdir()):
                if HEX.fullmatch(blob.name):
                    yield blob.name


def fsynced(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
