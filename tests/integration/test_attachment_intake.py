"""The intake and the store on a real disk: an over-limit upload refused the moment it passes
the limit, with memory measured (never buffered); an upload interrupted midway leaves nothing;
a zip bomb refused from its directory alone; a blob is never overwritten; names lose every
path and control character."""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from application.attachments.intake import Intake, Upload
from application.attachments.refusals import FileTooLarge, SuspiciousArchive, UnreadableImage
from application.attachments.store import AttachmentStore
from domain.attachment import file_name
from tests.support import files

CHUNK = 64 * 1024
MB = 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "store")


def stream(total: int, consumed: list[int]) -> Iterator[bytes]:
    """`total` bytes of a PDF-looking file, made chunk by chunk (never held whole)."""
    sent = 0
    while sent < total:
        chunk = (b"%PDF-1.7\n" if sent == 0 else b"") + os.urandom(CHUNK - (9 if sent == 0 else 0))
        sent += len(chunk)
        consumed.append(len(chunk))
        yield chunk


def received(store: AttachmentStore, chunks: Iterator[bytes], limit: int) -> Upload:
    """What the upload endpoint does with a body's chunks."""
    with Intake(store, name="文件.pdf", limit=limit, actor_id="a") as intake:
        for chunk in chunks:
            intake.write(chunk)
        return intake.finish()


def test_an_over_limit_upload_is_refused_as_it_crosses_the_limit_without_buffering(
    store: AttachmentStore,
) -> None:
    limit, total = 8 * MB, 40 * MB
    consumed: list[int] = []
    tracemalloc.start()
    try:
        with pytest.raises(FileTooLarge):
            received(store, stream(total, consumed), limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(consumed) <= limit + CHUNK  # refused at the chunk that crossed the limit
    assert peak < MB, f"peak {peak} bytes while streaming an {limit}-byte limit"
    assert list(store.tmp.iterdir()) == []
    assert list(store.blobs()) == []


def test_an_upload_interrupted_midway_leaves_no_partial_file(store: AttachmentStore) -> None:
    class Hangup(Exception):
        pass

    def cut_off() -> Iterator[bytes]:
        yield files.pdf()[:100]
        raise Hangup  # the client went away mid-body

    with pytest.raises(Hangup):
        received(store, cut_off(), MB)
    assert list(store.tmp.iterdir()) == []
    assert list(store.blobs()) == []


@pytest.mark.parametrize("kind", ["docx", "ofd"])
def test_a_zip_bomb_is_refused_without_inflating_it(store: AttachmentStore, kind: str) -> None:
    bomb = files.bomb(kind)
    tracemalloc.start()
    try:
        with pytest.raises(SuspiciousArchive):
            received(store, iter([bomb]), 20 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB  # the 30 MB it would inflate to was never made
    assert list(store.tmp.iterdir()) == []


def test_a_blob_is_never_overwritten(store: AttachmentStore, tmp_path: Path) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(files.pdf())
    with open(source, "rb") as f:
        sha256, _ = store.put(f)
    kept = store.path_of(sha256)
    assert kept == store.root / sha256[:2] / sha256
    before = kept.stat()
    with open(source, "rb") as f:
        assert store.put(f)[0] == sha256
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert list(store.tmp.iterdir()) == []


def test_clean_tmp_removes_what_interrupted_writes_left(store: AttachmentStore) -> None:
    out, _ = store.temp_file()
    out.write(b"half")
    out.close()
    (store.tmp / "upload-dead").mkdir()
    assert store.clean_tmp(older_than=3600) == 0  # another process may still be writing them
    assert store.clean_tmp() == 2
    assert list(store.tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\..\\签到表.xlsx", "签到表.xlsx"),
        ("a\x00b.pdf", "ab.pdf"),
        ("\x1b[31m红.pdf", "[31m红.pdf"),
        ('名单<>:"|?*.pdf', "名单.pdf"),
        (".htaccess", "htaccess"),
        ("", "附件"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_lose_path_and_control_characters(given: str, kept: str) -> None:
    assert file_name(given) == kept


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(
    store: AttachmentStore,
) -> None:
    """A PNG of 10 000 × 10 000 pixels compresses to a few hundred kilobytes."""
    out = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(out, "PNG")
    with pytest.raises(UnreadableImage):
        received(store, iter([out.getvalue()]), 20 * MB)
    assert list(store.tmp.iterdir()) == []
