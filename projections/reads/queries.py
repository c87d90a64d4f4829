"""The read side: filtered, keyset-paginated pages over the views, and the dashboard."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from application.calendar import WorkingCalendar, district_today, due_within
from application.permissions import Visibility
from projections.reads.restriction import restricted_topics, searched_columns, topic_row
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Row, Tx, ViewStore


@dataclass
class Page:
    rows: list[Row]
    total: int
    has_next: bool
    cursors: list[str]

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


@dataclass
class Criteria:
    """A WHERE clause built one condition at a time."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def equal(self, column: str, value: Any) -> Criteria:
        if value is not None:
            self.clauses.append(f"{column} = ?")
            self.params.append(value)
        return self

    def within(self, column: str, start: Any, end: Any) -> Criteria:
        if start is not None:
            self.clauses.append(f"{column} >= ?")
            self.params.append(start)
        if end is not None:
            self.clauses.append(f"{column} < ?")
            self.params.append(end)
        return self

    def contains(self, columns: tuple[str, ...], text: str | None) -> Criteria:
        return self.contains_where([(c, "") for c in columns], text)

    def contains_where(self, columns: list[tuple[str, str]], text: str | None) -> Criteria:
        """Text in any of the columns, each searched only where its condition (if any) holds."""
        if text:
            # LOWER on both sides: SQLite's LIKE ignores case and PostgreSQL's does not.
            escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = "%" + escaped + "%"
            matches = (
                f"({condition} AND {like})" if condition else like
                for like, condition in ((f"LOWER({c}) LIKE ? ESCAPE '\\'", w) for c, w in columns)
            )
            self.clauses.append("(" + " OR ".join(matches) + ")")
            self.params.extend([pattern] * len(columns))
        return self

    def raw(self, clause: str, *params: Any) -> Criteria:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    @property
    def where(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


@dataclass(frozen=True)
class Ordering:
    """A keyset order: rows after a cursor are those beyond its (key, id) pair."""

    table: str
    key: str
    descending: bool
    key_type: type = str

    def page(self, tx: Tx, criteria: Criteria, first: int, after: str | None) -> Page:
        total_row = tx.one(
            f"SELECT COUNT(*) AS n FROM {self.table}{criteria.where}", criteria.params
        )
        seek = Criteria(list(criteria.clauses), list(criteria.params))
        if after:
            key, ident = decode_cursor(after, self.key_type)
            op = "<" if self.descending else ">"
            seek.raw(f"({self.key} {op} ? OR ({self.key} = ? AND id {op} ?))", key, key, ident)
        direction = "DESC" if self.descending else "ASC"
        rows = tx.all(
            f"SELECT * FROM {self.table}{seek.where} ORDER BY {self.key} {direction},"
            f" id {direction} LIMIT ?",
            [*seek.params, first + 1],
        )
        cursors = [encode_cursor(r[self.key], r["id"]) for r in rows[:first]]
        return Page(
            rows[:first], int(total_row["n"]) if total_row else 0, len(rows) > first, cursors
        )


def encode_cursor(key: Any, ident: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([key, ident]).encode()).decode()


def decode_cursor(cursor: str, key_type: type = str) -> tuple[Any, str]:
    try:
        key, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise InvalidCursor(cursor) from error
    # A forged or foreign cursor must not reach the SQL with a value of another type.
    if type(key) is not key_type or not isinstance(ident, str):
        raise InvalidCursor(cursor)
    return key, ident


class InvalidCursor(ValueError):
    code = "INVALID_CURSOR"

    def __init__(self, cursor: str) -> None:
        super().__init__(f"无效的分页游标:{cursor[:40]} (invalid cursor)")


TOPICS = Ordering("topic_board", "proposed_at", descending=True)
CONSULTATIONS = Ordering("consultation_calendar", "starts_at", descending=True)
ITEMS = Ordering("supervision_ledger", "seq_no", descending=False, key_type=int)
OPEN_ITEM = "status <> 'resolved'"
OVERDUE = f"{OPEN_ITEM} AND due_on IS NOT NULL AND due_on < ?"
DUE_SOON = f"{OPEN_ITEM} AND due_on IS NOT NULL AND due_on >= ? AND due_on <= ?"


TOPIC_SEARCHED = ("title", "drafted_title", "content", "hotline_tickets")


@dataclass
class TopicFilter:
    status: str | None = None
    platform_id: str | None = None
    committee_id: str | None = None
    category: str | None = None
    channel: str | None = None
    ground: str | None = None
    text: str | None = None
    proposed_from: str | None = None
    proposed_to: str | None = None

    def criteria(self, seen_by: Visibility = EVERYTHING) -> Criteria:
        texts = searched_columns(TOPIC_SEARCHED, seen_by)
        return (
            Criteria()
            .equal("status", self.status)
            .equal("platform_id", self.platform_id)
            .equal("committee_id", self.committee_id)
            .equal("category", self.category)
            .equal("channel", self.channel)
            .equal("exclusion_ground", self.ground)
            .contains_where(texts, self.text)
            .within("proposed_at", self.proposed_from, self.proposed_to)
        )


@dataclass
class ConsultationFilter:
    status: str | None = None
    form: str | None = None
    platform_id: str | None = None
    topic_id: str | None = None
    text: str | None = None
    starts_from: str | None = None
    starts_to: str | None = None

    def criteria(self) -> Criteria:
        return (
            Criteria()
            .equal("status", self.status)
            .equal("form", self.form)
            .equal("platform_id", self.platform_id)
            .equal("topic_id", self.topic_id)
            .contains(("subject", "venue"), self.text)
            .within("starts_at", self.starts_from, self.starts_to)
        )


@dataclass
class ItemFilter:
    status: str | None = None
    platform_id: str | None = None
    committee_id: str | None = None
    unit_id: str | None = None
    consultation_id: str | None = None
    overdue: bool | None = None
    text: str | None = None
    opened_from: str | None = None
    opened_to: str | None = None
    today: date = field(default_factory=district_today)
    due_within_working_days: int | None = None
    calendar: WorkingCalendar | None = None  # the application's; the package's alone if None

    def criteria(self) -> Criteria:
        criteria = (
            Criteria()
            .equal("status", self.status)
            .equal("platform_id", self.platform_id)
            .equal("committee_id", self.committee_id)
            .equal("unit_id", self.unit_id)
            .equal("consultation_id", self.consultation_id)
            .contains(("subject", "suggestion", "progress", "unit_name"), self.text)
            .within("opened_at", self.opened_from, self.opened_to)
        )
        if self.overdue is True:
            criteria.raw(OVERDUE, self.today.isoformat())
        elif self.overdue is False:
            criteria.raw(f"NOT ({OVERDUE})", self.today.isoformat())
        if self.due_within_working_days is not None:
            due_by = due_within(self.today, self.due_within_working_days, self.calendar)
            criteria.raw(DUE_SOON, self.today.isoformat(), due_by.isoformat())
        return criteria


class ViewQueries:
    def __init__(self, store: ViewStore) -> None:
        self.store = store

    def snapshot(self) -> AbstractContextManager[object]:
        """Every query asked inside the block, on this thread, reads one snapshot over one
        connection (a page and the reference names it shows agree with each other)."""
        return self.store.reading()

    def topics(
        self,
        where: TopicFilter,
        first: int,
        after: str | None = None,
        seen_by: Visibility = EVERYTHING,
    ) -> Page:
        criteria = _seen(where.criteria(seen_by), "topic_board", seen_by)
        with self.store.reading() as tx:
            page = TOPICS.page(tx, criteria, first, after)
        page.rows = [topic_row(r, seen_by) for r in page.rows]
        return page

    def consultations(
        self,
        where: ConsultationFilter,
        first: int,
        after: str | None = None,
        seen_by: Visibility = EVERYTHING,
    ) -> Page:
        criteria = _seen(where.criteria(), "consultation_calendar", seen_by)
        with self.store.reading() as tx:
            return CONSULTATIONS.page(tx, criteria, first, after)

    def items(
        self,
        where: ItemFilter,
        first: int,
        after: str | None = None,
        seen_by: Visibility = EVERYTHING,
    ) -> Page:
        criteria = _seen(where.criteria(), "supervision_ledger", seen_by)
        with self.store.reading() as tx:
            return ITEMS.page(tx, criteria, first, after)

    def by_ids(
        self, table: str, ids: list[str], seen_by: Visibility = EVERYTHING
    ) -> dict[str, Row]:
        """Rows of one table by id, in one query (for DataLoaders); unseen rows are absent."""
        if not ids:
            return {}
        criteria = _seen(
            Criteria().raw(f"id IN ({', '.join('?' * len(ids))})", *ids), table, seen_by
        )
        with self.store.reading() as tx:
            rows = tx.all(f"SELECT * FROM {table}{criteria.where}", criteria.params)
        return {r["id"]: r for r in _readable(table, rows, seen_by)}

    def restricted_topics(self, ids: list[str]) -> dict[str, str]:
        """Of these matters, those restricted now (grounds 2, 5, 6), with their platform."""
        with self.store.reading() as tx:
            return restricted_topics(tx, ids)

    def reference(self, table: str) -> list[Row]:
        with self.store.reading() as tx:
            return tx.all(f"SELECT * FROM {table} ORDER BY name, id")

    def holiday_schedules(self) -> list[Row]:
        with self.store.reading() as tx:
            return tx.all("SELECT * FROM ref_holiday_schedules ORDER BY year DESC")

    def holiday_schedule(self, year: int) -> Row | None:
        with self.store.reading() as tx:
            return tx.one("SELECT * FROM ref_holiday_schedules WHERE year = ?", [year])

    def references(
        self, tables: Iterable[str], seen_by: Visibility = EVERYTHING
    ) -> dict[str, dict[str, Row]]:
        """Whole reference tables (platforms, committees, units: few rows) by id, in one read,
        so that a page's nodes find theirs without a query or a DataLoader task each."""
        found: dict[str, dict[str, Row]] = {}
        with self.store.reading() as tx:
            for table in tables:
                criteria = _seen(Criteria(), table, seen_by)
                rows = tx.all(f"SELECT * FROM {table}{criteria.where}", criteria.params)
                found[table] = {r["id"]: r for r in rows}
        return found

    def ids_of(
        self, table: str, column: str, values: list[str], seen_by: Visibility = EVERYTHING
    ) -> list[Row]:
        if not values:
            return []
        marks = ", ".join("?" * len(values))
        criteria = _seen(Criteria().raw(f"{column} IN ({marks})", *values), table, seen_by)
        with self.store.reading() as tx:
            rows = tx.all(f"SELECT * FROM {table}{criteria.where}", criteria.params)
        return _readable(table, rows, seen_by)


def _readable(table: str, rows: list[Row], seen_by: Visibility) -> list[Row]:
    """Rows as the reader may read them: a restricted matter's texts withheld."""
    if table != "topic_board":
        return rows
    return [topic_row(r, seen_by) for r in rows]


def _seen(criteria: Criteria, table: str, seen_by: Visibility) -> Criteria:
    clause, params = row_scope(table, seen_by)
    return criteria.raw(clause, *params) if clause else criteria
