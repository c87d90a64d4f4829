"""To-do lists (待办): what waits for the reader, by role, read from the views. A scoped reader
(platform staff, committee, unit, supervisor) gets the groups of its scope, each entry the
thing's title (a restricted matter's withheld, as everywhere), its stage, the date of that stage
and, for a supervision item, its due date, working days left and last reminder. Readers of
everything (leaders, auditors, administrators) have no to-do list here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from application.calendar import district_today, due_within, official_calendar
from application.permissions import Visibility
from domain.vocabulary import ConsultationStatus, ItemStatus, TopicStatus
from projections.reads.queries import DUE_SOON, OVERDUE
from projections.reads.restriction import topic_row
from projections.reads.visibility import row_scope
from projections.store import Row, Tx, ViewStore

NO_CONSULTATION_YET = (
    "NOT EXISTS (SELECT 1 FROM consultation_calendar c"
    " WHERE c.topic_id = topic_board.id AND c.status <> 'cancelled')"
)
NO_ITEM_YET = (
    "suggestions_count > 0 AND NOT EXISTS (SELECT 1 FROM supervision_ledger s"
    " WHERE s.consultation_id = consultation_calendar.id)"
)


@dataclass(frozen=True)
class Entry:
    kind: str  # "topic", "consultation" or "item": the page the thing is done on
    id: str
    title: str
    stage: str
    stage_label: str
    on: str | None  # when the thing reached its stage (ISO date or moment)
    context: str = ""  # an item's 协商议题
    restricted: bool = False
    due_on: str | None = None
    working_days_left: int | None = None
    weekdays_assumed: bool = False
    reminder_kind: str | None = None
    reminded_at: str | None = None


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    english: str
    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class TodoList:
    groups: list[Group]

    @property
    def count(self) -> int:
        """Things waiting, each once however many groups it is in."""
        return len({(e.kind, e.id) for g in self.groups for e in g.entries})


def todo_of(
    store: ViewStore, seen_by: Visibility, within: int, today: date | None = None
) -> TodoList:
    """The reader's to-do list; `within` is the working days that make an item 'due soon'."""
    on = today or district_today()
    with store.reading() as tx:
        reading = _Reading(tx, seen_by, on, within)
        if seen_by.everything:
            return TodoList([])
        if seen_by.platform_id:
            return TodoList(reading.platform())
        if seen_by.committee_id:
            return TodoList(reading.committee(seen_by.committee_id))
        if seen_by.unit_id:
            return TodoList(reading.unit(seen_by.unit_id))
        if seen_by.supervisor_id:
            return TodoList(reading.supervisor())
    return TodoList([])


@dataclass
class _Reading:
    tx: Tx
    seen_by: Visibility
    today: date
    within: int

    # -------------------------------------------------------------------------- by role

    def platform(self) -> list[Group]:
        return [
            Group(
                "to_verify", "待核实", "Matters to verify", self._topics("proposed", "proposed_at")
            ),
            Group(
                "to_submit",
                "待提交",
                "To submit to the committee",
                self._topics("verified", "verified_at"),
            ),
            Group(
                "to_arrange",
                "待安排",
                "Consultations to arrange",
                self._topics("approved", "approved_at", NO_CONSULTATION_YET),
            ),
            Group(
                "to_report",
                "待报送",
                "Consultations to report to the district",
                self._consultations("held", "held_at"),
            ),
            Group(
                "to_supervise",
                "待建立督办",
                "Reports whose suggestions have no supervision item yet",
                self._consultations("reported", "reported_at", NO_ITEM_YET),
            ),
            Group(
                "to_assign",
                "待交办",
                "Supervision items to assign to a unit",
                self._items("opened_at", "status = 'opened'"),
            ),
        ]

    def committee(self, committee_id: str) -> list[Group]:
        return [
            Group(
                "to_approve",
                "待确定",
                "Topics awaiting the committee's decision",
                self._topics("submitted", "submitted_at", "committee_id = ?", committee_id),
            ),
            Group(
                "to_follow_up",
                "待跟进",
                "Items with progress to follow up (resolve or reopen)",
                self._items(
                    "last_progress_at", "status = 'in_progress' AND committee_id = ?", committee_id
                ),
            ),
        ]

    def unit(self, unit_id: str) -> list[Group]:
        return [
            Group(
                "to_report_progress",
                "待填报",
                "Items assigned to the unit awaiting a progress report",
                self._items(
                    "assigned_at", "status IN ('assigned', 'reopened') AND unit_id = ?", unit_id
                ),
            ),
            *self._deadlines(),
        ]

    def supervisor(self) -> list[Group]:
        """The supervisor follows what is late; the row scope holds it to its own items."""
        return self._deadlines()[1:]

    def _deadlines(self) -> list[Group]:
        today = self.today.isoformat()
        soon = due_within(self.today, self.within).isoformat()
        return [
            Group(
                "due_soon",
                "即将到期",
                "Items due soon",
                self._items("assigned_at", DUE_SOON, today, soon),
            ),
            Group("overdue", "已逾期", "Overdue items", self._items("assigned_at", OVERDUE, today)),
        ]

    # -------------------------------------------------------------------------- by view

    def _rows(self, table: str, order: str, clause: str, params: list[object]) -> list[Row]:
        scope, scoped = row_scope(table, self.seen_by)
        where = f"{clause} AND ({scope})" if scope else clause
        return self.tx.all(
            f"SELECT * FROM {table} WHERE {where} ORDER BY {order}, id", [*params, *scoped]
        )

    def _topics(self, status: str, on: str, more: str = "", *params: object) -> list[Entry]:
        """Topics at `status` (and `more`), oldest at that stage first; `on` names the stage's
        date column."""
        clause = f"status = '{status}'" + (f" AND {more}" if more else "")
        rows = [
            topic_row(r, self.seen_by) for r in self._rows("topic_board", on, clause, list(params))
        ]
        stage = TopicStatus.parse(status)
        return [
            Entry(
                kind="topic",
                id=r["id"],
                title=r["drafted_title"] or r["title"],
                stage=stage.code,
                stage_label=stage.label,
                on=r[on],
                restricted=bool(r["restricted"]),
            )
            for r in rows
        ]

    def _consultations(self, status: str, on: str, more: str = "") -> list[Entry]:
        clause = f"status = '{status}'" + (f" AND {more}" if more else "")
        stage = ConsultationStatus.parse(status)
        return [
            Entry(
                kind="consultation",
                id=r["id"],
                title=r["subject"],
                stage=stage.code,
                stage_label=stage.label,
                on=r[on],
            )
            for r in self._rows("consultation_calendar", on, clause, [])
        ]

    def _items(self, on: str, clause: str, *params: object) -> list[Entry]:
        rows = self._rows("supervision_ledger", "seq_no", clause, list(params))
        reminders = self._reminders([r["id"] for r in rows])
        return [self._item(r, on, reminders.get(r["id"])) for r in rows]

    def _item(self, row: Row, on: str, reminder: Row | None) -> Entry:
        stage = ItemStatus.parse(row["status"])
        left, assumed = self._left(row["due_on"])
        return Entry(
            kind="item",
            id=row["id"],
            title=row["suggestion"],
            context=row["subject"],
            stage=stage.code,
            stage_label=stage.label,
            on=row[on],
            due_on=row["due_on"],
            working_days_left=left,
            weekdays_assumed=assumed,
            reminder_kind=reminder["reminder_kind"] if reminder else None,
            reminded_at=reminder["reminded_at"] if reminder else None,
        )

    def _left(self, due_on: str | None) -> tuple[int | None, bool]:
        if not due_on:
            return None, False
        left = official_calendar().working_days_between(self.today, date.fromisoformat(due_on))
        return left.value, left.weekdays_assumed

    def _reminders(self, ids: list[str]) -> dict[str, Row]:
        if not ids:
            return {}
        rows = self.tx.all(
            f"SELECT * FROM item_deadlines WHERE id IN ({', '.join('?' * len(ids))})"
            " AND reminder_kind IS NOT NULL",
            ids,
        )
        return {r["id"]: r for r in rows}
