"""Who may do what (roles and scopes), and who may see personal data. Enforced here, in the
application, so that every interface gets the same answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.base import Actor, Record
from domain.errors import DomainError, Forbidden, InvalidInput
from domain.reference import Committee, Person, Platform, Unit
from domain.vocabulary import Channel, ExclusionGround, Role

R = Role
# Who may run each use case, as declared at the use case (`@use_case(R.ADMIN, …)` in
# application/core.py): filled as the use-case modules are imported, read by check_role and
# by the viewer's list of what it may do.
WRITES: dict[str, frozenset[Role]] = {}


def declare_roles(use_case: str, roles: frozenset[Role]) -> None:
    """Records a use case's declaration; a use case declares once, and never nobody."""
    if not roles:
        raise ValueError(f"use case {use_case!r} declares no role that may run it")
    if WRITES.setdefault(use_case, roles) != roles:
        raise ValueError(f"use case {use_case!r} is declared twice with different roles")


# The system itself (imports, the demo district) acts for any role.
UNRESTRICTED = frozenset({R.ADMIN, R.SYSTEM})
READS_EVERYTHING = frozenset({R.LEADER, R.AUDITOR, R.ADMIN, R.SYSTEM})
INTEGRATION_CHANNELS = frozenset({Channel.HOTLINE_12345, Channel.ONLINE})


@dataclass(frozen=True)
class Reach:
    """What an object belongs to, matched against the actor's scope."""

    platform_id: UUID | None = None
    committee_ids: frozenset[UUID] = field(default_factory=frozenset)
    unit_id: UUID | None = None
    supervisor_id: UUID | None = None
    member_id: UUID | None = None

    def includes(self, actor: Actor) -> bool:
        scope = actor.scope
        match actor.role:
            case R.PLATFORM_STAFF:
                return _names(scope, self.platform_id)
            case R.COMMITTEE:
                return any(_names(scope, c) for c in self.committee_ids)
            case R.UNIT:
                return _names(scope, self.unit_id)
            case R.SUPERVISOR:
                return _names(scope, self.supervisor_id)
            case R.MEMBER:
                return _names(scope, self.member_id)
            case _:  # a role added later reaches nothing until it is given a case here
                return actor.role in READS_EVERYTHING


def _names(scope: str, owner: UUID | None) -> bool:
    """The scope is this owner's id: never an object without an owner (str(None) is "None")."""
    return owner is not None and bool(scope) and scope == str(owner)


# What a role's scope names (an id of this kind of record) and whether it must have one;
# the roles not listed take no scope. An integration's scope is its default platform.
SCOPES: dict[Role, tuple[type[Record], bool]] = {
    R.PLATFORM_STAFF: (Platform, True),
    R.COMMITTEE: (Committee, True),
    R.UNIT: (Unit, True),
    R.SUPERVISOR: (Person, True),
    R.MEMBER: (Person, True),
    R.INTEGRATION: (Platform, False),
}
SCOPE_NAMES = {
    Platform: ("协商议事平台", "platform"),
    Committee: ("专门委员会", "committee"),
    Unit: ("承办单位", "unit"),
    Person: ("人员", "person"),
}


class InvalidScope(InvalidInput):
    code = "INVALID_SCOPE"


def scope_kind(role: Role, scope: str) -> tuple[type[Record], UUID] | None:
    """The kind of record and the id a role's scope names (None for no scope); refuses a scope
    that is not an id where the role needs one, and any scope on a role that takes none."""
    kind, required = SCOPES.get(role, (None, False))
    if kind is None:
        if scope:
            raise InvalidScope(
                f"角色“{role.label}”不设范围", f"role {role.code} takes no scope", scope=scope[:60]
            )
        return None
    zh, en = SCOPE_NAMES[kind]
    if not scope and not required:
        return None
    try:
        identifier = UUID(scope)
    except ValueError:
        identifier = None
    if identifier is not None and str(identifier) == scope:  # as ids are written everywhere
        return kind, identifier
    raise InvalidScope(
        f"角色“{role.label}”的范围须为{zh}编号",
        f"role {role.code} is scoped by a {en} id",
        scope=scope[:60],
    )


def committees(*ids: UUID | None) -> frozenset[UUID]:
    return frozenset(i for i in ids if i is not None)


class NotPermitted(Forbidden):
    code = "NOT_PERMITTED"

    def __init__(self, use_case: str, role: Role) -> None:
        super().__init__(f"“{role.label}”无权执行此操作", f"role {role.code} may not {use_case}")


class OutOfReach(DomainError):
    """The same answer whether the object is missing or outside the caller's scope: nothing
    leaks. `cause` keeps which it was, for the server's log only."""

    kind = "NOT_FOUND"
    code = "NOT_FOUND"

    def __init__(self, cause: str = "out of scope") -> None:
        super().__init__("找不到该记录,或无权查看", "no such record, or not visible to you")
        self.cause = cause


def check_role(actor: Actor, use_case: str) -> None:
    if actor.role is R.SYSTEM:
        return
    if actor.role not in WRITES.get(use_case, frozenset()):
        raise NotPermitted(use_case, actor.role)


def check_reach(actor: Actor, reach: Reach) -> None:
    if actor.role in UNRESTRICTED or actor.role is R.INTEGRATION:
        return
    if not reach.includes(actor):
        raise OutOfReach()


MEMBER_RECORD_READERS = frozenset({R.LEADER, R.AUDITOR, R.ADMIN, R.SYSTEM})


def member_records_reach(actor: Actor) -> tuple[bool, str | None]:
    """Whether the actor reads members' records (委员履职档案), and of which platform only
    (None: every member's): leaders, the discipline office and administrators all, platform
    staff their platform's members; a member reads their own alone (not through this)."""
    if actor.role in MEMBER_RECORD_READERS:
        return True, None
    if actor.role is R.PLATFORM_STAFF and actor.scope:
        return True, actor.scope
    return False, None


def check_channel(actor: Actor, channel: Channel) -> None:
    if actor.role is R.INTEGRATION and channel not in INTEGRATION_CHANNELS:
        raise NotPermitted(f"propose on channel {channel.code}", actor.role)


def hides_missing_objects(actor: Actor) -> bool:
    """Scoped roles are told the same for a missing object as for one out of their scope."""
    return actor.role not in READS_EVERYTHING


def sees_personal_data(actor: Actor, platform_id: object) -> bool:
    """Personal data in clear: the discipline office, and staff of the platform that holds it."""
    if actor.role in (R.AUDITOR, R.SYSTEM):
        return True
    return actor.role is R.PLATFORM_STAFF and actor.scope == str(platform_id)


# Need-to-know (security label on a matter): once excluded on a ground whose content is
# sensitive, a matter's texts are for the platform that holds it and the discipline office.
RESTRICTED_TEXT = "内容已按规定限制"
RESTRICTED_TEXT_EN = "content restricted by regulation"
SENSITIVE_GROUNDS = tuple(g.code for g in ExclusionGround if g.content_is_sensitive)


def is_restricted(ground_code: str | None) -> bool:
    """A matter's texts are restricted while it stands excluded on a sensitive ground."""
    return ground_code in SENSITIVE_GROUNDS


def reads_restricted_content(actor: Actor, platform_id: object) -> bool:
    """Restricted texts in clear: the same people as personal data (the discipline office and
    the holding platform's staff), and no one else: not leaders, administrators or receivers."""
    return sees_personal_data(actor, platform_id)


# Records read by id (asOf, history): the plan's records through the views' reach; reference
# data as its lists; the system's own records (webhooks with their receivers, 12345 ticket
# links, command receipts) by administrators only; anything not named here, by no one.
RECORDS_IN_VIEWS = frozenset({"Topic", "Consultation", "SupervisionItem"})
REFERENCE_RECORDS = frozenset(
    {"Committee", "Unit", "Person", "Platform", "HolidaySchedule", "PointsScheme"}
)
ADMINISTRATIVE_RECORDS = frozenset({"Webhook", "HotlineTicket", "CommandReceipt"})
# Accounts: security audit material, for the security audit (its own readers), not the trail
# of the district's business that leaders, the discipline office and administrators read.
SECURITY_RECORDS = frozenset({"Account"})


def reads_record_kind(actor: Actor, kind: str) -> bool:
    """Whether the actor may read records of this kind at all (a scoped kind's rows are then
    checked against the views); out of reach reads exactly as not found."""
    if actor.role is R.SYSTEM or kind in RECORDS_IN_VIEWS | REFERENCE_RECORDS:
        return True
    if kind == "Erasure":
        return actor.role in READS_EVERYTHING
    return kind in ADMINISTRATIVE_RECORDS and actor.role is R.ADMIN


@dataclass(frozen=True)
class Visibility:
    """Which rows of the views an actor may read."""

    everything: bool = False
    platform_id: str | None = None
    committee_id: str | None = None
    unit_id: str | None = None
    supervisor_id: str | None = None
    restricted_content: bool = False
    """Whether restricted texts of the rows it reads are shown (else the placeholder)."""
    administrative: bool = False
    """Whether the system's own records (webhooks, ticket links) are in its audit trail."""
    security: bool = False
    """Whether accounts' events (security audit material) are in its audit trail."""


def visibility(actor: Actor) -> Visibility:
    match actor.role:
        case R.SYSTEM:
            return Visibility(
                everything=True, restricted_content=True, administrative=True, security=True
            )
        case R.AUDITOR:
            return Visibility(everything=True, restricted_content=True)
        case R.ADMIN:
            return Visibility(everything=True, administrative=True)
        case role if role in READS_EVERYTHING:
            return Visibility(everything=True)
        case R.PLATFORM_STAFF:
            return Visibility(platform_id=actor.scope, restricted_content=True)
        case R.COMMITTEE:
            return Visibility(committee_id=actor.scope)
        case R.UNIT:
            return Visibility(unit_id=actor.scope)
        case R.SUPERVISOR:
            return Visibility(supervisor_id=actor.scope)
        case _:
            return Visibility()


def reads_back(actor: Actor) -> Visibility:
    """What a writer reads of the record its mutation has just written, in that mutation's
    answer. The integration role (12345 hotline, member app) reads none of the views, yet may
    write: it reads its own write as the event feed already shows it every record — the
    record's own fields, no personal data, a restricted matter's texts withheld. What the
    record links to (its topic, participants, items) stays as the role's views show it:
    nothing. Every other role reads its write as it reads anything."""
    if actor.role is R.INTEGRATION:
        return Visibility(everything=True)
    return visibility(actor)
