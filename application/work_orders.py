"""A 12345 work order as it comes in, the matter it becomes, and the proof that its ticket was
taken in once (with what content), so that the same ticket never becomes two matters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from application.receipts import Command, fingerprint
from domain.base import Record, clean_text
from domain.errors import DomainError
from domain.hotline import HotlineOrder
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel

TICKETS = uuid5(NAMESPACE_URL, "https://yishiting/hotline-tickets")
ANONYMOUS_CALLER = "12345来电群众"
TITLE_FROM_CONTENT = 30
TEXT_FIELDS = {
    "ticket": "工单编号",
    "content": "诉求内容",
    "title": "诉求标题",
    "caller_name": "诉求人",
    "caller_phone": "联系电话",
    "street": "所属街乡",
    "address": "地址",
    "category": "诉求分类",
    "agency": "承办单位",
}


@dataclass(frozen=True)
class WorkOrder:
    """A 12345 work order as the hotline sends it, in plain values."""

    ticket: str
    content: str
    title: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    street: str = ""
    address: str = ""
    category: str = ""
    received_at: datetime | None = None
    agency: str = ""
    matter_category: Category = Category.GOVERNANCE

    def checked(self) -> WorkOrder:
        """The order with every text field under the domain's text rule (before its ticket is
        looked up or its fingerprint taken: neither can take a lone surrogate)."""
        cleaned: dict[str, Any] = {
            name: clean_text(value, name, TEXT_FIELDS[name])
            for name, value in vars(self).items()
            if isinstance(value, str)
        }
        return dataclasses.replace(self, **cleaned)

    @property
    def ticket_key(self) -> str:
        return self.ticket.strip()

    @property
    def heading(self) -> str:
        lines = self.content.strip().splitlines()
        return self.title.strip() or (lines[0][:TITLE_FROM_CONTENT] if lines else "")

    def fingerprint(self, platform_id: UUID) -> str:
        """What makes two sendings the same order: every field as sent, and the platform."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["received_at"] = self.received_at.isoformat() if self.received_at else None
        fields["matter_category"] = self.matter_category.code
        return fingerprint("hotline_order", {"platform_id": str(platform_id), "order": fields})


@dataclass(frozen=True)
class Intake:
    """The matter a work order became; `repeated` when it had been taken in before."""

    topic_id: UUID
    position: int | None
    repeated: bool


class TicketResent(DomainError):
    kind = "CONFLICT"
    code = "TICKET_RESENT_CHANGED"

    def __init__(self, ticket: str, topic_id: UUID) -> None:
        super().__init__(
            f"工单{ticket}已导入(事项{topic_id}),本次内容与之不同,未作更改",
            f"ticket {ticket} was taken in before (topic {topic_id}) with other content;"
            " nothing was changed",
            ticket=ticket,
            topic_id=str(topic_id),
        )


class HotlineTicket(Record):
    """Proof that a ticket was taken in, as which matter, with what content."""

    @staticmethod
    def create_id(ticket: str) -> UUID:
        return uuid5(TICKETS, ticket.strip())

    @event("HotlineTicketTakenIn")
    def __init__(self, ticket: str, topic_id: UUID, fingerprint: str) -> None:
        self.ticket = ticket
        self.topic_id = topic_id
        self.fingerprint = fingerprint

    def replay(self, fingerprint: str) -> Intake:
        if fingerprint != self.fingerprint:
            raise TicketResent(self.ticket, self.topic_id)
        return Intake(self.topic_id, None, repeated=True)


def order_records(command: Command, platform_id: UUID, order: WorkOrder) -> list[Record]:
    """The proposed matter and its ticket's proof, made together (saved together or not at all)."""
    proposer = Proposer.checked(order.caller_name or ANONYMOUS_CALLER, order.caller_phone)
    details = HotlineOrder.checked(
        order.ticket,
        category=order.category,
        street=order.street,
        address=order.address,
        received_at=order.received_at,
        agency=order.agency,
        subject_id=proposer.subject_id,
    )
    topic = Topic.propose(
        title=order.heading,
        content=order.content,
        channel=Channel.HOTLINE_12345,
        category=order.matter_category,
        platform_id=platform_id,
        proposer=proposer,
        hotline_order=details,
        actor=command.actor,
    )
    return [topic, HotlineTicket(details.ticket, topic.id, order.fingerprint(platform_id))]
