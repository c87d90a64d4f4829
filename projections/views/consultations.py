"""The consultation calendar: form, platform, time, venue, topic or theme, participants, report."""

from __future__ import annotations

from typing import Any

from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.people import ERASED
from projections.store import Tx
from projections.views.base import View, handles, iso


class ConsultationCalendar(View):
    name = "consultation_calendar"
    tables = (
        "CREATE TABLE IF NOT EXISTS consultation_calendar (id TEXT PRIMARY KEY, form TEXT NOT NULL,"
        " mode TEXT NOT NULL, platform_id TEXT NOT NULL, topic_id TEXT, subject TEXT NOT NULL,"
        " starts_at TEXT NOT NULL, closes_at TEXT, venue TEXT NOT NULL, status TEXT NOT NULL,"
        " participants_count INTEGER NOT NULL, notified_at TEXT, held_at TEXT,"
        " attendees_count INTEGER NOT NULL, opinions_count INTEGER NOT NULL,"
        " suggestions_count INTEGER NOT NULL, online_opinions_count INTEGER NOT NULL,"
        " reports_count INTEGER NOT NULL, report_kind TEXT, report_recipient TEXT,"
        " report_reference TEXT, reported_at TEXT, cancel_reason TEXT NOT NULL,"
        " scheduled_at TEXT NOT NULL, record TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " version INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS consultation_participants (id TEXT PRIMARY KEY,"
        " consultation_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
        " name TEXT NOT NULL, organisation TEXT NOT NULL, subject_id TEXT NOT NULL,"
        " attended INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS consultation_notes (id TEXT PRIMARY KEY,"
        " consultation_id TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL,"
        " text TEXT NOT NULL)",
    )
    indexes = (
        "CREATE INDEX IF NOT EXISTS consultation_starts ON consultation_calendar (starts_at, id)",
        "CREATE INDEX IF NOT EXISTS consultation_platform ON consultation_calendar"
        " (platform_id, starts_at)",
        "CREATE INDEX IF NOT EXISTS participants_of ON consultation_participants"
        " (consultation_id, seq)",
        "CREATE INDEX IF NOT EXISTS notes_of ON consultation_notes (consultation_id, kind, seq)",
    )

    @handles(Consultation.ConsultationScheduled)
    def scheduled(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO consultation_calendar VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', 0,"
            " NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, '', ?, '', ?, ?)",
            (
                str(e.originator_id),
                e.form.code,
                e.form.mode.code,
                str(e.platform_id),
                str(e.topic_id) if e.topic_id else None,
                e.subject,
                iso(e.starts_at),
                iso(e.closes_at),
                e.venue,
                iso(e.timestamp),
                iso(e.timestamp),
                e.originator_version,
            ),
        )
        if e.topic_id:
            tx.execute(
                "UPDATE topic_board SET consultations_count = consultations_count + 1 WHERE id = ?",
                (str(e.topic_id),),
            )

    @handles(Consultation.ParticipantsIdentified)
    def participants_identified(self, e: Any, tx: Tx) -> None:
        consultation_id = str(e.originator_id)
        for p in e.participants:
            # Numbered by the database in the same statement: no reply to wait for.
            tx.execute(
                "INSERT INTO consultation_participants SELECT ?, ?, COALESCE(MAX(seq), 0) + 1,"
                " ?, ?, ?, ?, 0 FROM consultation_participants WHERE consultation_id = ?",
                (
                    p.id,
                    consultation_id,
                    p.kind.code,
                    p.name,
                    p.organisation,
                    p.subject_id,
                    consultation_id,
                ),
            )
        self._update(tx, e, "participants_count = participants_count + ?", len(e.participants))

    @handles(Consultation.ParticipantsNotified)
    def participants_notified(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, "notified_at = ?", iso(e.timestamp))

    @handles(Consultation.ConsultationHeld)
    def held(self, e: Any, tx: Tx) -> None:
        consultation_id = str(e.originator_id)
        for attendee in e.attendee_ids:
            tx.execute(
                "UPDATE consultation_participants SET attended = 1 WHERE id = ?", (attendee,)
            )
        for kind, texts in (("opinion", e.opinions), ("suggestion", e.suggestions)):
            for seq, text in enumerate(texts, start=1):
                tx.execute(
                    "INSERT INTO consultation_notes VALUES (?, ?, ?, ?, ?)",
                    (f"{consultation_id}:{kind}:{seq}", consultation_id, kind, seq, text),
                )
        self._update(
            tx,
            e,
            "status = 'held', held_at = ?, attendees_count = ?, opinions_count = ?,"
            " suggestions_count = ?, record = ?",
            iso(e.held_at),
            len(e.attendee_ids),
            len(e.opinions),
            len(e.suggestions),
            e.record,
        )

    @handles(Consultation.OnlineOpinionPosted)
    def online_opinion_posted(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, "online_opinions_count = online_opinions_count + 1")

    @handles(Consultation.ConsultationReported)
    def reported(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            "status = 'reported', reports_count = reports_count + 1,"
            " report_kind = ?, report_recipient = ?, report_reference = ?,"
            " reported_at = ?",
            e.kind.code,
            e.recipient,
            e.reference,
            iso(e.timestamp),
        )

    @handles(Consultation.ConsultationCancelled)
    def cancelled(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, "status = 'cancelled', cancel_reason = ?", e.reason)

    @handles(Erasure.PersonalDataErased)
    def personal_data_erased(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE consultation_participants SET name = ?, organisation = '' WHERE subject_id = ?",
            (ERASED, e.subject_id),
        )

    @staticmethod
    def _update(tx: Tx, e: Any, assignments: str, *values: Any) -> None:
        tx.execute(
            f"UPDATE consultation_calendar SET {assignments}, updated_at = ?, version = ?"
            " WHERE id = ?",
            (*values, iso(e.timestamp), e.originator_version, str(e.originator_id)),
        )
