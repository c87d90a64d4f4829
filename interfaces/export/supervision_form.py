"""Fills the supervision 台账, the form 「督办落实情况」 laid out in interfaces/export/form.py: its
problem list read from the supervision items' view (supervision_ledger, not the Merkle ledger)
filtered by platform, committee, unit, period, status, overdue and text, only the rows the caller
may see, in the view's order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from application.calendar import DISTRICT_TIME, local_date
from application.permissions import Visibility
from domain.base import now
from interfaces.bootstrap import System
from interfaces.export.form import SupervisionForm, form_row, title_for
from projections.reads.queries import ItemFilter
from projections.store import Row

PAGE = 500


@dataclass(frozen=True)
class FormFilter:
    """The form's selection; the period is of days in the district, both ends included."""

    platform_id: str | None = None
    committee_id: str | None = None
    unit_id: str | None = None
    status: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    overdue: bool | None = None
    text: str | None = None

    def to_query(self) -> ItemFilter:
        return ItemFilter(
            status=self.status,
            platform_id=self.platform_id,
            committee_id=self.committee_id,
            unit_id=self.unit_id,
            overdue=self.overdue,
            text=self.text,
            opened_from=_start_of(self.period_from),
            opened_to=_start_of(self.period_to + timedelta(days=1) if self.period_to else None),
        )


def _start_of(day: date | None) -> str | None:
    if day is None:
        return None
    start = datetime.combine(day, time(), DISTRICT_TIME).astimezone(UTC)
    return start.isoformat(timespec="microseconds")


def item_rows(system: System, where: FormFilter, seen_by: Visibility) -> list[Row]:
    rows: list[Row] = []
    after: str | None = None
    while True:
        page = system.queries.items(where.to_query(), PAGE, after, seen_by)
        rows.extend(page.rows)
        if not page.has_next:
            return rows
        after = page.end_cursor


def supervision_form(
    system: System, where: FormFilter, seen_by: Visibility, department: str | None = None
) -> SupervisionForm:
    platform = _name(system, "ref_platforms", where.platform_id or seen_by.platform_id)
    committee = _name(system, "ref_committees", where.committee_id or seen_by.committee_id)
    rows = item_rows(system, where, seen_by)
    return SupervisionForm(
        title=title_for(platform),
        rows=[form_row(number, row) for number, row in enumerate(rows, start=1)],
        department=department if department is not None else (platform or committee or ""),
        filled_on=local_date(now()),
    )


def _name(system: System, table: str, identifier: str | None) -> str | None:
    if not identifier:
        return None
    found = system.queries.by_ids(table, [identifier]).get(identifier)
    return str(found["name"]) if found else None
