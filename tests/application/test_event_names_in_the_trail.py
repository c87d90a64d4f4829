"""The two events once missed by the audit trail's table (a 12345 order merged into a common
topic, the daily deadline reminder) read in Chinese there, from their catalogue entries."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from application.app import Yishiting
from application.events import event_type
from application.receipts import Command
from domain.base import SYSTEM
from projections.views.summaries import summary
from tests.application.test_intake_and_outbound import work_order
from tests.support.district import District


def sentences(app: Yishiting, record_id: UUID) -> dict[str, str]:
    events: list[Any] = list(app.events.get(record_id))
    return {event_type(e): summary(e, event_type(e)) for e in events}


def test_a_merged_order_and_a_deadline_reminder_read_in_chinese(
    app: Yishiting, district: District
) -> None:
    sources = [
        app.propose_hotline_order(
            district.staff, platform_id=district.platform_id, order=work_order(ticket)
        ).id
        for ticket in ("C1", "C2")
    ]
    app.draft_topic_from_orders(
        district.staff, topic_ids=sources, title="永顺镇小区夜间停车难", content="同一问题。"
    )
    item_id = district.assigned_item()
    app.assign_item(
        district.staff,
        item_id,
        unit_id=district.unit_id,
        committee_id=district.committee_id,
        supervisor_id=district.supervisor_id,
        due_in_working_days=5,
        reason="明确办理期限",
    )
    app.remind_of_deadline(Command(SYSTEM), item_id, today=date(2026, 3, 12))

    assert sentences(app, sources[0])["TopicMergedInto"] == "并入共性议题"
    assert sentences(app, item_id)["DeadlineReminderIssued"] == (
        "督办提醒:即将到期,办理时限 2026-03-16,剩余 2 个工作日"
    )
