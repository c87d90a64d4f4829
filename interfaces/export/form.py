"""The seed's attachment 「XX协商议事厅协商议事活动督办落实情况」 as data: its title, its ten
columns in its order, one row per supervision item, and its footer 填报部门 / 填报时间.

The plan's form has no column for an item's status or its outcome (办结情况). They are not
progress, so 进展情况 holds the latest progress report only, and both go to one column after
the plan's ten, 备注 (remarks): the place a Chinese form keeps what its columns do not name.
The plan's ten columns keep their names and places."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from application.calendar import local_date
from domain.vocabulary import ItemStatus
from projections.store import Row

TITLE = "{hall}协商议事厅协商议事活动督办落实情况"
ALL_HALLS = "全区"
SHEET = "督办落实情况"
PLAN_COLUMNS = (
    "序号",
    "协商时间",
    "协商议题",
    "协商建议",
    "交办单位",
    "政协责任委室",
    "督办负责人",
    "进展情况",
    "存在问题",
    "解决思路",
)
REMARKS = "备注"  # not in the plan: the item's status and outcome (see above)
COLUMNS = (*PLAN_COLUMNS, REMARKS)


@dataclass(frozen=True)
class FormRow:
    number: int
    consultation_date: date
    subject: str
    suggestion: str
    unit: str
    committee: str
    supervisor: str
    progress: str
    problems: str
    approach: str
    remarks: str

    def cells(self) -> tuple[int | date | str, ...]:
        return (
            self.number,
            self.consultation_date,
            self.subject,
            self.suggestion,
            self.unit,
            self.committee,
            self.supervisor,
            self.progress,
            self.problems,
            self.approach,
            self.remarks,
        )


@dataclass(frozen=True)
class SupervisionForm:
    title: str
    rows: list[FormRow]
    department: str
    filled_on: date

    @property
    def footer(self) -> tuple[str, str]:
        day = self.filled_on
        return (
            f"填报部门:{self.department}",
            f"填报时间:{day.year} 年 {day.month} 月 {day.day} 日",
        )


def title_for(hall: str | None) -> str:
    return TITLE.format(hall=hall or ALL_HALLS)


def form_row(number: int, row: Row) -> FormRow:
    """A ledger row as the form shows it: the consultation's day in the district (UTC+8), the
    latest progress as reported, and the status (with the outcome once 办结) as remarks."""
    return FormRow(
        number=number,
        consultation_date=local_date(datetime.fromisoformat(row["consultation_time"])),
        subject=row["subject"],
        suggestion=row["suggestion"],
        unit=row["unit_name"],
        committee=row["committee_name"],
        supervisor=row["supervisor_name"],
        progress=row["progress"],
        problems=row["problems"],
        approach=row["approach"],
        remarks=remarks_text(row),
    )


def remarks_text(row: Row) -> str:
    status = ItemStatus.parse(row["status"])
    lines = [f"办理状态:{status.label}"]
    if status is ItemStatus.RESOLVED and row["outcome"]:
        lines.append(f"办结情况:{row['outcome']}")
    return "\n".join(lines)
