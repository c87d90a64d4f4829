"""The plan's controlled vocabularies: stable codes, the plan's Chinese labels, English names."""

from __future__ import annotations

import pytest

from domain import vocabulary
from domain.base import SYSTEM, Actor
from domain.errors import (
    AlreadyResolved,
    CommandIdReused,
    ConcurrentModification,
    DomainError,
    EmptyParticipants,
    FieldTooLong,
    Forbidden,
    InvalidInput,
    MissingReason,
    NotFound,
    RequiredField,
    UnknownCode,
    VersionMismatch,
    WrongForm,
    WrongState,
)
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ItemStatus,
    Mode,
    ParticipantKind,
    PlatformKind,
    ReportKind,
    Role,
    UnitKind,
    Vocabulary,
)
from tests.support.refusals import refused

VOCABULARIES = [
    cls
    for cls in vars(vocabulary).values()
    if isinstance(cls, type) and issubclass(cls, Vocabulary) and cls is not Vocabulary
]

# 五.(四) of the implementation plan, word for word.
PLAN_GROUNDS = [
    (1, "违反宪法和法律法规政策的"),
    (2, "根据法律法规应予以保密的"),
    (3, "进入刑事、民事、行政诉讼程序或者行政复议、仲裁程序的"),
    (4, "已交办的信访事项"),
    (5, "实名举报的"),
    (6, "涉及纪检监察机关正在审查和调查的涉嫌违法违纪问题的"),
    (7, "对本人或亲属解决个人问题,相关部门已作出明确答复或处理意见的"),
    (8, "其他不宜纳入协商范围的事项"),
]


def test_every_vocabulary_of_the_plan_is_here() -> None:
    names = {cls.__name__ for cls in VOCABULARIES}
    assert names >= {
        "Channel",
        "Category",
        "ExclusionGround",
        "Mode",
        "ConsultationForm",
        "ParticipantKind",
        "ReportKind",
        "PlatformKind",
        "UnitKind",
        "Role",
        "TopicStatus",
        "ConsultationStatus",
        "ItemStatus",
    }


@pytest.mark.parametrize("cls", VOCABULARIES, ids=lambda c: c.__name__)
def test_every_member_has_a_code_a_chinese_label_and_an_english_name(
    cls: type[Vocabulary],
) -> None:
    for member in cls:
        assert member.code.strip() == member.code != ""
        assert member.code == member.code.lower()
        assert member.label.strip()
        assert member.english.strip()


@pytest.mark.parametrize("cls", VOCABULARIES, ids=lambda c: c.__name__)
def test_codes_and_labels_are_unique_within_a_vocabulary(cls: type[Vocabulary]) -> None:
    # An Enum silently turns a repeated value into an alias: count the declared names too.
    assert len(cls.__members__) == len(list(cls)), "a code is repeated"
    codes = [m.code for m in cls]
    labels = [m.label for m in cls]
    assert len(set(codes)) == len(codes)
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("cls", VOCABULARIES, ids=lambda c: c.__name__)
def test_every_code_parses_back_to_its_member(cls: type[Vocabulary]) -> None:
    for member in cls:
        assert cls.parse(member.code) is member


@pytest.mark.parametrize("value", ["nope", "", "REAL_NAME_REPORT", "5", "实名举报的"])
def test_anything_but_a_code_is_an_unknown_code(value: str) -> None:
    with refused(UnknownCode, "UNKNOWN_CODE") as caught:
        ExclusionGround.parse(value)
    assert caught.error.details == {"vocabulary": "ExclusionGround", "value": value}
    assert caught.error.kind == "BAD_USER_INPUT"


# --- 五.(四) 不纳入协商范围 ------------------------------------------------------------------


def test_there_are_exactly_the_eight_grounds_of_the_plan_numbered_1_to_8() -> None:
    assert [(g.number, g.label) for g in ExclusionGround] == PLAN_GROUNDS


def test_the_grounds_have_stable_codes() -> None:
    assert [g.code for g in ExclusionGround] == [
        "unlawful",
        "confidential",
        "litigation",
        "petition",
        "real_name_report",
        "discipline_investigation",
        "personal_matter_answered",
        "other",
    ]


def test_only_other_needs_a_written_explanation() -> None:
    assert [g.number for g in ExclusionGround if g.requires_explanation] == [8]


def test_confidential_real_name_and_discipline_grounds_mark_the_content_sensitive() -> None:
    assert [g.number for g in ExclusionGround if g.content_is_sensitive] == [2, 5, 6]


# --- 五 协商事项, 四 协商形式, 六 组织 ------------------------------------------------------


def test_matters_come_from_the_plan_s_channels() -> None:
    assert [c.label for c in Channel] == [
        "群众",
        "企事业单位",
        "12345热线",
        "政协委员",
        "党政部门",
        "网络(公众号/履职APP)",
    ]


def test_matters_fall_into_three_categories() -> None:
    assert [c.label for c in Category] == ["方针政策和重点工作", "民生实事", "基层治理难事"]


@pytest.mark.parametrize(
    ("form", "label", "mode"),
    [
        (ConsultationForm.SUGGESTION, "建言献策", Mode.YOU_SPEAK),
        (ConsultationForm.RESEARCH, "调研协商", Mode.YOU_SPEAK),
        (ConsultationForm.BRIEFING, "知情明政", Mode.I_SPEAK),
        (ConsultationForm.TRAINING, "公益培训", Mode.I_SPEAK),
        (ConsultationForm.ONLINE, "网络协商", Mode.ONLINE),
    ],
)
def test_each_form_belongs_to_its_mode(form: ConsultationForm, label: str, mode: Mode) -> None:
    assert form.label == label
    assert form.mode is mode
    assert form.needs_approved_topic is (mode is Mode.YOU_SPEAK)


def test_the_two_modes_carry_the_plan_s_names() -> None:
    assert Mode.YOU_SPEAK.label == "你说我听"
    assert Mode.I_SPEAK.label == "我说你听"


def test_participants_are_of_the_kinds_the_plan_names() -> None:
    assert [k.label for k in ParticipantKind] == [
        "群众或企事业单位代表",
        "相关领域的政协委员",
        "协商议事平台负责人",
        "区直部门",
        "镇(街)",
        "村(居)",
    ]


def test_reports_are_a_proposal_or_public_opinion_information() -> None:
    assert [k.label for k in ReportKind] == ["提案", "社情民意信息"]


def test_platforms_are_of_three_kinds() -> None:
    assert [k.label for k in PlatformKind] == ["委员工作站(室)", "委员地区活动组", "界别活动组"]


def test_units_are_departments_towns_or_villages() -> None:
    assert [k.label for k in UnitKind] == ["区直部门", "镇(街)", "村(居)"]


def test_only_a_resolved_item_is_closed() -> None:
    assert [s for s in ItemStatus if not s.is_open] == [ItemStatus.RESOLVED]


# --- 行为人 ---------------------------------------------------------------------------------


def test_an_actor_is_stored_as_plain_fields_and_read_back() -> None:
    actor = Actor("cttee-1", "王主任", Role.COMMITTEE, "committee-42")
    data = actor.as_dict()

    assert data == {"id": "cttee-1", "name": "王主任", "role": "committee", "scope": "committee-42"}
    assert Actor.from_dict(data) == actor
    assert Actor.from_dict({"id": "x", "name": "某", "role": "unit"}).scope == ""
    assert SYSTEM.role is Role.SYSTEM


def test_an_actor_with_an_unknown_role_is_refused() -> None:
    with refused(UnknownCode, "UNKNOWN_CODE"):
        Actor.from_dict({"id": "x", "name": "某", "role": "emperor"})


# --- 错误代码 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code", "kind"),
    [
        (InvalidInput("中", "en"), "INVALID_INPUT", "BAD_USER_INPUT"),
        (MissingReason("确定议题", "approval"), "REASON_REQUIRED", "BAD_USER_INPUT"),
        (RequiredField("title", "标题"), "FIELD_REQUIRED", "BAD_USER_INPUT"),
        (FieldTooLong("title", "标题", 200), "FIELD_TOO_LONG", "BAD_USER_INPUT"),
        (UnknownCode("Channel", "x"), "UNKNOWN_CODE", "BAD_USER_INPUT"),
        (WrongForm("中", "en"), "WRONG_FORM", "BAD_USER_INPUT"),
        (EmptyParticipants(), "PARTICIPANTS_REQUIRED", "BAD_USER_INPUT"),
        (WrongState("确定", "approve", "已提出", "proposed"), "WRONG_STATE", "CONFLICT"),
        (AlreadyResolved("办结", "resolve", "已办结", "resolved"), "ALREADY_RESOLVED", "CONFLICT"),
        (ConcurrentModification(), "CONCURRENT_MODIFICATION", "CONFLICT"),
        (VersionMismatch(3, 2), "CONCURRENT_MODIFICATION", "CONFLICT"),
        (CommandIdReused("c-1"), "COMMAND_ID_REUSED", "CONFLICT"),
        (NotFound("协商事项", "Topic", "42"), "NOT_FOUND", "NOT_FOUND"),
        (Forbidden("中", "en"), "FORBIDDEN", "FORBIDDEN"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, DomainError) else None,
)
def test_every_refusal_has_a_stable_code_and_kind(error: DomainError, code: str, kind: str) -> None:
    assert error.code == code
    assert error.kind == kind
    assert error.message.startswith(error.message_zh)
    assert error.message_en in error.message


def test_a_wrong_state_names_the_state_in_both_languages() -> None:
    error = WrongState("确定议题", "approve", "已提出", "proposed")
    assert error.message_zh == "当前状态“已提出”下不能确定议题"
    assert error.message_en == "cannot approve while proposed"
    assert error.details == {"status": "proposed"}
