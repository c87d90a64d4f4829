"""Use cases for matters and topics: propose, verify, exclude or draft, and decide (七.1)."""

from __future__ import annotations

from uuid import UUID

from application.core import Core, use_case
from application.members import enrolled_members, proposer_from_the_roster
from application.permissions import R, Reach, check_channel, committees
from application.receipts import Command
from domain.base import Record
from domain.people import Proposer
from domain.reference import Committee, Platform
from domain.topic import Topic
from domain.vocabulary import Category, Channel, ExclusionGround


class TopicUseCases(Core):
    def deciding_reach(self, topic: Topic) -> Reach:
        """The committee it was submitted to decides; the platform's guiding committee may too."""
        guides = self.guiding_committee(topic.platform_id)
        return Reach(committee_ids=committees(topic.committee_id, guides))

    def reach_of(self, topic: Topic) -> Reach:
        return Reach(
            platform_id=topic.platform_id,
            committee_ids=committees(self.guiding_committee(topic.platform_id)),
        )

    @use_case(R.PLATFORM_STAFF, R.INTEGRATION)
    def propose_topic(
        self,
        command: Command,
        *,
        title: str,
        content: str,
        channel: Channel,
        category: Category,
        platform_id: UUID,
        proposer: Proposer,
        hotline_tickets: list[str] | None = None,
    ) -> list[Record]:
        self.require(Platform, platform_id)
        check_channel(command.actor, channel)
        self.authorize(command, Reach(platform_id=platform_id))
        return [
            Topic.propose(
                title=title,
                content=content,
                channel=channel,
                category=category,
                platform_id=platform_id,
                proposer=proposer_from_the_roster(self, proposer, "proposer.personId"),
                hotline_tickets=hotline_tickets,
                actor=command.actor,
            )
        ]

    @use_case(R.PLATFORM_STAFF)
    def verify_topic(
        self, command: Command, topic_id: UUID, *, basic_situation: str
    ) -> list[Record]:
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.reach_of(topic))
        topic.verify(basic_situation=basic_situation, actor=command.actor)
        return [topic]

    @use_case(R.PLATFORM_STAFF)
    def exclude_topic(
        self, command: Command, topic_id: UUID, *, ground: ExclusionGround, explanation: str = ""
    ) -> list[Record]:
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.reach_of(topic))
        topic.exclude(ground=ground, explanation=explanation, actor=command.actor)
        return [topic]

    @use_case(R.PLATFORM_STAFF, R.COMMITTEE)
    def reverse_exclusion(self, command: Command, topic_id: UUID, *, reason: str) -> list[Record]:
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.reach_of(topic))
        topic.reverse_exclusion(reason=reason, actor=command.actor)
        return [topic]

    @use_case(R.PLATFORM_STAFF)
    def submit_topic(
        self, command: Command, topic_id: UUID, *, drafted_title: str, committee_id: UUID
    ) -> list[Record]:
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.reach_of(topic))
        self.load(Committee, committee_id)
        topic.submit(drafted_title=drafted_title, committee_id=committee_id, actor=command.actor)
        return [topic]

    @use_case(R.COMMITTEE)
    def approve_topic(self, command: Command, topic_id: UUID, *, reason: str) -> list[Record]:
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.deciding_reach(topic))
        topic.approve(reason=reason, actor=command.actor)
        return [topic]

    @use_case(R.COMMITTEE)
    def return_topic(self, command: Command, topic_id: UUID, *, reason: str) -> list[Record]:
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.deciding_reach(topic))
        topic.return_to_platform(reason=reason, actor=command.actor)
        return [topic]

    @use_case(R.PLATFORM_STAFF)
    def record_research(
        self,
        command: Command,
        topic_id: UUID,
        *,
        findings: str,
        researcher_ids: list[UUID] | None = None,
    ) -> list[Record]:
        """`researcher_ids`: the members who joined the research, from the roster."""
        topic = self.load(Topic, topic_id, command)
        self.authorize(command, self.reach_of(topic))
        topic.record_research(
            findings=findings,
            actor=command.actor,
            researcher_ids=enrolled_members(self, researcher_ids or [], "researcherIds"),
        )
        return [topic]
