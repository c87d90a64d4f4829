"""Common issues (共性问题, 五.(三)): a platform drafts one topic from many 12345 orders. The
new topic carries every order's ticket; each order's matter records that it was merged into
it (status 已并入共性议题) instead of being excluded — it is being consulted on, not refused."""

from __future__ import annotations

from domain.base import Actor
from domain.errors import InvalidInput
from domain.people import Proposer
from domain.topic import Topic
from domain.vocabulary import Category, Channel

MIN_ORDERS = 2


class NotAnOrder(InvalidInput):
    code = "NOT_A_HOTLINE_ORDER"


def draft_common_topic(
    sources: list[Topic],
    *,
    title: str,
    content: str,
    category: Category | None,
    actor: Actor,
) -> list[Topic]:
    """The new topic first, then each source merged into it."""
    _check_sources(sources)
    tickets = list(dict.fromkeys(t for source in sources for t in source.hotline_tickets))
    common = Topic.propose(
        title=title,
        content=content,
        channel=Channel.HOTLINE_12345,
        category=category or _shared_category(sources),
        platform_id=sources[0].platform_id,
        proposer=Proposer.checked(f"12345热线来电群众({len(tickets)}件工单)"),
        hotline_tickets=tickets,
        merged_from=[source.id for source in sources],
        actor=actor,
    )
    for source in sources:
        source.merge_into(topic_id=common.id, actor=actor)
    return [common, *sources]


def _check_sources(sources: list[Topic]) -> None:
    ids = [source.id for source in sources]
    if len(set(ids)) < MIN_ORDERS or len(set(ids)) != len(ids):
        raise InvalidInput(
            f"须从至少{MIN_ORDERS}件不同的工单拟定共性议题",
            f"a common topic needs at least {MIN_ORDERS} distinct orders",
            field="topicIds",
        )
    if len({source.platform_id for source in sources}) != 1:
        raise InvalidInput(
            "工单须属于同一协商议事平台",
            "the orders must belong to one platform",
            field="topicIds",
        )
    for source in sources:
        if not source.hotline_tickets:
            raise NotAnOrder(
                "只能合并来自12345热线的工单",
                "only 12345 hotline orders can be merged",
                field="topicIds",
                topic_id=str(source.id),
            )


def _shared_category(sources: list[Topic]) -> Category:
    categories = {source.category for source in sources}
    return categories.pop() if len(categories) == 1 else Category.GOVERNANCE
