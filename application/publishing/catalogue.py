"""The events published to integration consumers, each with a stable CloudEvents type.

Every event of the plan's records is published; the system's own bookkeeping (command receipts,
webhook registrations, which carry a sealed secret) is not."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventsourcing.utils import get_topic

from domain.base import Record
from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.reference import Committee, Person, Platform, Unit
from domain.supervision import SupervisionItem
from domain.topic import Topic

TYPE_PREFIX = "cn.gov.cppcc.yishiting"
AGGREGATES: tuple[type[Record], ...] = (
    Committee,
    Unit,
    Person,
    Platform,
    Topic,
    Consultation,
    SupervisionItem,
    Erasure,
)
AGGREGATE_NAMES_ZH = {
    "Committee": "专委会",
    "Unit": "交办单位",
    "Person": "人员",
    "Platform": "协商议事平台",
    "Topic": "协商事项",
    "Consultation": "协商活动",
    "SupervisionItem": "督办事项",
    "Erasure": "个人信息删除",
}


@dataclass(frozen=True)
class Published:
    """One published event class: its CloudEvents type and its eventsourcing topic."""

    cloud_type: str
    event_class: type
    aggregate: type[Record]
    topic: str

    @property
    def name(self) -> str:
        return self.event_class.__name__

    @property
    def description(self) -> str:
        zh = AGGREGATE_NAMES_ZH[self.aggregate.__name__]
        return f"{zh}:{self.name} ({self.aggregate.__name__} event {self.name})"


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _verb(aggregate: type, event_name: str) -> str:
    """The event's name without its aggregate's (TopicExcluded → excluded, ItemAssigned →
    assigned): the aggregate is already the type's middle part."""
    words = re.findall(r"[A-Z][a-z0-9]*", aggregate.__name__)
    for prefix in (aggregate.__name__, words[-1]):
        if event_name.startswith(prefix) and len(event_name) > len(prefix):
            return snake(event_name[len(prefix) :])
    return snake(event_name)


def _event_classes(aggregate: type[Record]) -> list[type]:
    return [
        member
        for name, member in vars(aggregate).items()
        if isinstance(member, type)
        and issubclass(member, Record.Event)
        and name not in ("Event", "Created")
    ]


def _catalogue() -> dict[str, Published]:
    found: dict[str, Published] = {}
    for aggregate in AGGREGATES:
        for cls in _event_classes(aggregate):
            cloud_type = (
                f"{TYPE_PREFIX}.{snake(aggregate.__name__)}.{_verb(aggregate, cls.__name__)}"
            )
            found[cloud_type] = Published(cloud_type, cls, aggregate, get_topic(cls))
    return found


CATALOGUE: dict[str, Published] = _catalogue()
BY_TOPIC: dict[str, Published] = {p.topic: p for p in CATALOGUE.values()}
BY_CLASS: dict[type, Published] = {p.event_class: p for p in CATALOGUE.values()}
