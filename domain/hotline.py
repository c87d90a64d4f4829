"""12345 hotline work orders (工单) taken in as matters, and common issues (共性问题, 五.(三))
drafted into one topic from many orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from domain.base import optional_text, text

TICKET_LIMIT = 40


@dataclass(frozen=True)
class HotlineOrder:
    """What the hotline knows of a work order besides its content. The address may point at a
    person's home: it is sealed with the caller's key (`subject_id`, the proposer's)."""

    ticket: str
    category: str = ""
    street: str = ""
    address: str = ""
    received_at: datetime | None = None
    agency: str = ""
    subject_id: str = field(default_factory=lambda: uuid4().hex)

    @classmethod
    def checked(
        cls,
        ticket: str,
        *,
        category: str = "",
        street: str = "",
        address: str = "",
        received_at: datetime | None = None,
        agency: str = "",
        subject_id: str | None = None,
    ) -> HotlineOrder:
        return cls(
            ticket=text(ticket, "ticket", "工单编号", TICKET_LIMIT),
            category=optional_text(category, "category", "诉求分类", 100),
            street=optional_text(street, "street", "所属街乡", 100),
            address=optional_text(address, "address", "地址", 200),
            received_at=received_at,
            agency=optional_text(agency, "agency", "承办单位", 200),
            subject_id=subject_id or uuid4().hex,
        )
