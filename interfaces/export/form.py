"""The seed's attachment 「XX协商议事厅协商议事活动督办落实情况」 as data: its title, exactly its
ten columns in its order, one row per supervision item, and its footer 填报部门 / 填报时间."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from application.calendar import local_date
from domain.vocabulary import ItemStatus
from projections.store import Row

TITLE = "{hall}协商议事厅协商议事活动督办落实情况"
ALL_HALLS = "全区"
SHEET = "督办落实情况"
COLUMNS = (
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
    """A ledger row as the form shows it: the consultation's day in the district (UTC+8), and
    the item's status before its latest progress (办结 with its outcome)."""
    return FormRow(
        number=number,
        consultation_date=local_date(datetime.fromisoformat(row["consultation_time"])),
        subject=row["subject"],
        suggestion=row["suggestion"],
        unit=row["unit_name"],
        committee=row["committee_name"],
        supervisor=row["supervisor_name"],
        progress=progress_text(row),
        problems=row["problems"],
        approach=row["approach"],
    )


def progress_text(row: Row) -> str:
    status = ItemStatus.parse(row["status"])
    lines = [f"【{status.label}】{row['progress']}"]
    if status is ItemStatus.RESOLVED and row["outcome"]:
        lines.append(f"办结情况:{row['outcome']}")
    return "\n".join(lines)
