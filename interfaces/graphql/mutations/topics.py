"""Mutations for matters and topics (五、七.1)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain import vocabulary as v
from domain.people import ROSTER_NAME, Proposer
from interfaces.edge.errors import bad_input, parse_id
from interfaces.graphql.mutations.base import CommandInput, TopicPayload, execute, payload
from interfaces.graphql.terms import ENUMS, domain_value
from interfaces.graphql.types import ctx


@strawberry.input(description="提出人 Who raised the matter (personal data)")
class ProposerInput:
    name: str = strawberry.field(
        default="", description="姓名(从名册选择时取登记姓名) Name; from the roster if picked"
    )
    phone: str = ""
    id_number: str = ""
    organisation: str = ""
    person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="从名册选择的登记人员(委员经“政协委员”渠道反映的问题计入其履职档案);"
        "不存在:NOT_FOUND A registered person picked from the roster",
    )

    def to_domain(self) -> Proposer:
        person_id = str(parse_id(self.person_id, "proposer.personId")) if self.person_id else ""
        return Proposer.checked(
            self.name or (ROSTER_NAME if person_id else ""),
            self.phone,
            self.id_number,
            self.organisation,
            person_id=person_id,
        )


@strawberry.input
class ProposeTopicInput(CommandInput):
    title: str
    content: str
    channel: ENUMS[v.Channel]
    category: ENUMS[v.Category]
    platform_id: strawberry.ID
    proposer: ProposerInput
    hotline_tickets: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class VerifyTopicInput(CommandInput):
    topic_id: strawberry.ID
    basic_situation: str


@strawberry.input
class ExcludeTopicInput(CommandInput):
    topic_id: strawberry.ID
    ground: ENUMS[v.ExclusionGround]
    reason: str | None = strawberry.field(
        default=None, description="说明 Why (required for ground OTHER)"
    )
    explanation: str | None = strawberry.field(
        default=None,
        deprecation_reason="Use `reason`; `explanation` is removed in the next release.",
    )

    def written_reason(self) -> str:
        """The why under either spelling; both at once is refused, not silently merged."""
        if self.reason is not None and self.explanation is not None:
            raise bad_input(
                "reason 与 explanation 只能给一个",
                "give `reason` or the deprecated `explanation`, not both",
                "REASON_AND_EXPLANATION",
                field="reason",
            )
        return self.reason if self.reason is not None else self.explanation or ""


@strawberry.input
class TopicReasonInput(CommandInput):
    topic_id: strawberry.ID
    reason: str


@strawberry.input
class SubmitTopicInput(CommandInput):
    topic_id: strawberry.ID
    drafted_title: str
    committee_id: strawberry.ID


@strawberry.input
class RecordResearchInput(CommandInput):
    topic_id: strawberry.ID
    findings: str
    researcher_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="参加调研的委员(名册人员编号,须已登记为委员:NOT_A_MEMBER) Members who joined",
    )


@strawberry.type
class TopicMutations:
    @strawberry.mutation(description="提出协商事项 Propose a matter")
    async def propose_topic(self, info: Info, input: ProposeTopicInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.propose_topic(
                c,
                title=input.title,
                content=input.content,
                channel=domain_value(v.Channel, input.channel),
                category=domain_value(v.Category, input.category),
                platform_id=parse_id(input.platform_id, "platformId"),
                proposer=input.proposer.to_domain(),
                hotline_tickets=list(input.hotline_tickets),
            ),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="核实事项 Verify a matter's basic situation")
    async def verify_topic(self, info: Info, input: VerifyTopicInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.verify_topic(
                c, parse_id(input.topic_id, "topicId"), basic_situation=input.basic_situation
            ),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="不纳入协商范围 Exclude on one of the eight grounds")
    async def exclude_topic(self, info: Info, input: ExcludeTopicInput) -> TopicPayload:
        app = ctx(info).system.app
        written_reason = input.written_reason()
        outcome = await execute(
            info,
            input,
            lambda c: app.exclude_topic(
                c,
                parse_id(input.topic_id, "topicId"),
                ground=domain_value(v.ExclusionGround, input.ground),
                explanation=written_reason,
            ),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="撤销不纳入决定 Reverse an exclusion, with a reason")
    async def reverse_exclusion(self, info: Info, input: TopicReasonInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.reverse_exclusion(
                c, parse_id(input.topic_id, "topicId"), reason=input.reason
            ),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="拟定议题报专委会 Submit the drafted topic to a committee")
    async def submit_topic(self, info: Info, input: SubmitTopicInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.submit_topic(
                c,
                parse_id(input.topic_id, "topicId"),
                drafted_title=input.drafted_title,
                committee_id=parse_id(input.committee_id, "committeeId"),
            ),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="专委会确定议题 The committee approves the topic")
    async def approve_topic(self, info: Info, input: TopicReasonInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.approve_topic(
                c, parse_id(input.topic_id, "topicId"), reason=input.reason
            ),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="专委会退回议题 The committee returns the topic")
    async def return_topic(self, info: Info, input: TopicReasonInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.return_topic(c, parse_id(input.topic_id, "topicId"), reason=input.reason),
        )
        return payload(TopicPayload, outcome)

    @strawberry.mutation(description="记录调研情况 Record research findings (充分调研)")
    async def record_research(self, info: Info, input: RecordResearchInput) -> TopicPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.record_research(
                c,
                parse_id(input.topic_id, "topicId"),
                findings=input.findings,
                researcher_ids=[parse_id(i, "researcherIds") for i in input.researcher_ids],
            ),
        )
        return payload(TopicPayload, outcome)
