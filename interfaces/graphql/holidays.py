"""The years' holiday schedules (节假日安排) through GraphQL: the system administrator enters a
year's, from the State Council's notice; every signed-in caller reads them."""

from __future__ import annotations

import json
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from application.calendar import MAX_WORKING_DAYS
from domain.holidays import Holiday
from interfaces.edge.blocking import blocking
from interfaces.edge.errors import bad_input
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
        await ctx(info).views_show_own_writes()
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


@strawberry.type(description="工作日推算 A due day reckoned in working days")
class WorkingDayReckoning:
    start: date = strawberry.field(description="起算日(不计入) The day counted from, not counted")
    working_days: int = strawberry.field(description="工作日数 Working days")
    due_on: date = strawberry.field(description="到期日 The day reached")
    weekdays_assumed: bool = strawberry.field(
        description="途经年份的节假日安排未知,按周一至周五推算"
        " A year on the way is known neither entered nor from the package: Mon–Fri assumed"
    )


@strawberry.type
class HolidayQueries:
    @strawberry.field(
        description="工作日推算:自某日起若干工作日后的日期(按已录入的节假日安排及国家法定节假日)"
        " The day `workingDays` working days after `start`, as deadlines are reckoned"
        " (entered schedules first). Refusals: INVALID_INPUT for a count outside 0–1000."
    )
    async def working_days_after(
        self, info: Info, start: date, working_days: int
    ) -> WorkingDayReckoning:
        if not 0 <= working_days <= MAX_WORKING_DAYS:
            raise bad_input(
                f"工作日数须在0到{MAX_WORKING_DAYS}之间",
                f"working days must be 0..{MAX_WORKING_DAYS}",
                field="workingDays",
            )
        calendar = await blocking(ctx(info).system.app.working_calendar)
        try:
            reckoned = calendar.add_working_days(start, working_days)
        except OverflowError:
            raise bad_input(
                "起算日过晚,推算超出日历范围", "the day reached is past the calendar", field="start"
            ) from None
        return WorkingDayReckoning(
            start=start,
            working_days=working_days,
            due_on=reckoned.value,
            weekdays_assumed=reckoned.weekdays_assumed,
        )

    @strawberry.field(description="已录入的节假日安排,新年份在前 The entered holiday schedules")
    async def holiday_schedules(self, info: Info) -> list[HolidaySchedule]:
        rows = await blocking(ctx(info).system.queries.holiday_schedules)
        return [HolidaySchedule.from_row(row) for row in rows]
