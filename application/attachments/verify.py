"""`verify --attachments`: every file an AttachmentAdded event in the log names (and its
thumbnail) re-hashed in the store and compared with the hash the event recorded, which the
ledger covers. Each file missing, altered or swapped for another is named by its original
name, its owner and its hash."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.utils import get_topic

from application.attachments.store import AttachmentStore
from domain.attachment import Attachment

SCAN = 500
PROBLEMS = {
    "missing": ("缺失", "missing"),
    "altered": ("被改动", "altered"),
    "swapped": ("被替换为另一附件", "swapped"),
}


@dataclass(frozen=True)
class FileFinding:
    problem: str
    file_name: str
    owner_kind: str
    owner_id: str
    attachment_id: str
    sha256: str
    thumbnail: bool = False
    found: str | None = None
    """The hash of the bytes stored under that name now (None when missing)."""
    other: str = ""
    """For a swap: the name of the attached file whose bytes these are."""

    def __str__(self) -> str:
        zh, en = PROBLEMS[self.problem]
        what = f"“{self.file_name}”" + ("的缩略图 (thumbnail)" if self.thumbnail else "")
        swapped = f",内容为“{self.other}” (holds {self.other})" if self.other else ""
        found = f" found {self.found}" if self.found else ""
        return (
            f"附件{zh} {en}: {what} of {self.owner_kind} {self.owner_id}"
            f" (attachment {self.attachment_id}) sha256 {self.sha256}{found}{swapped}"
        )


@dataclass
class FilesReport:
    files_checked: int = 0
    findings: list[FileFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def attachment_events(app: Any) -> Iterator[Any]:
    """Every AttachmentAdded event in the log, in order, read from the stored events."""
    topics = [get_topic(Attachment.AttachmentAdded)]  # type: ignore[attr-defined]
    start = 0
    while True:
        batch = app.recorder.select_notifications(
            start=start, limit=SCAN, topics=topics, inclusive_of_start=False
        )
        for notification in batch:
            yield app.mapper.to_domain_event(notification)
        if len(batch) < SCAN:
            return
        start = batch[-1].id


def check_attached_files(app: Any, store: AttachmentStore) -> FilesReport:
    report = FilesReport()
    expected: list[tuple[Any, str, bool]] = []
    names: dict[str, str] = {}
    for event in attachment_events(app):
        expected.append((event, event.sha256, False))
        names.setdefault(event.sha256, event.file_name)
        if event.thumbnail_sha256:
            expected.append((event, event.thumbnail_sha256, True))
    for event, sha256, thumbnail in expected:
        report.files_checked += 1
        found = store.digest_of(sha256)
        if found == sha256:
            continue
        problem = "missing" if found is None else "swapped" if found in names else "altered"
        report.findings.append(
            FileFinding(
                problem,
                event.file_name,
                event.owner_kind.code,
                str(event.owner_id),
                str(event.originator_id),
                sha256,
                thumbnail,
                found,
                names.get(found, "") if found else "",
            )
        )
    return report
