"""The district's reference data: committees, units, people and platforms (七.0)."""

from __future__ import annotations

from application.app import Yishiting
from application.receipts import Command
from domain.reference import Committee, Person, Platform, Unit
from domain.vocabulary import PlatformKind, UnitKind
from tests.support.district import ADMIN, District


def test_the_administrator_registers_the_district_and_keeps_it_current(app: Yishiting) -> None:
    admin = Command(ADMIN)
    committee_id = app.establish_committee(admin, name="文化文史和学习委员会").id
    unit_id = app.register_unit(admin, name="永顺镇政府", kind=UnitKind.TOWN_OR_STREET).id
    head_id = app.register_person(admin, name="孙站长", position="工作站负责人").id
    successor_id = app.register_person(admin, name="钱站长", position="工作站负责人").id
    platform_id = app.register_platform(
        admin,
        name="新华街道委员工作室",
        kind=PlatformKind.MEMBER_WORKSTATION,
        hall_venue="新华街道议事厅",
        committee_id=committee_id,
        responsible_person_id=head_id,
    ).id
    app.change_responsible_person(admin, platform_id, person_id=successor_id, reason="工作调动")
    app.move_platform_hall(admin, platform_id, hall_venue="新华街道党群服务中心二层")

    platform = app.repository.get(platform_id)
    assert isinstance(platform, Platform)
    assert (platform.responsible_person_id, platform.hall_venue) == (
        successor_id,
        "新华街道党群服务中心二层",
    )
    assert platform.committee_id == committee_id
    assert isinstance(app.repository.get(committee_id), Committee)
    assert app.repository.get(unit_id).kind is UnitKind.TOWN_OR_STREET
    head = app.repository.get(head_id)
    assert isinstance(head, Person)
    assert (head.name, head.position) == ("孙站长", "工作站负责人")
    assert isinstance(app.repository.get(unit_id), Unit)


def test_platform_staff_move_their_own_platforms_hall(app: Yishiting, district: District) -> None:
    app.move_platform_hall(district.staff, district.platform_id, hall_venue="永顺镇文化中心")

    assert app.repository.get(district.platform_id).hall_venue == "永顺镇文化中心"


def test_a_unit_renamed_in_an_institutional_reform_keeps_its_record(app: Yishiting) -> None:
    admin = Command(ADMIN)
    unit_id = app.register_unit(admin, name="区住建委", kind=UnitKind.DISTRICT_DEPARTMENT).id
    app.rename_unit(admin, unit_id, name="区住房和城乡建设局", reason="机构改革更名")
    unit = app.repository.get(unit_id)
    assert isinstance(unit, Unit)
    assert (unit.name, unit.version) == ("区住房和城乡建设局", 2)
    assert unit.kind is UnitKind.DISTRICT_DEPARTMENT
