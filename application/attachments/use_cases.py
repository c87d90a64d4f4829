"""Use cases for attached files: attach a checked upload to a matter, a consultation, its
report or a supervision item's progress, and withdraw it with a reason."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

from application.attachments.intake import CONTENT, THUMB, Intake, pending
from application.attachments.refusals import PersonalDataErased
from application.attachments.sealed import UnreadableSealedFile, open_stream, seal_stream
from application.attachments.store import AttachmentStore, fsynced
from application.core import Core, use_case
from application.permissions import NotPermitted, R, Reach
from application.receipts import Command
from domain.attachment import Attachment
from domain.base import Actor, Record, text
from domain.consultation import Consultation
from domain.erasure import SUBJECT_ID_LIMIT
from domain.errors import WrongState
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import AttachmentOwner, Role

K = AttachmentOwner
OWNER_RECORDS: dict[AttachmentOwner, type[Record]] = {
    K.MATTER: Topic,
    K.CONSULTATION: Consultation,
    K.REPORT: Consultation,
    K.PROGRESS_REPORT: SupervisionItem,
}
# Platform staff keep the platform's records; a unit attaches to its own progress reports.
ATTACHES_TO: dict[Role, frozenset[AttachmentOwner]] = {
    R.PLATFORM_STAFF: frozenset({K.MATTER, K.CONSULTATION, K.REPORT, K.PROGRESS_REPORT}),
    R.UNIT: frozenset({K.PROGRESS_REPORT}),
}


class AttachmentUseCases(Core):
    attachments: AttachmentStore

    def receive(self, actor: Actor, name: str) -> Intake:
        """A new upload of `actor`'s, to be written chunk by chunk within the size limit."""
        return Intake(
            self.attachments,
            name=name,
            limit=self.settings.attachment_max_bytes,
            actor_id=actor.id,
        )

    @use_case(R.PLATFORM_STAFF, R.UNIT, acts_outside_the_log=True)  # moves the upload's file
    def add_attachment(
        self,
        command: Command,
        *,
        owner_kind: AttachmentOwner,
        owner_id: UUID,
        upload_id: str,
        personal_data: bool = False,
        data_subject_id: str = "",
    ) -> list[Record]:
        """`personal_data`: sealed with the key of `data_subject_id` (a new subject when none
        is named: its id is recorded, for erasure); a subject named marks the file as his."""
        named = (
            text(data_subject_id, "dataSubjectId", "数据主体编号", SUBJECT_ID_LIMIT)
            if data_subject_id
            else ""
        )
        self._check_owner(command, owner_kind, owner_id)
        upload, folder = pending(self.attachments, upload_id, command.actor.id)
        subject = named or (uuid4().hex if personal_data else "")
        received = None if subject else (upload.sha256, upload.size)
        sha256, size = self._stored(folder / CONTENT, subject, received)
        thumbnail = self._stored(folder / THUMB, subject)[0] if upload.has_thumbnail else ""
        # Not before: a save that fails (a conflict, the database away) keeps the upload, to be
        # attached again under the same upload id rather than sent again.
        self.once_saved(lambda: shutil.rmtree(folder, ignore_errors=True))
        return [
            Attachment.add(
                owner_kind=owner_kind,
                owner_id=owner_id,
                sha256=sha256,
                size=size,
                media_type=upload.media,
                name=upload.name,
                actor=command.actor,
                data_subject_id=subject,
                thumbnail_sha256=thumbnail,
            )
        ]

    @use_case(R.PLATFORM_STAFF, R.UNIT)
    def withdraw_attachment(
        self, command: Command, attachment_id: UUID, *, reason: str
    ) -> list[Record]:
        attachment = self.load(Attachment, attachment_id, command)
        self._check_owner(command, attachment.owner_kind, attachment.owner_id)
        attachment.withdraw(reason=reason, actor=command.actor)
        return [attachment]

    def attachment_bytes(self, sha256: str, data_subject_id: str = "") -> Iterator[bytes]:
        """A stored file as attached: opened with its data subject's key when it was sealed
        (`data_subject_id`); PersonalDataErased once the subject was erased. Checks nothing
        about the reader (the interfaces do, projections/reads/attachments.py)."""
        if not data_subject_id:
            return self.attachments.chunks(sha256)
        key = self.subject_keys.key_for_opening(data_subject_id)
        if key is None:
            raise PersonalDataErased()
        blob = self.attachments.open(sha256)
        try:
            opened = open_stream(key, data_subject_id, blob)
            head = next(opened, b"")  # a wrong key refuses here, before a response starts
        except UnreadableSealedFile:
            blob.close()
            raise PersonalDataErased() from None
        return _then_close(head, opened, blob)

    def _check_owner(self, command: Command, kind: AttachmentOwner, owner_id: UUID) -> None:
        actor = command.actor
        if actor.role in ATTACHES_TO and kind not in ATTACHES_TO[actor.role]:
            raise NotPermitted(f"attach files to a {kind.code}", actor.role)
        owner = self.load(OWNER_RECORDS[kind], owner_id)
        if isinstance(owner, Topic):
            self.authorize(command, Reach(platform_id=owner.platform_id))
        elif isinstance(owner, Consultation):
            if kind is K.REPORT and not owner.reports:
                raise WrongState(
                    "附加报送文件(尚未报送)",
                    "attach a report document (not reported yet)",
                    owner.status.label,
                    owner.status.code,
                )
            self.authorize(command, Reach(platform_id=owner.platform_id))
        elif isinstance(owner, SupervisionItem):
            self.authorize(command, Reach(platform_id=owner.platform_id, unit_id=owner.unit_id))

    def _stored(
        self, plain: Path, subject: str, received: tuple[str, int] | None = None
    ) -> tuple[str, int]:
        """Links the checked file into the store, sealed first when it is personal data: the
        stored bytes' hash and size (of the ciphertext when sealed, so `verify` holds after
        an erasure). `received`: the hash and size the intake took of these very bytes as it
        wrote them into the server's own tmp/ (hashing 10 MB again cost 10 ms of an upload's
        80; `verify --attachments` re-hashes every stored file against its event all the
        same)."""
        if received is not None:
            self.attachments.keep(plain, received[0], leave=True)
            return received
        path = plain
        if subject:
            key = self.subject_keys.key_for_sealing(subject)
            if key is None:
                raise PersonalDataErased()
            out, path = self.attachments.temp_file(".sealed")
            with out, open(plain, "rb") as source:
                seal_stream(key, subject, source, out)
                fsynced(out)
        with open(path, "rb") as stored:
            sha256 = hashlib.file_digest(stored, "sha256").hexdigest()
        size = path.stat().st_size
        # The upload's own file stays until the attachment is saved (`add_attachment`).
        self.attachments.keep(path, sha256, leave=path == plain)
        return sha256, size


def _then_close(head: bytes, rest: Iterator[bytes], blob: object) -> Iterator[bytes]:
    try:
        yield head
        yield from rest
    finally:
        blob.close()  # type: ignore[attr-defined]
