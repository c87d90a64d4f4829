"""A matter raised for consultation, from proposal to the committee's decision (五、七.1)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import LONG_TEXT, Actor, HasStatus, Record, optional_text, required_reason, text
from domain.errors import InvalidInput
from domain.hotline import TICKET_LIMIT, HotlineOrder
from domain.people import Proposer
from domain.vocabulary import Category, Channel, ExclusionGround, TopicStatus

EXCLUDABLE = (TopicStatus.PROPOSED, TopicStatus.VERIFIED, TopicStatus.RETURNED)
SUBMITTABLE = (TopicStatus.VERIFIED, TopicStatus.RETURNED)
MERGEABLE = (TopicStatus.PROPOSED, TopicStatus.VERIFIED)


class Topic(HasStatus[TopicStatus], Record):
    """A matter (协商事项) and, once drafted, the consultation topic (协商议题) made of it."""

    # Topics restored from snapshots taken before hotline intake and merging have neither.
    hotline_order: HotlineOrder | None = None
    merged_into: UUID | None = None
    merged_from: list[UUID] | None = None

    class TopicProposed(Record.Created):
        """Version 2 added the 12345 work order and the merged matters (both absent before)."""

        class_version = 2
        title: str
        content: str
        channel: Channel
        category: Category
        platform_id: UUID
        proposer: Proposer
        hotline_tickets: list[str]
        actor: Actor
        hotline_order: HotlineOrder | None
        merged_from: list[UUID] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state.setdefault("hotline_order", None)
            state.setdefault("merged_from", None)

    @event(TopicProposed)
    def __init__(
        self,
        *,
        title: str,
        content: str,
        channel: Channel,
        category: Category,
        platform_id: UUID,
        proposer: Proposer,
        hotline_tickets: list[str],
        actor: Actor,
        hotline_order: HotlineOrder | None = None,
        merged_from: list[UUID] | None = None,
    ) -> None:
        self.title = title
        self.content = content
        self.channel = channel
        self.category = category
        self.platform_id = platform_id
        self.proposer = proposer
        self.hotline_tickets = list(hotline_tickets)
        self.hotline_order = hotline_order
        self.merged_from = list(merged_from) if merged_from else None
        self.status = TopicStatus.PROPOSED
        self.basic_situation = ""
        self.exclusion: ExclusionGround | None = None
        self.exclusion_explanation = ""
        self.status_before_exclusion: TopicStatus | None = None
        self.drafted_title = ""
        self.committee_id: UUID | None = None
        self.decision_reason = ""
        self.research: list[str] = []

    @classmethod
    def propose(
        cls,
        *,
        title: str,
        content: str,
        channel: Channel,
        category: Category,
        platform_id: UUID,
        proposer: Proposer,
        actor: Actor,
        hotline_tickets: list[str] | None = None,
        hotline_order: HotlineOrder | None = None,
        merged_from: list[UUID] | None = None,
    ) -> Topic:
        tickets = [
            text(t, "hotlineTickets", "12345工单号", TICKET_LIMIT) for t in hotline_tickets or []
        ]
        if hotline_order is not None:
            tickets = [hotline_order.ticket]
        if channel is Channel.HOTLINE_12345 and not tickets:
            raise InvalidInput(
                "来自12345热线的事项须填写工单号",
                "a matter from the 12345 hotline needs its ticket numbers",
                field="hotlineTickets",
            )
        return cls(
            title=text(title, "title", "事项标题"),
            content=text(content, "content", "事项内容", LONG_TEXT),
            channel=channel,
            category=category,
            platform_id=platform_id,
            proposer=proposer,
            hotline_tickets=tickets,
            actor=actor,
            hotline_order=hotline_order,
            merged_from=merged_from,
        )

    def verify(self, *, basic_situation: str, actor: Actor) -> None:
        self._require(TopicStatus.PROPOSED, what_zh="核实", what_en="verify")
        self._verified(
            basic_situation=text(basic_situation, "basicSituation", "基本情况", LONG_TEXT),
            actor=actor,
        )

    @event("TopicVerified")
    def _verified(self, basic_situation: str, actor: Actor) -> None:
        self.basic_situation = basic_situation
        self.status = TopicStatus.VERIFIED

    def exclude(self, *, ground: ExclusionGround, explanation: str, actor: Actor) -> None:
        self._require(*EXCLUDABLE, what_zh="不纳入协商", what_en="exclude")
        explanation = optional_text(explanation, "reason", "说明")
        if ground.requires_explanation and not explanation:
            raise InvalidInput(
                "以“其他不宜纳入”为由不纳入时须书面说明",
                "ground 'other' requires a written explanation",
                field="reason",
            )
        self._excluded(ground=ground, explanation=explanation, actor=actor)

    @event("TopicExcluded")
    def _excluded(self, ground: ExclusionGround, explanation: str, actor: Actor) -> None:
        self.status_before_exclusion = self.status
        self.status = TopicStatus.EXCLUDED
        self.exclusion = ground
        self.exclusion_explanation = explanation

    def reverse_exclusion(self, *, reason: str, actor: Actor) -> None:
        self._require(
            TopicStatus.EXCLUDED, what_zh="撤销不纳入决定", what_en="reverse an exclusion"
        )
        self._exclusion_reversed(
            reason=required_reason(reason, "撤销不纳入决定", "reversing an exclusion"), actor=actor
        )

    @event("TopicExclusionReversed")
    def _exclusion_reversed(self, reason: str, actor: Actor) -> None:
        self.status = self.status_before_exclusion or TopicStatus.PROPOSED
        self.exclusion = None
        self.exclusion_explanation = ""
        self.decision_reason = reason

    def submit(self, *, drafted_title: str, committee_id: UUID, actor: Actor) -> None:
        self._require(*SUBMITTABLE, what_zh="报专委会确定", what_en="submit")
        self._submitted(
            drafted_title=text(drafted_title, "draftedTitle", "拟定议题"),
            committee_id=committee_id,
            actor=actor,
        )

    @event("TopicSubmitted")
    def _submitted(self, drafted_title: str, committee_id: UUID, actor: Actor) -> None:
        self.drafted_title = drafted_title
        self.committee_id = committee_id
        self.status = TopicStatus.SUBMITTED

    def approve(self, *, reason: str, actor: Actor) -> None:
        self._require(TopicStatus.SUBMITTED, what_zh="确定议题", what_en="approve")
        self._approved(reason=required_reason(reason, "确定议题", "approval"), actor=actor)

    @event("TopicApproved")
    def _approved(self, reason: str, actor: Actor) -> None:
        self.status = TopicStatus.APPROVED
        self.decision_reason = reason

    def return_to_platform(self, *, reason: str, actor: Actor) -> None:
        self._require(TopicStatus.SUBMITTED, what_zh="退回", what_en="return")
        self._returned(reason=required_reason(reason, "退回议题", "returning a topic"), actor=actor)

    @event("TopicReturned")
    def _returned(self, reason: str, actor: Actor) -> None:
        self.status = TopicStatus.RETURNED
        self.decision_reason = reason

    def record_research(
        self, *, findings: str, actor: Actor, researcher_ids: list[UUID] | None = None
    ) -> None:
        """The members who joined are named by their roster ids (none before version 2)."""
        self._require(TopicStatus.APPROVED, what_zh="记录调研", what_en="record research")
        self._research_recorded(
            findings=text(findings, "findings", "调研情况", LONG_TEXT),
            actor=actor,
            researcher_ids=list(dict.fromkeys(researcher_ids or [])),
        )

    class TopicResearchRecorded(Record.Event):
        """Version 2 added the members who joined the research (none named before)."""

        class_version = 2
        findings: str
        actor: Actor
        researcher_ids: list[UUID]

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state.setdefault("researcher_ids", [])

    @event(TopicResearchRecorded)
    def _research_recorded(
        self, findings: str, actor: Actor, researcher_ids: list[UUID] | None = None
    ) -> None:
        self.research.append(findings)

    def merge_into(self, *, topic_id: UUID, actor: Actor) -> None:
        """Taken up by a common-issue topic drafted from several orders; it goes on there."""
        self._require(*MERGEABLE, what_zh="并入共性议题", what_en="merge into a common topic")
        self._merged_into(merged_into=topic_id, actor=actor)

    @event("TopicMergedInto")
    def _merged_into(self, merged_into: UUID, actor: Actor) -> None:
        self.merged_into = merged_into
        self.status = TopicStatus.MERGED

    @property
    def heading(self) -> str:
        return self.drafted_title or self.title
