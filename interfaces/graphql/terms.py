"""GraphQL enums and term objects made from the domain's vocabularies, defined once there:
each enum value is the stable code; each term object shows code, English name and 中文 label."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from domain import vocabulary as v

VOCABULARIES: tuple[type[v.Vocabulary], ...] = (
    v.Channel,
    v.Category,
    v.ExclusionGround,
    v.Mode,
    v.ConsultationForm,
    v.ParticipantKind,
    v.ReportKind,
    v.PlatformKind,
    v.UnitKind,
    v.Role,
    v.TopicStatus,
    v.ConsultationStatus,
    v.ItemStatus,
    v.ReminderKind,
    v.AttachmentOwner,
)


TITLES = {
    v.Channel: "来源渠道 Channel",
    v.Category: "事项类别 Category (五、协商事项)",
    v.ExclusionGround: "不纳入协商范围的理由 Exclusion ground (五.(四))",
    v.Mode: "协商方式 Mode",
    v.ConsultationForm: "协商形式 Form (四、协商形式)",
    v.ParticipantKind: "参加人员类别 Participant kind",
    v.ReportKind: "报送形式 Report kind",
    v.PlatformKind: "平台类别 Platform kind",
    v.UnitKind: "单位类别 Unit kind",
    v.Role: "角色 Role",
    v.TopicStatus: "事项状态 Topic status",
    v.ConsultationStatus: "协商状态 Consultation status",
    v.ItemStatus: "督办状态 Item status",
    v.ReminderKind: "到期提醒类别 Deadline reminder kind",
    v.AttachmentOwner: "附件所属记录 What a file is attached to",
}


def _enum(vocabulary: type[v.Vocabulary]) -> Any:
    members = {
        m.name: strawberry.enum_value(m.code, description=f"{m.label} / {m.english}")
        for m in vocabulary
    }
    python_enum = Enum(vocabulary.__name__, members)
    return strawberry.enum(python_enum, description=TITLES[vocabulary])


def _term(vocabulary: type[v.Vocabulary], enum: Any) -> Any:
    namespace = {
        "__annotations__": {"code": enum, "english": str, "label": str},
        "__doc__": f"{vocabulary.__name__}: code, English name and 中文 label",
    }
    return strawberry.type(type(f"{vocabulary.__name__}Term", (), namespace))


ENUMS: dict[type[v.Vocabulary], Any] = {voc: _enum(voc) for voc in VOCABULARIES}
TERMS: dict[type[v.Vocabulary], Any] = {voc: _term(voc, ENUMS[voc]) for voc in VOCABULARIES}


def _make_term(vocabulary: type[v.Vocabulary], member: v.Vocabulary) -> Any:
    return TERMS[vocabulary](
        code=ENUMS[vocabulary][member.name], english=member.english, label=member.label
    )


# One term object per stored code, made once: a page of 50 topics shows 250 terms, and making
# each anew was per-node work for what never changes (the objects are read, never mutated).
_BY_CODE: dict[type[v.Vocabulary], dict[str, Any]] = {
    voc: {code: _make_term(voc, member) for code, member in voc._value2member_map_.items()}
    for voc in VOCABULARIES
}


def term(vocabulary: type[v.Vocabulary], code: str | None) -> Any:
    """The term object for a stored code (None stays None; an unknown code is refused by
    the vocabulary, as before)."""
    if code is None:
        return None
    found = _BY_CODE[vocabulary].get(code)
    if found is None:
        return _make_term(vocabulary, vocabulary.parse(code))
    return found


def domain_value(vocabulary: type[v.Vocabulary], value: Any) -> Any:
    """The domain member for a GraphQL enum value (None stays None)."""
    if value is None:
        return None
    return vocabulary.parse(value.value if isinstance(value, Enum) else str(value))


def code_of(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.value if isinstance(value, Enum) else value)


@strawberry.type(description="一个术语 A term of a vocabulary")
class Term:
    code: str
    name: str
    english: str
    label: str
    number: int | None = None


@strawberry.type(description="一个受控词表 A controlled vocabulary")
class Vocabulary:
    name: str
    terms: list[Term]


def all_vocabularies() -> list[Vocabulary]:
    return [
        Vocabulary(
            name=voc.__name__,
            terms=[
                Term(
                    code=m.code,
                    name=m.name,
                    english=m.english,
                    label=m.label,
                    number=getattr(m, "number", None),
                )
                for m in voc
            ],
        )
        for voc in VOCABULARIES
    ]
