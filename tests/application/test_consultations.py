"""A consultation from its scheduling to its report, told through the application."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from application.app import Yishiting
from application.receipts import Command
from domain.consultation import Consultation
from domain.errors import InvalidInput, NotFound, WrongState
from domain.people import ERASED, Participant, Proposer
from domain.vocabulary import ConsultationForm, ConsultationStatus, ParticipantKind, ReportKind
from tests.support.clock import FixedClock
from tests.support.district import ADMIN, District
from tests.support.refusals import refused_storing_nothing


def test_a_consultation_is_scheduled_its_people_named_and_told_held_and_reported(
    app: Yishiting, district: District, clock: FixedClock
) -> None:
    topic_id = district.approved_topic()
    consultation_id = app.schedule_consultation(
        district.staff,
        form=ConsultationForm.SUGGESTION,
        platform_id=district.platform_id,
        starts_at=clock() + timedelta(days=3),
        topic_id=topic_id,
    ).id
    member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
    resident = Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民")
    app.identify_participants(district.staff, consultation_id, participants=[member, resident])
    app.notify_participants(district.staff, consultation_id, notice="周四上午九时在议事厅协商。")
    app.hold_consultation(
        district.staff,
        consultation_id,
        held_at=clock() + timedelta(days=3),
        attendee_ids=[member.id, resident.id],
        record="交通委答复了停车位规划。",
        opinions=["增加停车位"],
        suggestions=["利用学校操场夜间错时停车"],
    )
    app.report_consultation(
        district.staff,
        consultation_id,
        kind=ReportKind.PUBLIC_OPINION,
        recipient="区政协",
        summary="建议错时开放学校操场。",
    )

    consultation = app.repository.get(consultation_id)
    assert isinstance(consultation, Consultation)
    assert consultation.status is ConsultationStatus.REPORTED
    assert consultation.venue == "永顺镇协商议事厅"  # the platform's hall, when none is given
    assert consultation.notified == [
        ParticipantKind.CPPCC_MEMBER,
        ParticipantKind.MASSES_OR_ENTERPRISE,
    ]
    assert consultation.suggestions == ["利用学校操场夜间错时停车"]
    assert [r.recipient for r in consultation.reports] == ["区政协"]


def test_an_online_consultation_takes_opinions_only_while_it_is_open(
    app: Yishiting, district: District, clock: FixedClock
) -> None:
    consultation_id = app.schedule_consultation(
        district.staff,
        form=ConsultationForm.ONLINE,
        platform_id=district.platform_id,
        starts_at=clock() + timedelta(days=1),
        closes_at=clock() + timedelta(days=8),
        theme="老旧小区加装电梯,您怎么看?",
    ).id
    resident = Proposer.checked("吴居民", "13900000002")

    def post() -> None:
        app.post_online_opinion(
            district.staff, consultation_id, author=resident, content="支持加装,费用按楼层分摊。"
        )

    with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
        post()  # not open yet
    clock.advance(timedelta(days=2))
    post()
    clock.advance(timedelta(days=7))
    with refused_storing_nothing(app, WrongState, "WRONG_STATE"):
        post()  # closed

    opinions = app.repository.get(consultation_id).online_opinions
    assert [(o.content, o.posted_at) for o in opinions] == [
        ("支持加装,费用按楼层分摊。", clock() - timedelta(days=7))
    ]


def test_a_scheduled_consultation_is_cancelled_with_its_reason(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    app.cancel_consultation(district.staff, consultation_id, reason="台风预警,改期举行。")

    assert app.repository.get(consultation_id).status is ConsultationStatus.CANCELLED
    with pytest.raises(WrongState):
        app.cancel_consultation(district.staff, consultation_id, reason="再次取消")


def test_a_participant_from_the_roster_is_the_person_and_goes_with_their_erasure(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    admin = Command(ADMIN)
    person_id = app.register_person(
        admin, name="周建国", position="政协委员", subject_id="s-zhou"
    ).id
    picked = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员", person_id=str(person_id))
    app.identify_participants(district.staff, consultation_id, participants=[picked])

    (linked,) = consultation(app, consultation_id).participants
    assert (linked.name, linked.subject_id, linked.person_id) == (
        "周建国",
        "s-zhou",
        str(person_id),
    )
    app.erase_subject(admin, subject_id="s-zhou", reason="本人申请删除")
    (erased,) = consultation(app, consultation_id).participants
    assert (erased.name, erased.person_id) == (ERASED, str(person_id))


def test_a_roster_id_of_no_registered_person_stores_nothing(
    app: Yishiting, district: District
) -> None:
    consultation_id = district.scheduled_consultation()
    for picked in ({"person_id": str(district.unit_id)}, {"unit_id": str(district.platform_id)}):
        stray = Participant.checked(ParticipantKind.CPPCC_MEMBER, "某人", **picked)
        with refused_storing_nothing(app, NotFound, "NOT_FOUND"):
            app.identify_participants(district.staff, consultation_id, participants=[stray])
    with refused_storing_nothing(app, InvalidInput, "INVALID_INPUT"):
        stray = Participant.checked(ParticipantKind.CPPCC_MEMBER, "某人", person_id="not-an-id")
        app.identify_participants(district.staff, consultation_id, participants=[stray])


def consultation(app: Yishiting, consultation_id: UUID) -> Consultation:
    found = app.repository.get(consultation_id)
    assert isinstance(found, Consultation)
    return found
