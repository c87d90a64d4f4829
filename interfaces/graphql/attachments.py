"""Attached files in GraphQL, listed on the record they belong to: metadata and links, never
the bytes (interfaces/graphql/mutations/attachments.py attaches and withdraws them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from interfaces.edge.blocking import blocking
from interfaces.graphql.times import moment
from projections.reads.attachments import AttachmentReads
from projections.store import Row


@strawberry.type(description="附件 An attached file (its metadata; the bytes by downloadUrl)")
class Attachment:
    id: strawberry.ID
    name: str = strawberry.field(description="文件名 The file's name (restricted: the placeholder)")
    media_type: str = strawberry.field(description="文件类型(按内容识别) Sniffed media type")
    size: int = strawberry.field(description="存储字节数 Stored size in bytes")
    sha256: str = strawberry.field(description="存储内容的SHA-256 SHA-256 of the stored bytes")
    added_at: datetime = strawberry.field(description="附加时间 When it was attached")
    added_by: str = strawberry.field(description="附加人 Who attached it")
    personal_data: bool = strawberry.field(description="含个人信息(加密存储) Personal data")
    readable: bool = strawberry.field(
        description="本人能否下载 Whether you may download it (not restricted, cleared for "
        "its personal data, and its data subject not erased)"
    )
    restricted: bool = strawberry.field(description="内容已按规定限制 Restricted matter's file")
    download_url: str = strawberry.field(description="下载地址 Download link")
    thumbnail_url: str | None = strawberry.field(description="缩略图(图片) Thumbnail link")
    owner_kind: str = strawberry.field(description="所属记录类型 Owner kind code")
    owner_id: strawberry.ID

    @classmethod
    def from_row(cls, row: Row, readable: bool) -> Attachment:
        base = f"/attachments/{row['id']}"
        return cls(
            id=strawberry.ID(row["id"]),
            name=row["file_name"],
            media_type=row["media_type"],
            size=row["size"],
            sha256=row["sha256"],
            added_at=moment(row["added_at"]),
            added_by=row["added_by_name"],
            personal_data=bool(row["personal_data"]),
            readable=readable,
            restricted=row["restricted"],
            download_url=f"{base}/content",
            thumbnail_url=f"{base}/thumbnail" if row["thumbnail_sha256"] else None,
            owner_kind=row["owner_kind"],
            owner_id=strawberry.ID(row["owner_id"]),
        )


async def attachments_of(info: Info, owner_id: str) -> list[Attachment]:
    """The files on a record the caller reads (the record's resolver has checked that)."""
    context: Any = info.context
    system, actor = context.system, context.actor
    rows = await blocking(AttachmentReads(system.queries).of_owner, owner_id, actor)
    return [Attachment.from_row(r, await blocking(readable, system, r)) for r in rows]


def readable(system: Any, row: Row) -> bool:
    if not row["servable"]:
        return False
    subject = row["data_subject_id"] if row["personal_data"] else ""
    return not subject or system.app.subject_keys.key_for_opening(subject) is not None
