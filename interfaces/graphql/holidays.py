"""The years' holiday schedules (节假日安排) through GraphQL: the system administrator enters a
year's, from the State Council's notice; every signed-in caller reads them."""

from __future__ import annotations

import json
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from domain.holidays import Holiday
from interfaces.edge.blocking import blocking
from interfaces.graphql.mutations.base import Changed, CommandInput, execute
from interfaces.graphql.times import moment
from interfaces.graphql.types import ctx
from projections.store import Row


@strawberry.type(description="放假日期 A day off, with its festival")
class HolidayDay:
    day: date
    festival: str = strawberry.field(description="节日名称,如“春节” The festival, e.g. 春节")


@strawberry.type(description="节假日安排 A year's holiday schedule, as last entered")
class HolidaySchedule:
    year: int
    notice: str = strawberry.field(description="通知文号 The notice's number")
    holidays: list[HolidayDay] = strawberry.field(description="放假日期 The days off")
    working_days: list[date] = strawberry.field(
        description="调休上班日(周末上班) Make-up working days (weekend days worked)"
    )
    entered_by: str = strawberry.field(description="录入人 Who entered it")
    entered_at: datetime = strawberry.field(description="录入时间 When it was entered")
    reason: str = strawberry.field(
        description="录入或替换的理由(首次录入可为空) Why it was entered or replaced"
    )
    version: int

    @classmethod
    def from_row(cls, row: Row) -> HolidaySchedule:
        return cls(
            year=int(row["year"]),
            notice=row["notice"],
            holidays=[
                HolidayDay(day=date.fromisoformat(day), festival=festival)
                for day, festival in json.loads(row["holidays"])
            ],
            working_days=[date.fromisoformat(day) for day in json.loads(row["working_days"])],
            entered_by=row["entered_by"],
            entered_at=moment(row["entered_at"]),
            reason=row["reason"],
            version=int(row["version"]),
        )


@strawberry.input(description="放假日期 A day off")
class HolidayInput:
    day: date
    festival: str


@strawberry.input
class EnterHolidayScheduleInput(CommandInput):
    year: int
    notice: str = strawberry.field(description="通知文号,如“国办发明电〔2026〕X号”")
    holidays: list[HolidayInput]
    working_days: list[date] = strawberry.field(description="调休上班日 Make-up working days")
    reason: str = strawberry.field(
        default="", description="替换已录入的安排时必填 Required when replacing an entered year"
    )


@strawberry.type
class HolidaySchedulePayload(Changed):
    year: strawberry.Private[int]

    @strawberry.field
    async def schedule(self, info: Info) -> HolidaySchedule | None:
        row = await blocking(ctx(info).system.queries.holiday_schedule, self.year)
        return HolidaySchedule.from_row(row) if row else None


@strawberry.type
class HolidayMutations:
    @strawberry.mutation(
        description="录入或替换某年节假日安排(系统管理员) "
        "Enter a year's holiday schedule, or replace it with a reason (administrators)"
    )
    async def enter_holiday_schedule(
        self, info: Info, input: EnterHolidayScheduleInput
    ) -> HolidaySchedulePayload:
        app = ctx(info).system.app
        outcome = await execute(
            info,
            input,
            lambda c: app.enter_holiday_schedule(
                c,
                year=input.year,
                notice=input.notice,
                holidays=[Holiday(h.day, h.festival) for h in input.holidays],
                working_days=list(input.working_days),
                reason=input.reason,
            ),
        )
        return HolidaySchedulePayload(
            id=strawberry.ID(str(outcome.id)),
            version=outcome.version,
            position=outcome.position,
            year=input.year,
        )


@strawberry.type
class HolidayQueries:
    @strawberry.field(description="已录入的节假日安排,新年份在前 The entered holiday schedules")
    async def holiday_schedules(self, info: Info) -> list[HolidaySchedule]:
        rows = await blocking(ctx(info).system.queries.holiday_schedules)
        return [HolidaySchedule.from_row(row) for row in rows]
