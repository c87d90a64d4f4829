"""The erasure of a data subject's personal data (PIPL): a decision, recorded like any other."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import Actor, Record, required_reason, text

SUBJECTS = uuid5(NAMESPACE_URL, "https://yishiting/data-subjects")
SUBJECT_ID_LIMIT = 100


class Erasure(Record):
    """Proof that a subject's personal data was erased, by whom and why; it holds no data."""

    @staticmethod
    def create_id(subject_id: str) -> UUID:
        return uuid5(SUBJECTS, subject_id)

    @event("PersonalDataErased")
    def __init__(self, *, subject_id: str, reason: str, actor: Actor) -> None:
        self.subject_id = subject_id
        self.reason = reason

    @classmethod
    def record(cls, *, subject_id: str, reason: str, actor: Actor) -> Erasure:
        # The id is an opaque key, so it is checked (present, bounded) but never altered.
        text(subject_id, "subjectId", "数据主体编号", SUBJECT_ID_LIMIT)
        return cls(
            subject_id=subject_id,
            actor=actor,
            reason=required_reason(reason, "删除个人信息", "erasing personal data"),
        )
