"""Every controlled vocabulary of the plan: a stable code, an English name and the 中文 label."""

from __future__ import annotations

from enum import Enum
from typing import Self, cast

from domain.errors import UnknownCode


class Vocabulary(Enum):
    """An enum whose value is a stable code, with the plan's Chinese label beside it."""

    label: str
    english: str

    def __new__(cls, code: str, label: str, english: str) -> Self:
        member = object.__new__(cls)
        member._value_ = code
        member.label = label
        member.english = english
        return member

    @property
    def code(self) -> str:
        return str(self.value)

    @classmethod
    def parse(cls, code: str) -> Self:
        member = cls._value2member_map_.get(code)
        if member is None:
            raise UnknownCode(cls.__name__, code)
        return cast(Self, member)


class Channel(Vocabulary):
    MASSES = ("masses", "群众", "Masses")
    ENTERPRISE = ("enterprise", "企事业单位", "Enterprises and institutions")
    HOTLINE_12345 = ("hotline_12345", "12345热线", "12345 hotline")
    CPPCC_MEMBER = ("cppcc_member", "政协委员", "CPPCC member")
    DEPARTMENT = ("department", "党政部门", "Party and government department")
    ONLINE = ("online", "网络(公众号/履职APP)", "Online (official account / member app)")


class Category(Vocabulary):
    POLICY = ("policy", "方针政策和重点工作", "Policies and key work")
    LIVELIHOOD = ("livelihood", "民生实事", "Practical difficulties of the masses")
    GOVERNANCE = ("governance", "基层治理难事", "Hard cases of grassroots governance")


class ExclusionGround(Vocabulary):
    """五.(四): the eight grounds on which a matter is not taken into consultation."""

    number: int

    UNLAWFUL = (
        "unlawful",
        "违反宪法和法律法规政策的",
        "Violates the constitution, laws or policies",
    )
    CONFIDENTIAL = ("confidential", "根据法律法规应予以保密的", "Must be kept confidential by law")
    LITIGATION = (
        "litigation",
        "进入刑事、民事、行政诉讼程序或者行政复议、仲裁程序的",
        "In litigation, administrative reconsideration or arbitration",
    )
    PETITION = ("petition", "已交办的信访事项", "A petition matter already assigned")
    REAL_NAME_REPORT = ("real_name_report", "实名举报的", "A real-name report or accusation")
    DISCIPLINE_INVESTIGATION = (
        "discipline_investigation",
        "涉及纪检监察机关正在审查和调查的涉嫌违法违纪问题的",
        "Under review or investigation by discipline inspection organs",
    )
    PERSONAL_MATTER_ANSWERED = (
        "personal_matter_answered",
        "对本人或亲属解决个人问题,相关部门已作出明确答复或处理意见的",
        "A personal matter already answered by the department",
    )
    OTHER = ("other", "其他不宜纳入协商范围的事项", "Other matters unsuitable for consultation")

    @property
    def requires_explanation(self) -> bool:
        return self is ExclusionGround.OTHER

    @property
    def content_is_sensitive(self) -> bool:
        return self in _SENSITIVE_GROUNDS


_SENSITIVE_GROUNDS = {
    ExclusionGround.CONFIDENTIAL,
    ExclusionGround.REAL_NAME_REPORT,
    ExclusionGround.DISCIPLINE_INVESTIGATION,
}
for _number, _ground in enumerate(ExclusionGround, start=1):
    _ground.number = _number


class Mode(Vocabulary):
    YOU_SPEAK = ("you_speak", "你说我听", "You speak, I listen")
    I_SPEAK = ("i_speak", "我说你听", "I speak, you listen")
    ONLINE = ("online", "网络协商", "Online consultation")


class ConsultationForm(Vocabulary):
    SUGGESTION = ("suggestion", "建言献策", "Suggestion session")
    RESEARCH = ("research", "调研协商", "Field-research consultation")
    BRIEFING = ("briefing", "知情明政", "Policy briefing")
    TRAINING = ("training", "公益培训", "Public-welfare training")
    ONLINE = ("online", "网络协商", "Online consultation")

    @property
    def mode(self) -> Mode:
        return _FORM_MODES[self]

    @property
    def needs_approved_topic(self) -> bool:
        return self.mode is Mode.YOU_SPEAK


_FORM_MODES = {
    ConsultationForm.SUGGESTION: Mode.YOU_SPEAK,
    ConsultationForm.RESEARCH: Mode.YOU_SPEAK,
    ConsultationForm.BRIEFING: Mode.I_SPEAK,
    ConsultationForm.TRAINING: Mode.I_SPEAK,
    ConsultationForm.ONLINE: Mode.ONLINE,
}


class ParticipantKind(Vocabulary):
    MASSES_OR_ENTERPRISE = (
        "masses_or_enterprise",
        "群众或企事业单位代表",
        "Masses or enterprise representative",
    )
    CPPCC_MEMBER = ("cppcc_member", "相关领域的政协委员", "CPPCC member of the field")
    PLATFORM_HEAD = ("platform_head", "协商议事平台负责人", "Platform head")
    DISTRICT_DEPARTMENT = ("district_department", "区直部门", "District department")
    TOWN_OR_STREET = ("town_or_street", "镇(街)", "Town or street")
    VILLAGE_OR_COMMUNITY = ("village_or_community", "村(居)", "Village or community")


class ReportKind(Vocabulary):
    PROPOSAL = ("proposal", "提案", "Proposal")
    PUBLIC_OPINION = ("public_opinion", "社情民意信息", "Public-opinion information")


class ParticipationKind(Vocabulary):
    """A kind of entry in a member's participation record (委员履职档案)."""

    MATTER_RAISED = ("matter_raised", "反映问题", "Matter raised")
    RESEARCH = ("research", "参加调研", "Research joined")
    CONSULTATION = ("consultation", "参加协商", "Consultation attended")
    ONLINE_OPINION = ("online_opinion", "网络议政", "Opinion posted online")
    REPORT = ("report", "联名报送", "Report drafted or co-signed")
    ITEM_FOLLOWED = ("item_followed", "跟踪督办", "Supervision item followed")


class PlatformKind(Vocabulary):
    MEMBER_WORKSTATION = ("member_workstation", "委员工作站(室)", "Member workstation")
    REGIONAL_GROUP = ("regional_group", "委员地区活动组", "Regional activity group")
    SECTOR_GROUP = ("sector_group", "界别活动组", "Sector activity group")


class UnitKind(Vocabulary):
    DISTRICT_DEPARTMENT = ("district_department", "区直部门", "District department")
    TOWN_OR_STREET = ("town_or_street", "镇(街)", "Town or street")
    VILLAGE_OR_COMMUNITY = ("village_or_community", "村(居)", "Village or community")


class Role(Vocabulary):
    PLATFORM_STAFF = ("platform_staff", "协商议事平台专人", "Platform staff")
    COMMITTEE = ("committee", "区政协专委会", "Special committee")
    UNIT = ("unit", "交办单位", "Assigned unit")
    SUPERVISOR = ("supervisor", "督办负责人", "Supervisor")
    MEMBER = ("member", "政协委员", "CPPCC member")
    LEADER = ("leader", "领导", "Leadership")
    AUDITOR = ("auditor", "纪检监察", "Discipline inspection")
    INTEGRATION = ("integration", "系统对接", "Integration")
    ADMIN = ("admin", "系统管理员", "System administrator")
    SECURITY_ADMIN = ("security_admin", "安全管理员", "Security administrator")
    AUDIT_ADMIN = ("audit_admin", "审计管理员", "Audit administrator")
    SYSTEM = ("system", "系统", "System")
    PUBLIC = ("public", "公众(未登录)", "Public (not signed in)")


class TopicStatus(Vocabulary):
    PROPOSED = ("proposed", "已提出", "Proposed")
    VERIFIED = ("verified", "已核实", "Verified")
    EXCLUDED = ("excluded", "不纳入协商", "Excluded")
    SUBMITTED = ("submitted", "已报专委会", "Submitted to committee")
    APPROVED = ("approved", "已确定议题", "Approved")
    RETURNED = ("returned", "已退回", "Returned")
    MERGED = ("merged", "已并入共性议题", "Merged into a common-issue topic")


class ConsultationStatus(Vocabulary):
    SCHEDULED = ("scheduled", "已安排", "Scheduled")
    HELD = ("held", "已开展", "Held")
    REPORTED = ("reported", "已报送", "Reported")
    CANCELLED = ("cancelled", "已取消", "Cancelled")


class ItemStatus(Vocabulary):
    OPENED = ("opened", "待交办", "Opened")
    ASSIGNED = ("assigned", "已交办", "Assigned")
    IN_PROGRESS = ("in_progress", "办理中", "In progress")
    RESOLVED = ("resolved", "已办结", "Resolved")
    REOPENED = ("reopened", "重新办理", "Reopened")

    @property
    def is_open(self) -> bool:
        return self is not ItemStatus.RESOLVED


class ReminderKind(Vocabulary):
    """What a deadline reminder (督办提醒) says of an open item."""

    OVERDUE = ("overdue", "已逾期", "Overdue")
    DUE_SOON = ("due_soon", "即将到期", "Due soon")


class AttachmentOwner(Vocabulary):
    """What a file is attached to: the record that decides who may see it."""

    MATTER = ("matter", "协商事项", "Matter")
    CONSULTATION = ("consultation", "协商活动", "Consultation")
    REPORT = ("report", "协商成果报送", "Consultation report")
    PROGRESS_REPORT = ("progress_report", "办理进展", "Progress report")


class MediaType(Vocabulary):
    """The kinds of file accepted as evidence, as sniffed from their bytes."""

    PDF = ("application/pdf", "PDF文档", "PDF document")
    OFD = ("application/ofd", "OFD版式文件", "OFD document (GB/T 33190)")
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word文档",
        "Word document",
    )
    XLSX = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel表格",
        "Excel workbook",
    )
    JPEG = ("image/jpeg", "JPEG图片", "JPEG image")
    PNG = ("image/png", "PNG图片", "PNG image")

    @property
    def is_image(self) -> bool:
        return self in (MediaType.JPEG, MediaType.PNG)


class AttachmentStatus(Vocabulary):
    ATTACHED = ("attached", "已附", "Attached")
    WITHDRAWN = ("withdrawn", "已撤回", "Withdrawn")
