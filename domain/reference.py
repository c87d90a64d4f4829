"""Reference data with its own history (六、组织搭建): platforms, committees, units, people."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import Actor, Record, optional_text, required_reason, text
from domain.errors import InvalidInput
from domain.vocabulary import PlatformKind, UnitKind


class Committee(Record):
    """A special committee (专委会) of the district CPPCC."""

    @event("CommitteeEstablished")
    def __init__(self, *, name: str, actor: Actor) -> None:
        self.name = name

    @classmethod
    def establish(cls, *, name: str, actor: Actor) -> Committee:
        return cls(name=text(name, "name", "专委会名称"), actor=actor)


class Unit(Record):
    """A unit to which items are assigned (交办单位): a department, a town/street, a village."""

    @event("UnitRegistered")
    def __init__(self, *, name: str, kind: UnitKind, actor: Actor) -> None:
        self.name = name
        self.kind = kind

    @classmethod
    def register(cls, *, name: str, kind: UnitKind, actor: Actor) -> Unit:
        return cls(name=text(name, "name", "单位名称"), kind=kind, actor=actor)

    def rename(self, *, name: str, reason: str, actor: Actor) -> None:
        """A unit renamed (机构改革, a merged department): its items and history stay its own."""
        new_name = text(name, "name", "单位名称")
        if new_name == self.name:
            raise SameUnitName(new_name)
        self._renamed(
            name=new_name,
            reason=required_reason(reason, "单位更名", "renaming a unit"),
            actor=actor,
        )

    @event("UnitRenamed")
    def _renamed(self, name: str, reason: str, actor: Actor) -> None:
        self.name = name


class SameUnitName(InvalidInput):
    code = "SAME_NAME"

    def __init__(self, name: str) -> None:
        super().__init__(f"新名称与原名称相同:{name}", "the new name is the unit's current name")


class Person(Record):
    """Someone who acts here: platform staff, a supervisor, a committee member."""

    # People registered (or restored from snapshots) before enrolment are not members.
    sector: str | None = None
    member_platform_id: UUID | None = None

    @event("PersonRegistered")
    def __init__(self, *, name: str, position: str, subject_id: str, actor: Actor) -> None:
        self.name = name
        self.position = position
        self.subject_id = subject_id

    @classmethod
    def register(cls, *, name: str, position: str, subject_id: str, actor: Actor) -> Person:
        return cls(
            name=text(name, "name", "姓名", 100),
            position=optional_text(position, "position", "职务", 200),
            subject_id=subject_id,
            actor=actor,
        )

    def enroll_as_member(self, *, sector: str, platform_id: UUID, actor: Actor) -> None:
        """Enrolled as a CPPCC member (政协委员) of a 界别, with the platform they belong to;
        enrolled again, the later 界别 and platform stand."""
        self._enrolled(
            sector=text(sector, "sector", "界别", 50), platform_id=platform_id, actor=actor
        )

    @event("MemberEnrolled")
    def _enrolled(self, sector: str, platform_id: UUID, actor: Actor) -> None:
        self.sector = sector
        self.member_platform_id = platform_id

    @property
    def is_member(self) -> bool:
        return self.sector is not None


class Platform(Record):
    """A consultation platform (协商议事平台) with its hall and its designated person."""

    @event("PlatformRegistered")
    def __init__(
        self,
        *,
        name: str,
        kind: PlatformKind,
        hall_venue: str,
        committee_id: UUID,
        responsible_person_id: UUID,
        actor: Actor,
    ) -> None:
        self.name = name
        self.kind = kind
        self.hall_venue = hall_venue
        self.committee_id = committee_id
        self.responsible_person_id = responsible_person_id

    @classmethod
    def register(
        cls,
        *,
        name: str,
        kind: PlatformKind,
        hall_venue: str,
        committee_id: UUID,
        responsible_person_id: UUID,
        actor: Actor,
    ) -> Platform:
        return cls(
            name=text(name, "name", "平台名称"),
            kind=kind,
            hall_venue=text(hall_venue, "hallVenue", "议事厅地点"),
            committee_id=committee_id,
            responsible_person_id=responsible_person_id,
            actor=actor,
        )

    def change_responsible_person(self, *, person_id: UUID, reason: str, actor: Actor) -> None:
        self._responsible_person_changed(
            person_id=person_id,
            reason=required_reason(reason, "更换负责人", "changing the responsible person"),
            actor=actor,
        )

    @event("PlatformResponsiblePersonChanged")
    def _responsible_person_changed(self, person_id: UUID, reason: str, actor: Actor) -> None:
        self.responsible_person_id = person_id

    def move_hall(self, *, hall_venue: str, actor: Actor) -> None:
        self._hall_moved(hall_venue=text(hall_venue, "hallVenue", "议事厅地点"), actor=actor)

    @event("PlatformHallMoved")
    def _hall_moved(self, hall_venue: str, actor: Actor) -> None:
        self.hall_venue = hall_venue
