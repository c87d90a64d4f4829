"""The leadership dashboard aggregated on read: every figure counted over the views' rows at
each request. The dashboard reads the summary tables instead (projections/reads/dashboard.py);
this is what they must agree with (the property tests compare the two on random logs), what
the benchmark measures them against, and what answers a reader whose scope the summary does
not key by (a unit's or a supervisor's rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from application.calendar import WorkingCalendar, district_today, due_within
from application.permissions import Visibility
from projections.reads.queries import DUE_SOON, OPEN_ITEM, OVERDUE, Criteria
from projections.reads.visibility import EVERYTHING, row_scope
from projections.store import Tx, ViewStore

TOPIC_DIMENSIONS = (
    "status",
    "channel",
    "category",
    "platform_id",
    "committee_id",
    "exclusion_ground",
)


@dataclass
class DashboardFilter:
    platform_id: str | None = None
    committee_id: str | None = None
    period_from: str | None = None
    period_to: str | None = None
    today: date = field(default_factory=district_today)
    seen_by: Visibility = EVERYTHING


def month_window(where: DashboardFilter) -> tuple[str, str] | None:
    """The months `consultations_by_month` counts, as [first, past) "YYYY-MM", when no period is
    chosen: last year's and this year's. A history's every month would grow the answer (and
    the chart) with the log; a chosen period's months are its own (None)."""
    if where.period_from is not None or where.period_to is not None:
        return None
    year = where.today.year
    return f"{year - 1:04d}-01", f"{year + 1:04d}-01"


def months_shown(where: DashboardFilter) -> tuple[str | None, str | None]:
    """The first and last month (inclusive, "YYYY-MM") `consultations_by_month` counts; None at
    an end the chosen period leaves open."""
    window = month_window(where)
    if window is not None:
        return window[0], f"{where.today.year:04d}-12"
    last = None
    if where.period_to is not None:
        try:
            last = (date.fromisoformat(where.period_to) - timedelta(days=1)).isoformat()[:7]
        except (ValueError, OverflowError):
            last = where.period_to[:7]
    return (where.period_from[:7] if where.period_from is not None else None), last


@dataclass(frozen=True)
class UnitOverdue:
    """A unit's overdue items: how many, and the one overdue longest (earliest due)."""

    unit_id: str | None
    unit_name: str
    count: int
    oldest_item_id: str
    oldest_seq_no: int
    oldest_subject: str
    oldest_due_on: str


@dataclass
class Dashboard:
    topics_total: int
    topics_by: dict[str, dict[str, int]]
    consultations_by_form: dict[str, int]
    consultations_by_status: dict[str, int]
    consultations_by_month: dict[str, dict[str, int]]
    months_shown: tuple[str | None, str | None]
    items_by_status: dict[str, int]
    items_by_unit: dict[str, int]
    overdue_by_unit: list[UnitOverdue]
    items_open: int
    items_overdue: int
    items_resolved: int
    median_days_to_approval: float | None
    median_days_to_resolve: float | None


def aggregate_dashboard(store: ViewStore, where: DashboardFilter) -> Dashboard:
    with store.reading() as tx:
        topics = (
            Criteria()
            .equal("platform_id", where.platform_id)
            .equal("committee_id", where.committee_id)
            .within("proposed_at", where.period_from, where.period_to)
        )
        consultations = (
            Criteria()
            .equal("platform_id", where.platform_id)
            .within("starts_at", where.period_from, where.period_to)
        )
        # Counted over the rows the reader may read, never more.
        topics = _visible(topics, "topic_board", where.seen_by)
        consultations = _visible(consultations, "consultation_calendar", where.seen_by)
        items = ledger_criteria(where)
        by_status = _counts(tx, "supervision_ledger", "status", items)
        topics_by = _counts_by(tx, "topic_board", TOPIC_DIMENSIONS, topics)
        return Dashboard(
            topics_total=sum(topics_by["status"].values()),
            topics_by=topics_by,
            consultations_by_form=_counts(tx, "consultation_calendar", "form", consultations),
            consultations_by_status=_counts(tx, "consultation_calendar", "status", consultations),
            consultations_by_month=_by_month(tx, consultations, month_window(where)),
            months_shown=months_shown(where),
            items_by_status=by_status,
            items_by_unit=_counts(tx, "supervision_ledger", "unit_id", items),
            overdue_by_unit=_overdue_by_unit(tx, _and(items, OVERDUE, where.today.isoformat())),
            items_open=_count(tx, _and(items, OPEN_ITEM)),
            items_overdue=_count(tx, _and(items, OVERDUE, where.today.isoformat())),
            items_resolved=by_status.get("resolved", 0),
            median_days_to_approval=_median(tx, "topic_board", "approval_days", topics),
            median_days_to_resolve=_median(tx, "supervision_ledger", "days_to_resolve", items),
        )


def ledger_criteria(where: DashboardFilter) -> Criteria:
    """The supervision items in the filter that the reader may read."""
    items = (
        Criteria()
        .equal("platform_id", where.platform_id)
        .equal("committee_id", where.committee_id)
        .within("opened_at", where.period_from, where.period_to)
    )
    return _visible(items, "supervision_ledger", where.seen_by)


def aggregate_due_soon(
    store: ViewStore,
    where: DashboardFilter,
    within: int,
    seen_by: Visibility = EVERYTHING,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Open items due from today to `within` working days on (overdue ones are counted apart)."""
    scope, params = row_scope("supervision_ledger", seen_by)
    due_by = due_within(where.today, within, calendar)
    criteria = (
        Criteria()
        .equal("platform_id", where.platform_id)
        .equal("committee_id", where.committee_id)
        .within("opened_at", where.period_from, where.period_to)
        .raw(DUE_SOON, where.today.isoformat(), due_by.isoformat())
    )
    if scope:
        criteria.raw(scope, *params)
    with store.reading() as tx:
        row = tx.one(
            f"SELECT COUNT(*) AS n FROM supervision_ledger{criteria.where}", criteria.params
        )
    return int(row["n"]) if row else 0


def _visible(criteria: Criteria, table: str, seen_by: Visibility) -> Criteria:
    clause, params = row_scope(table, seen_by)
    return _and(criteria, clause, *params) if clause else criteria


def _and(criteria: Criteria, clause: str, *params: object) -> Criteria:
    return Criteria(list(criteria.clauses), list(criteria.params)).raw(clause, *params)


def _counts(tx: Tx, table: str, column: str, criteria: Criteria) -> dict[str, int]:
    present = _and(criteria, f"{column} IS NOT NULL")
    rows = tx.all(
        f"SELECT {column} AS k, COUNT(*) AS n FROM {table}{present.where}"
        f" GROUP BY {column} ORDER BY {column}",
        present.params,
    )
    return {str(r["k"]): int(r["n"]) for r in rows}


def _counts_by(
    tx: Tx, table: str, columns: tuple[str, ...], criteria: Criteria
) -> dict[str, dict[str, int]]:
    """Counts by each column. PostgreSQL counts them all in one pass over the table (GROUPING
    SETS): on a large board one scan instead of one per column; SQLite asks column by column."""
    if tx.dialect != "postgresql":
        return {column: _counts(tx, table, column, criteria) for column in columns}
    sets = ", ".join(f"({column})" for column in columns)
    rows = tx.all(
        f"SELECT {', '.join(columns)}, GROUPING({', '.join(columns)}) AS g, COUNT(*) AS n"
        f" FROM {table}{criteria.where} GROUP BY GROUPING SETS ({sets})",
        criteria.params,
    )
    found: dict[str, dict[str, int]] = {column: {} for column in columns}
    last = len(columns) - 1
    for row in rows:
        column = next(c for i, c in enumerate(columns) if not (row["g"] >> (last - i)) & 1)
        if row[column] is not None:
            found[column][str(row[column])] = int(row["n"])
    return {column: dict(sorted(counts.items())) for column, counts in found.items()}


def _count(tx: Tx, criteria: Criteria) -> int:
    row = tx.one(f"SELECT COUNT(*) AS n FROM supervision_ledger{criteria.where}", criteria.params)
    return int(row["n"]) if row else 0


def _overdue_by_unit(tx: Tx, overdue: Criteria) -> list[UnitOverdue]:
    """Units with the most overdue items first; each with its item overdue longest."""
    rows = tx.all(
        "SELECT unit_id, unit_name, n, id, seq_no, subject, due_on FROM ("
        " SELECT unit_id, unit_name, id, seq_no, subject, due_on,"
        " COUNT(*) OVER (PARTITION BY unit_id, unit_name) AS n,"
        " ROW_NUMBER() OVER (PARTITION BY unit_id, unit_name ORDER BY due_on, seq_no) AS r"
        f" FROM supervision_ledger{overdue.where}) ranked"
        " WHERE r = 1 ORDER BY n DESC, unit_name, unit_id",
        overdue.params,
    )
    return [
        UnitOverdue(
            unit_id=r["unit_id"],
            unit_name=r["unit_name"],
            count=int(r["n"]),
            oldest_item_id=str(r["id"]),
            oldest_seq_no=int(r["seq_no"]),
            oldest_subject=r["subject"],
            oldest_due_on=str(r["due_on"]),
        )
        for r in rows
    ]


def _by_month(
    tx: Tx, criteria: Criteria, window: tuple[str, str] | None
) -> dict[str, dict[str, int]]:
    if window is not None:
        criteria = _and(criteria, "starts_at >= ? AND starts_at < ?", *window)
    rows = tx.all(
        "SELECT SUBSTR(starts_at, 1, 7) AS month, form, COUNT(*) AS n"
        f" FROM consultation_calendar{criteria.where}"
        " GROUP BY SUBSTR(starts_at, 1, 7), form ORDER BY month, form",
        criteria.params,
    )
    months: dict[str, dict[str, int]] = {}
    for row in rows:
        months.setdefault(row["month"], {})[row["form"]] = int(row["n"])
    return months


def _median(tx: Tx, table: str, column: str, criteria: Criteria) -> float | None:
    present = _and(criteria, f"{column} IS NOT NULL")
    row = tx.one(f"SELECT COUNT(*) AS n FROM {table}{present.where}", present.params)
    n = int(row["n"]) if row else 0
    if n == 0:
        return None
    middle = tx.all(
        f"SELECT {column} AS v FROM {table}{present.where} ORDER BY {column} LIMIT ? OFFSET ?",
        [*present.params, 2 - n % 2, (n - 1) // 2],
    )
    return round(sum(float(r["v"]) for r in middle) / len(middle), 2)
