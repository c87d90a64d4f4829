"""`yishiting verify --attachments`, run as the discipline office runs it (its own process), on
SQLite and PostgreSQL: every attached file re-hashed against the hash its event recorded; a
flipped byte, a deleted file and a file swapped for another each named by its original name
and owner; an erased subject's sealed file still verifies (its ciphertext was hashed)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from application.attachments.refusals import PersonalDataErased
from application.receipts import Command
from application.settings import Settings
from domain.attachment import Attachment
from domain.vocabulary import AttachmentOwner
from interfaces.bootstrap import System, bootstrap
from tests.support import files
from tests.support.district import ADMIN, District


@dataclass
class Deployment:
    system: System
    district: District
    env: dict[str, str]
    cwd: Path

    def attach(self, name: str, data: bytes, subject: str = "") -> Attachment:
        d = self.district
        with d.app.receive(d.staff.actor, name) as intake:
            intake.write(data)
            upload_id = intake.finish().id
        outcome = d.app.add_attachment(
            d.staff,
            owner_kind=AttachmentOwner.MATTER,
            owner_id=self.matter,
            upload_id=upload_id,
            personal_data=bool(subject),
            data_subject_id=subject,
        )
        return d.app.load(Attachment, outcome.id)

    @property
    def matter(self) -> UUID:
        if not hasattr(self, "_matter"):
            self._matter = self.district.propose_hotline_matter()
        return self._matter

    def verify(self) -> tuple[int, str]:
        self.system.projector.catch_up()
        script = Path(sys.executable).with_name("yishiting")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("YISHITING_")}
        done = subprocess.run(
            [str(script), "verify", "--attachments"],
            env={**clean, "COLUMNS": "400", **self.env},
            cwd=self.cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, " ".join((done.stdout + done.stderr).split())

    def blob(self, sha256: str) -> Path:
        return self.system.app.attachments.path_of(sha256)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    url = (
        f"sqlite:///{tmp_path}/yishiting.db"
        if request.param == "sqlite"
        else str(request.getfixturevalue("postgres_url"))
    )
    env = {
        "YISHITING_DATABASE_URL": url,
        "YISHITING_LEDGER_KEY_FILE": str(tmp_path / "ledger.pem"),
        "YISHITING_EVENT_KEY_FILE": str(tmp_path / "event.key"),
        "YISHITING_ATTACHMENT_STORE": str(tmp_path / "attachments"),
    }
    settings = Settings(
        database_url=url,
        ledger_key_file=env["YISHITING_LEDGER_KEY_FILE"],
        event_key_file=env["YISHITING_EVENT_KEY_FILE"],
        attachment_store=env["YISHITING_ATTACHMENT_STORE"],
    )
    system = bootstrap(settings)
    try:
        yield Deployment(system, District.build(system.app), env, tmp_path)
    finally:
        system.close()


def test_verify_names_a_flipped_byte_a_deleted_file_and_a_swapped_one(
    deployment: Deployment,
) -> None:
    minutes = deployment.attach("协商纪要.pdf", files.pdf())
    reply = deployment.attach("办理回复.docx", files.docx())
    photo = deployment.attach("现场照片.jpg", files.jpeg_with_gps())
    sheet = deployment.attach("签到表.xlsx", files.xlsx())
    status, said = deployment.verify()
    assert status == 0, said
    assert "附件核验通过" in said
    assert "5 个文件" in said  # four files and the photo's thumbnail

    flipped = bytearray(deployment.blob(minutes.sha256).read_bytes())
    flipped[len(flipped) // 2] ^= 0x01
    deployment.blob(minutes.sha256).write_bytes(bytes(flipped))
    deployment.blob(reply.sha256).unlink()
    # The photo's file replaced by the sign-in sheet's bytes (both attached files).
    deployment.blob(photo.sha256).write_bytes(deployment.blob(sheet.sha256).read_bytes())

    status, said = deployment.verify()
    assert status == 1, said
    assert "附件核验失败" in said
    matter = str(deployment.matter)
    assert f"附件被改动 altered: “协商纪要.pdf” of matter {matter}" in said
    assert minutes.sha256 in said
    assert f"附件缺失 missing: “办理回复.docx” of matter {matter}" in said
    assert reply.sha256 in said
    assert f"附件被替换为另一附件 swapped: “现场照片.jpg” of matter {matter}" in said
    assert "内容为“签到表.xlsx”" in said


def test_an_erased_subjects_file_is_unreadable_and_still_verifies(deployment: Deployment) -> None:
    subject = uuid4().hex
    sheet = deployment.attach("签到表.xlsx", files.xlsx(), subject=subject)
    app = deployment.system.app
    assert b"".join(app.attachment_bytes(sheet.sha256, subject)) == files.xlsx()

    app.erase_subject(Command(ADMIN), subject_id=subject, reason="本人申请删除")

    with pytest.raises(PersonalDataErased):
        b"".join(app.attachment_bytes(sheet.sha256, subject))
    status, said = deployment.verify()
    assert status == 0, said
    assert "附件核验通过" in said
