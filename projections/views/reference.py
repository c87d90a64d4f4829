"""Reference data: platforms, committees, units, people."""

from __future__ import annotations

from typing import Any

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
