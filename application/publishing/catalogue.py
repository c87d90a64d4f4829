"""The events published to integration consumers, each with a stable CloudEvents type, its
中文 name, its audit summary and whether it is a decision (from its entry in entries.py): the
one place every reader of events (audit trail, decision timeline, feed, JSON Schemas, the web
page) takes them from.

Every event of the plan's records is published; the system's own bookkeeping (command receipts,
webhook registrations, which carry a sealed secret) is not, nor are accounts: their events are
audit material with a name and a sentence (NAMED), read in the audit trail and the ledger, and
no integration consumer's business."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from eventsourcing.utils import get_topic

from application.publishing.entries import ENTRIES, Entry
from domain.accounts import Account
from domain.attachment import Attachment
from domain.base import Record
from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.errors import InvalidInput
from domain.holidays import HolidaySchedule
from domain.members import PointsScheme
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
    Attachment,
    Erasure,
    HolidaySchedule,
    PointsScheme,
)
# Named in the audit trail, never published.
UNPUBLISHED_NAMED: tuple[type[Record], ...] = (Account,)
AGGREGATE_NAMES_ZH = {
    "Account": "账号",
    "Committee": "专委会",
    "Unit": "交办单位",
    "Person": "人员",
    "Platform": "协商议事平台",
    "Topic": "协商事项",
    "Consultation": "协商活动",
    "SupervisionItem": "督办事项",
    "Attachment": "附件",
    "Erasure": "个人信息删除",
    "HolidaySchedule": "节假日安排",
    "PointsScheme": "履职积分办法",
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
    def entry(self) -> Entry:
        return ENTRIES[self.event_class]

    @property
    def name_zh(self) -> str:
        return self.entry.name_zh

    @property
    def decision(self) -> bool:
        return self.entry.decision

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


def _event_classes(aggregate: type) -> list[type]:
    return [
        member
        for name, member in vars(aggregate).items()
        if isinstance(member, type)
        and issubclass(member, Record.Event)
        and name not in ("Event", "Created")
    ]


def missing_entries(
    aggregates: tuple[type, ...] = AGGREGATES + UNPUBLISHED_NAMED,
) -> list[str]:
    """The event classes of these aggregates without a full entry (中文 name and summary)."""
    return [
        cls.__qualname__
        for aggregate in aggregates
        for cls in _event_classes(aggregate)
        if cls not in ENTRIES or not ENTRIES[cls].name_zh
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
BY_NAME: dict[str, Published] = {p.name: p for p in CATALOGUE.values()}
# Every named event, published or not, by its class name: what the audit trail reads.
NAMED: dict[str, Entry] = {
    cls.__name__: ENTRIES[cls]
    for aggregate in AGGREGATES + UNPUBLISHED_NAMED
    for cls in _event_classes(aggregate)
    if cls in ENTRIES
}
DECISIONS = frozenset(name for name, entry in NAMED.items() if entry.decision)


class UnknownEventType(InvalidInput):
    code = "UNKNOWN_EVENT_TYPE"

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(
            f"未知的事件类型:{', '.join(unknown)[:200]}",
            "unknown event types (see /schemas/events/v1/index.json)",
            field="eventTypes",
            unknown=unknown,
        )


def published(types: Iterable[str]) -> list[Published]:
    """Each type as published, given by its CloudEvents type (`cn.gov.cppcc.yishiting.topic.
    excluded`) or its name (`TopicExcluded`): one event type, two spellings, both taken
    everywhere; any other is refused, naming it."""
    found = [(t, CATALOGUE.get(t) or BY_NAME.get(t)) for t in types]
    unknown = [t for t, p in found if p is None]
    if unknown:
        raise UnknownEventType(unknown)
    return [p for _, p in found if p is not None]
