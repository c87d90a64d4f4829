"""The consultation calendar: form, platform, time, venue, topic or theme, participants, report."""

from __future__ import annotations

from typing import Any

from domain.consultation import Consultation
from domain.erasure import Erasure
from domain.people import ERASED
from projections.store import Tx
from projections.views.base import View, handles, held_row, id_text, insert, iso, plus, update


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
        # A participant picked from the roster: the registered person and unit (a table of its
        # own, so that views built before it need no new column).
        "CREATE TABLE IF NOT EXISTS participant_links (id TEXT PRIMARY KEY,"
        " consultation_id TEXT NOT NULL, person_id TEXT NOT NULL, unit_id TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS consultation_notes (id TEXT PRIMARY KEY,"
        " consultation_id TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL,"
        " text TEXT NOT NULL)",
        # 网络协商: each opinion posted online; the author's name is personal data (erased
        # with the subject, read in clear only by those cleared for it).
        "CREATE TABLE IF NOT EXISTS consultation_online_opinions (id TEXT PRIMARY KEY,"
        " consultation_id TEXT NOT NULL, seq INTEGER NOT NULL, author_name TEXT NOT NULL,"
        " author_subject TEXT NOT NULL, content TEXT NOT NULL, posted_at TEXT NOT NULL)",
    )
    indexes = (
        "CREATE INDEX IF NOT EXISTS consultation_starts ON consultation_calendar (starts_at, id)",
        "CREATE INDEX IF NOT EXISTS consultation_platform ON consultation_calendar"
        " (platform_id, starts_at)",
        "CREATE INDEX IF NOT EXISTS participants_of ON consultation_participants"
        " (consultation_id, seq)",
        "CREATE INDEX IF NOT EXISTS notes_of ON consultation_notes (consultation_id, kind, seq)",
        "CREATE INDEX IF NOT EXISTS links_of ON participant_links (consultation_id)",
        "CREATE INDEX IF NOT EXISTS participations_of ON participant_links (person_id)",
        "CREATE INDEX IF NOT EXISTS online_opinions_of ON consultation_online_opinions"
        " (consultation_id, seq)",
    )

    @handles(Consultation.ConsultationScheduled)
    def scheduled(self, e: Any, tx: Tx) -> None:
        ident, moment = id_text(e.originator_id), iso(e.timestamp)
        insert(
            tx,
            "consultation_calendar",
            {
                "id": ident,
                "form": e.form.code,
                "mode": e.form.mode.code,
                "platform_id": id_text(e.platform_id),
                "topic_id": id_text(e.topic_id) if e.topic_id else None,
                "subject": e.subject,
                "starts_at": iso(e.starts_at),
                "closes_at": iso(e.closes_at),
                "venue": e.venue,
                "status": "scheduled",
                "participants_count": 0,
                "notified_at": None,
                "held_at": None,
                "attendees_count": 0,
                "opinions_count": 0,
                "suggestions_count": 0,
                "online_opinions_count": 0,
                "reports_count": 0,
                "report_kind": None,
                "report_recipient": None,
                "report_reference": None,
                "reported_at": None,
                "cancel_reason": "",
                "scheduled_at": moment,
                "record": "",
                "updated_at": moment,
                "version": e.originator_version,
            },
            ident,
        )
        if e.topic_id:
            update(
                tx,
                "topic_board",
                id_text(e.topic_id),
                {"consultations_count": plus("consultations_count")},
            )

    @handles(Consultation.ParticipantsIdentified)
    def participants_identified(self, e: Any, tx: Tx) -> None:
        consultation_id = id_text(e.originator_id)
        held = held_row(tx, "consultation_calendar", consultation_id)
        for number, p in enumerate(e.participants, start=1):
            if p.person_id or p.unit_id:
                links = {"consultation_id": consultation_id, "person_id": p.person_id}
                insert(tx, "participant_links", {"id": p.id, **links, "unit_id": p.unit_id}, p.id)
            values = (p.kind.code, p.name, p.organisation, p.subject_id)
            if held is not None:
                # The consultation is held by the batch, so are all its participants (none can
                # come before it): the next number is its count so far, as MAX(seq) would say.
                kind, name, organisation, subject_id = values
                insert(
                    tx,
                    "consultation_participants",
                    {
                        "id": p.id,
                        "consultation_id": consultation_id,
                        "seq": held["participants_count"] + number,
                        "kind": kind,
                        "name": name,
                        "organisation": organisation,
                        "subject_id": subject_id,
                        "attended": 0,
                    },
                    p.id,
                )
                continue
            # Numbered by the database in the same statement: no reply to wait for.
            tx.execute(
                "INSERT INTO consultation_participants SELECT ?, ?, COALESCE(MAX(seq), 0) + 1,"
                " ?, ?, ?, ?, 0 FROM consultation_participants WHERE consultation_id = ?",
                (p.id, consultation_id, *values, consultation_id),
            )
        self._update(
            tx,
            e,
            iso(e.timestamp),
            participants_count=plus("participants_count", len(e.participants)),
        )

    @handles(Consultation.ParticipantsNotified)
    def participants_notified(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        self._update(tx, e, moment, notified_at=moment)

    @handles(Consultation.ConsultationHeld)
    def held(self, e: Any, tx: Tx) -> None:
        consultation_id = id_text(e.originator_id)
        for attendee in e.attendee_ids:
            update(tx, "consultation_participants", attendee, {"attended": 1})
        for kind, texts in (("opinion", e.opinions), ("suggestion", e.suggestions)):
            for seq, text in enumerate(texts, start=1):
                insert(
                    tx,
                    "consultation_notes",
                    {
                        "id": f"{consultation_id}:{kind}:{seq}",
                        "consultation_id": consultation_id,
                        "kind": kind,
                        "seq": seq,
                        "text": text,
                    },
                )
        self._update(
            tx,
            e,
            iso(e.timestamp),
            status="held",
            held_at=iso(e.held_at),
            attendees_count=len(e.attendee_ids),
            opinions_count=len(e.opinions),
            suggestions_count=len(e.suggestions),
            record=e.record,
        )

    @handles(Consultation.OnlineOpinionPosted)
    def online_opinion_posted(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, iso(e.timestamp), online_opinions_count=plus("online_opinions_count"))
        ident = id_text(e.originator_id)
        insert(
            tx,
            "consultation_online_opinions",
            {
                "id": f"{ident}:{e.originator_version}",
                "consultation_id": ident,
                "seq": e.originator_version,
                "author_name": e.author.name,
                "author_subject": e.author.subject_id,
                "content": e.content,
                "posted_at": iso(e.posted_at),
            },
        )

    @handles(Consultation.ConsultationReported)
    def reported(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status="reported",
            reports_count=plus("reports_count"),
            report_kind=e.kind.code,
            report_recipient=e.recipient,
            report_reference=e.reference,
            reported_at=moment,
        )

    @handles(Consultation.ConsultationCancelled)
    def cancelled(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, iso(e.timestamp), status="cancelled", cancel_reason=e.reason)

    @handles(Erasure.PersonalDataErased)
    def personal_data_erased(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE consultation_participants SET name = ?, organisation = '' WHERE subject_id = ?",
            (ERASED, e.subject_id),
        )
        tx.execute(
            "UPDATE consultation_online_opinions SET author_name = ? WHERE author_subject = ?",
            (ERASED, e.subject_id),
        )

    @staticmethod
    def _update(tx: Tx, e: Any, moment: str | None, **sets: Any) -> None:
        sets.update(updated_at=moment, version=e.originator_version)
        update(tx, "consultation_calendar", id_text(e.originator_id), sets)
