"""POST /attachments: a file streamed in as multipart/form-data (field `file`), checked and
kept as a pending upload of the caller's; the GraphQL mutation `addAttachment` then attaches it
by its `uploadId`. GET /attachments/{id}/content and /thumbnail: the file, to a reader of the
record it belongs to, always as a download (never rendered inline), by the same doors as
/graphql (a cookie session's upload needs its CSRF token, as every change does)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from python_multipart.multipart import MultipartParser, parse_options_header

from application.attachments.intake import Intake, Upload
from application.attachments.refusals import FileTooLarge, PersonalDataErased
from domain.base import Actor
from domain.errors import DomainError
from interfaces.edge.blocking import blocking
from interfaces.http.callers import from_domain, refusal, signed_in, system_of
from projections.reads.attachments import AttachmentReads

router = APIRouter(prefix="/attachments", tags=["attachments 附件"])
FIELD = "file"
HEADER_LIMIT = 16 * 1024
# At most this much read ahead of the write in progress. In memory at once: what is gathered,
# its joined copy and the parser's chunk, about 2 × HAND_OVER (1 MiB made 2.2 MB, and a test
# bounding an upload's allocations at 2.6 MB failed whenever other threads allocated too).
HAND_OVER = 256 * 1024
THUMBNAIL_TYPE = "image/jpeg"


@router.post("", summary="上传附件(流式) Upload a file, streamed; attach it with addAttachment")
async def upload(request: Request) -> JSONResponse:
    actor = await signed_in(request)
    boundary = _boundary(request.headers.get("content-type", ""))
    app = system_of(request).app
    try:
        received = await _received(request, boundary, actor, app)
    except FileTooLarge as error:
        raise from_domain_as(413, error) from None
    except DomainError as error:
        raise from_domain(error) from None
    return JSONResponse(
        {
            "uploadId": received.id,
            "sha256": received.sha256,
            "size": received.size,
            "mediaType": received.media_type,
            "name": received.name,
            "thumbnail": received.has_thumbnail,
        },
        status_code=201,
    )


@router.get("/{attachment_id}/content", summary="下载附件 Download an attached file")
async def content(attachment_id: str, request: Request) -> StreamingResponse:
    return await _download(attachment_id, request, thumbnail=False)


@router.get("/{attachment_id}/thumbnail", summary="附件缩略图 An attached image's thumbnail")
async def thumbnail(attachment_id: str, request: Request) -> StreamingResponse:
    return await _download(attachment_id, request, thumbnail=True)


class _Handover:
    """The file's bytes, written into the intake by a worker thread while the event loop
    reads the next ones off the connection (hashing and writing release the GIL: the two
    overlap on two cores). One write at a time, in order; while it runs, what arrives is
    gathered, up to HAND_OVER bytes, and handed over as one write."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.gathered: list[bytes] = []
        self.gathered_bytes = 0
        self.writing: asyncio.Future[None] | None = None

    def add(self, data: bytes) -> None:
        self.gathered.append(data)
        self.gathered_bytes += len(data)

    async def hand_over(self) -> None:
        if self.writing is not None:
            if not self.writing.done() and self.gathered_bytes < HAND_OVER:
                return
            await self._written()
        if self.gathered:
            data = b"".join(self.gathered)
            self.gathered, self.gathered_bytes = [], 0
            self.writing = asyncio.ensure_future(blocking(self.intake.write, data))
            # Retrieved here too: a connection dropped mid-write leaves no one awaiting it.
            self.writing.add_done_callback(_retrieved)

    async def finish(self) -> None:
        await self._written()
        await self.hand_over()
        await self._written()

    async def _written(self) -> None:
        writing, self.writing = self.writing, None
        if writing is not None:
            await writing


def _retrieved(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


class _Parts:
    """The multipart body's parts, as a push parser hands them over: the first part named
    `file` goes to the intake chunk by chunk; other parts are skipped (bounded headers)."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.handover = _Handover(intake)
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.header_bytes = 0
        self.into_file = False
        self.got_file = False
        self.ended = False

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.field,
            "on_header_value": self.value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.data,
            "on_part_end": self.part_end,
            "on_end": self.end,
        }

    def part_begin(self) -> None:
        self.headers, self.header_field, self.header_value = {}, b"", b""

    def field(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self.header_field += data[start:end]

    def value(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        named = options.get(b"name") == FIELD.encode()
        self.into_file = named and not self.got_file and b"filename" in options
        if self.into_file:
            self.got_file = True
            self.intake.name = _file_name(options[b"filename"])

    def data(self, data: bytes, start: int, end: int) -> None:
        if self.into_file:
            self.handover.add(data[start:end])

    def part_end(self) -> None:
        self.into_file = False

    def end(self) -> None:
        self.ended = True

    def _count(self, n: int) -> None:
        self.header_bytes += n
        if self.header_bytes > HEADER_LIMIT:
            raise _bad_request("多段表单的头部过长", "the multipart headers are too long")


async def _received(request: Request, boundary: bytes, actor: Actor, app: Any) -> Upload:
    with app.receive(actor, "") as intake:
        parts = _Parts(intake)
        parser = MultipartParser(boundary, parts.callbacks())
        async for chunk in request.stream():
            parser.write(chunk)
            await parts.handover.hand_over()
        parser.finalize()
        await parts.handover.finish()
        if not parts.ended:  # the body stopped before its closing boundary
            raise _bad_request("上传未完成(内容中断)", "the upload was cut short")
        if not parts.got_file:
            raise _bad_request(
                f"请以 multipart/form-data 的“{FIELD}”字段上传文件",
                f"send the file as the multipart/form-data field '{FIELD}'",
            )
        upload: Upload = await blocking(intake.finish)
        return upload


async def _download(attachment_id: str, request: Request, *, thumbnail: bool) -> StreamingResponse:
    actor = await signed_in(request)
    system = system_of(request)
    row = await blocking(AttachmentReads(system.queries).one, _id(attachment_id), actor)
    if row is None or (thumbnail and not row["thumbnail_sha256"]):
        raise refusal(
            404,
            "找不到该记录,或无权查看 (no such record, or not visible to you)",
            "NOT_FOUND",
            "NOT_FOUND",
        )
    if not row["servable"]:
        raise _not_servable(row)
    sha256 = row["thumbnail_sha256"] if thumbnail else row["sha256"]
    subject = row["data_subject_id"] if row["personal_data"] else ""
    try:
        chunks: Iterator[bytes] = await blocking(system.app.attachment_bytes, sha256, subject)
    except PersonalDataErased as error:
        raise from_domain_as(410, error) from None
    except FileNotFoundError:
        raise refusal(
            500,
            "附件文件缺失,请联系管理员核验 (the stored file is missing; run verify --attachments)",
            "INTERNAL_SERVER_ERROR",
            "ATTACHMENT_MISSING",
        ) from None
    name = f"{row['file_name']}-缩略图.jpg" if thumbnail else row["file_name"]
    headers = {
        "Content-Disposition": disposition(name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
    if not subject and not thumbnail:
        headers["Content-Length"] = str(row["size"])
    media_type = THUMBNAIL_TYPE if thumbnail else row["media_type"]
    return StreamingResponse(chunks, media_type=media_type, headers=headers)


def disposition(name: str) -> str:
    """Always a download: an ASCII fallback name and the real one (RFC 5987/6266)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return f"attachment; filename=\"{fallback or 'attachment'}\"; filename*=UTF-8''{quote(name)}"


def from_domain_as(status: int, error: DomainError) -> Any:
    refused = from_domain(error)
    refused.status_code = status
    return refused


def _not_servable(row: dict[str, Any]) -> Any:
    if row["status"] != "attached":
        return refusal(410, "附件已撤回 (the file was withdrawn)", "NOT_FOUND", "WITHDRAWN")
    if row["restricted"]:
        return refusal(
            403,
            "内容已按规定限制,无权下载 (content restricted by regulation)",
            "FORBIDDEN",
            "CONTENT_RESTRICTED",
        )
    return refusal(
        403,
        "该文件含个人信息,无权下载 (the file carries personal data you may not read)",
        "FORBIDDEN",
        "PERSONAL_DATA",
    )


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary", b"")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise _bad_request(
            "请以 multipart/form-data 上传", "upload as multipart/form-data with a boundary"
        )
    return boundary


def _file_name(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _id(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        return ""


def _bad_request(zh: str, en: str) -> Any:
    return refusal(400, f"{zh} ({en})", "BAD_USER_INPUT", "BAD_UPLOAD")
