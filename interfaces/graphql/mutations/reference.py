"""Mutations for reference data (六、组织搭建)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain import vocabulary as v
from interfaces.edge.errors import parse_id
from interfaces.graphql.mutations.base import (
    Changed,
    CommandInput,
    ReferencePayload,
    execute,
    payload,
)
from interfaces.graphql.terms import ENUMS, domain_value
from interfaces.graphql.types import ctx


@strawberry.input
class EstablishCommitteeInput(CommandInput):
    name: str


@strawberry.input
class RegisterUnitInput(CommandInput):
    name: str
    kind: ENUMS[v.UnitKind]


@strawberry.input
class RegisterPersonInput(CommandInput):
    name: str
    position: str = ""


@strawberry.input
class RegisterPlatformInput(CommandInput):
    name: str
    kind: ENUMS[v.PlatformKind]
    hall_venue: str
    committee_id: strawberry.ID
    responsible_person_id: strawberry.ID


@strawberry.input
class ChangeResponsiblePersonInput(CommandInput):
    platform_id: strawberry.ID
    person_id: strawberry.ID
    reason: str


@strawberry.input
class RenameUnitInput(CommandInput):
    unit_id: strawberry.ID
    name: str
    reason: str


@strawberry.input
class MovePlatformHallInput(CommandInput):
    platform_id: strawberry.ID
    hall_venue: str


@strawberry.type
class ReferenceMutations:
    @strawberry.mutation(description="设立专委会 Establish a special committee")
    async def establish_committee(
        self, info: Info, input: EstablishCommitteeInput
    ) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(info, input, lambda c: app.establish_committee(c, name=input.name))
        return payload(ReferencePayload, outcome)

    @strawberry.mutation(description="登记交办单位 Register a unit")
    async def register_unit(self, info: Info, input: RegisterUnitInput) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.register_unit(
                c, name=input.name, kind=domain_value(v.UnitKind, input.kind)
            ),
        )
        return payload(ReferencePayload, outcome)

    @strawberry.mutation(description="交办单位更名 Rename a unit (with the reason)")
    async def rename_unit(self, info: Info, input: RenameUnitInput) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.rename_unit(
                c, parse_id(input.unit_id, "unitId"), name=input.name, reason=input.reason
            ),
        )
        return payload(ReferencePayload, outcome)

    @strawberry.mutation(description="登记人员 Register a person")
    async def register_person(self, info: Info, input: RegisterPersonInput) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info, input, lambda c: app.register_person(c, name=input.name, position=input.position)
        )
        return payload(ReferencePayload, outcome)

    @strawberry.mutation(description="设立协商议事平台 Register a platform")
    async def register_platform(self, info: Info, input: RegisterPlatformInput) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.register_platform(
                c,
                name=input.name,
                kind=domain_value(v.PlatformKind, input.kind),
                hall_venue=input.hall_venue,
                committee_id=parse_id(input.committee_id, "committeeId"),
                responsible_person_id=parse_id(input.responsible_person_id, "responsiblePersonId"),
            ),
        )
        return payload(ReferencePayload, outcome)

    @strawberry.mutation(description="更换平台负责人 Change the designated person, with a reason")
    async def change_responsible_person(
        self, info: Info, input: ChangeResponsiblePersonInput
    ) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.change_responsible_person(
                c,
                parse_id(input.platform_id, "platformId"),
                person_id=parse_id(input.person_id, "personId"),
                reason=input.reason,
            ),
        )
        return payload(ReferencePayload, outcome)

    @strawberry.mutation(description="变更议事厅地点 Move the hall")
    async def move_platform_hall(
        self, info: Info, input: MovePlatformHallInput
    ) -> ReferencePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.move_platform_hall(
                c, parse_id(input.platform_id, "platformId"), hall_venue=input.hall_venue
            ),
        )
        return payload(ReferencePayload, outcome)


@strawberry.input
class EraseSubjectInput(CommandInput):
    subject_id: str = strawberry.field(description="数据主体编号 data subject id")
    reason: str = strawberry.field(description="删除理由 why (e.g. 本人申请)")


@strawberry.type
class ErasureMutations:
    @strawberry.mutation(
        description="删除某数据主体的个人信息(不可恢复) Erase a data subject's "
        "personal data everywhere; irreversible"
    )
    async def erase_subject(self, info: Info, input: EraseSubjectInput) -> Changed:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.erase_subject(c, subject_id=input.subject_id, reason=input.reason),
        )
        return payload(Changed, outcome)
