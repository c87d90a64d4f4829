"""Use cases for reference data: committees, units, people, platforms."""

from __future__ import annotations

from uuid import UUID, uuid4

from application.core import Core, use_case
from application.permissions import R, Reach
from application.receipts import Command
from domain.base import Record
from domain.reference import Committee, Person, Platform, Unit
from domain.vocabulary import PlatformKind, UnitKind


class ReferenceUseCases(Core):
    @use_case(R.ADMIN)
    def establish_committee(self, command: Command, *, name: str) -> list[Record]:
        return [Committee.establish(name=name, actor=command.actor)]

    @use_case(R.ADMIN)
    def register_unit(self, command: Command, *, name: str, kind: UnitKind) -> list[Record]:
        return [Unit.register(name=name, kind=kind, actor=command.actor)]

    @use_case(R.ADMIN)
    def register_person(
        self, command: Command, *, name: str, position: str = "", subject_id: str | None = None
    ) -> list[Record]:
        return [
            Person.register(
                name=name,
                position=position,
                subject_id=subject_id or uuid4().hex,
                actor=command.actor,
            )
        ]

    @use_case(R.ADMIN)
    def register_platform(
        self,
        command: Command,
        *,
        name: str,
        kind: PlatformKind,
        hall_venue: str,
        committee_id: UUID,
        responsible_person_id: UUID,
    ) -> list[Record]:
        self.load(Committee, committee_id)
        self.load(Person, responsible_person_id)
        return [
            Platform.register(
                name=name,
                kind=kind,
                hall_venue=hall_venue,
                committee_id=committee_id,
                responsible_person_id=responsible_person_id,
                actor=command.actor,
            )
        ]

    @use_case(R.ADMIN)
    def rename_unit(
        self, command: Command, unit_id: UUID, *, name: str, reason: str
    ) -> list[Record]:
        unit = self.load(Unit, unit_id, command)
        unit.rename(name=name, reason=reason, actor=command.actor)
        return [unit]

    @use_case(R.ADMIN)
    def change_responsible_person(
        self, command: Command, platform_id: UUID, *, person_id: UUID, reason: str
    ) -> list[Record]:
        platform = self.load(Platform, platform_id, command)
        self.load(Person, person_id)
        platform.change_responsible_person(person_id=person_id, reason=reason, actor=command.actor)
        return [platform]

    @use_case(R.ADMIN, R.PLATFORM_STAFF)
    def move_platform_hall(
        self, command: Command, platform_id: UUID, *, hall_venue: str
    ) -> list[Record]:
        platform = self.load(Platform, platform_id, command)
        self.authorize(command, Reach(platform_id=platform_id))
        platform.move_hall(hall_venue=hall_venue, actor=command.actor)
        return [platform]
