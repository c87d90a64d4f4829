"""The erasure use case: record the decision, then destroy the subject's key. An erasure whose
key could not be destroyed (another session held it, or the process died in between) stays
recorded; running the same erasure again, or `complete_erasures` at start-up, finishes it."""

from __future__ import annotations

import logging

from application.core import Core, use_case
from application.key_tables import KeyStillInUse
from application.permissions import R
from application.publishing.catalogue import CATALOGUE
from application.receipts import Command, Outcome
from application.storage import STORAGE_UNAVAILABLE
from domain.base import Record
from domain.erasure import Erasure
from domain.errors import DomainError

SCAN = 1000
log = logging.getLogger("yishiting.erasure")
# What stops the start-up check without stopping the start: a key still held, no database.
NOT_NOW: tuple[type[Exception], ...] = (DomainError, *STORAGE_UNAVAILABLE)


class AlreadyErased(DomainError):
    kind = "CONFLICT"
    code = "ALREADY_ERASED"

    def __init__(self, subject_id: str) -> None:
        super().__init__(
            f"该数据主体的个人信息已删除:{subject_id}",
            f"personal data of subject {subject_id} was already erased",
        )


class ErasureIncomplete(DomainError):
    kind = "CONFLICT"
    code = "ERASURE_INCOMPLETE"

    def __init__(self, subject_id: str) -> None:
        super().__init__(
            f"删除决定已记录,但数据主体 {subject_id} 的密钥正被占用、尚未销毁;"
            "请稍后再次执行同一删除以完成",
            f"the erasure of subject {subject_id} is recorded, but its key is in use and was "
            "not destroyed yet; run the same erasure again to complete it",
            subject_id=subject_id,
        )


class ErasureUseCases(Core):
    def erase_subject(self, command: Command, *, subject_id: str, reason: str) -> Outcome:
        """Records who erased the subject and why, then destroys their key: from then on their
        personal data reads as 已删除 in events, snapshots, views, feed and exports, in every
        process. An erasure recorded earlier but left unfinished is completed instead."""
        try:
            outcome = self.record_erasure(command, subject_id=subject_id, reason=reason)
        except AlreadyErased:
            if self.subject_keys.erasure_complete(subject_id):
                raise
            outcome = Outcome(Erasure.create_id(subject_id), 1, None)
        self._destroy_key(subject_id)
        return outcome

    @use_case(R.ADMIN)
    def record_erasure(self, command: Command, *, subject_id: str, reason: str) -> list[Record]:
        if Erasure.create_id(subject_id) in self.repository:
            raise AlreadyErased(subject_id)
        return [Erasure.record(subject_id=subject_id, reason=reason, actor=command.actor)]

    def complete_erasures(self) -> list[str]:
        """Finds erasures recorded in the log whose keys were not destroyed, and destroys them
        (ErasureIncomplete when one is still held); the subjects it completed."""
        unfinished = self.subject_keys.unfinished(self.erased_subjects())
        for subject_id in unfinished:
            self._destroy_key(subject_id)
        try:
            self.subject_keys.finish_shredding()
        except KeyStillInUse as held:
            raise ErasureIncomplete(str(held) or "-") from None
        return unfinished

    def erased_subjects(self) -> list[str]:
        """Every subject whose erasure the log records, in the order recorded."""
        topics = [p.topic for p in CATALOGUE.values() if p.aggregate is Erasure]
        subjects: list[str] = []
        start = 0
        while True:
            batch = self.recorder.select_notifications(
                start, SCAN, topics=topics, inclusive_of_start=False
            )
            subjects.extend(str(vars(self.mapper.to_domain_event(n))["subject_id"]) for n in batch)
            if len(batch) < SCAN:
                return subjects
            start = batch[-1].id

    def _destroy_key(self, subject_id: str) -> None:
        try:
            self.subject_keys.erase(subject_id)
        except KeyStillInUse:
            raise ErasureIncomplete(subject_id) from None


def complete_erasures_at_start(app: ErasureUseCases) -> list[str]:
    """The start-up check of a serving or projecting process: interrupted erasures completed,
    a key still held only logged (the process starts; `yishiting erase --repair` retries)."""
    try:
        completed = app.complete_erasures()
    except NOT_NOW as error:
        log.warning("interrupted erasures not completed at start: %s", error)
        return []
    if completed:
        log.warning("completed %d interrupted erasure(s) at start", len(completed))
    return completed
