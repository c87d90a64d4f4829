"""A GraphQL client for tests, and the district's story told through the API's mutations.

`GraphQLClient` speaks to `/graphql` over any httpx-compatible client: FastAPI's TestClient
in-process, or an `httpx.Client(base_url=...)` against a real server. `Steps` drives one use
case per method, as the acting person the client's credentials name.

Credentials: a bearer token from the app's own authenticator once sign-in exists
(`credentials_of(app)`), else the X-Yishiting-Actor-* headers the app read before sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from domain.base import Actor
from domain.vocabulary import Role

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# The mutations whose input type is not simply the mutation's name + "Input".
SHARED_INPUTS = {
    "reverseExclusion": "TopicReasonInput",
    "approveTopic": "TopicReasonInput",
    "returnTopic": "TopicReasonInput",
}

Credentials = Callable[[Actor], dict[str, str]]


class HTTP(Protocol):
    def post(self, url: str, *, json: Any = ..., headers: Any = ...) -> Any: ...


def actor_headers(actor: Actor) -> dict[str, str]:
    """The caller naming itself, as the app accepted before sign-in."""
    headers = {
        "X-Yishiting-Actor-Id": actor.id,
        "X-Yishiting-Actor-Role": actor.role.code,
        "X-Yishiting-Actor-Scope": actor.scope,
    }
    # HTTP header values are ASCII here (the app reads them as latin-1 and decodes nothing),
    # so a Chinese name cannot travel in X-Yishiting-Actor-Name: the app then uses the id.
    if actor.name.isascii():
        headers["X-Yishiting-Actor-Name"] = actor.name
    return headers


def bearer(issue: Callable[[Actor], str]) -> Credentials:
    """A signed-in caller: `issue` makes a token for the actor."""

    def headers(actor: Actor) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue(actor)}"}

    return headers


def credentials_of(app: Any) -> Credentials:
    """Tokens from the app's authenticator when it has one; the actor headers otherwise."""
    authenticator = getattr(app.state, "authenticator", None)
    return bearer(authenticator.issue) if authenticator is not None else actor_headers


class GraphQLClient:
    """Posts operations to /graphql. `query` wants data and no errors; `errors` wants errors."""

    def __init__(
        self,
        http: HTTP,
        *,
        path: str = "/graphql",
        credentials: Credentials = actor_headers,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.http = http
        self.path = path
        self.credentials = credentials
        self.headers = dict(headers or {})

    def acting_as(self, actor: Actor) -> GraphQLClient:
        return GraphQLClient(
            self.http, path=self.path, credentials=self.credentials, headers=self.credentials(actor)
        )

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body; GraphQL answers 200 even when it refuses."""
        response = self.http.post(
            self.path,
            json={"query": document, "variables": dict(variables or {})},
            headers=self.headers,
        )
        assert response.status_code == 200, (response.status_code, response.text)
        body: dict[str, Any] = response.json()
        return body

    def query(self, document: str, **variables: Any) -> dict[str, Any]:
        body = self.execute(document, variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def errors(self, document: str, **variables: Any) -> list[dict[str, Any]]:
        body = self.execute(document, variables)
        errors: list[dict[str, Any]] = body.get("errors") or []
        assert errors, f"expected a refusal, got {body.get('data')}"
        return errors


@dataclass(frozen=True)
class Changed:
    """What every mutation answers: the record's id, its new version, the event's position."""

    id: str
    version: int
    position: int | None


def mutation_document(name: str) -> str:
    input_type = SHARED_INPUTS.get(name, name[0].upper() + name[1:] + "Input")
    return (
        f"mutation Step($input: {input_type}!) {{"
        f" {name}(input: $input) {{ id version position }} }}"
    )


def _day(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


class Steps:
    """One method per use case, each a GraphQL mutation. In refusal mode (`.refused`) each
    method returns the single error instead, and asserts there was no data."""

    def __init__(self, client: GraphQLClient, *, refusal: bool = False) -> None:
        self.client = client
        self.refusal = refusal

    @property
    def refused(self) -> Steps:
        return Steps(self.client, refusal=True)

    def acting_as(self, actor: Actor) -> Steps:
        return Steps(self.client.acting_as(actor), refusal=self.refusal)

    def run(
        self,
        mutation: str,
        /,
        command_id: str | None = None,
        expected_version: int | None = None,
        **fields: Any,
    ) -> Any:
        given = {k: v for k, v in fields.items() if v is not None}
        if command_id is not None:
            given["commandId"] = command_id
        if expected_version is not None:
            given["expectedVersion"] = expected_version
        document = mutation_document(mutation)
        if self.refusal:
            body = self.client.execute(document, {"input": given})
            assert body.get("data") is None, body
            (error,) = body["errors"]
            return error
        payload = self.client.query(document, input=given)[mutation]
        return Changed(payload["id"], payload["version"], payload["position"])

    # 六、组织搭建 reference data
    def establish_committee(self, name: str, **command: Any) -> Any:
        return self.run("establishCommittee", name=name, **command)

    def register_person(self, name: str, position: str = "", **command: Any) -> Any:
        return self.run("registerPerson", name=name, position=position, **command)

    def register_platform(
        self,
        name: str,
        *,
        committee_id: str,
        responsible_person_id: str,
        hall_venue: str,
        kind: str = "MEMBER_WORKSTATION",
        **command: Any,
    ) -> Any:
        return self.run(
            "registerPlatform",
            name=name,
            kind=kind,
            hallVenue=hall_venue,
            committeeId=committee_id,
            responsiblePersonId=responsible_person_id,
            **command,
        )

    def register_unit(self, name: str, kind: str = "DISTRICT_DEPARTMENT", **command: Any) -> Any:
        return self.run("registerUnit", name=name, kind=kind, **command)

    def rename_unit(self, unit_id: str, name: str, reason: str, **command: Any) -> Any:
        return self.run("renameUnit", unitId=unit_id, name=name, reason=reason, **command)

    def change_responsible_person(
        self, platform_id: str, *, person_id: str, reason: str, **command: Any
    ) -> Any:
        return self.run(
            "changeResponsiblePerson",
            platformId=platform_id,
            personId=person_id,
            reason=reason,
            **command,
        )

    def move_platform_hall(self, platform_id: str, *, hall_venue: str, **command: Any) -> Any:
        return self.run("movePlatformHall", platformId=platform_id, hallVenue=hall_venue, **command)

    # 五、七.1 matters and topics
    def propose_topic(
        self,
        *,
        title: str,
        content: str,
        channel: str,
        category: str,
        platform_id: str,
        proposer: Mapping[str, str],
        hotline_tickets: list[str] | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "proposeTopic",
            title=title,
            content=content,
            channel=channel,
            category=category,
            platformId=platform_id,
            proposer=dict(proposer),
            hotlineTickets=hotline_tickets,
            **command,
        )

    def verify_topic(self, topic_id: str, *, basic_situation: str, **command: Any) -> Any:
        return self.run("verifyTopic", topicId=topic_id, basicSituation=basic_situation, **command)

    def exclude_topic(
        self, topic_id: str, *, ground: str, reason: str | None = None, **command: Any
    ) -> Any:
        return self.run("excludeTopic", topicId=topic_id, ground=ground, reason=reason, **command)

    def reverse_exclusion(self, topic_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("reverseExclusion", topicId=topic_id, reason=reason, **command)

    def submit_topic(
        self, topic_id: str, *, drafted_title: str, committee_id: str, **command: Any
    ) -> Any:
        return self.run(
            "submitTopic",
            topicId=topic_id,
            draftedTitle=drafted_title,
            committeeId=committee_id,
            **command,
        )

    def approve_topic(self, topic_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("approveTopic", topicId=topic_id, reason=reason, **command)

    def return_topic(self, topic_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("returnTopic", topicId=topic_id, reason=reason, **command)

    def record_research(self, topic_id: str, *, findings: str, **command: Any) -> Any:
        return self.run("recordResearch", topicId=topic_id, findings=findings, **command)

    # 四、七.2–七.5 consultations
    def schedule_consultation(
        self,
        *,
        form: str,
        platform_id: str,
        starts_at: str,
        topic_id: str | None = None,
        theme: str | None = None,
        venue: str | None = None,
        closes_at: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "scheduleConsultation",
            form=form,
            platformId=platform_id,
            startsAt=starts_at,
            topicId=topic_id,
            theme=theme,
            venue=venue,
            closesAt=closes_at,
            **command,
        )

    def identify_participants(
        self, consultation_id: str, *, participants: list[Mapping[str, str]], **command: Any
    ) -> Any:
        return self.run(
            "identifyParticipants",
            consultationId=consultation_id,
            participants=[dict(p) for p in participants],
            **command,
        )

    def notify_participants(self, consultation_id: str, *, notice: str, **command: Any) -> Any:
        return self.run(
            "notifyParticipants", consultationId=consultation_id, notice=notice, **command
        )

    def hold_consultation(
        self,
        consultation_id: str,
        *,
        held_at: str,
        record: str,
        attendee_ids: list[str] | None = None,
        opinions: list[str] | None = None,
        suggestions: list[str] | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "holdConsultation",
            consultationId=consultation_id,
            heldAt=held_at,
            record=record,
            attendeeIds=attendee_ids or [],
            opinions=opinions,
            suggestions=suggestions,
            **command,
        )

    def post_online_opinion(
        self,
        consultation_id: str,
        *,
        author_name: str,
        content: str,
        author_phone: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "postOnlineOpinion",
            consultationId=consultation_id,
            authorName=author_name,
            content=content,
            authorPhone=author_phone,
            **command,
        )

    def report_consultation(
        self,
        consultation_id: str,
        *,
        kind: str,
        recipient: str,
        summary: str,
        reference: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "reportConsultation",
            consultationId=consultation_id,
            kind=kind,
            recipient=recipient,
            summary=summary,
            reference=reference,
            **command,
        )

    def cancel_consultation(self, consultation_id: str, *, reason: str, **command: Any) -> Any:
        return self.run(
            "cancelConsultation", consultationId=consultation_id, reason=reason, **command
        )

    # 七.6 督办落实
    def open_supervision_item(
        self,
        consultation_id: str,
        *,
        suggestion_id: str | None = None,
        suggestion: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "openSupervisionItem",
            consultationId=consultation_id,
            suggestionId=suggestion_id,
            suggestion=suggestion,
            **command,
        )

    def assign_item(
        self,
        item_id: str,
        *,
        unit_id: str,
        committee_id: str,
        supervisor_id: str,
        due_on: date | str | None = None,
        reason: str | None = None,
        due_in_working_days: int | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "assignItem",
            itemId=item_id,
            unitId=unit_id,
            committeeId=committee_id,
            supervisorId=supervisor_id,
            dueOn=_day(due_on),
            reason=reason,
            dueInWorkingDays=due_in_working_days,
            **command,
        )

    def report_progress(
        self,
        item_id: str,
        *,
        progress: str,
        reporting_department: str,
        reported_on: date | str,
        problems: str | None = None,
        approach: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "reportProgress",
            itemId=item_id,
            progress=progress,
            reportingDepartment=reporting_department,
            reportedOn=_day(reported_on),
            problems=problems,
            approach=approach,
            **command,
        )

    def resolve_item(self, item_id: str, *, outcome: str, **command: Any) -> Any:
        return self.run("resolveItem", itemId=item_id, outcome=outcome, **command)

    def reopen_item(self, item_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("reopenItem", itemId=item_id, reason=reason, **command)

    # 附件 attachments (the file itself is uploaded first: POST /attachments)
    def add_attachment(
        self,
        owner_kind: str,
        owner_id: str,
        *,
        upload_id: str,
        personal_data: bool = False,
        data_subject_id: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "addAttachment",
            ownerKind=owner_kind,
            ownerId=owner_id,
            uploadId=upload_id,
            personalData=personal_data,
            dataSubjectId=data_subject_id,
            **command,
        )

    def withdraw_attachment(self, attachment_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("withdrawAttachment", attachmentId=attachment_id, reason=reason, **command)

    # 五.(三) 12345 common issues (共性问题)
    def draft_topic_from_orders(
        self,
        topic_ids: list[str],
        *,
        title: str,
        content: str,
        category: str | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "draftTopicFromOrders",
            topicIds=topic_ids,
            title=title,
            content=content,
            category=category,
            **command,
        )

    # personal data
    def erase_subject(self, subject_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("eraseSubject", subjectId=subject_id, reason=reason, **command)

    # integration consumers
    def enter_holiday_schedule(
        self,
        year: int,
        *,
        notice: str,
        holidays: list[tuple[date, str]],
        working_days: list[date],
        reason: str = "",
        **command: Any,
    ) -> Any:
        return self.run(
            "enterHolidaySchedule",
            year=year,
            notice=notice,
            holidays=[{"day": _day(day), "festival": festival} for day, festival in holidays],
            workingDays=[_day(day) for day in working_days],
            reason=reason,
            **command,
        )

    # 委员履职 members' participation
    def enroll_member(
        self, person_id: str, *, sector: str, platform_id: str, **command: Any
    ) -> Any:
        return self.run(
            "enrollMember", personId=person_id, sector=sector, platformId=platform_id, **command
        )

    def follow_item(self, item_id: str, *, person_id: str, **command: Any) -> Any:
        return self.run("followItem", itemId=item_id, personId=person_id, **command)

    def set_points_scheme(
        self,
        effective_from: date | str,
        *,
        weights: dict[str, float],
        reason: str,
        **command: Any,
    ) -> Any:
        return self.run(
            "setPointsScheme",
            effectiveFrom=_day(effective_from),
            weights=[{"kind": kind, "points": points} for kind, points in weights.items()],
            reason=reason,
            **command,
        )

    def register_webhook(
        self,
        url: str,
        *,
        secret: str | None = None,
        event_types: list[str] | None = None,
        **command: Any,
    ) -> Any:
        return self.run(
            "registerWebhook", url=url, secret=secret, eventTypes=event_types, **command
        )

    def unregister_webhook(self, webhook_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("unregisterWebhook", webhookId=webhook_id, reason=reason, **command)

    # Accounts (三权分立: the security administrator's)
    def create_account(self, username: str, display_name: str, **command: Any) -> Any:
        return self.run("createAccount", username=username, displayName=display_name, **command)

    def grant_role(
        self, account_id: str, *, role: str, reason: str, scope: str = "", **command: Any
    ) -> Any:
        return self.run(
            "grantRole", accountId=account_id, role=role, scope=scope, reason=reason, **command
        )

    def revoke_role(
        self, account_id: str, *, role: str, reason: str, scope: str = "", **command: Any
    ) -> Any:
        return self.run(
            "revokeRole", accountId=account_id, role=role, scope=scope, reason=reason, **command
        )

    def disable_account(self, account_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("disableAccount", accountId=account_id, reason=reason, **command)

    def reenable_account(self, account_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("reenableAccount", accountId=account_id, reason=reason, **command)

    def unlock_account(self, account_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("unlockAccount", accountId=account_id, reason=reason, **command)

    def reset_password(self, account_id: str, *, temporary_password: str, **command: Any) -> Any:
        return self.run(
            "resetPassword", accountId=account_id, temporaryPassword=temporary_password, **command
        )

    def reset_second_factor(self, account_id: str, *, reason: str, **command: Any) -> Any:
        return self.run("resetSecondFactor", accountId=account_id, reason=reason, **command)

    def issue_api_token(
        self, account_id: str, *, name: str, role: str, scope: str = "", **command: Any
    ) -> Any:
        return self.run(
            "issueApiToken", accountId=account_id, name=name, role=role, scope=scope, **command
        )

    def revoke_api_token(
        self, account_id: str, *, token_id: str, reason: str, **command: Any
    ) -> Any:
        return self.run(
            "revokeApiToken", accountId=account_id, tokenId=token_id, reason=reason, **command
        )

    def change_own_password(
        self, *, current_password: str, new_password: str, **command: Any
    ) -> Any:
        return self.run(
            "changeOwnPassword",
            currentPassword=current_password,
            newPassword=new_password,
            **command,
        )


# The story's people. Each acts through its own headers; the ids are scoped after setup.
ADMIN = Actor("admin-1", "系统管理员", Role.ADMIN)
HOTLINE_MATTER = {
    "title": "小区停车难",
    "content": "居民反映小区周边停车位不足,夜间乱停车严重。",
    "channel": "HOTLINE_12345",
    "category": "GOVERNANCE",
    "proposer": {"name": "陈群众", "phone": "13800000001"},
    "hotline_tickets": ["GD20261126001", "GD20261126002"],
}
DRAFTED_TITLE = "关于缓解老旧小区停车难的协商"
SUGGESTIONS = ["利用学校操场夜间错时停车", "新建立体停车库"]


@dataclass
class GraphQLDistrict:
    """One committee, a platform with its designated person, a unit and a supervisor, set up
    through the API by an administrator; and the platform's staff, the committee, the unit and
    the supervisor, each acting through their own `Steps`."""

    admin: Steps
    staff: Steps
    committee: Steps
    unit: Steps
    supervisor: Steps
    committee_id: str
    platform_id: str
    unit_id: str
    head_id: str
    supervisor_id: str

    @classmethod
    def build(cls, client: GraphQLClient) -> GraphQLDistrict:
        admin = Steps(client).acting_as(ADMIN)
        committee_id = admin.establish_committee("社会和法制委员会").id
        head_id = admin.register_person("张站长", "工作站负责人").id
        supervisor_id = admin.register_person("刘督办", "督办负责人").id
        platform_id = admin.register_platform(
            "永顺镇委员工作站",
            committee_id=committee_id,
            responsible_person_id=head_id,
            hall_venue="永顺镇协商议事厅",
        ).id
        unit_id = admin.register_unit("区交通委").id
        return cls(
            admin=admin,
            staff=admin.acting_as(Actor("staff-1", "李专员", Role.PLATFORM_STAFF, platform_id)),
            committee=admin.acting_as(Actor("cttee-1", "王主任", Role.COMMITTEE, committee_id)),
            unit=admin.acting_as(Actor("unit-1", "赵科长", Role.UNIT, unit_id)),
            supervisor=admin.acting_as(
                Actor("supervisor-1", "刘督办", Role.SUPERVISOR, supervisor_id)
            ),
            committee_id=committee_id,
            platform_id=platform_id,
            unit_id=unit_id,
            head_id=head_id,
            supervisor_id=supervisor_id,
        )

    def propose_hotline_matter(self, title: str = "小区停车难", **command: Any) -> str:
        matter = {**HOTLINE_MATTER, "title": title}
        changed: Changed = self.staff.propose_topic(
            platform_id=self.platform_id, **matter, **command
        )
        return changed.id

    def approved_topic(self, title: str = "小区停车难") -> str:
        topic_id = self.propose_hotline_matter(title)
        self.staff.verify_topic(topic_id, basic_situation="涉及3个小区约2000户。")
        self.staff.submit_topic(
            topic_id, drafted_title=DRAFTED_TITLE, committee_id=self.committee_id
        )
        self.committee.approve_topic(topic_id, reason="群众关切,切口小,同意协商。")
        return topic_id

    def scheduled_consultation(
        self, topic_id: str | None = None, starts_at: str = "2026-11-28T09:30:00"
    ) -> str:
        changed: Changed = self.staff.schedule_consultation(
            form="SUGGESTION",
            platform_id=self.platform_id,
            starts_at=starts_at,
            topic_id=topic_id or self.approved_topic(),
        )
        return changed.id

    def held_consultation(self) -> str:
        consultation_id = self.scheduled_consultation()
        self.staff.identify_participants(
            consultation_id,
            participants=[
                {"kind": "CPPCC_MEMBER", "name": "周委员"},
                {"kind": "MASSES_OR_ENTERPRISE", "name": "吴居民"},
            ],
        )
        self.staff.hold_consultation(
            consultation_id,
            held_at="2026-11-28T09:40:00",
            attendee_ids=self.participant_ids(consultation_id),
            record="交通委答复了停车位规划。",
            opinions=["增加停车位"],
            suggestions=SUGGESTIONS,
        )
        return consultation_id

    def suggestion_ids(self, consultation_id: str) -> list[str]:
        """The ids of the consultation's suggestions, in the order recorded."""
        found = self.staff.client.query(
            "query($id: ID!) { consultation(id: $id) { suggestionEntries { id } } }",
            id=consultation_id,
        )
        return [s["id"] for s in found["consultation"]["suggestionEntries"]]

    def participant_ids(self, consultation_id: str) -> list[str]:
        """The ids of the consultation's identified participants, in the order named."""
        found = self.staff.client.query(
            "query($id: ID!) { consultation(id: $id) { participants { id } } }", id=consultation_id
        )
        return [p["id"] for p in found["consultation"]["participants"]]

    def assigned_item(self, due_on: date | str | None = None) -> str:
        consultation_id = self.held_consultation()
        item_id: str = self.staff.open_supervision_item(
            consultation_id, suggestion_id=self.suggestion_ids(consultation_id)[0]
        ).id
        self.staff.assign_item(
            item_id,
            unit_id=self.unit_id,
            committee_id=self.committee_id,
            supervisor_id=self.supervisor_id,
            due_on=due_on,
        )
        return item_id


def assert_explained(error: Mapping[str, Any], code: str, reason: str) -> None:
    """A refusal with its GraphQL class and domain reason, explained in Chinese."""
    extensions = error.get("extensions") or {}
    assert (extensions.get("code"), extensions.get("reason")) == (code, reason), error
    assert error["message"], error
    assert CHINESE.search(error["message"]), f"no Chinese in {error['message']!r}"


@dataclass(frozen=True)
class Told:
    """The records the whole story made."""

    topic_id: str
    consultation_id: str
    item_id: str
    report_id: str


def tell_the_story(hall: GraphQLDistrict) -> Told:
    """A 12345 matter from proposal to a resolved supervision item, and a real-name report
    excluded (实名举报): every step a mutation, as the person whose step it is."""
    staff = hall.staff
    topic_id = hall.propose_hotline_matter()
    staff.verify_topic(topic_id, basic_situation="涉及3个小区约2000户。")
    staff.submit_topic(topic_id, drafted_title=DRAFTED_TITLE, committee_id=hall.committee_id)
    hall.committee.approve_topic(topic_id, reason="群众关切,切口小,同意协商。")
    staff.record_research(topic_id, findings="走访3个小区,夜间车位缺口约300个。")
    consultation_id = hall.scheduled_consultation(topic_id)
    staff.identify_participants(
        consultation_id,
        participants=[
            {"kind": "CPPCC_MEMBER", "name": "周委员"},
            {"kind": "MASSES_OR_ENTERPRISE", "name": "吴居民"},
        ],
    )
    staff.notify_participants(consultation_id, notice="请于11月28日9:30到永顺镇议事厅")
    member, _resident = hall.participant_ids(consultation_id)
    staff.hold_consultation(
        consultation_id,
        held_at="2026-11-28T09:40:00",
        attendee_ids=[member],
        record="交通委答复了停车位规划。",
        opinions=["增加停车位"],
        suggestions=SUGGESTIONS,
    )
    staff.report_consultation(
        consultation_id, kind="PUBLIC_OPINION", recipient="区委区政府", summary="停车难问题。"
    )
    item_id: str = staff.open_supervision_item(consultation_id, suggestion=SUGGESTIONS[0]).id
    staff.assign_item(
        item_id,
        unit_id=hall.unit_id,
        committee_id=hall.committee_id,
        supervisor_id=hall.supervisor_id,
        due_on="2099-06-30",
    )
    hall.unit.report_progress(
        item_id,
        progress="已协调两所学校开放操场",
        problems="学校担心安全管理",
        approach="由街道派保安值守",
        reporting_department="区交通委",
        reported_on="2026-12-01",
    )
    hall.supervisor.resolve_item(item_id, outcome="新增车位120个。")

    report_id: str = staff.propose_topic(
        title="举报某单位负责人违规",
        content="实名举报某单位负责人违规占用公共车位。",
        channel="MASSES",
        category="LIVELIHOOD",
        platform_id=hall.platform_id,
        proposer={"name": "孙举报", "phone": "13900000002"},
    ).id
    staff.exclude_topic(
        report_id, ground="REAL_NAME_REPORT", reason="已告知举报人向纪检监察机关反映。"
    )
    return Told(topic_id, consultation_id, item_id, report_id)
