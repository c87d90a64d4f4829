"""A file row as a work order, or the reason it is not one (reported, never guessed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from application.calendar import DISTRICT_TIME
from application.work_orders import WorkOrder
from domain.errors import InvalidInput
from domain.vocabulary import Category
from interfaces.intake.reader import FileRow

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日")
# A moment outside these years is a typing or system error, and one that cannot be written in
# UTC would stop the views that show it: refused before it reaches the log.
EARLIEST_RECEIVED = datetime(1980, 1, 1, tzinfo=UTC)
LATEST_RECEIVED = datetime(2100, 1, 1, tzinfo=UTC)


class ReceivedOutOfRange(InvalidInput):
    code = "TIME_OUT_OF_RANGE"

    def __init__(self, field: str) -> None:
        super().__init__(
            "受理时间超出范围,须在1980年至2099年之间",
            f"'{field}' must lie between 1980 and 2099",
            field=field,
        )


@dataclass(frozen=True)
class RowError:
    line: int
    ticket: str
    code: str
    message: str


def work_order(row: FileRow) -> WorkOrder:
    """Raises InvalidInput (with the column) for a value that cannot be read."""
    value = row.values
    return WorkOrder(
        ticket=_text(value.get("工单编号")),
        content=_text(value.get("诉求内容")),
        title=_text(value.get("诉求标题")),
        caller_name=_text(value.get("诉求人")),
        caller_phone=_text(value.get("联系电话")),
        street=_text(value.get("所属街乡")),
        address=_text(value.get("地址")),
        category=_text(value.get("诉求分类")),
        received_at=received_at(value.get("受理时间")),
        agency=_text(value.get("承办单位")),
        matter_category=matter_category(value.get("事项类别")),
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def received_at(value: object) -> datetime | None:
    """受理时间 in the district's local time (UTC+8) unless it names its own zone."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return _local(datetime.combine(value, datetime.min.time()))
    return _local(_parse_time(_text(value)))


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in (*TIME_FORMATS, *DATE_FORMATS):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise InvalidInput(
        f"受理时间无法识别:{text[:40]}",
        "受理时间 must be a date and time such as 2026-11-20 09:30",
        field="受理时间",
    )


def _local(moment: datetime) -> datetime:
    return within_range(moment.replace(tzinfo=DISTRICT_TIME) if moment.tzinfo is None else moment)


def within_range(moment: datetime, field: str = "受理时间") -> datetime:
    """An aware moment, if it lies in the years a work order can have been received in."""
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise ReceivedOutOfRange(field) from None
    if not EARLIEST_RECEIVED <= in_utc < LATEST_RECEIVED:
        raise ReceivedOutOfRange(field)
    return moment


def matter_category(value: object) -> Category:
    """事项类别 by code or by label; 基层治理难事 (the plan's home of 12345 issues) by default."""
    text = _text(value)
    if not text:
        return Category.GOVERNANCE
    for category in Category:
        if text in (category.code, category.label):
            return category
    return Category.parse(text)
