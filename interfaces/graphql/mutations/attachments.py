"""Attach a file uploaded by POST /attachments (its `uploadId`) to a record; withdraw one with
a reason."""

from __future__ import annotations

import re
from typing import Any

import strawberry
from strawberry.types import Info

from domain.vocabulary import AttachmentOwner as Owner
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import bad_input, parse_id
from interfaces.graphql.attachments import Attachment, readable
from interfaces.graphql.mutations.base import Changed, CommandInput, execute, payload
from interfaces.graphql.terms import ENUMS, domain_value
from projections.reads.attachments import AttachmentReads

OwnerKind = ENUMS[Owner]
UPLOAD_ID = re.compile("[0-9a-f]{32}")


@strawberry.input
class AddAttachmentInput(CommandInput):
    owner_kind: OwnerKind = strawberry.field(  # type: ignore[valid-type]
        description="所属记录 matter 协商事项 / consultation 协商活动 / report 协商成果报送 /"
        " progress_report 办理进展(督办事项)"
    )
    owner_id: strawberry.ID = strawberry.field(
        description="所属记录编号(report 为协商活动,progress_report 为督办事项) The owner's id"
    )
    upload_id: str = strawberry.field(description="POST /attachments 返回的 uploadId")
    personal_data: bool = strawberry.field(
        default=False, description="含个人信息(签到表、人物照片):以数据主体密钥加密存储"
    )
    data_subject_id: str | None = strawberry.field(
        default=None,
        description="数据主体编号(缺省则为该文件新建一个) The data subject; a new one if none",
    )


@strawberry.input
class WithdrawAttachmentInput(CommandInput):
    attachment_id: strawberry.ID
    reason: str = strawberry.field(description="撤回理由 Why it is withdrawn")


@strawberry.type
class AttachmentPayload(Changed):
    @strawberry.field
    async def attachment(self, info: Info) -> Attachment | None:
        context: Any = info.context
        await context.views_show_own_writes()
        reads = AttachmentReads(context.system.queries)
        row = await blocking(reads.one, str(self.id), context.actor)
        if row is None:
            return None
        return Attachment.from_row(row, await blocking(readable, context.system, row))


@strawberry.type
class AttachmentMutations:
    @strawberry.mutation(description="附加文件 Attach an uploaded file to a record")
    async def add_attachment(self, info: Info, input: AddAttachmentInput) -> AttachmentPayload:
        app: Any = info.context.system.app
        owner_kind = domain_value(Owner, input.owner_kind)
        owner_id = parse_id(input.owner_id, "ownerId")
        if not UPLOAD_ID.fullmatch(input.upload_id):
            raise bad_input(
                f"无效的上传编号:{input.upload_id[:40]}",
                "'uploadId' is not an id POST /attachments gave",
                reason="INVALID_ID",
                field="uploadId",
            )
        outcome = await execute(
            info,
            input,
            lambda c: app.add_attachment(
                c,
                owner_kind=owner_kind,
                owner_id=owner_id,
                upload_id=input.upload_id,
                personal_data=input.personal_data,
                data_subject_id=input.data_subject_id or "",
            ),
        )
        return payload(AttachmentPayload, outcome)  # type: ignore[return-value]

    @strawberry.mutation(description="撤回附件(须说明理由) Withdraw an attached file")
    async def withdraw_attachment(
        self, info: Info, input: WithdrawAttachmentInput
    ) -> AttachmentPayload:
        app: Any = info.context.system.app
        attachment_id = parse_id(input.attachment_id, "attachmentId")
        outcome = await execute(
            info, input, lambda c: app.withdraw_attachment(c, attachment_id, reason=input.reason)
        )
        return payload(AttachmentPayload, outcome)  # type: ignore[return-value]
