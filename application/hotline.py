"""12345 hotline intake: each work order becomes a proposed matter (channel 12345热线) carrying
its ticket, once, whoever sends it. The same ticket sent again with the same content answers
with the same matter; with other content it is refused and reported, never silently changed.
Common issues are drafted into one topic from many orders (共性问题, 五.(三))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from application.core import Core, check_may_run, use_case
from application.permissions import R, Reach, check_channel
from application.receipts import Command
from application.work_orders import HotlineTicket, Intake, WorkOrder, order_records
from domain.base import Record
from domain.common_issues import draft_common_topic
from domain.errors import CommandIdReused, ConcurrentModification, DomainError
from domain.reference import Platform
from domain.topic import Topic
from domain.vocabulary import Category, Channel

Taken = Intake | DomainError


class HotlineUseCases(Core):
    def take_hotline_order(
        self, command: Command, *, platform_id: UUID, order: WorkOrder
    ) -> Intake:
        """One work order (command id hotline:<ticket>)."""
        check_may_run(command.actor, self.propose_hotline_order)
        order = order.checked()
        earlier = self._taken_in(order)
        if earlier is None:
            once = replace(command, command_id=f"hotline:{order.ticket_key}")
            try:
                outcome = self.propose_hotline_order(once, platform_id=platform_id, order=order)
            except (ConcurrentModification, CommandIdReused):
                earlier = self._taken_in(order)
                if earlier is None:
                    raise
            else:
                return Intake(outcome.id, outcome.position, repeated=outcome.replayed)
        return earlier.replay(order.fingerprint(platform_id))

    def take_hotline_orders(
        self, command: Command, *, platform_id: UUID, orders: Sequence[WorkOrder]
    ) -> list[Taken]:
        """Many work orders, each taken or refused on its own: the new ones are saved in one
        transaction, each whole; should that fail, they are taken one by one."""
        self._check_intake(command, platform_id)
        taken: list[Taken | None] = [None] * len(orders)
        fresh: list[tuple[int, list[Record]]] = []
        one_by_one: list[int] = []
        tickets: set[str] = set()
        for index, order in enumerate(orders):
            try:
                order = order.checked()
            except DomainError as refusal:
                taken[index] = refusal
                continue
            if order.ticket_key in tickets:
                one_by_one.append(index)
                continue
            tickets.add(order.ticket_key)
            try:
                earlier = self._taken_in(order)
                if earlier is None:
                    fresh.append((index, order_records(command, platform_id, order)))
                else:
                    taken[index] = earlier.replay(order.fingerprint(platform_id))
            except DomainError as refusal:
                taken[index] = refusal
        one_by_one.extend(self._save_together(fresh, taken))
        for index in sorted(one_by_one):
            taken[index] = self._take_alone(command, platform_id, orders[index])
        return [t for t in taken if t is not None]

    @use_case(R.PLATFORM_STAFF, R.INTEGRATION)
    def propose_hotline_order(
        self, command: Command, *, platform_id: UUID, order: WorkOrder
    ) -> list[Record]:
        self._check_intake(command, platform_id)
        return order_records(command, platform_id, order)

    @use_case(R.PLATFORM_STAFF)
    def draft_topic_from_orders(
        self,
        command: Command,
        *,
        topic_ids: list[UUID],
        title: str,
        content: str,
        category: Category | None = None,
    ) -> list[Record]:
        sources = [self.load(Topic, topic_id) for topic_id in topic_ids]
        for source in sources:
            self.authorize(command, Reach(platform_id=source.platform_id))
        common = draft_common_topic(
            sources, title=title, content=content, category=category, actor=command.actor
        )
        return list(common)

    def _check_intake(self, command: Command, platform_id: UUID) -> None:
        check_may_run(command.actor, self.propose_hotline_order)
        self.require(Platform, platform_id)
        check_channel(command.actor, Channel.HOTLINE_12345)
        self.authorize(command, Reach(platform_id=platform_id))

    def _save_together(
        self, fresh: list[tuple[int, list[Record]]], taken: list[Taken | None]
    ) -> list[int]:
        """Saves the rows together; returns the rows to take one by one instead."""
        if not fresh:
            return []
        self.subject_keys.prepare(
            [r.proposer.subject_id for _, records in fresh for r in records if isinstance(r, Topic)]
        )
        try:
            recordings = self.save(*(record for _, records in fresh for record in records))
        except IntegrityError:
            return [index for index, _ in fresh]
        position = max((r.notification.id for r in recordings), default=None)
        for index, records in fresh:
            taken[index] = Intake(records[0].id, position, repeated=False)
        return []

    def _take_alone(self, command: Command, platform_id: UUID, order: WorkOrder) -> Taken:
        try:
            return self.take_hotline_order(command, platform_id=platform_id, order=order)
        except DomainError as refusal:
            return refusal

    def _taken_in(self, order: WorkOrder) -> HotlineTicket | None:
        record: object
        try:
            record = self.repository.get(HotlineTicket.create_id(order.ticket_key))
        except AggregateNotFoundError:
            return None
        return record if isinstance(record, HotlineTicket) else None
