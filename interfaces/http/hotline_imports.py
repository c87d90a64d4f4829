"""POST /hotline/imports: a file of 12345 work orders (CSV or xlsx, multipart/form-data field
`file`) uploaded from the browser and imported as `yishiting import hotline` imports it: each
row taken in, found already there, or refused with its reason, in a per-row report. The file
is streamed to a temporary file under the import size limit and removed afterwards; a file
refused whole (type, size, encoding, columns) stores nothing. One upload counts one write
against the caller's write limit, however many rows it holds."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from python_multipart.multipart import MultipartParser

from application.core import check_may_run
from domain.base import Actor
from domain.errors import DomainError
from interfaces.edge.blocking import blocking
from interfaces.edge.consistency import views_reach_the_command
from interfaces.edge.envelope import envelope
from interfaces.http.attachments import FIELD, _boundary, _Parts
from interfaces.http.callers import from_domain, refusal, signed_in, system_of
from interfaces.intake.importer import ImportReport, RowOutcome, import_file
from interfaces.intake.reader import FORMATS, ImportLimits, UnreadableFile

router = APIRouter(prefix="/hotline", tags=["12345 hotline 热线对接"])
OUTCOME_LABELS = {"created": "已导入", "repeated": "已存在", "refused": "未导入"}


class _Sink:
    """Where the upload's bytes go: a temporary file, refused once over the size limit."""

    def __init__(self, file: IO[bytes], limits: ImportLimits) -> None:
        self.file = file
        self.limits = limits
        self.name = ""
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.limits.check_file_size(self.size)
        self.file.write(data)


@router.post("/imports", summary="导入12345工单文件 Import a file of 12345 work orders")
async def import_orders(request: Request, platform_id: str = "") -> JSONResponse:
    actor = await signed_in(request)
    system = system_of(request)
    try:
        check_may_run(actor, system.app.propose_hotline_order)
    except DomainError as error:
        raise from_domain(error) from None
    platform = _platform(platform_id, actor)
    _count_the_write(request, actor)
    limits = ImportLimits.of(system.settings)
    boundary = _boundary(request.headers.get("content-type", ""))
    with tempfile.TemporaryDirectory(prefix="yishiting-import-") as folder:
        path = Path(folder) / "orders"
        try:
            name = await _received(request, boundary, path, limits)
            kind = Path(name).suffix.lstrip(".").lower()
            if kind not in FORMATS:
                raise UnreadableFile(
                    "UNKNOWN_FORMAT",
                    f"不支持的文件类型:{name[:60]},请上传 CSV 或 xlsx 文件",
                    "upload a .csv or .xlsx file",
                )
            named = path.rename(path.with_suffix(f".{kind}"))  # openpyxl reads by the suffix
            report: ImportReport = await blocking(
                import_file, system.app, named, platform, kind, actor=actor, limits=limits
            )
        except UnreadableFile as error:
            status = 413 if error.code == "FILE_TOO_LARGE" else 400
            raise refusal(status, error.message, "BAD_USER_INPUT", error.code) from None
        except DomainError as error:
            raise from_domain(error) from None
    await views_reach_the_command(system, report.last_position or None)
    return JSONResponse(_answer(name, report))


def _answer(name: str, report: ImportReport) -> dict[str, Any]:
    return {
        "fileName": name,
        "rows": report.rows,
        "created": report.created,
        "repeated": report.repeated,
        "refused": len(report.errors),
        "summary": report.summary(),
        "report": [_row(o) for o in report.outcomes],
    }


def _row(outcome: RowOutcome) -> dict[str, Any]:
    return {
        "line": outcome.line,
        "ticket": outcome.ticket,
        "outcome": outcome.outcome,
        "label": OUTCOME_LABELS[outcome.outcome],
        "topicId": str(outcome.topic_id) if outcome.topic_id else None,
        "code": outcome.code,
        "message": outcome.message,
    }


async def _received(request: Request, boundary: bytes, path: Path, limits: ImportLimits) -> str:
    """Streams the `file` part into `path`; returns the file's name as the browser gave it."""
    with path.open("wb") as file:
        sink = _Sink(file, limits)
        parts = _Parts(sink)  # type: ignore[arg-type]  # any sink with `name` and `write`
        parser = MultipartParser(boundary, parts.callbacks())
        async for chunk in request.stream():
            parser.write(chunk)
            await parts.handover.hand_over()
        parser.finalize()
        await parts.handover.finish()
    if not parts.ended:
        raise _bad_upload("上传未完成(内容中断)", "the upload was cut short")
    if not parts.got_file:
        raise _bad_upload(
            f"请以 multipart/form-data 的“{FIELD}”字段上传文件",
            f"send the file as the multipart/form-data field '{FIELD}'",
        )
    return sink.name


def _platform(given: str, actor: Actor) -> UUID:
    """The platform named, else the caller's own (a platform's staff, an integration's scope)."""
    try:
        return UUID(given or actor.scope)
    except ValueError:
        if given:
            raise refusal(
                400,
                f"无效的平台编号:{given[:40]} (platform_id is not an id)",
                "BAD_USER_INPUT",
                "INVALID_ID",
            ) from None
        raise refusal(
            400,
            "须指明协商议事平台 platform_id (platform_id is required)",
            "BAD_USER_INPUT",
            "FIELD_REQUIRED",
        ) from None


def _count_the_write(request: Request, actor: Actor) -> None:
    limiter = getattr(request.app.state, "limiter", None)
    wait = limiter.wait_before(actor.id) if limiter is not None else 0.0
    if wait > 0:
        message = "操作过于频繁,请稍后再试 (too many writes; slow down)"
        raise HTTPException(
            429,
            detail=envelope(message, "RATE_LIMITED", "RATE_LIMITED"),
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


def _bad_upload(zh: str, en: str) -> Any:
    return refusal(400, f"{zh} ({en})", "BAD_USER_INPUT", "BAD_UPLOAD")
