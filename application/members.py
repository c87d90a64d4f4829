"""Use cases for members' participation (委员履职): enrolment, following an item, the points
scheme; and the roster's members named on matters, research, opinions and reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from uuid import UUID

from application.core import Core, use_case
from application.permissions import R, Reach
from application.receipts import Command
from domain.base import Record
from domain.errors import InvalidInput
from domain.members import NotAMember, PointsScheme, Weight, scheme_id
from domain.people import Proposer
from domain.reference import Person, Platform
from domain.supervision import SupervisionItem


class MemberUseCases(Core):
    @use_case(R.ADMIN, R.PLATFORM_STAFF)
    def enroll_member(
        self, command: Command, person_id: UUID, *, sector: str, platform_id: UUID
    ) -> list[Record]:
        """A registered person enrolled as a member of a 界别 and a platform; platform staff
        enrol into their own platform."""
        # Out of scope first: another platform reads exactly as a missing one.
        self.authorize(command, Reach(platform_id=platform_id))
        self.require(Platform, platform_id)
        person = self.load(Person, person_id, command)
        person.enroll_as_member(sector=sector, platform_id=platform_id, actor=command.actor)
        return [person]

    @use_case(R.ADMIN, R.PLATFORM_STAFF, R.MEMBER)
    def follow_item(self, command: Command, item_id: UUID, *, person_id: UUID) -> list[Record]:
        """A member follows a supervision item (跟踪督办): entered by the item's platform staff,
        or by the member themself; following again changes nothing."""
        item = self.load(SupervisionItem, item_id)
        self.authorize(command, Reach(platform_id=item.platform_id, member_id=person_id))
        enrolled_members(self, [person_id], "personId")
        item.follow(person_id=person_id, actor=command.actor)
        return [item]

    @use_case(R.ADMIN)
    def set_points_scheme(
        self, command: Command, *, effective_from: date, weights: list[Weight], reason: str
    ) -> list[Record]:
        """The weights in force from `effective_from`; set again for that day, revised."""
        scheme = self.points_scheme(effective_from)
        if scheme is None:
            return [
                PointsScheme.set(
                    effective_from=effective_from,
                    weights=weights,
                    reason=reason,
                    actor=command.actor,
                )
            ]
        scheme.revise(weights=weights, reason=reason, actor=command.actor)
        return [scheme]

    def points_scheme(self, effective_from: date) -> PointsScheme | None:
        return self.found(PointsScheme, scheme_id(effective_from))


def enrolled_members(app: Core, person_ids: Iterable[UUID], field: str) -> list[UUID]:
    """The named people's ids, each an enrolled member (refused otherwise)."""
    ids = list(dict.fromkeys(person_ids))
    for person_id in ids:
        if not app.load(Person, person_id).is_member:
            raise NotAMember(person_id, field)
    return ids


def proposer_from_the_roster(app: Core, proposer: Proposer, field: str) -> Proposer:
    """A proposer (or an online opinion's author) picked from the roster takes the registered
    person's name and data subject, as a participant does (erasing the person erases them)."""
    if not proposer.person_id:
        return proposer
    person = app.load(Person, roster_id(proposer.person_id, field))
    return replace(proposer, name=person.name, subject_id=person.subject_id)


def roster_id(value: str, field: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput(
            f"名册中的记录编号无效:{value[:40]}", "not a roster record's id", field=field
        ) from None
