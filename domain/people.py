"""Value objects that carry personal data. Each names its data subject, so that the subject's
personal data can be erased later without touching the rest of the record."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import uuid4

from domain.base import optional_text, text
from domain.vocabulary import ParticipantKind

ERASED = "已删除"
# Stands for the name of someone picked from the roster until their registered name replaces
# it (application/members.py): never recorded.
ROSTER_NAME = "名册人员"


@dataclass(frozen=True)
class Proposer:
    """Who raised a matter: a citizen, an enterprise representative, a member, a department.
    Picked from the roster, `person_id` names the registered person (a member's record)."""

    name: str
    phone: str = ""
    id_number: str = ""
    organisation: str = ""
    subject_id: str = field(default_factory=lambda: uuid4().hex)
    person_id: str = ""

    @classmethod
    def checked(
        cls,
        name: str,
        phone: str = "",
        id_number: str = "",
        organisation: str = "",
        subject_id: str | None = None,
        *,
        person_id: str = "",
    ) -> Proposer:
        return cls(
            name=text(name, "proposer.name", "提出人姓名", 100),
            phone=optional_text(phone, "proposer.phone", "联系电话", 30),
            id_number=optional_text(id_number, "proposer.idNumber", "身份证号", 30),
            organisation=optional_text(organisation, "proposer.organisation", "所在单位", 200),
            subject_id=subject_id or uuid4().hex,
            person_id=person_id,
        )

    def erased(self) -> Proposer:
        return replace(
            self,
            name=ERASED,
            phone=ERASED if self.phone else "",
            id_number=ERASED if self.id_number else "",
        )


@dataclass(frozen=True)
class Participant:
    """One person or body identified to take part in a consultation: picked from the roster
    (a registered person, `person_id`, whose name and data subject it takes; a registered unit,
    `unit_id`, whose name is the organisation) or typed in for an outside representative."""

    kind: ParticipantKind
    name: str
    organisation: str = ""
    id: str = field(default_factory=lambda: uuid4().hex)
    subject_id: str = field(default_factory=lambda: uuid4().hex)
    person_id: str = ""
    unit_id: str = ""

    @classmethod
    def checked(
        cls,
        kind: ParticipantKind,
        name: str,
        organisation: str = "",
        subject_id: str | None = None,
        *,
        person_id: str = "",
        unit_id: str = "",
    ) -> Participant:
        return cls(
            kind=kind,
            name=text(name, "participant.name", "参加人员姓名", 100),
            organisation=optional_text(organisation, "participant.organisation", "所在单位", 200),
            subject_id=subject_id or uuid4().hex,
            person_id=person_id,
            unit_id=unit_id,
        )
