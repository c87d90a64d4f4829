"""The leadership dashboard, read from the counters the projector keeps
(projections/views/dashboard.py): the rows summed are a few per period piece, platform,
committee and key, whatever the number of matters. The same figures as counting the views' rows
(projections/reads/dashboard_on_read.py, which still answers a reader scoped to a unit or a
supervisor: the counters are not kept per unit's or supervisor's rows)."""

from __future__ import annotations

import calendar as months
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from application.calendar import WorkingCalendar, due_within
from application.permissions import Visibility
from projections.reads.dashboard_on_read import (
    TOPIC_DIMENSIONS,
    Dashboard,
    DashboardFilter,
    UnitOverdue,
    aggregate_dashboard,
    aggregate_due_soon,
    ledger_criteria,
    month_window,
    months_shown,
)
from projections.reads.visibility import GUIDED
from projections.store import Tx, ViewStore
from projections.views.dashboard import COUNTS, DUE, NONE

__all__ = ["Dashboard", "DashboardFilter", "UnitOverdue", "items_due_soon", "load_dashboard"]

Piece = tuple[int, str, str]
"""Counters of one level whose period is in [from, to)."""
ALL_TIME: list[Piece] = [(0, "", "~")]
MATTERS = ("topic.", "item.")
MONTH = "consultation.month"
MONTH_LEVEL = 7
METRICS = {
    "topic.": (
        "topic.status",
        "topic.channel",
        "topic.category",
        "topic.ground",
        "topic.approval_days",
    ),
    "item.": ("item.status", "item.unit", "item.resolve_days"),
    "consultation.": ("consultation.form", "consultation.status", MONTH),
}
BY_SCOPE = "topic.status"
"""The metric whose rows are kept apart by platform and committee: topics by platform and by
committee are its counts summed by those."""


def load_dashboard(store: ViewStore, where: DashboardFilter) -> Dashboard:
    pieces = period_pieces(where.period_from, where.period_to)
    if pieces is None or not _keyed(where.seen_by):
        return aggregate_dashboard(store, where)
    with store.reading() as tx:
        counts, by_scope = _counts(tx, where, pieces)
        overdue = _overdue_by_unit(tx, where, pieces)
    if overdue is None:  # an item not yet in the ledger the counters count (a view catching up)
        return aggregate_dashboard(store, where)
    topics_by = {
        "status": counts["topic.status"],
        "channel": counts["topic.channel"],
        "category": counts["topic.category"],
        "platform_id": by_scope["platform_id"],
        "committee_id": by_scope["committee_id"],
        "exclusion_ground": counts["topic.ground"],
    }
    assert tuple(topics_by) == TOPIC_DIMENSIONS
    items_by_status = counts["item.status"]
    return Dashboard(
        topics_total=sum(topics_by["status"].values()),
        topics_by=topics_by,
        consultations_by_form=counts["consultation.form"],
        consultations_by_status=counts["consultation.status"],
        consultations_by_month=_by_month(counts["consultation.month"]),
        months_shown=months_shown(where),
        items_by_status=items_by_status,
        items_by_unit=counts["item.unit"],
        overdue_by_unit=overdue,
        items_open=sum(n for status, n in items_by_status.items() if status != "resolved"),
        items_overdue=sum(unit.count for unit in overdue),
        items_resolved=items_by_status.get("resolved", 0),
        median_days_to_approval=_median(counts["topic.approval_days"]),
        median_days_to_resolve=_median(counts["item.resolve_days"]),
    )


def items_due_soon(
    store: ViewStore,
    where: DashboardFilter,
    within: int,
    seen_by: Visibility | None = None,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Open items due from today to `within` working days on (overdue ones are counted apart):
    the open items' counts of the due days in that span."""
    seen = seen_by if seen_by is not None else where.seen_by
    pieces = period_pieces(where.period_from, where.period_to)
    if pieces is None or not _keyed(seen):
        return aggregate_due_soon(store, where, within, seen, calendar)
    due_by = due_within(where.today, within, calendar)
    clause, params = _scope(DashboardFilter(**{**vars(where), "seen_by": seen}), pieces, "item.")
    with store.reading() as tx:
        row = tx.one(
            f"SELECT COALESCE(SUM(n), 0) AS n FROM {DUE} WHERE n <> 0 AND {clause}"
            " AND due_on >= ? AND due_on <= ?",
            [*params, where.today.isoformat(), due_by.isoformat()],
        )
    return int(row["n"]) if row else 0


def _keyed(seen_by: Visibility) -> bool:
    """Whether the counters are kept by what limits this reader's rows."""
    return bool(seen_by.everything or seen_by.platform_id or seen_by.committee_id)


# ----------------------------------------------------------------------------------------------
# A period [from, to) as whole years and months and the days at its ends.


def period_pieces(start: str | None, end: str | None) -> list[Piece] | None:
    """The counters' periods that make up [start, end): None when a bound is not a day."""
    try:
        first = date.fromisoformat(start) if start is not None else None
        last = date.fromisoformat(end) if end is not None else None
    except ValueError:
        return None
    if (start is not None and len(start) != 10) or (end is not None and len(end) != 10):
        return None
    if first is None and last is None:
        return ALL_TIME
    return list(_pieces(first, last))


def _pieces(first: date | None, end: date | None) -> Iterator[Piece]:
    at = first
    if at is not None:
        if at.day != 1:  # the days up to the next month
            to = _earlier(_next_month(at), end)
            yield 10, at.isoformat(), _day(to)
            if to is None:
                return
            at = to
        if at.month != 1 and _before(at, end):  # the months up to the year
            to = _earlier(_next_year(at), _month_of(end))
            yield 7, at.isoformat()[:7], _month(to)
            if to is None:
                return
            at = to
        if not _before(at, end):
            return
    year_end = date(end.year, 1, 1) if end is not None else None
    if _before(at, year_end):
        yield 4, at.isoformat()[:4] if at else "", year_end.isoformat()[:4] if year_end else "~"
        at = year_end
    month_end = _month_of(end)
    if month_end is not None and _before(at, month_end):
        assert at is not None
        yield 7, at.isoformat()[:7], month_end.isoformat()[:7]
        at = month_end
    if end is not None and _before(at, end):
        assert at is not None
        yield 10, at.isoformat(), end.isoformat()


def _before(at: date | None, end: date | None) -> bool:
    """at < end, None being the beginning of time for `at` and the end of it for `end`."""
    return at is None or end is None or at < end


def _earlier(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _next_month(at: date) -> date | None:
    try:
        return at.replace(day=1) + timedelta(days=months.monthrange(at.year, at.month)[1])
    except OverflowError:
        return None


def _next_year(at: date) -> date | None:
    return date(at.year + 1, 1, 1) if at.year < date.max.year else None


def _month_of(at: date | None) -> date | None:
    return at.replace(day=1) if at is not None else None


def _day(at: date | None) -> str:
    return at.isoformat() if at is not None else "~"


def _month(at: date | None) -> str:
    return at.isoformat()[:7] if at is not None else "~"


# ----------------------------------------------------------------------------------------------
# The reads.


def _scope(where: DashboardFilter, pieces: list[Piece], kind: str) -> tuple[str, list[Any]]:
    """The counters of `kind` ("topic.", "item.", "consultation.") in the filter, the period
    pieces and the reader's scope, as a WHERE clause."""
    span = " OR ".join(["(level = ? AND period >= ? AND period < ?)"] * len(pieces))
    clauses = [f"({span})" if pieces else "1 = 0"]
    params: list[Any] = [value for piece in pieces for value in piece]
    if where.platform_id is not None:
        clauses.append("platform_id = ?")
        params.append(where.platform_id)
    matters = kind in MATTERS
    if where.committee_id is not None and matters:
        clauses.append("committee_id = ?")
        params.append(where.committee_id)
    seen = where.seen_by
    if seen.everything:
        pass
    elif seen.platform_id:
        clauses.append("platform_id = ?")
        params.append(seen.platform_id)
    elif matters:
        clauses.append(f"(committee_id = ? OR {GUIDED})")
        params.extend([seen.committee_id, seen.committee_id])
    else:
        clauses.append(GUIDED)
        params.append(seen.committee_id)
    return " AND ".join(clauses), params


def _counts(
    tx: Tx, where: DashboardFilter, pieces: list[Piece]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Every metric's counts by key; and the topics by platform and by committee."""
    counts: dict[str, dict[str, int]] = {}
    by_scope: dict[str, dict[str, int]] = {"platform_id": {}, "committee_id": {}}
    for metrics, (clause, params) in _reads(where, pieces):
        rows = tx.all(
            "SELECT metric, key,"
            f" CASE WHEN metric = '{BY_SCOPE}' THEN platform_id ELSE '' END AS p,"
            f" CASE WHEN metric = '{BY_SCOPE}' THEN committee_id ELSE '' END AS c,"
            f" SUM(n) AS n FROM {COUNTS} WHERE metric IN ({', '.join('?' * len(metrics))})"
            f" AND {clause} GROUP BY metric, key, p, c",
            [*metrics, *params],
        )
        for row in rows:
            n = int(row["n"])
            if not n:
                continue
            found = counts.setdefault(row["metric"], {})
            found[row["key"]] = found.get(row["key"], 0) + n
            if row["metric"] == BY_SCOPE:
                _add(by_scope["platform_id"], row["p"], n)
                if row["c"] != NONE:
                    _add(by_scope["committee_id"], row["c"], n)
    every = [metric for named in METRICS.values() for metric in named]
    found = {metric: dict(sorted(counts.get(metric, {}).items())) for metric in every}
    return found, {name: dict(sorted(keyed.items())) for name, keyed in by_scope.items()}


def _reads(
    where: DashboardFilter, pieces: list[Piece]
) -> Iterator[tuple[tuple[str, ...], tuple[str, list[Any]]]]:
    """The metrics read together, and the counters they are read from. Without a period the
    months by form are the window's months' own counters (a range of the key's prefix), not
    every month's among the all-time ones."""
    window = month_window(where)
    for kind, metrics in METRICS.items():
        if window is not None and MONTH in metrics:
            yield (MONTH,), _scope(where, [(MONTH_LEVEL, *window)], kind)
            metrics = tuple(metric for metric in metrics if metric != MONTH)
        yield metrics, _scope(where, pieces, kind)


def _add(counts: dict[str, int], key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def _by_month(keys: dict[str, int]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for key, n in sorted(keys.items()):
        month, form = key.split(" ", 1)
        found.setdefault(month, {})[form] = n
    return found


def _median(histogram: dict[str, int]) -> float | None:
    """The median of the counted values (the middle one, or the mean of the middle two),
    rounded as the dashboard shows it."""
    total = sum(histogram.values())
    if total == 0:
        return None
    wanted = [(total - 1) // 2] if total % 2 else [total // 2 - 1, total // 2]
    middle: list[float] = []
    seen = 0
    for value, n in sorted(((float(k), n) for k, n in histogram.items())):
        while wanted and wanted[0] < seen + n:
            middle.append(value)
            wanted.pop(0)
        seen += n
    return round(sum(middle) / len(middle), 2)


def _overdue_by_unit(
    tx: Tx, where: DashboardFilter, pieces: list[Piece]
) -> list[UnitOverdue] | None:
    """Units with the most overdue items first, each with its item overdue longest: the earliest
    due day is the counters', the first item due that day the ledger's (by its index)."""
    clause, params = _scope(where, pieces, "item.")
    today = where.today.isoformat()
    units = tx.all(
        f"SELECT unit_id, unit_name, SUM(n) AS n, MIN(due_on) AS due_on FROM {DUE}"
        f" WHERE n <> 0 AND {clause} AND due_on < ? GROUP BY unit_id, unit_name"
        " HAVING SUM(n) > 0 ORDER BY n DESC, unit_name, unit_id",
        [*params, today],
    )
    found = []
    for unit in units:
        oldest = _oldest(tx, where, unit)
        if oldest is None:
            return None
        found.append(
            UnitOverdue(
                unit_id=unit["unit_id"] or None,
                unit_name=unit["unit_name"],
                count=int(unit["n"]),
                oldest_item_id=str(oldest["id"]),
                oldest_seq_no=int(oldest["seq_no"]),
                oldest_subject=oldest["subject"],
                oldest_due_on=str(oldest["due_on"]),
            )
        )
    return found


def _oldest(tx: Tx, where: DashboardFilter, unit: dict[str, Any]) -> dict[str, Any] | None:
    if unit["unit_id"] == NONE:
        return None
    criteria = ledger_criteria(where).raw(
        "unit_id = ? AND unit_name = ? AND due_on = ? AND status <> 'resolved'",
        unit["unit_id"],
        unit["unit_name"],
        unit["due_on"],
    )
    return tx.one(
        f"SELECT id, seq_no, subject, due_on FROM supervision_ledger{criteria.where}"
        " ORDER BY seq_no LIMIT 1",
        criteria.params,
    )
