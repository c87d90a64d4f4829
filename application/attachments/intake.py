"""An upload received chunk by chunk into the store's tmp/, never whole in memory: refused as
soon as it passes the limit, then checked by its bytes (type sniffed, zips inspected from their
directory without inflating anything, PDFs whole, images re-encoded without EXIF and given a
thumbnail) and kept as a pending upload until a command attaches it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import filetype  # type: ignore[import-untyped]
from PIL import Image, ImageOps

from application.attachments.refusals import (
    EmptyFile,
    FileTooLarge,
    SuspiciousArchive,
    TruncatedFile,
    TypeNotAccepted,
    UnreadableImage,
    UploadNotFound,
)
from application.attachments.store import AttachmentStore, fsynced
from domain.attachment import file_name
from domain.vocabulary import MediaType

SNIFF = 8192
PDF_TAIL = 1024  # %%EOF must be this near the end (trailing whitespace, a last newline)
ZIP_ENTRIES = 2000
ZIP_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_RATIO = 100  # an XML part compresses 5–20×; a bomb thousands of times
ZIP_RATIO_FROM = 1024 * 1024  # small parts may compress well without harm
IMAGE_PIXELS = 40_000_000  # decoded in memory to be re-encoded: about 120 MB at most
THUMBNAIL = (320, 320)
CONTENT, THUMB, META = "content", "thumbnail", "upload.json"


@dataclass(frozen=True)
class Upload:
    """A checked upload waiting in tmp/ to be attached: the bytes to store (images already
    re-encoded), their SHA-256 and size, the sniffed type, the sanitised name, a thumbnail."""

    id: str
    owner_actor: str
    name: str
    media_type: str
    size: int
    sha256: str
    has_thumbnail: bool

    @property
    def media(self) -> MediaType:
        return MediaType.parse(self.media_type)


class Intake:
    """One upload being received: `write` each chunk, then `finish`; leaving the `with` block
    without finishing (an error, a dropped connection) removes everything written."""

    def __init__(self, store: AttachmentStore, *, name: str, limit: int, actor_id: str) -> None:
        self.store = store
        self._name = file_name(name)
        self.limit = limit
        self.actor_id = actor_id
        self.id = uuid.uuid4().hex
        self.folder = store.tmp / f"upload-{self.id}"
        self.folder.mkdir(parents=True)
        self._out: BinaryIO | None = open(self.folder / CONTENT, "xb")  # noqa: SIM115
        self._digest = hashlib.sha256()
        self.size = 0
        self._finished = False
        # A chunk may be written in a worker thread while the connection is still read: an
        # abort (a dropped connection) waits for that write instead of closing under it.
        self._writing = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, given: str) -> None:
        """The client's name for the file, made safe (its last path part, no control or
        path characters)."""
        self._name = file_name(given)

    def __enter__(self) -> Intake:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._finished:
            self.abort()

    def write(self, chunk: bytes) -> None:
        with self._writing:
            self._write(chunk)

    def _write(self, chunk: bytes) -> None:
        if self._out is None:
            raise ValueError("the upload is closed")
        self.size += len(chunk)
        if self.size > self.limit:
            self._abort()
            raise FileTooLarge(self.limit)
        self._digest.update(chunk)
        self._out.write(chunk)

    def abort(self) -> None:
        with self._writing:
            self._abort()

    def _abort(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def finish(self) -> Upload:
        """Checks the received bytes; the pending upload, or a refusal (and nothing kept)."""
        if self._out is None:
            raise ValueError("the upload is closed")
        try:
            fsynced(self._out)
            self._out.close()
            self._out = None
            upload = self._checked()
        except BaseException:
            self.abort()
            raise
        (self.folder / META).write_text(json.dumps(asdict(upload)), encoding="utf-8")
        self._finished = True
        return upload

    def _checked(self) -> Upload:
        if self.size == 0:
            raise EmptyFile()
        content = self.folder / CONTENT
        media = sniffed(content)
        sha256, size, thumbnail = self._digest.hexdigest(), self.size, False
        if media.is_image:
            sha256, size = reencoded(content, media)
            thumbnail = make_thumbnail(content, self.folder / THUMB)
        return Upload(self.id, self.actor_id, self.name, media.code, size, sha256, thumbnail)


def pending(store: AttachmentStore, upload_id: str, actor_id: str) -> tuple[Upload, Path]:
    """A pending upload of this actor and its folder; refused as not found otherwise."""
    if not (len(upload_id) == 32 and all(c in "0123456789abcdef" for c in upload_id)):
        raise UploadNotFound(upload_id)
    folder = store.tmp / f"upload-{upload_id}"
    try:
        upload = Upload(**json.loads((folder / META).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, TypeError):
        raise UploadNotFound(upload_id) from None
    if upload.owner_actor != actor_id:
        raise UploadNotFound(upload_id)
    return upload, folder


def sniffed(path: Path) -> MediaType:
    """The accepted type the bytes are, or a refusal naming what they seem to be."""
    with open(path, "rb") as f:
        head = f.read(SNIFF)
    kind = filetype.guess(head)
    mime = kind.mime if kind else "unknown"
    if mime == "application/pdf":
        check_pdf(path)
        return MediaType.PDF
    if mime == "image/jpeg":
        return MediaType.JPEG
    if mime == "image/png":
        return MediaType.PNG
    if head.startswith(b"PK\x03\x04"):
        return inspected_zip(path)
    raise TypeNotAccepted(mime)


def check_pdf(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as f:
        f.seek(max(0, size - PDF_TAIL))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise TruncatedFile("PDF")


def inspected_zip(path: Path) -> MediaType:
    """OFD, DOCX or XLSX, judged from the zip's central directory alone: bounded in entries,
    declared size and compression ratio, so a bomb is refused before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TruncatedFile("压缩包 zip") from None
    if len(entries) > ZIP_ENTRIES:
        raise SuspiciousArchive(f"条目超过{ZIP_ENTRIES}个", f"more than {ZIP_ENTRIES} entries")
    total = sum(e.file_size for e in entries)
    if total > ZIP_UNCOMPRESSED:
        raise SuspiciousArchive("解压后体积过大", "too large once inflated")
    for e in entries:
        if e.file_size > ZIP_RATIO_FROM and e.file_size > ZIP_RATIO * max(e.compress_size, 1):
            raise SuspiciousArchive("压缩比异常(疑似压缩炸弹)", "compression ratio of a zip bomb")
    names = {e.filename for e in entries}
    if "OFD.xml" in names:
        return MediaType.OFD
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return MediaType.DOCX
        if any(n.startswith("xl/") for n in names):
            return MediaType.XLSX
    raise TypeNotAccepted("application/zip")


def reencoded(path: Path, media: MediaType) -> tuple[str, int]:
    """The image decoded, turned upright and written again without its metadata (EXIF, with
    any GPS location, and text chunks): the new file's hash and size."""
    image = _opened(path)
    upright = ImageOps.exif_transpose(image)
    temp = path.with_suffix(".clean")
    with open(temp, "xb") as out:
        if media is MediaType.JPEG:
            rgb = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
            rgb.save(out, "JPEG", quality=92, icc_profile=image.info.get("icc_profile"))
        else:
            upright.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
        fsynced(out)
    os.replace(temp, path)
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest(), path.stat().st_size


def make_thumbnail(path: Path, thumbnail: Path) -> bool:
    """A JPEG of at most 320 px a side (a JPEG is decoded at a reduced scale to make it)."""
    image = _opened(path, draft=(THUMBNAIL[0] * 2, THUMBNAIL[1] * 2))
    try:
        small = image.convert("RGB")
        small.thumbnail(THUMBNAIL)
    except (OSError, ValueError):
        raise UnreadableImage() from None
    with open(thumbnail, "xb") as out:
        small.save(out, "JPEG", quality=85)
        fsynced(out)
    return True


def _opened(path: Path, draft: tuple[int, int] | None = None) -> Image.Image:
    """The decoded image; refused before decoding when it has more pixels than allowed."""
    Image.MAX_IMAGE_PIXELS = IMAGE_PIXELS
    try:
        image = Image.open(path)
        if image.width * image.height > IMAGE_PIXELS:
            raise UnreadableImage()
        if draft is not None and image.format == "JPEG":
            image.draft("RGB", draft)
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise UnreadableImage() from None
    return image
