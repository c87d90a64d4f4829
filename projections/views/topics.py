"""The topic board: every matter with its status, channel, category, ground and dates."""

from __future__ import annotations

from typing import Any

from domain.erasure import Erasure
from domain.people import ERASED
from domain.topic import Topic
from projections.store import Tx
from projections.views.base import Remembered, View, days_between, handles, iso


class TopicBoard(View):
    name = "topic_board"
    tables = (
        "CREATE TABLE IF NOT EXISTS topic_board (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
        " drafted_title TEXT NOT NULL, content TEXT NOT NULL, channel TEXT NOT NULL,"
        " category TEXT NOT NULL, platform_id TEXT NOT NULL, committee_id TEXT,"
        " status TEXT NOT NULL, status_before_exclusion TEXT, exclusion_ground TEXT,"
        " exclusion_explanation TEXT NOT NULL, hotline_tickets TEXT NOT NULL,"
        " proposer_name TEXT NOT NULL, proposer_subject TEXT NOT NULL,"
        " basic_situation TEXT NOT NULL,"
        " decision_reason TEXT NOT NULL, research_count INTEGER NOT NULL,"
        " consultations_count INTEGER NOT NULL, proposed_at TEXT NOT NULL, verified_at TEXT,"
        " submitted_at TEXT, approved_at TEXT, returned_at TEXT, excluded_at TEXT,"
        " approval_days DOUBLE PRECISION, updated_at TEXT NOT NULL, version INTEGER NOT NULL)",
    )
    indexes = (
        "CREATE INDEX IF NOT EXISTS topic_board_proposed ON topic_board (proposed_at, id)",
        "CREATE INDEX IF NOT EXISTS topic_board_status ON topic_board (status, proposed_at)",
        "CREATE INDEX IF NOT EXISTS topic_board_platform ON topic_board (platform_id, proposed_at)",
    )

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)
        self.proposed_at = Remembered(
            "SELECT proposed_at FROM topic_board WHERE id = ?", "proposed_at"
        )

    @handles(Topic.TopicProposed)
    def proposed(self, e: Any, tx: Tx) -> None:
        self.proposed_at.remember(str(e.originator_id), iso(e.timestamp))
        tx.execute(
            "INSERT INTO topic_board VALUES (?, ?, '', ?, ?, ?, ?, NULL, 'proposed', NULL, NULL,"
            " '', ?, ?, ?, '', '', 0, 0, ?, NULL, NULL, NULL, NULL, NULL, NULL, ?, ?)",
            (
                str(e.originator_id),
                e.title,
                e.content,
                e.channel.code,
                e.category.code,
                str(e.platform_id),
                ",".join(e.hotline_tickets),
                e.proposer.name,
                e.proposer.subject_id,
                iso(e.timestamp),
                iso(e.timestamp),
                e.originator_version,
            ),
        )

    @handles(Topic.TopicVerified)
    def verified(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            "status = 'verified', basic_situation = ?, verified_at = ?",
            e.basic_situation,
            iso(e.timestamp),
        )

    @handles(Topic.TopicExcluded)
    def excluded(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            "status_before_exclusion = status, status = 'excluded',"
            " exclusion_ground = ?, exclusion_explanation = ?, excluded_at = ?",
            e.ground.code,
            e.explanation,
            iso(e.timestamp),
        )

    @handles(Topic.TopicExclusionReversed)
    def exclusion_reversed(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            "status = COALESCE(status_before_exclusion, 'proposed'),"
            " status_before_exclusion = NULL, exclusion_ground = NULL,"
            " exclusion_explanation = '', excluded_at = NULL, decision_reason = ?",
            e.reason,
        )

    @handles(Topic.TopicSubmitted)
    def submitted(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            "status = 'submitted', drafted_title = ?, committee_id = ?, submitted_at = ?",
            e.drafted_title,
            str(e.committee_id),
            iso(e.timestamp),
        )

    @handles(Topic.TopicApproved)
    def approved(self, e: Any, tx: Tx) -> None:
        proposed_at = self.proposed_at.recall(tx, str(e.originator_id))
        days = days_between(proposed_at, e.timestamp)
        self._update(
            tx,
            e,
            "status = 'approved', decision_reason = ?, approved_at = ?, approval_days = ?",
            e.reason,
            iso(e.timestamp),
            days,
        )

    @handles(Topic.TopicReturned)
    def returned(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            "status = 'returned', decision_reason = ?, returned_at = ?",
            e.reason,
            iso(e.timestamp),
        )

    @handles(Topic.TopicResearchRecorded)
    def research_recorded(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, "research_count = research_count + 1")

    @handles(Topic.TopicMergedInto)
    def merged_into(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, "status = 'merged'")

    @handles(Erasure.PersonalDataErased)
    def personal_data_erased(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE topic_board SET proposer_name = ? WHERE proposer_subject = ?",
            (ERASED, e.subject_id),
        )

    @staticmethod
    def _update(tx: Tx, e: Any, assignments: str, *values: Any) -> None:
        tx.execute(
            f"UPDATE topic_board SET {assignments}, updated_at = ?, version = ? WHERE id = ?",
            (*values, iso(e.timestamp), e.originator_version, str(e.originator_id)),
        )
