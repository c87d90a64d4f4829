"""CPPCC members' participation (委员履职): the points scheme (履职积分) the system administrator
sets, effective from a day. No weights here are official: the built-in table is an example."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import Actor, Record, required_reason
from domain.errors import InvalidInput
from domain.vocabulary import ParticipationKind

SCHEMES = UUID("6d0c2a57-41e9-5b3f-9c8a-0f6e1d27b4a3")
MAX_POINTS = 1000.0
SECTOR_LIMIT = 50
# An example only (示例, 非官方标准): what a district might weigh, until its own scheme is set.
EXAMPLE_WEIGHTS: dict[str, float] = {
    ParticipationKind.MATTER_RAISED.code: 2.0,
    ParticipationKind.RESEARCH.code: 3.0,
    ParticipationKind.CONSULTATION.code: 3.0,
    ParticipationKind.ONLINE_OPINION.code: 1.0,
    ParticipationKind.REPORT.code: 5.0,
    ParticipationKind.ITEM_FOLLOWED.code: 2.0,
}
EXAMPLE_NOTE = "示例积分表,非官方标准;由系统管理员设定本区积分办法后按其计算"
SCHEME_NOTE = "本区履职积分办法(系统管理员设定)"


def scheme_id(effective_from: date) -> UUID:
    return uuid5(SCHEMES, f"points-scheme:{effective_from.isoformat()}")


@dataclass(frozen=True)
class Weight:
    kind: ParticipationKind
    points: float


class InvalidWeight(InvalidInput):
    code = "INVALID_WEIGHT"

    def __init__(self, kind: str, points: float) -> None:
        super().__init__(
            f"积分须为0至{MAX_POINTS:g}之间的数:{kind} {points}",
            f"points must be a number from 0 to {MAX_POINTS:g}: {kind} {points}",
            field="weights",
            kind=kind,
        )


class DuplicateWeight(InvalidInput):
    code = "DUPLICATE_WEIGHT"

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"同一类别只能设定一次积分:{kind}", f"a kind is weighted once: {kind}", field="weights"
        )


class NoWeights(InvalidInput):
    code = "WEIGHTS_REQUIRED"

    def __init__(self) -> None:
        super().__init__("积分办法须至少设定一个类别", "weigh at least one kind", field="weights")


def checked_weights(weights: list[Weight]) -> dict[str, float]:
    """The weights by kind code; a kind left out counts nothing under this scheme."""
    if not weights:
        raise NoWeights()
    table: dict[str, float] = {}
    for weight in weights:
        points = float(weight.points)
        if not math.isfinite(points) or not 0 <= points <= MAX_POINTS:
            raise InvalidWeight(weight.kind.code, points)
        if weight.kind.code in table:
            raise DuplicateWeight(weight.kind.code)
        table[weight.kind.code] = points
    return {kind.code: table.get(kind.code, 0.0) for kind in ParticipationKind}


class PointsScheme(Record):
    """The weights in force from one day until the next scheme's day; set again for the same
    day, the later weights replace the earlier (the log keeps both, with the reason)."""

    @event("PointsSchemeSet")
    def __init__(
        self, *, effective_from: date, weights: dict[str, float], reason: str, actor: Actor
    ) -> None:
        self.effective_from = effective_from
        self.weights = weights
        self.reason = reason

    @staticmethod
    def create_id(effective_from: date, **_: object) -> UUID:
        return scheme_id(effective_from)

    @classmethod
    def set(
        cls, *, effective_from: date, weights: list[Weight], reason: str, actor: Actor
    ) -> PointsScheme:
        return cls(
            effective_from=effective_from,
            weights=checked_weights(weights),
            reason=required_reason(reason, "设定履职积分办法", "setting the points scheme"),
            actor=actor,
        )

    def revise(self, *, weights: list[Weight], reason: str, actor: Actor) -> None:
        self._revised(
            effective_from=self.effective_from,
            weights=checked_weights(weights),
            reason=required_reason(reason, "修改履职积分办法", "revising the points scheme"),
            actor=actor,
        )

    @event("PointsSchemeRevised")
    def _revised(
        self, effective_from: date, weights: dict[str, float], reason: str, actor: Actor
    ) -> None:
        self.weights = weights
        self.reason = reason


class NotAMember(InvalidInput):
    code = "NOT_A_MEMBER"

    def __init__(self, person_id: UUID, field: str) -> None:
        super().__init__(
            "该人员尚未登记为政协委员",
            "the person is not an enrolled CPPCC member",
            field=field,
            personId=str(person_id),
        )
