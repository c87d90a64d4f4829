"""The erasure use case: record the decision, then destroy the subject's key."""

from __future__ import annotations

from application.core import Core, use_case
from application.receipts import Command, Outcome
from domain.base import Record
from domain.erasure import Erasure
from domain.errors import DomainError


class AlreadyErased(DomainError):
    kind = "CONFLICT"
    code = "ALREADY_ERASED"

    def __init__(self, subject_id: str) -> None:
        super().__init__(
            f"该数据主体的个人信息已删除:{subject_id}",
            f"personal data of subject {subject_id} was already erased",
        )


class ErasureUseCases(Core):
    def erase_subject(self, command: Command, *, subject_id: str, reason: str) -> Outcome:
        """Records who erased the subject and why, then destroys their key: from then on their
        personal data reads as 已删除 in events, snapshots, views, feed and exports."""
        outcome = self.record_erasure(command, subject_id=subject_id, reason=reason)
        self.subject_keys.erase(subject_id)
        return outcome

    @use_case
    def record_erasure(self, command: Command, *, subject_id: str, reason: str) -> list[Record]:
        if Erasure.create_id(subject_id) in self.repository:
            raise AlreadyErased(subject_id)
        return [Erasure.record(subject_id=subject_id, reason=reason, actor=command.actor)]
