"""A problem list to export: two items of one platform (one in progress, one resolved) from a
consultation held late in the evening UTC — already the next day in the district — and one
item of a second platform, which the first platform's staff must not see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from application.app import Yishiting
from domain.base import recorded_at
from domain.people import Participant
from domain.vocabulary import ConsultationForm, ParticipantKind
from tests.support.district import District

# 17:30 UTC on 1 March is 01:30 on 2 March in the district (UTC+8).
HELD_AT = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
SUGGESTIONS = ["利用学校操场夜间错时停车", "新建立体停车库"]


@dataclass
class ProblemList:
    home: District
    other: District
    in_progress: UUID
    resolved: UUID
    elsewhere: UUID


def held_with_suggestions(district: District, suggestions: list[str]) -> UUID:
    app = district.app
    topic_id = district.approved_topic()
    consultation_id = app.schedule_consultation(
        district.staff,
        form=ConsultationForm.SUGGESTION,
        platform_id=district.platform_id,
        starts_at=HELD_AT - timedelta(minutes=30),
        topic_id=topic_id,
    ).id
    member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
    app.identify_participants(district.staff, consultation_id, participants=[member])
    app.hold_consultation(
        district.staff,
        consultation_id,
        held_at=HELD_AT,
        attendee_ids=[member.id],
        record="交通委答复了停车位规划。",
        opinions=["增加停车位"],
        suggestions=suggestions,
    )
    return consultation_id


def open_and_assign(district: District, consultation_id: UUID, suggestion: str) -> UUID:
    app = district.app
    item_id = app.open_supervision_item(
        district.staff, consultation_id=consultation_id, suggestion=suggestion
    ).id
    app.assign_item(
        district.staff,
        item_id,
        unit_id=district.unit_id,
        committee_id=district.committee_id,
        supervisor_id=district.supervisor_id,
        due_on=date(2026, 6, 30),
    )
    return item_id


def build_problem_list(app: Yishiting) -> ProblemList:
    with recorded_at(HELD_AT + timedelta(minutes=40)):
        home, other = District.build(app), District.build(app)
        consultation_id = held_with_suggestions(home, SUGGESTIONS)
        in_progress = open_and_assign(home, consultation_id, SUGGESTIONS[0])
        resolved = open_and_assign(home, consultation_id, SUGGESTIONS[1])
        elsewhere = open_and_assign(
            other, held_with_suggestions(other, ["增设公交站"]), "增设公交站"
        )
        app.report_progress(
            home.unit,
            in_progress,
            progress="已协调两所学校开放操场",
            problems="学校担心安全管理",
            approach="由街道派保安值守",
            reporting_department="区交通委",
            reported_on=date(2026, 3, 10),
        )
        app.report_progress(
            home.unit,
            resolved,
            progress="立体停车库已立项",
            problems="",
            approach="",
            reporting_department="区交通委",
            reported_on=date(2026, 3, 12),
        )
        app.resolve_item(home.committee, resolved, outcome="新增车位120个。")
    return ProblemList(home, other, in_progress, resolved, elsewhere)
