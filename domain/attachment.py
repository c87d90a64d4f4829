"""A file kept as evidence of a record (minutes, 签到表, photos, 提案 and 办理回复 documents):
the log holds its hash, size, type and name; the bytes live in a content-addressed store."""

from __future__ import annotations

import re
import unicodedata
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Actor, HasStatus, Record, required_reason, text
from domain.errors import InvalidInput
from domain.vocabulary import AttachmentOwner, AttachmentStatus, MediaType

NAME_LIMIT = 200
SHA256 = re.compile(r"[0-9a-f]{64}")
# Every control character, the path separators, and what Windows refuses in a name.
NOT_IN_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\ud800-\udfff]')
NAMELESS = "附件"


def file_name(original: str | None) -> str:
    """The name a file is shown and downloaded under: its last path part only, without
    control or path characters, NFC, within the limit; never empty nor a dot-name."""
    last = re.split(r"[/\\]", unicodedata.normalize("NFC", original or ""))[-1]
    cleaned = NOT_IN_NAME.sub("", last).strip().lstrip(".").strip()
    if len(cleaned) > NAME_LIMIT:
        stem, dot, suffix = cleaned.rpartition(".")
        keep = NAME_LIMIT - len(suffix) - 1
        cleaned = (
            stem[:keep] + dot + suffix if dot and 0 < len(suffix) < 10 else cleaned[:NAME_LIMIT]
        )
    return cleaned or NAMELESS


class Attachment(HasStatus[AttachmentStatus], Record):
    """One attached file. Personal data (a 签到表, a photo of people) is stored encrypted with
    its data subject's key, and `sha256` is the hash of the stored (encrypted) bytes."""

    @event("AttachmentAdded")
    def __init__(
        self,
        *,
        owner_kind: AttachmentOwner,
        owner_id: UUID,
        sha256: str,
        size: int,
        media_type: MediaType,
        file_name: str,
        personal_data: bool,
        data_subject_id: str,
        thumbnail_sha256: str,
        actor: Actor,
    ) -> None:
        self.owner_kind = owner_kind
        self.owner_id = owner_id
        self.sha256 = sha256
        self.size = size
        self.media_type = media_type
        self.file_name = file_name
        self.personal_data = personal_data
        self.data_subject_id = data_subject_id
        self.thumbnail_sha256 = thumbnail_sha256
        self.status = AttachmentStatus.ATTACHED
        self.withdrawal_reason = ""

    @classmethod
    def add(
        cls,
        *,
        owner_kind: AttachmentOwner,
        owner_id: UUID,
        sha256: str,
        size: int,
        media_type: MediaType,
        name: str,
        actor: Actor,
        data_subject_id: str = "",
        thumbnail_sha256: str = "",
    ) -> Attachment:
        """`data_subject_id` marks the file as personal data of that subject."""
        for digest in (sha256, thumbnail_sha256 or "0" * 64):
            if not SHA256.fullmatch(digest):
                raise InvalidInput("文件摘要须为SHA-256", "a digest is SHA-256 hex", field="sha256")
        if size <= 0:
            raise InvalidInput("不能附加空文件", "an empty file cannot be attached", field="size")
        subject = text(data_subject_id, "subject", "数据主体编号", 100) if data_subject_id else ""
        return cls(
            owner_kind=owner_kind,
            owner_id=owner_id,
            sha256=sha256,
            size=size,
            media_type=media_type,
            file_name=file_name(name),
            personal_data=bool(subject),
            data_subject_id=subject,
            thumbnail_sha256=thumbnail_sha256,
            actor=actor,
        )

    def withdraw(self, *, reason: str, actor: Actor) -> None:
        self._require(AttachmentStatus.ATTACHED, what_zh="撤回附件", what_en="withdraw it")
        self._withdrawn(
            reason=required_reason(reason, "撤回附件", "withdrawing a file"), actor=actor
        )

    @event("AttachmentWithdrawn")
    def _withdrawn(self, *, reason: str, actor: Actor) -> None:
        self.status = AttachmentStatus.WITHDRAWN
        self.withdrawal_reason = reason
