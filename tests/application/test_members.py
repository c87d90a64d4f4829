"""委员履职 (issue 22) in the application: a registered person enrolled as a member (界别,
platform), named on research and reports, following an item; the points scheme set by the
system administrator and revised for the same day; the refusals."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from application.app import Yishiting
from application.permissions import InvalidScope, NotPermitted, OutOfReach
from application.receipts import Command
from domain.base import Actor
from domain.errors import FieldTooLong, NotFound, RequiredField, UnknownCode
from domain.members import (
    DuplicateWeight,
    InvalidWeight,
    NotAMember,
    NoWeights,
    PointsScheme,
    Weight,
)
from domain.people import Proposer
from domain.reference import Person
from domain.supervision import SupervisionItem
from domain.vocabulary import Category, Channel, ParticipationKind, ReportKind, Role
from tests.support.district import ADMIN, District

K = ParticipationKind


def member(app: Yishiting, district: District, name: str = "周委员") -> UUID:
    person_id = app.register_person(Command(ADMIN), name=name).id
    app.enroll_member(district.staff, person_id, sector="经济界", platform_id=district.platform_id)
    return person_id


def test_platform_staff_enrol_a_registered_person_into_their_platform(
    app: Yishiting, district: District
) -> None:
    person_id = member(app, district)
    app.enroll_member(Command(ADMIN), person_id, sector="教育界", platform_id=district.platform_id)
    person = app.repository.get(person_id)
    assert isinstance(person, Person)
    assert (person.is_member, person.sector, person.member_platform_id) == (
        True,
        "教育界",
        district.platform_id,
    )
    other = District.build(app)
    with pytest.raises(OutOfReach):
        app.enroll_member(district.staff, person_id, sector="经济界", platform_id=other.platform_id)
    with pytest.raises(RequiredField):
        app.enroll_member(Command(ADMIN), person_id, sector=" ", platform_id=district.platform_id)
    with pytest.raises(FieldTooLong):
        app.enroll_member(
            Command(ADMIN), person_id, sector="界" * 51, platform_id=district.platform_id
        )
    with pytest.raises(NotFound):
        app.enroll_member(
            Command(ADMIN), uuid4(), sector="经济界", platform_id=district.platform_id
        )
    with pytest.raises(NotPermitted):
        app.enroll_member(
            district.unit, person_id, sector="经济界", platform_id=district.platform_id
        )


def test_members_are_named_on_matters_research_and_reports_from_the_roster(
    app: Yishiting, district: District
) -> None:
    jia = member(app, district, "甲委员")
    topic_id = app.propose_topic(
        district.staff,
        title="老旧小区加装电梯",
        content="居民反映。",
        channel=Channel.CPPCC_MEMBER,
        category=Category.LIVELIHOOD,
        platform_id=district.platform_id,
        proposer=Proposer.checked("名册人员", person_id=str(jia)),
    ).id
    proposer = app.repository.get(topic_id).proposer
    person = app.repository.get(jia)
    assert (proposer.name, proposer.subject_id, proposer.person_id) == (
        "甲委员",
        person.subject_id,
        str(jia),
    )
    approved = district.approved_topic()
    stranger = app.register_person(Command(ADMIN), name="路人").id
    with pytest.raises(NotAMember):
        app.record_research(district.staff, approved, findings="走访", researcher_ids=[stranger])
    app.record_research(district.staff, approved, findings="走访", researcher_ids=[jia, jia])
    *_, research = app.repository.event_store.get(approved)
    assert research.researcher_ids == [jia]  # type: ignore[attr-defined]

    consultation_id, _ = district.held_consultation()
    with pytest.raises(NotAMember):
        app.report_consultation(
            district.staff,
            consultation_id,
            kind=ReportKind.PROPOSAL,
            recipient="区政协",
            summary="提案",
            signer_ids=[stranger],
        )
    app.report_consultation(
        district.staff,
        consultation_id,
        kind=ReportKind.PROPOSAL,
        recipient="区政协",
        summary="提案",
        signer_ids=[jia],
    )
    assert app.repository.get(consultation_id).reports[-1].signer_ids == (jia,)


def test_a_member_follows_an_item_once(app: Yishiting, district: District) -> None:
    jia = member(app, district)
    item_id = district.assigned_item()
    app.follow_item(district.staff, item_id, person_id=jia)
    again = app.follow_item(district.staff, item_id, person_id=jia)
    item = app.repository.get(item_id)
    assert isinstance(item, SupervisionItem)
    assert (list(item.followers), item.version, again.events) == ([jia], again.version, 0)

    yi = member(app, district, "乙委员")
    as_yi = Command(Actor("member-yi", "乙委员", Role.MEMBER, str(yi)))
    app.follow_item(as_yi, item_id, person_id=yi)
    with pytest.raises(OutOfReach):
        app.follow_item(as_yi, item_id, person_id=jia)  # only as themself
    stranger = app.register_person(Command(ADMIN), name="路人").id
    with pytest.raises(NotAMember):
        app.follow_item(district.staff, item_id, person_id=stranger)
    with pytest.raises(NotPermitted):
        app.follow_item(district.unit, item_id, person_id=jia)


def test_the_administrator_sets_the_points_scheme_and_revises_it_with_a_reason(
    app: Yishiting,
) -> None:
    admin = Command(ADMIN)
    day = date(2026, 7, 1)
    weights = [Weight(K.CONSULTATION, 5), Weight(K.REPORT, 10)]
    scheme_id = app.set_points_scheme(admin, effective_from=day, weights=weights, reason="试行").id
    app.set_points_scheme(
        admin, effective_from=day, weights=[Weight(K.REPORT, 8)], reason="主席会议修改"
    )
    scheme = app.repository.get(scheme_id)
    assert isinstance(scheme, PointsScheme)
    assert (scheme.version, scheme.weights[K.REPORT.code], scheme.weights[K.CONSULTATION.code]) == (
        2,
        8.0,
        0.0,  # a kind left out counts nothing under this scheme
    )
    for refused, given in (
        (InvalidWeight, [Weight(K.REPORT, -1)]),
        (InvalidWeight, [Weight(K.REPORT, float("nan"))]),
        (DuplicateWeight, [Weight(K.REPORT, 1), Weight(K.REPORT, 2)]),
        (NoWeights, []),
    ):
        with pytest.raises(refused):
            app.set_points_scheme(admin, effective_from=day, weights=given, reason="改")
    with pytest.raises(UnknownCode):
        ParticipationKind.parse("attendance")
    staff = Command(Actor("staff-x", "李专员", Role.PLATFORM_STAFF, str(uuid4())))
    with pytest.raises(NotPermitted):
        app.set_points_scheme(staff, effective_from=day, weights=weights, reason="改")


def test_the_security_administrator_ties_an_account_to_a_member(
    app: Yishiting, district: District
) -> None:
    security = Command(Actor("account:security-0", "安全管理员", Role.SECURITY_ADMIN))
    jia = member(app, district, "甲委员")
    account = app.create_account(security, username="jia.weiyuan", display_name="甲委员").id
    app.grant_role(security, account, role=Role.MEMBER, scope=str(jia), reason="新任委员")
    held = app.repository.get(account)
    assert held.holds(Role.MEMBER)
    with pytest.raises(InvalidScope):  # a member's scope is the registered person's id
        app.grant_role(security, account, role=Role.MEMBER, scope="", reason="新任委员")
    with pytest.raises(NotFound):
        app.grant_role(security, account, role=Role.MEMBER, scope=str(uuid4()), reason="新任委员")
    with pytest.raises(NotPermitted):  # 三权分立: not the system administrator's
        app.grant_role(Command(ADMIN), account, role=Role.MEMBER, scope=str(jia), reason="越权")
