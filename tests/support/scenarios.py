"""For every mutation, a target made ready in a district (through the application, so that
setting up costs little) and the GraphQL input of a call that succeeds for a permitted caller.
The district is the caller's own (in scope) or another one (out of scope)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any
from uuid import UUID, uuid4

from application.receipts import Command
from application.webhooks import new_secret
from domain.accounts import Account
from domain.base import SYSTEM, Actor
from domain.people import Participant
from domain.topic import Topic
from domain.vocabulary import (
    AttachmentOwner,
    ConsultationForm,
    ExclusionGround,
    ParticipantKind,
    Role,
    UnitKind,
)
from tests.support import files
from tests.support.district import ADMIN, District
from tests.support.graphql import mutation_document

Input = dict[str, Any]
ROLES = (
    "platform_staff",
    "committee",
    "unit",
    "supervisor",
    "leader",
    "auditor",
    "integration",
    "admin",
    "security_admin",
    "audit_admin",
    "anonymous",
)


def actors(home: District) -> dict[str, Actor | None]:
    """One caller per role; the scoped ones are scoped to `home` (None: no token at all)."""
    return {
        "platform_staff": Actor("staff-a", "李专员", Role.PLATFORM_STAFF, str(home.platform_id)),
        "committee": Actor("committee-a", "王主任", Role.COMMITTEE, str(home.committee_id)),
        "unit": Actor("unit-a", "赵科长", Role.UNIT, str(home.unit_id)),
        "supervisor": Actor("supervisor-a", "刘督办", Role.SUPERVISOR, str(home.supervisor_id)),
        "leader": Actor("leader-1", "区政协党组", Role.LEADER),
        "auditor": Actor("auditor-1", "纪检监察室", Role.AUDITOR),
        "integration": Actor("hotline-12345", "12345热线", Role.INTEGRATION),
        "admin": Actor("admin-1", "系统管理员", Role.ADMIN),
        # 三权分立: the security and audit administrators write and read none of the business.
        "security_admin": Actor("security-1", "安全管理员", Role.SECURITY_ADMIN),
        "audit_admin": Actor("audit-admin-1", "审计管理员", Role.AUDIT_ADMIN),
        "anonymous": None,
    }


ADMIN_COMMAND = Command(ADMIN)
HOOK = "http://127.0.0.1:9/yishiting-hook"  # the discard port: deliveries fail at once


def tag() -> str:
    return uuid4().hex[:6]


# ------------------------------------------------------------------------- targets by state


def proposed(d: District) -> UUID:
    return d.propose_hotline_matter(f"小区停车难{tag()}")


def verified(d: District) -> UUID:
    topic_id = proposed(d)
    d.app.verify_topic(d.staff, topic_id, basic_situation="涉及3个小区约2000户。")
    return topic_id


def submitted(d: District) -> UUID:
    topic_id = verified(d)
    d.app.submit_topic(
        d.staff, topic_id, drafted_title="关于停车难的协商", committee_id=d.committee_id
    )
    return topic_id


def excluded(d: District) -> UUID:
    topic_id = proposed(d)
    d.app.exclude_topic(
        d.staff, topic_id, ground=ExclusionGround.REAL_NAME_REPORT, explanation="已告知举报人。"
    )
    return topic_id


def with_participants(d: District) -> tuple[UUID, str]:
    consultation_id = d.scheduled_consultation()
    member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
    d.app.identify_participants(d.staff, consultation_id, participants=[member])
    return consultation_id, member.id


def open_online(d: District) -> UUID:
    return d.app.schedule_consultation(
        d.staff,
        form=ConsultationForm.ONLINE,
        platform_id=d.platform_id,
        starts_at=datetime.now(UTC) - timedelta(days=1),
        theme="老旧小区加装电梯(永不落幕)",
    ).id


def opened_item(d: District) -> UUID:
    consultation_id, suggestion = d.held_consultation()
    return d.app.open_supervision_item(
        d.staff, consultation_id=consultation_id, suggestion=suggestion
    ).id


def resolved_item(d: District) -> UUID:
    item_id = d.assigned_item()
    d.app.resolve_item(d.committee, item_id, outcome="新增车位120个。")
    return item_id


def new_person(d: District) -> UUID:
    return d.app.register_person(ADMIN_COMMAND, name=f"孙组长{tag()}").id


def new_unit(d: District) -> UUID:
    return d.app.register_unit(
        ADMIN_COMMAND, name=f"区住建委{tag()}", kind=UnitKind.DISTRICT_DEPARTMENT
    ).id


SECURITY = Actor("security-0", "安全管理员", Role.SECURITY_ADMIN)
SECURITY_COMMAND = Command(SECURITY)
TEMPORARY_PASSWORD = "Yongshun#2026-hall"
LOCKED_UNTIL = datetime(2099, 1, 1, tzinfo=UTC)


def new_account(d: District, *roles: Role) -> UUID:
    account = d.app.create_account(
        SECURITY_COMMAND, username=f"user.{tag()}", display_name="测试账号"
    ).id
    for role in roles:
        d.app.grant_role(SECURITY_COMMAND, account, role=role, reason="测试")
    return account


def account_in_state(d: District, change: Callable[[Account], None]) -> UUID:
    """An account put in a state that takes a sign-in or an enrolment to reach (set up as the
    record itself, in the log: the mutation under test is what is checked)."""
    account = d.app.account(new_account(d))
    change(account)
    d.app.save(account)
    return account.id


def _revoke_api_token(d: District) -> Input:
    account = new_account(d, Role.INTEGRATION)
    d.app.issue_api_token(SECURITY_COMMAND, account, name="对接", role=Role.INTEGRATION)
    (token,) = d.app.api_tokens(account)
    return {"accountId": str(account), "tokenId": token.token_id, "reason": "停止对接"}


def webhook(d: District) -> UUID:
    return d.app.register_webhook(
        ADMIN_COMMAND, url=HOOK, event_types=[], secret=new_secret(), description="测试"
    ).id


def proposer_subject(d: District) -> str:
    topic = d.app.load(Topic, proposed(d))
    return topic.proposer.subject_id


# ------------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """`prepare` makes a fresh target in a district and gives the mutation's input; `target`
    names the input field holding the record acted on, when it is a scoped record. A mutation
    without an `input` argument has its own `document`, taking the prepared values as its
    variables; `logged` says whether a success appends to the event log."""

    prepare: Callable[[District], Input]
    target: str | None = None
    document: str | None = None
    logged: bool = True
    uploads: bool = False
    """The input's `uploadId` is replaced by a file the caller itself uploads (an upload is
    attached by its uploader only)."""

    def request(self, mutation: str, given: Input) -> tuple[str, Input]:
        if self.document is not None:
            return self.document, given
        return mutation_document(mutation), {"input": given}


def _topic_input(state: Callable[[District], UUID], **fields: Any) -> Callable[[District], Input]:
    return lambda d: {"topicId": str(state(d)), **fields}


def _held_input(**fields: Any) -> Callable[[District], Input]:
    return lambda d: {"consultationId": str(d.held_consultation()[0]), **fields}


def _hold(d: District) -> Input:
    consultation_id, member = with_participants(d)
    return {
        "consultationId": str(consultation_id),
        "heldAt": "2026-11-28T09:40:00",
        "record": "交通委答复了停车位规划。",
        "attendeeIds": [member],
        "opinions": ["增加停车位"],
        "suggestions": ["利用学校操场夜间错时停车"],
    }


def _open_item(d: District) -> Input:
    consultation_id, suggestion = d.held_consultation()
    return {"consultationId": str(consultation_id), "suggestion": suggestion}


def _assign(d: District) -> Input:
    return {
        "itemId": str(opened_item(d)),
        "unitId": str(d.unit_id),
        "committeeId": str(d.committee_id),
        "supervisorId": str(d.supervisor_id),
        "dueOn": "2099-06-30",
    }


def _progress(d: District) -> Input:
    return {
        "itemId": str(d.assigned_item()),
        "progress": "已协调两所学校开放操场",
        "problems": "学校担心安全管理",
        "approach": "由街道派保安值守",
        "reportingDepartment": "区交通委",
        "reportedOn": "2026-12-01",
    }


def _propose(d: District) -> Input:
    return {
        "title": f"小区停车难{tag()}",
        "content": "居民反映小区周边停车位不足。",
        "channel": "HOTLINE_12345",
        "category": "GOVERNANCE",
        "platformId": str(d.platform_id),
        "proposer": {"name": "陈群众", "phone": "13800000001"},
        "hotlineTickets": [f"GD2026{tag()}"],
    }


def _schedule(d: District) -> Input:
    return {
        "form": "SUGGESTION",
        "platformId": str(d.platform_id),
        "startsAt": "2026-11-28T09:30:00",
        "topicId": str(d.approved_topic()),
    }


def _register_platform(d: District) -> Input:
    return {
        "name": f"某界别活动组{tag()}",
        "kind": "SECTOR_GROUP",
        "hallVenue": "区政协机关议事厅",
        "committeeId": str(d.committee_id),
        "responsiblePersonId": str(new_person(d)),
    }


SCENARIOS: dict[str, Scenario] = {
    "proposeTopic": Scenario(_propose),
    "verifyTopic": Scenario(_topic_input(proposed, basicSituation="涉及3个小区。"), "topicId"),
    "excludeTopic": Scenario(
        _topic_input(proposed, ground="REAL_NAME_REPORT", reason="已告知举报人。"), "topicId"
    ),
    "reverseExclusion": Scenario(_topic_input(excluded, reason="依据不足,撤销。"), "topicId"),
    "submitTopic": Scenario(
        lambda d: {
            "topicId": str(verified(d)),
            "draftedTitle": "关于停车难的协商",
            "committeeId": str(d.committee_id),
        },
        "topicId",
    ),
    "approveTopic": Scenario(_topic_input(submitted, reason="群众关切,同意协商。"), "topicId"),
    "returnTopic": Scenario(_topic_input(submitted, reason="请补充调研。"), "topicId"),
    "recordResearch": Scenario(
        lambda d: {"topicId": str(d.approved_topic()), "findings": "走访3个小区。"}, "topicId"
    ),
    "scheduleConsultation": Scenario(_schedule, "topicId"),
    "identifyParticipants": Scenario(
        lambda d: {
            "consultationId": str(d.scheduled_consultation()),
            "participants": [{"kind": "CPPCC_MEMBER", "name": "周委员"}],
        },
        "consultationId",
    ),
    "notifyParticipants": Scenario(
        lambda d: {"consultationId": str(with_participants(d)[0]), "notice": "请按时参加。"},
        "consultationId",
    ),
    "holdConsultation": Scenario(_hold, "consultationId"),
    "postOnlineOpinion": Scenario(
        lambda d: {
            "consultationId": str(open_online(d)),
            "authorName": "钱网民",
            "authorPhone": "13700000003",
            "content": "建议优先加装低楼层。",
        },
        "consultationId",
    ),
    "reportConsultation": Scenario(
        _held_input(kind="PUBLIC_OPINION", recipient="区委区政府", summary="停车难问题。"),
        "consultationId",
    ),
    "cancelConsultation": Scenario(
        lambda d: {"consultationId": str(d.scheduled_consultation()), "reason": "场地冲突。"},
        "consultationId",
    ),
    "openSupervisionItem": Scenario(_open_item, "consultationId"),
    "assignItem": Scenario(_assign, "itemId"),
    "reportProgress": Scenario(_progress, "itemId"),
    "addAttachment": Scenario(
        lambda d: {
            "ownerKind": "PROGRESS_REPORT",
            "ownerId": str(d.assigned_item()),
            "uploadId": "0" * 32,
        },
        "ownerId",
        uploads=True,
    ),
    "withdrawAttachment": Scenario(
        lambda d: {"attachmentId": str(attached_file(d)), "reason": "误传。"}, "attachmentId"
    ),
    "resolveItem": Scenario(
        lambda d: {"itemId": str(d.assigned_item()), "outcome": "新增车位120个。"}, "itemId"
    ),
    "reopenItem": Scenario(
        lambda d: {"itemId": str(resolved_item(d)), "reason": "群众反映仍未解决。"}, "itemId"
    ),
    "establishCommittee": Scenario(lambda d: {"name": f"经济委员会{tag()}"}),
    "registerUnit": Scenario(lambda d: {"name": f"区住建委{tag()}", "kind": "DISTRICT_DEPARTMENT"}),
    "renameUnit": Scenario(
        lambda d: {
            "unitId": str(new_unit(d)),
            "name": f"区住房和城乡建设局{tag()}",
            "reason": "机构改革更名。",
        }
    ),
    # 三权分立: accounts, the security administrator's
    "createAccount": Scenario(lambda d: {"username": f"user.{tag()}", "displayName": "测试账号"}),
    "grantRole": Scenario(
        lambda d: {"accountId": str(new_account(d)), "role": "LEADER", "reason": "任命"}
    ),
    "revokeRole": Scenario(
        lambda d: {
            "accountId": str(new_account(d, Role.LEADER)),
            "role": "LEADER",
            "reason": "调离",
        }
    ),
    "disableAccount": Scenario(lambda d: {"accountId": str(new_account(d)), "reason": "离职"}),
    "reenableAccount": Scenario(
        lambda d: {
            "accountId": str(
                account_in_state(d, lambda a: a.disable(reason="离职", actor=SECURITY))
            ),
            "reason": "返岗",
        }
    ),
    "unlockAccount": Scenario(
        lambda d: {
            "accountId": str(
                account_in_state(d, lambda a: a.lock(until=LOCKED_UNTIL, failures=5, actor=SYSTEM))
            ),
            "reason": "本人来电核实",
        }
    ),
    "resetPassword": Scenario(
        lambda d: {"accountId": str(new_account(d)), "temporaryPassword": TEMPORARY_PASSWORD}
    ),
    "resetSecondFactor": Scenario(
        lambda d: {
            "accountId": str(account_in_state(d, lambda a: a.second_factor_enrolled(actor=SYSTEM))),
            "reason": "手机丢失",
        }
    ),
    "issueApiToken": Scenario(
        lambda d: {
            "accountId": str(new_account(d, Role.INTEGRATION)),
            "name": "12345 热线对接",
            "role": "INTEGRATION",
        }
    ),
    "revokeApiToken": Scenario(_revoke_api_token),
    # One's own account (refused to every bearer token: it names no account)
    "changeOwnPassword": Scenario(
        lambda d: {"currentPassword": TEMPORARY_PASSWORD, "newPassword": "Xinhua@Street-07"}
    ),
    "beginSecondFactor": Scenario(
        lambda d: {},
        document="mutation Step { beginSecondFactor { secret } }",
        logged=False,
    ),
    "confirmSecondFactor": Scenario(
        lambda d: {"code": "123456"},
        document="mutation Step($code: String!) { confirmSecondFactor(code: $code) { codes } }",
    ),
    "endMySession": Scenario(
        lambda d: {"sessionId": "0123456789abcdef"},
        document="mutation Step($sessionId: ID!) { endMySession(sessionId: $sessionId) }",
        logged=False,
    ),
    "registerPerson": Scenario(lambda d: {"name": f"孙组长{tag()}", "position": "组长"}),
    "registerPlatform": Scenario(_register_platform),
    "changeResponsiblePerson": Scenario(
        lambda d: {
            "platformId": str(d.platform_id),
            "personId": str(new_person(d)),
            "reason": "工作调动。",
        }
    ),
    "movePlatformHall": Scenario(
        lambda d: {"platformId": str(d.platform_id), "hallVenue": f"永顺镇文化中心{tag()}"}
    ),
    "eraseSubject": Scenario(
        lambda d: {"subjectId": proposer_subject(d), "reason": "本人申请删除。"}
    ),
    # 共性问题: one topic from many 12345 orders
    "draftTopicFromOrders": Scenario(
        lambda d: {
            "topicIds": [str(proposed(d)), str(proposed(d))],
            "title": "老旧小区停车难(共性问题)",
            "content": "多件12345工单反映同一问题。",
        },
        "topicIds",
    ),
    # integration: webhooks and the ledger
    "registerWebhook": Scenario(lambda d: {"url": HOOK, "description": "区大数据中心"}),
    "unregisterWebhook": Scenario(
        lambda d: {"webhookId": str(webhook(d)), "reason": "对接方停用。"}
    ),
    "resumeWebhook": Scenario(
        lambda d: {"id": str(webhook(d))},
        document="mutation($id: ID!) { resumeWebhook(webhookId: $id) { id } }",
        logged=False,
    ),
    # the working calendar: a year's holiday schedule, each call a year not yet entered
    "enterHolidaySchedule": Scenario(lambda d: _holiday_schedule(next(SCHEDULE_YEARS))),
    # 委员履职: enrolment into the district's platform, an item followed, the points scheme
    "enrollMember": Scenario(
        lambda d: {
            "personId": str(d.app.register_person(ADMIN_COMMAND, name=f"委员{tag()}").id),
            "sector": "经济界",
            "platformId": str(d.platform_id),
        },
        "platformId",
    ),
    "followItem": Scenario(
        lambda d: {"itemId": str(d.assigned_item()), "personId": str(enrolled_member(d))},
        "itemId",
    ),
    "setPointsScheme": Scenario(
        lambda d: {
            "effectiveFrom": (date(2030, 1, 1) + timedelta(days=next(SCHEME_DAYS))).isoformat(),
            "weights": [{"kind": "report", "points": 5}],
            "reason": "主席会议通过",
        }
    ),
    "issueCheckpoint": Scenario(
        lambda d: {},
        document="mutation { issueCheckpoint { treeSize } }",
        logged=False,
    ),
}


SCHEDULE_YEARS = count(2031)
SCHEME_DAYS = count()


def enrolled_member(d: District) -> UUID:
    person_id = d.app.register_person(ADMIN_COMMAND, name=f"委员{tag()}").id
    d.app.enroll_member(ADMIN_COMMAND, person_id, sector="经济界", platform_id=d.platform_id)
    return person_id


def _holiday_schedule(year: int) -> Input:
    """春节 on the first Monday to Wednesday of February, the Saturday after worked instead."""
    monday = date(year, 2, 1) + timedelta(days=-date(year, 2, 1).weekday() % 7)
    return {
        "year": year,
        "notice": f"国办发明电〔{year - 1}〕1号",
        "holidays": [
            {"day": (monday + timedelta(days=n)).isoformat(), "festival": "春节"} for n in range(3)
        ],
        "workingDays": [(monday + timedelta(days=5)).isoformat()],
    }


def attached_file(d: District) -> UUID:
    """A progress report's file, attached by the platform's staff."""
    with d.app.receive(d.staff.actor, "办理回复.pdf") as intake:
        intake.write(files.pdf())
        upload_id = intake.finish().id
    return d.app.add_attachment(
        d.staff,
        owner_kind=AttachmentOwner.PROGRESS_REPORT,
        owner_id=d.assigned_item(),
        upload_id=upload_id,
    ).id
