"""What comes in from 12345 and goes out to receivers, and a citizen forgotten on request."""

from __future__ import annotations

from dataclasses import replace

import pytest

from application.app import Yishiting
from application.erasure import AlreadyErased
from application.key_tables import MemoryKeyTable
from application.receipts import Command
from application.settings import Settings
from application.storage import Database
from application.webhook_targets import TargetScreen, WebhookTargetRefused
from application.webhooks import Webhook, new_secret
from application.work_orders import Intake, WorkOrder
from domain.base import Actor
from domain.people import ERASED, Proposer
from domain.topic import Topic
from domain.vocabulary import Channel, Role, TopicStatus
from interfaces.bootstrap import adapters_for
from tests.support.clock import FixedClock
from tests.support.district import ADMIN, District

HOTLINE = Command(Actor("hotline-12345", "12345热线", Role.INTEGRATION))
HOOK = "http://127.0.0.1:9/yishiting-hook"  # the discard port: nothing is delivered here


def work_order(ticket: str, street: str = "永顺镇") -> WorkOrder:
    return WorkOrder(
        ticket=ticket,
        content="小区夜间停车难,车辆占用消防通道。",
        caller_name="陈群众",
        caller_phone="13800000001",
        street=street,
    )


def test_a_hotline_order_becomes_one_matter_however_often_it_is_sent(
    app: Yishiting, district: District
) -> None:
    first = app.take_hotline_order(
        HOTLINE, platform_id=district.platform_id, order=work_order("A1")
    )
    again = app.take_hotline_order(
        HOTLINE, platform_id=district.platform_id, order=work_order("A1")
    )
    taken = app.take_hotline_orders(
        HOTLINE,
        platform_id=district.platform_id,
        orders=[work_order("A1"), work_order("A2"), work_order("A3")],
    )

    assert (again.topic_id, again.repeated, first.repeated) == (first.topic_id, True, False)
    assert all(isinstance(t, Intake) for t in taken)
    assert [t.repeated for t in taken if isinstance(t, Intake)] == [True, False, False]
    topic = app.repository.get(first.topic_id)
    assert isinstance(topic, Topic)
    assert (topic.channel, topic.proposer.name) == (Channel.HOTLINE_12345, "陈群众")


def test_staff_draw_one_common_topic_from_orders_about_the_same_thing(
    app: Yishiting, district: District
) -> None:
    sources = [
        app.propose_hotline_order(
            district.staff, platform_id=district.platform_id, order=work_order(ticket)
        ).id
        for ticket in ("B1", "B2")
    ]
    common_id = app.draft_topic_from_orders(
        district.staff,
        topic_ids=sources,
        title="永顺镇小区夜间停车难",
        content="2件工单反映同一问题。",
    ).id

    common = app.repository.get(common_id)
    assert (common.title, common.merged_from) == ("永顺镇小区夜间停车难", sources)
    assert {app.repository.get(s).status for s in sources} == {TopicStatus.MERGED}


def test_a_receiver_is_registered_then_unregistered_or_retired(app: Yishiting) -> None:
    admin = Command(ADMIN)

    def register(description: str) -> Webhook:
        webhook_id = app.register_webhook(
            admin, url=HOOK, event_types=[], secret=new_secret(), description=description
        ).id
        return app.webhook(webhook_id)

    unregistered, retired = register("区大数据中心"), register("区融媒体中心")
    assert (unregistered.url, unregistered.description) == (HOOK, "区大数据中心")
    app.unregister_webhook(admin, unregistered.id, reason="对接结束")
    app.retire_webhook(admin, retired.id, reason="密钥轮换")

    assert not app.webhook(unregistered.id).active
    assert not app.webhook(retired.id).active


def test_a_citizen_asks_to_be_forgotten_and_their_matter_reads_erased(
    app: Yishiting, district: District
) -> None:
    forgotten = Proposer.checked("欧阳遗忘", "13912345678")
    topic_id = district.propose_from(forgotten)

    app.erase_subject(Command(ADMIN), subject_id=forgotten.subject_id, reason="本人申请删除")

    assert app.repository.get(topic_id).proposer.name == ERASED
    assert app.erased_subjects() == [forgotten.subject_id]
    assert app.complete_erasures() == []
    with pytest.raises(AlreadyErased):
        app.erase_subject(Command(ADMIN), subject_id=forgotten.subject_id, reason="再次申请")


@pytest.mark.fast
def test_the_webhook_receivers_screen_is_the_one_the_composition_root_hands_in(
    clock: FixedClock,
) -> None:
    """The application builds no screen from settings: a receiver on the district's network is
    accepted only by the screen given to it, refused by the default one (no private address)."""
    settings = Settings(database_url="memory://")
    inside = TargetScreen(["10.12.0.0/16"], resolve=lambda host: ["10.12.0.7"])
    url = "https://receiver.district.internal/hooks"
    accepting = composed(settings, inside, clock)
    assert accepting.webhook(register(accepting, url).id).url == url
    refusing = composed(settings, TargetScreen(resolve=inside.resolve), clock)
    with pytest.raises(WebhookTargetRefused) as refused:
        register(refusing, url)
    assert (refused.value.code, refused.value.details["refused"]) == (
        "WEBHOOK_TARGET_REFUSED",
        "PRIVATE",
    )
    for app in (accepting, refusing):
        app.close()


def composed(settings: Settings, screen: TargetScreen, clock: FixedClock) -> Yishiting:
    database = Database.from_url(settings.database_url)
    adapters = adapters_for(settings, database, clock=clock, key_table=MemoryKeyTable())
    return Yishiting(settings, replace(adapters, webhook_targets=screen))


def register(app: Yishiting, url: str) -> Webhook:
    webhook_id = app.register_webhook(Command(ADMIN), url=url, event_types=[], secret=new_secret())
    return app.webhook(webhook_id.id)
