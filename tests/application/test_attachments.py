"""Evidence kept with the record: a platform attaches the minutes to a consultation, a unit a
photo of the work done (personal data, sealed with its subject's key) to its progress report;
the log holds each file's hash, the store its bytes; an attachment is withdrawn with a reason;
erasing the subject leaves the stored file as hashed, and unreadable."""

from __future__ import annotations

import hashlib
from uuid import uuid4

import pytest

from application.app import Yishiting
from application.attachments.refusals import PersonalDataErased, UploadNotFound
from application.permissions import NotPermitted, OutOfReach
from application.receipts import Command
from domain.attachment import Attachment
from domain.base import Actor
from domain.errors import MissingReason, WrongState
from domain.vocabulary import AttachmentOwner, Role
from tests.support import files
from tests.support.district import ADMIN, District


def uploaded(app: Yishiting, command: Command, name: str, data: bytes) -> str:
    with app.receive(command.actor, name) as intake:
        for start in range(0, len(data), 4096):
            intake.write(data[start : start + 4096])
        return intake.finish().id


def read_back(app: Yishiting, attachment: Attachment, thumbnail: bool = False) -> bytes:
    sha256 = attachment.thumbnail_sha256 if thumbnail else attachment.sha256
    return b"".join(app.attachment_bytes(sha256, attachment.data_subject_id))


def test_a_platform_attaches_the_minutes_to_a_consultation(
    app: Yishiting, district: District
) -> None:
    consultation_id, _ = district.held_consultation()
    minutes = files.pdf("协商纪要")
    upload_id = uploaded(app, district.staff, "../../协商纪要.pdf", minutes)
    outcome = app.add_attachment(
        district.staff,
        owner_kind=AttachmentOwner.CONSULTATION,
        owner_id=consultation_id,
        upload_id=upload_id,
    )
    attachment = app.load(Attachment, outcome.id)
    assert attachment.file_name == "协商纪要.pdf"
    assert attachment.sha256 == hashlib.sha256(minutes).hexdigest()
    assert attachment.size == len(minutes)
    assert attachment.media_type.code == "application/pdf"
    assert not attachment.personal_data
    assert app.attachments.digest_of(attachment.sha256) == attachment.sha256
    assert read_back(app, attachment) == minutes
    with pytest.raises(UploadNotFound):  # an upload is attached once
        app.add_attachment(
            district.staff,
            owner_kind=AttachmentOwner.CONSULTATION,
            owner_id=consultation_id,
            upload_id=upload_id,
        )


def test_a_unit_attaches_a_photo_of_people_sealed_with_its_subjects_key_until_erased(
    app: Yishiting, district: District
) -> None:
    item_id = district.assigned_item()
    subject = uuid4().hex
    photo = files.jpeg_with_gps()
    outcome = app.add_attachment(
        district.unit,
        owner_kind=AttachmentOwner.PROGRESS_REPORT,
        owner_id=item_id,
        upload_id=uploaded(app, district.unit, "整改后.jpg", photo),
        personal_data=True,
        data_subject_id=subject,
    )
    attachment = app.load(Attachment, outcome.id)
    assert attachment.personal_data
    assert attachment.data_subject_id == subject
    assert attachment.thumbnail_sha256
    stored = b"".join(app.attachments.chunks(attachment.sha256))
    assert hashlib.sha256(stored).hexdigest() == attachment.sha256  # the ciphertext's hash
    assert b"JFIF" not in stored
    assert not stored.startswith(b"\xff\xd8")
    opened = read_back(app, attachment)
    assert opened.startswith(b"\xff\xd8")
    assert not files.has_gps(opened)
    assert read_back(app, attachment, thumbnail=True).startswith(b"\xff\xd8")

    app.erase_subject(Command(ADMIN), subject_id=subject, reason="本人申请删除")
    with pytest.raises(PersonalDataErased):
        read_back(app, attachment)
    assert app.attachments.digest_of(attachment.sha256) == attachment.sha256


def test_an_attachment_is_withdrawn_with_a_reason_once(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    outcome = app.add_attachment(
        district.staff,
        owner_kind=AttachmentOwner.MATTER,
        owner_id=topic_id,
        upload_id=uploaded(app, district.staff, "情况说明.docx", files.docx()),
    )
    with pytest.raises(MissingReason):
        app.withdraw_attachment(district.staff, outcome.id, reason=" ")
    app.withdraw_attachment(district.staff, outcome.id, reason="误传了另一事项的文件")
    withdrawn = app.load(Attachment, outcome.id)
    assert withdrawn.status.code == "withdrawn"
    assert app.attachments.has(withdrawn.sha256)  # the evidence stays, as the log does
    with pytest.raises(WrongState):
        app.withdraw_attachment(district.staff, outcome.id, reason="再撤一次")


def test_who_may_attach_to_what(app: Yishiting, district: District) -> None:
    topic_id = district.propose_hotline_matter()
    with pytest.raises(NotPermitted):  # a unit attaches to its progress reports only
        app.add_attachment(
            district.unit,
            owner_kind=AttachmentOwner.MATTER,
            owner_id=topic_id,
            upload_id=uploaded(app, district.unit, "a.pdf", files.pdf()),
        )
    elsewhere = Command(Actor("staff-x", "别处专员", Role.PLATFORM_STAFF, str(uuid4())))
    with pytest.raises(OutOfReach):
        app.add_attachment(
            elsewhere,
            owner_kind=AttachmentOwner.MATTER,
            owner_id=topic_id,
            upload_id=uploaded(app, elsewhere, "b.pdf", files.pdf()),
        )
    consultation_id = district.scheduled_consultation()
    with pytest.raises(WrongState):  # a report document once the consultation is reported
        app.add_attachment(
            district.staff,
            owner_kind=AttachmentOwner.REPORT,
            owner_id=consultation_id,
            upload_id=uploaded(app, district.staff, "c.pdf", files.pdf()),
        )
    someone_else = uploaded(app, district.unit, "d.pdf", files.pdf())
    with pytest.raises(UploadNotFound):  # an upload is its uploader's
        app.add_attachment(
            district.staff,
            owner_kind=AttachmentOwner.MATTER,
            owner_id=topic_id,
            upload_id=someone_else,
        )
