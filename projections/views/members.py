"""Members' participation records (委员履职档案): who is a member (界别, platform), each entry of
their participation by kind and day, and the points schemes set. Points are not stored: a read
weighs the entries by the scheme in force on each entry's day (projections/reads/members.py),
so a scheme set later recomputes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from application.calendar import local_date
from domain.consultation import Consultation
from domain.members import PointsScheme
from domain.reference import Person
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import Channel, ParticipationKind
from projections.store import Row, Tx
from projections.views.base import View, handles, held_row, id_text, insert, iso

K = ParticipationKind


class MemberRecords(View):
    name = "member_records"
    tables = (
        "CREATE TABLE IF NOT EXISTS member_roster (id TEXT PRIMARY KEY, sector TEXT NOT NULL,"
        " platform_id TEXT NOT NULL, enrolled_at TEXT NOT NULL)",
        # One row per participation: the person (member or not yet), its kind, the district's
        # day of the event, and the record it is about (topic, consultation or item).
        "CREATE TABLE IF NOT EXISTS member_entries (id TEXT PRIMARY KEY, person_id TEXT NOT NULL,"
        " kind TEXT NOT NULL, day TEXT NOT NULL, year INTEGER NOT NULL,"
        " subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL)",
        # Roster participants of a consultation not yet held: entries once it is.
        "CREATE TABLE IF NOT EXISTS member_invitations (id TEXT PRIMARY KEY,"
        " consultation_id TEXT NOT NULL, person_id TEXT NOT NULL)",
        # Each scheme's weights as a JSON object {kind code: points}.
        "CREATE TABLE IF NOT EXISTS points_schemes (id TEXT PRIMARY KEY, weights TEXT NOT NULL,"
        " reason TEXT NOT NULL, set_at TEXT NOT NULL)",
    )
    indexes = (
        "CREATE INDEX IF NOT EXISTS entries_by_member ON member_entries (person_id, year, day)",
        "CREATE INDEX IF NOT EXISTS entries_by_year ON member_entries (year, person_id)",
        "CREATE INDEX IF NOT EXISTS invitations_of ON member_invitations (consultation_id)",
        "CREATE INDEX IF NOT EXISTS roster_by_platform ON member_roster (platform_id)",
    )

    @handles(Person.MemberEnrolled)
    def enrolled(self, e: Any, tx: Tx) -> None:
        row = {
            "id": id_text(e.originator_id),
            "sector": e.sector,
            "platform_id": id_text(e.platform_id),
            "enrolled_at": iso(e.timestamp),
        }
        _upsert(
            tx,
            "member_roster",
            row,
            "sector = excluded.sector,"
            " platform_id = excluded.platform_id, enrolled_at = excluded.enrolled_at",
        )

    @handles(Topic.TopicProposed)
    def proposed(self, e: Any, tx: Tx) -> None:
        if e.channel is Channel.CPPCC_MEMBER and e.proposer.person_id:
            topic = id_text(e.originator_id)
            _entry(tx, topic, e.proposer.person_id, K.MATTER_RAISED, e.timestamp, "topic", topic)

    @handles(Topic.TopicResearchRecorded)
    def research_recorded(self, e: Any, tx: Tx) -> None:
        topic = id_text(e.originator_id)
        for person in e.researcher_ids:
            ident = f"{topic}:{e.originator_version}:{person}"
            _entry(tx, ident, id_text(person), K.RESEARCH, e.timestamp, "topic", topic)

    @handles(Consultation.ParticipantsIdentified)
    def participants_identified(self, e: Any, tx: Tx) -> None:
        consultation = id_text(e.originator_id)
        for p in e.participants:
            if p.person_id:
                row = {"id": p.id, "consultation_id": consultation, "person_id": p.person_id}
                insert(tx, "member_invitations", row, p.id)

    @handles(Consultation.ConsultationHeld)
    def held(self, e: Any, tx: Tx) -> None:
        consultation, day = id_text(e.originator_id), local_date(e.timestamp)
        # Those recorded as present took part; where no attendance was taken, every member
        # identified to take part is counted (docs/MEMBERS.md).
        attended = list(e.attendee_ids)
        among = f" AND id IN ({', '.join('?' * len(attended))})" if attended else ""
        tx.execute(
            "INSERT INTO member_entries (id, person_id, kind, day, year, subject_kind,"
            " subject_id) SELECT DISTINCT ? || ':' || person_id, person_id, ?, ?, ?,"
            f" 'consultation', ? FROM member_invitations WHERE consultation_id = ?{among}",
            (
                f"{consultation}:held",
                K.CONSULTATION.code,
                day.isoformat(),
                day.year,
                consultation,
                consultation,
                *attended,
            ),
        )

    @handles(Consultation.OnlineOpinionPosted)
    def online_opinion_posted(self, e: Any, tx: Tx) -> None:
        if e.author.person_id:
            consultation = id_text(e.originator_id)
            ident = f"{consultation}:{e.originator_version}"
            kind, moment = K.ONLINE_OPINION, e.timestamp
            _entry(tx, ident, e.author.person_id, kind, moment, "consultation", consultation)

    @handles(Consultation.ConsultationReported)
    def reported(self, e: Any, tx: Tx) -> None:
        consultation = id_text(e.originator_id)
        for person in e.signer_ids:
            ident = f"{consultation}:{e.originator_version}:{person}"
            _entry(tx, ident, id_text(person), K.REPORT, e.timestamp, "consultation", consultation)

    @handles(SupervisionItem.ItemFollowed)
    def followed(self, e: Any, tx: Tx) -> None:
        item, person = id_text(e.originator_id), id_text(e.person_id)
        _entry(tx, f"{item}:{person}", person, K.ITEM_FOLLOWED, e.timestamp, "item", item)

    @handles(PointsScheme.PointsSchemeSet, PointsScheme.PointsSchemeRevised)
    def scheme_set(self, e: Any, tx: Tx) -> None:
        row = {
            "id": e.effective_from.isoformat(),
            "weights": orjson.dumps(e.weights, option=orjson.OPT_SORT_KEYS).decode(),
            "reason": e.reason,
            "set_at": iso(e.timestamp),
        }
        _upsert(
            tx,
            "points_schemes",
            row,
            "weights = excluded.weights, reason = excluded.reason, set_at = excluded.set_at",
        )


def _entry(
    tx: Tx,
    ident: str,
    person_id: str,
    kind: ParticipationKind,
    moment: datetime,
    subject_kind: str,
    subject_id: str,
) -> None:
    day = local_date(moment)
    row = {
        "id": f"{ident}:{kind.code}",
        "person_id": person_id,
        "kind": kind.code,
        "day": day.isoformat(),
        "year": day.year,
        "subject_kind": subject_kind,
        "subject_id": subject_id,
    }
    insert(tx, "member_entries", row, row["id"])


def _upsert(tx: Tx, table: str, row: Row, sets: str) -> None:
    """The row inserted, or its columns set where it is: in memory while the batch holds it
    (a batch's INSERT may not touch the same row twice)."""
    held = held_row(tx, table, row["id"])
    if held is not None:
        held.update(row)
        return
    insert(tx, table, row, row["id"], f" ON CONFLICT (id) DO UPDATE SET {sets}")
