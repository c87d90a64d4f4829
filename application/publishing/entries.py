"""What each published event is called in Chinese, the sentence the audit trail shows for it,
and whether it is a decision (taken with a reason): one entry per event class, read by the
catalogue and through it by the audit trail, the decision timeline, the feed's schemas and the
web page. Adding an event means adding its entry here (tests/unit/test_event_entries.py fails
otherwise). A summary never shows personal data: who raised a matter is not what the auditor
reads here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from domain.accounts import Account
from domain.attachment import Attachment
from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.holidays import HolidaySchedule
from domain.members import PointsScheme
from domain.reference import Committee, Person, Platform, Unit
from domain.supervision import SupervisionItem
from domain.topic import Topic

Summary = Callable[[Any], str]
DISTRICT_TIME = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Entry:
    """name_zh: the short name (the web page's filter and labels); summary: the audit trail's
    sentence; withheld: the sentence for a restricted matter, its texts left out (None: the
    generic one); decision: taken with a reason, listed among a record's decisions."""

    name_zh: str
    summary: Summary
    decision: bool = False
    withheld: str | None = None


def _label(value: Any) -> str:
    return str(getattr(value, "label", value))


def _when(value: Any) -> str:
    """In the district's local time, as its people read it."""
    if isinstance(value, datetime):
        return value.astimezone(DISTRICT_TIME).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _event(aggregate: type, name: str) -> type:
    """The aggregate's event class of that name (made by its @event decorator, so unseen by the
    type checker); a misspelt name fails at import."""
    cls = getattr(aggregate, name)
    assert isinstance(cls, type)
    return cls


_SESSION_ENDS = {
    "signed_out": "本人退出登录",
    "idle": "长时间未操作,超时退出",
    "absolute": "达到会话最长时限",
    "ended_by_holder": "本人在别处结束会话",
}


def _grant(e: Any) -> str:
    """The role, and whether it is held within a scope (the scope's record is named where the
    trail is read, not by its id here)."""
    return f"{_label(e.role)}(限定范围)" if e.scope else _label(e.role)


def _fixed(text: str) -> Summary:
    return lambda _: text


ENTRIES: dict[type, Entry] = {
    _event(Topic, "TopicProposed"): Entry(
        "提出事项",
        lambda e: f"提出协商事项“{e.title}”(来源:{_label(e.channel)};类别:{_label(e.category)})",
        withheld="提出协商事项",
    ),
    _event(Topic, "TopicVerified"): Entry(
        "核实事项", _fixed("核实协商事项基本情况"), withheld="核实协商事项基本情况"
    ),
    _event(Topic, "TopicExcluded"): Entry(
        "不纳入协商",
        lambda e: (
            f"决定不纳入协商范围,理由:第{e.ground.number}项“{_label(e.ground)}”"
            + (f";说明:{e.explanation}" if e.explanation else "")
        ),
        decision=True,
        withheld="决定不纳入协商范围",
    ),
    _event(Topic, "TopicExclusionReversed"): Entry(
        "撤销不纳入决定",
        lambda e: f"撤销不纳入协商的决定,理由:{e.reason}",
        decision=True,
        withheld="撤销不纳入协商的决定",
    ),
    _event(Topic, "TopicSubmitted"): Entry(
        "报专委会",
        lambda e: f"拟定协商议题“{e.drafted_title}”报专委会确定",
        withheld="拟定协商议题报专委会确定",
    ),
    _event(Topic, "TopicApproved"): Entry(
        "确定议题",
        lambda e: f"确定协商议题,意见:{e.reason}",
        decision=True,
        withheld="确定协商议题",
    ),
    _event(Topic, "TopicReturned"): Entry(
        "退回议题",
        lambda e: f"退回协商议题,理由:{e.reason}",
        decision=True,
        withheld="退回协商议题",
    ),
    _event(Topic, "TopicResearchRecorded"): Entry(
        "记录调研", _fixed("记录调研情况"), withheld="记录调研情况"
    ),
    _event(Topic, "TopicMergedInto"): Entry(
        "并入共性议题", _fixed("并入共性议题"), withheld="并入共性议题"
    ),
    _event(Consultation, "ConsultationScheduled"): Entry(
        "安排协商", lambda e: f"安排{_label(e.form)}“{e.subject}”,时间 {_when(e.starts_at)}"
    ),
    _event(Consultation, "ParticipantsIdentified"): Entry(
        "明确参加人员", lambda e: f"明确参加人员 {len(e.participants)} 人"
    ),
    _event(Consultation, "ParticipantsNotified"): Entry(
        "通知参加人员", lambda e: "通知参加人员:" + "、".join(_label(k) for k in e.kinds)
    ),
    _event(Consultation, "ConsultationHeld"): Entry(
        "开展协商",
        lambda e: (
            f"开展协商:出席 {len(e.attendee_ids)} 人,意见 {len(e.opinions)}"
            f" 条,建议 {len(e.suggestions)} 条"
        ),
    ),
    _event(Consultation, "OnlineOpinionPosted"): Entry(
        "网络协商意见", _fixed("收到一条网络协商意见")
    ),
    _event(Consultation, "ConsultationReported"): Entry(
        "情况报送",
        lambda e: (
            f"以{_label(e.kind)}形式报送{e.recipient}"
            + (f"(文号 {e.reference})" if e.reference else "")
        ),
    ),
    _event(Consultation, "ConsultationCancelled"): Entry(
        "取消协商", lambda e: f"取消协商,理由:{e.reason}", decision=True
    ),
    _event(SupervisionItem, "SupervisionItemOpened"): Entry(
        "建立督办事项", lambda e: f"据协商建议建立督办事项:“{e.suggestion}”"
    ),
    _event(SupervisionItem, "ItemAssigned"): Entry(
        "交办",
        lambda e: (
            "交办督办事项"
            + (f",办理时限 {e.due_on}" if e.due_on else "")
            + (f",改派理由:{e.reason}" if e.reason else "")
        ),
        decision=True,
    ),
    _event(SupervisionItem, "ProgressReported"): Entry(
        "填报进展", lambda e: f"{e.report.reporting_department}填报办理进展"
    ),
    _event(SupervisionItem, "ItemResolved"): Entry(
        "办结", lambda e: f"办结,办理结果:{e.outcome}", decision=True
    ),
    _event(SupervisionItem, "ItemReopened"): Entry(
        "重新办理", lambda e: f"重新办理,理由:{e.reason}", decision=True
    ),
    _event(SupervisionItem, "ItemFollowed"): Entry("委员跟踪督办", _fixed("一名政协委员跟踪督办")),
    _event(SupervisionItem, "DeadlineReminderIssued"): Entry(
        "督办提醒",
        lambda e: (
            f"督办提醒:{_label(e.kind)},办理时限 {e.due_on},剩余 {e.working_days_left} 个工作日"
        ),
    ),
    _event(Attachment, "AttachmentAdded"): Entry(
        "附加文件",
        lambda e: (
            f"为{_label(e.owner_kind)}附加文件“{e.file_name}”({_label(e.media_type)},{e.size} 字节"
            + (",含个人信息,已加密" if e.personal_data else "")
            + ")"
        ),
        withheld="为协商事项附加文件",
    ),
    _event(Attachment, "AttachmentWithdrawn"): Entry(
        "撤回附件", lambda e: f"撤回附件,理由:{e.reason}", decision=True
    ),
    _event(Erasure, "PersonalDataErased"): Entry(
        "删除个人信息",
        lambda e: f"删除一名数据主体的个人信息,理由:{e.reason}",
        decision=True,
    ),
    _event(Committee, "CommitteeEstablished"): Entry(
        "设立专委会", lambda e: f"设立专委会“{e.name}”"
    ),
    _event(Unit, "UnitRegistered"): Entry("登记交办单位", lambda e: f"登记交办单位“{e.name}”"),
    _event(Unit, "UnitRenamed"): Entry(
        "交办单位更名", lambda e: f"交办单位更名为“{e.name}”,理由:{e.reason}", decision=True
    ),
    _event(Person, "PersonRegistered"): Entry("登记人员", lambda e: f"登记人员“{e.name}”"),
    _event(Person, "MemberEnrolled"): Entry(
        "登记政协委员", lambda e: f"登记为政协委员,界别“{e.sector}”"
    ),
    _event(Platform, "PlatformRegistered"): Entry(
        "设立协商议事平台", lambda e: f"设立协商议事平台“{e.name}”({_label(e.kind)})"
    ),
    _event(Platform, "PlatformResponsiblePersonChanged"): Entry(
        "更换平台负责人", lambda e: f"更换平台负责人,理由:{e.reason}", decision=True
    ),
    _event(Platform, "PlatformHallMoved"): Entry(
        "迁移议事厅", lambda e: f"议事厅迁至“{e.hall_venue}”"
    ),
    _event(HolidaySchedule, "HolidayScheduleEntered"): Entry(
        "录入节假日安排",
        lambda e: (
            f"录入{e.year}年节假日安排({e.notice}):"
            f"放假{len(e.holidays)}天,调休上班{len(e.working_days)}天"
        ),
    ),
    _event(HolidaySchedule, "HolidayScheduleReplaced"): Entry(
        "替换节假日安排",
        lambda e: (
            f"替换节假日安排({e.notice}):放假{len(e.holidays)}天,"
            f"调休上班{len(e.working_days)}天,理由:{e.reason}"
        ),
        decision=True,
    ),
    _event(PointsScheme, "PointsSchemeSet"): Entry(
        "设定履职积分办法",
        lambda e: f"设定自{e.effective_from}起的履职积分办法,理由:{e.reason}",
        decision=True,
    ),
    _event(PointsScheme, "PointsSchemeRevised"): Entry(
        "修改履职积分办法",
        lambda e: f"修改自{e.effective_from}起的履职积分办法,理由:{e.reason}",
        decision=True,
    ),
    # Accounts: audit material, never published to integration consumers (catalogue.py).
    _event(Account, "AccountCreated"): Entry("创建账号", lambda e: f"创建账号“{e.username}”"),
    _event(Account, "RoleGranted"): Entry(
        "授予角色", lambda e: f"授予角色“{_grant(e)}”,理由:{e.reason}", decision=True
    ),
    _event(Account, "RoleRevoked"): Entry(
        "撤销角色", lambda e: f"撤销角色“{_grant(e)}”,理由:{e.reason}", decision=True
    ),
    _event(Account, "AccountDisabled"): Entry(
        "停用账号", lambda e: f"停用账号,理由:{e.reason}", decision=True
    ),
    _event(Account, "AccountReenabled"): Entry(
        "启用账号", lambda e: f"重新启用账号,理由:{e.reason}", decision=True
    ),
    _event(Account, "PasswordChanged"): Entry(
        "修改密码",
        lambda e: "重置密码(本人下次登录须修改)" if e.must_change else "本人修改密码",
    ),
    _event(Account, "SecondFactorEnrolled"): Entry(
        "绑定第二因子", _fixed("绑定动态口令(第二因子)")
    ),
    _event(Account, "SecondFactorReset"): Entry(
        "重置第二因子", lambda e: f"重置动态口令(第二因子),理由:{e.reason}", decision=True
    ),
    _event(Account, "SignedIn"): Entry(
        "登录",
        lambda e: f"从{e.address}登录" + ("(密码+动态口令)" if e.second_factor else "(密码)"),
    ),
    _event(Account, "SignInFailed"): Entry(
        "登录失败", lambda e: f"从{e.address}登录失败(本轮第{e.failures}次)"
    ),
    _event(Account, "AccountLocked"): Entry(
        "锁定账号", lambda e: f"连续{e.failures}次登录失败,账号锁定至{_when(e.until)}"
    ),
    _event(Account, "AccountUnlocked"): Entry(
        "解锁账号", lambda e: f"解锁账号,理由:{e.reason}", decision=True
    ),
    _event(Account, "SignedInElsewhere"): Entry(
        "统一身份认证登录", lambda e: f"从{e.address}经统一身份认证({e.issuer})登录"
    ),
    _event(Account, "SignedOut"): Entry(
        "退出登录", lambda e: f"会话结束:{_SESSION_ENDS.get(e.reason, e.reason)}"
    ),
    _event(Account, "ApiTokenIssued"): Entry(
        "签发令牌",
        lambda e: f"签发接口令牌“{e.name}”(角色“{_grant(e)}”)",
        decision=True,
    ),
    _event(Account, "ApiTokenRevoked"): Entry(
        "吊销令牌", lambda e: f"吊销接口令牌,理由:{e.reason}", decision=True
    ),
}
