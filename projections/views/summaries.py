"""A readable sentence in Chinese for each kind of event, for the audit trail. Personal data
never appears in a summary: who raised a matter is not what the auditor reads here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

Summary = Callable[[Any], str]


def _label(value: Any) -> str:
    return str(getattr(value, "label", value))


DISTRICT_TIME = timezone(timedelta(hours=8))


def _when(value: Any) -> str:
    """In the district's local time, as its people read it."""
    if isinstance(value, datetime):
        return value.astimezone(DISTRICT_TIME).strftime("%Y-%m-%d %H:%M")
    return str(value)


SUMMARIES: dict[str, Summary] = {
    "TopicProposed": lambda e: (
        f"提出协商事项“{e.title}”(来源:{_label(e.channel)};类别:{_label(e.category)})"
    ),
    "TopicVerified": lambda _: "核实协商事项基本情况",
    "TopicExcluded": lambda e: (
        f"决定不纳入协商范围,理由:第{e.ground.number}项“{_label(e.ground)}”"
        + (f";说明:{e.explanation}" if e.explanation else "")
    ),
    "TopicExclusionReversed": lambda e: f"撤销不纳入协商的决定,理由:{e.reason}",
    "TopicSubmitted": lambda e: f"拟定协商议题“{e.drafted_title}”报专委会确定",
    "TopicApproved": lambda e: f"确定协商议题,意见:{e.reason}",
    "TopicReturned": lambda e: f"退回协商议题,理由:{e.reason}",
    "TopicResearchRecorded": lambda _: "记录调研情况",
    "ConsultationScheduled": lambda e: (
        f"安排{_label(e.form)}“{e.subject}”,时间 {_when(e.starts_at)}"
    ),
    "ParticipantsIdentified": lambda e: f"明确参加人员 {len(e.participants)} 人",
    "ParticipantsNotified": lambda e: "通知参加人员:" + "、".join(_label(k) for k in e.kinds),
    "ConsultationHeld": lambda e: (
        f"开展协商:出席 {len(e.attendee_ids)} 人,意见 {len(e.opinions)}"
        f" 条,建议 {len(e.suggestions)} 条"
    ),
    "OnlineOpinionPosted": lambda _: "收到一条网络协商意见",
    "ConsultationReported": lambda e: (
        f"以{_label(e.kind)}形式报送{e.recipient}"
        + (f"(文号 {e.reference})" if e.reference else "")
    ),
    "ConsultationCancelled": lambda e: f"取消协商,理由:{e.reason}",
    "SupervisionItemOpened": lambda e: f"据协商建议建立督办事项:“{e.suggestion}”",
    "ItemAssigned": lambda e: (
        "交办督办事项"
        + (f",办理时限 {e.due_on}" if e.due_on else "")
        + (f",改派理由:{e.reason}" if e.reason else "")
    ),
    "ProgressReported": lambda e: f"{e.report.reporting_department}填报办理进展",
    "ItemResolved": lambda e: f"办结,办理结果:{e.outcome}",
    "ItemReopened": lambda e: f"重新办理,理由:{e.reason}",
    "PersonalDataErased": lambda e: f"删除一名数据主体的个人信息,理由:{e.reason}",
    "CommitteeEstablished": lambda e: f"设立专委会“{e.name}”",
    "UnitRegistered": lambda e: f"登记交办单位“{e.name}”",
    "PersonRegistered": lambda e: f"登记人员“{e.name}”",
    "PlatformRegistered": lambda e: f"设立协商议事平台“{e.name}”({_label(e.kind)})",
    "PlatformResponsiblePersonChanged": lambda e: f"更换平台负责人,理由:{e.reason}",
    "PlatformHallMoved": lambda e: f"议事厅迁至“{e.hall_venue}”",
}

REASON_FIELDS = ("reason", "explanation", "outcome")


def summary(event: Any, event_type: str) -> str:
    describe = SUMMARIES.get(event_type)
    return describe(event) if describe else event_type


def reason(event: Any) -> str:
    for field in REASON_FIELDS:
        value = getattr(event, field, "")
        if isinstance(value, str) and value:
            return value
    return ""
