"""Mutations for the problem list (七.6 督办落实)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from interfaces.edge.errors import bad_input, parse_id
from interfaces.graphql.mutations.base import (
    CommandInput,
    SupervisionItemPayload,
    execute,
    payload,
)
from interfaces.graphql.types import ctx


@strawberry.input
class OpenSupervisionItemInput(CommandInput):
    consultation_id: strawberry.ID
    suggestion_id: strawberry.ID | None = strawberry.field(
        default=None, description="协商建议的编号 The id of one of the consultation's suggestions"
    )
    suggestion: str | None = strawberry.field(
        default=None,
        description="协商建议原文,须与该次协商的建议之一完全相同",
        deprecation_reason="Use `suggestionId`; the text is removed in the next release.",
    )

    def chosen(self) -> dict[str, object]:
        """Exactly one way of naming the suggestion."""
        if (self.suggestion_id is None) == (self.suggestion is None):
            raise bad_input(
                "suggestionId 与 suggestion 须给且只给一个",
                "give exactly one of `suggestionId` or the deprecated `suggestion`",
                "ONE_SUGGESTION_REFERENCE",
                field="suggestionId",
            )
        if self.suggestion_id is not None:
            return {"suggestion_id": parse_id(self.suggestion_id, "suggestionId")}
        return {"suggestion": self.suggestion}


@strawberry.input
class AssignItemInput(CommandInput):
    item_id: strawberry.ID
    unit_id: strawberry.ID = strawberry.field(description="交办单位")
    committee_id: strawberry.ID = strawberry.field(description="政协责任委室")
    supervisor_id: strawberry.ID = strawberry.field(description="督办负责人")
    due_on: date | None = None
    reason: str = strawberry.field(default="", description="改派须说明理由 required to reassign")
    due_in_working_days: int | None = strawberry.field(
        default=None,
        description="办理期限:自交办之日起若干工作日(按国家法定节假日及调休计算),与dueOn二选一"
        " Due in N working days from today (official holidays and make-up days counted)",
    )


@strawberry.input
class ReportProgressInput(CommandInput):
    item_id: strawberry.ID
    progress: str = strawberry.field(description="进展情况")
    reporting_department: str = strawberry.field(description="填报部门")
    reported_on: date = strawberry.field(description="填报时间")
    problems: str = strawberry.field(default="", description="存在问题")
    approach: str = strawberry.field(default="", description="解决思路")


@strawberry.input
class ResolveItemInput(CommandInput):
    item_id: strawberry.ID
    outcome: str = strawberry.field(description="办结情况")


@strawberry.input
class ReopenItemInput(CommandInput):
    item_id: strawberry.ID
    reason: str


def _item(value: strawberry.ID) -> object:
    return parse_id(value, "itemId")


@strawberry.type
class SupervisionMutations:
    @strawberry.mutation(description="据协商建议建立督办事项 Open an item from a suggestion")
    async def open_supervision_item(
        self, info: Info, input: OpenSupervisionItemInput
    ) -> SupervisionItemPayload:
        app = ctx(info).system.app
        chosen = input.chosen()
        outcome = await execute(
            info,
            input,
            lambda c: app.open_supervision_item(
                c, consultation_id=parse_id(input.consultation_id, "consultationId"), **chosen
            ),
        )
        return payload(SupervisionItemPayload, outcome)

    @strawberry.mutation(description="交办 Assign to a unit, committee office and supervisor")
    async def assign_item(self, info: Info, input: AssignItemInput) -> SupervisionItemPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.assign_item(
                c,
                _item(input.item_id),
                unit_id=parse_id(input.unit_id, "unitId"),
                committee_id=parse_id(input.committee_id, "committeeId"),
                supervisor_id=parse_id(input.supervisor_id, "supervisorId"),
                due_on=input.due_on,
                reason=input.reason,
                due_in_working_days=input.due_in_working_days,
            ),
        )
        return payload(SupervisionItemPayload, outcome)

    @strawberry.mutation(description="填报进展 Report progress (进展情况/存在问题/解决思路)")
    async def report_progress(
        self, info: Info, input: ReportProgressInput
    ) -> SupervisionItemPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.report_progress(
                c,
                _item(input.item_id),
                progress=input.progress,
                problems=input.problems,
                approach=input.approach,
                reporting_department=input.reporting_department,
                reported_on=input.reported_on,
            ),
        )
        return payload(SupervisionItemPayload, outcome)

    @strawberry.mutation(description="办结 Resolve with an outcome")
    async def resolve_item(self, info: Info, input: ResolveItemInput) -> SupervisionItemPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info, input, lambda c: app.resolve_item(c, _item(input.item_id), outcome=input.outcome)
        )
        return payload(SupervisionItemPayload, outcome)

    @strawberry.mutation(description="重新办理 Reopen, with a reason")
    async def reopen_item(self, info: Info, input: ReopenItemInput) -> SupervisionItemPayload:
        app = ctx(info).system.app
        outcome = await execute(
            info, input, lambda c: app.reopen_item(c, _item(input.item_id), reason=input.reason)
        )
        return payload(SupervisionItemPayload, outcome)
