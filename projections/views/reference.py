"""Reference data: platforms, committees, units, people, and the years' holiday schedules."""

from __future__ import annotations

import json
from typing import Any

from domain.holidays import HolidaySchedule
from domain.reference import Committee, Person, Platform, Unit
from projections.store import Tx
from projections.views.base import View, handles, id_text, iso


class ReferenceData(View):
    name = "reference"
    tables = (
        "CREATE TABLE IF NOT EXISTS ref_committees (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " established_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ref_units (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " kind TEXT NOT NULL, registered_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ref_people (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " position TEXT NOT NULL, subject_id TEXT NOT NULL, registered_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS ref_platforms (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " kind TEXT NOT NULL, hall_venue TEXT NOT NULL, committee_id TEXT NOT NULL,"
        " responsible_person_id TEXT NOT NULL, registered_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL, version INTEGER NOT NULL)",
        # A year's schedule as last entered (the log keeps every entry): holidays as a JSON
        # list of [day, festival], working_days as a JSON list of days.
        "CREATE TABLE IF NOT EXISTS ref_holiday_schedules (year INTEGER PRIMARY KEY,"
        " notice TEXT NOT NULL, holidays TEXT NOT NULL, working_days TEXT NOT NULL,"
        " entered_by TEXT NOT NULL, entered_at TEXT NOT NULL, reason TEXT NOT NULL,"
        " version INTEGER NOT NULL)",
    )

    @handles(Committee.CommitteeEstablished)
    def committee_established(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO ref_committees VALUES (?, ?, ?)",
            (id_text(e.originator_id), e.name, iso(e.timestamp)),
        )

    @handles(Unit.UnitRegistered)
    def unit_registered(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO ref_units VALUES (?, ?, ?, ?)",
            (id_text(e.originator_id), e.name, e.kind.code, iso(e.timestamp)),
        )

    @handles(Unit.UnitRenamed)
    def unit_renamed(self, e: Any, tx: Tx) -> None:
        tx.execute("UPDATE ref_units SET name = ? WHERE id = ?", (e.name, id_text(e.originator_id)))

    @handles(Person.PersonRegistered)
    def person_registered(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO ref_people VALUES (?, ?, ?, ?, ?)",
            (id_text(e.originator_id), e.name, e.position, e.subject_id, iso(e.timestamp)),
        )

    @handles(Platform.PlatformRegistered)
    def platform_registered(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO ref_platforms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                id_text(e.originator_id),
                e.name,
                e.kind.code,
                e.hall_venue,
                id_text(e.committee_id),
                id_text(e.responsible_person_id),
                iso(e.timestamp),
                iso(e.timestamp),
                e.originator_version,
            ),
        )

    @handles(Platform.PlatformResponsiblePersonChanged)
    def responsible_person_changed(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE ref_platforms SET responsible_person_id = ?, updated_at = ?, version = ?"
            " WHERE id = ?",
            (
                id_text(e.person_id),
                iso(e.timestamp),
                e.originator_version,
                id_text(e.originator_id),
            ),
        )

    @handles(Platform.PlatformHallMoved)
    def hall_moved(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE ref_platforms SET hall_venue = ?, updated_at = ?, version = ? WHERE id = ?",
            (e.hall_venue, iso(e.timestamp), e.originator_version, id_text(e.originator_id)),
        )

    @handles(HolidaySchedule.HolidayScheduleEntered)
    def holiday_schedule_entered(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO ref_holiday_schedules VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (e.year, *_schedule(e), e.reason, e.originator_version),
        )

    @handles(HolidaySchedule.HolidayScheduleReplaced)
    def holiday_schedule_replaced(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE ref_holiday_schedules SET notice = ?, holidays = ?, working_days = ?,"
            " entered_by = ?, entered_at = ?, reason = ?, version = ?"
            " WHERE year = ?",
            (*_schedule(e), e.reason, e.originator_version, _year_of(e)),
        )


def _schedule(e: Any) -> tuple[str, str, str, str, str | None]:
    holidays = [[h.day.isoformat(), h.festival] for h in e.holidays]
    working_days = [day.isoformat() for day in e.working_days]
    return (
        e.notice,
        json.dumps(holidays, ensure_ascii=False),
        json.dumps(working_days),
        e.actor.name,
        iso(e.timestamp),
    )


def _year_of(e: Any) -> int:
    """A replacement names no year: its days do (every one is in the year, and one at least)."""
    return int(e.holidays[0].day.year)
