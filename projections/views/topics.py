"""The topic board: every matter with its status, channel, category, ground and dates."""

from __future__ import annotations

from typing import Any

from domain.erasure import Erasure
from domain.people import ERASED
from domain.topic import Topic
from projections.store import Tx
from projections.views.base import (
    Expr,
    Remembered,
    View,
    days_between,
    handles,
    id_text,
    insert,
    iso,
    plus,
    update,
)


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
        self.proposed_at = Remembered("topic_board", "proposed_at")

    @handles(Topic.TopicProposed)
    def proposed(self, e: Any, tx: Tx) -> None:
        ident, moment = id_text(e.originator_id), iso(e.timestamp)
        self.proposed_at.remember(ident, moment)
        insert(
            tx,
            "topic_board",
            {
                "id": ident,
                "title": e.title,
                "drafted_title": "",
                "content": e.content,
                "channel": e.channel.code,
                "category": e.category.code,
                "platform_id": id_text(e.platform_id),
                "committee_id": None,
                "status": "proposed",
                "status_before_exclusion": None,
                "exclusion_ground": None,
                "exclusion_explanation": "",
                "hotline_tickets": ",".join(e.hotline_tickets),
                "proposer_name": e.proposer.name,
                "proposer_subject": e.proposer.subject_id,
                "basic_situation": "",
                "decision_reason": "",
                "research_count": 0,
                "consultations_count": 0,
                "proposed_at": moment,
                "verified_at": None,
                "submitted_at": None,
                "approved_at": None,
                "returned_at": None,
                "excluded_at": None,
                "approval_days": None,
                "updated_at": moment,
                "version": e.originator_version,
            },
            ident,
        )

    @handles(Topic.TopicVerified)
    def verified(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status="verified",
            basic_situation=e.basic_situation,
            verified_at=moment,
        )

    @handles(Topic.TopicExcluded)
    def excluded(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status_before_exclusion=STATUS,
            status="excluded",
            exclusion_ground=e.ground.code,
            exclusion_explanation=e.explanation,
            excluded_at=moment,
        )

    @handles(Topic.TopicExclusionReversed)
    def exclusion_reversed(self, e: Any, tx: Tx) -> None:
        self._update(
            tx,
            e,
            iso(e.timestamp),
            status=STATUS_BEFORE_EXCLUSION,
            status_before_exclusion=None,
            exclusion_ground=None,
            exclusion_explanation="",
            excluded_at=None,
            decision_reason=e.reason,
        )

    @handles(Topic.TopicSubmitted)
    def submitted(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status="submitted",
            drafted_title=e.drafted_title,
            committee_id=id_text(e.committee_id),
            submitted_at=moment,
        )

    @handles(Topic.TopicApproved)
    def approved(self, e: Any, tx: Tx) -> None:
        proposed_at = self.proposed_at.recall(tx, id_text(e.originator_id))
        moment = iso(e.timestamp)
        self._update(
            tx,
            e,
            moment,
            status="approved",
            decision_reason=e.reason,
            approved_at=moment,
            approval_days=days_between(proposed_at, e.timestamp),
        )

    @handles(Topic.TopicReturned)
    def returned(self, e: Any, tx: Tx) -> None:
        moment = iso(e.timestamp)
        self._update(tx, e, moment, status="returned", decision_reason=e.reason, returned_at=moment)

    @handles(Topic.TopicResearchRecorded)
    def research_recorded(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, iso(e.timestamp), research_count=plus("research_count"))

    @handles(Topic.TopicMergedInto)
    def merged_into(self, e: Any, tx: Tx) -> None:
        self._update(tx, e, iso(e.timestamp), status="merged")

    @handles(Erasure.PersonalDataErased)
    def personal_data_erased(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE topic_board SET proposer_name = ? WHERE proposer_subject = ?",
            (ERASED, e.subject_id),
        )

    @staticmethod
    def _update(tx: Tx, e: Any, moment: str | None, **sets: Any) -> None:
        sets.update(updated_at=moment, version=e.originator_version)
        update(tx, "topic_board", id_text(e.originator_id), sets)


STATUS = Expr("status", (), lambda row: row["status"])
STATUS_BEFORE_EXCLUSION = Expr(
    "COALESCE(status_before_exclusion, 'proposed')",
    (),
    lambda row: (
        "proposed" if row["status_before_exclusion"] is None else row["status_before_exclusion"]
    ),
)
