"""Members' participation records read from the view (projections/views/members.py): each
member's entries of a year, counted by kind and weighed by the points scheme in force on each
entry's day (the built-in example table where none was set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from application.permissions import RESTRICTED_TEXT
from domain.members import EXAMPLE_NOTE, EXAMPLE_WEIGHTS, SCHEME_NOTE
from domain.vocabulary import ParticipationKind
from projections.reads.restriction import RESTRICTED_SQL
from projections.store import Row, Tx, ViewStore

KINDS = tuple(ParticipationKind)
ORDERS = ("points", "name")
# Each scheme's period, from its day until the next one's: an entry joined to it takes the
# scheme in force on its day (NULL: none, the example table). A join, not a subquery per entry.
PERIODS = (
    "(SELECT id AS since, LEAD(id) OVER (ORDER BY id) AS until FROM points_schemes) s"
    " ON e.day >= s.since AND (s.until IS NULL OR e.day < s.until)"
)
IN_FORCE = "s.since"
TITLES = (
    "CASE e.subject_kind"
    " WHEN 'topic' THEN (SELECT CASE WHEN t.drafted_title <> '' THEN t.drafted_title"
    " ELSE t.title END FROM topic_board t WHERE t.id = e.subject_id)"
    " WHEN 'consultation' THEN (SELECT c.subject FROM consultation_calendar c"
    " WHERE c.id = e.subject_id)"
    " ELSE (SELECT i.subject FROM supervision_ledger i WHERE i.id = e.subject_id) END"
)
RESTRICTED = (
    "CASE WHEN e.subject_kind = 'topic' AND EXISTS (SELECT 1 FROM topic_board t"
    f" WHERE t.id = e.subject_id AND {RESTRICTED_SQL}) THEN 1 ELSE 0 END"
)


@dataclass(frozen=True)
class Scheme:
    """The weights in force on a day: set from `effective_from`, or the example table."""

    effective_from: str | None
    weights: dict[str, float]

    @property
    def example(self) -> bool:
        return self.effective_from is None

    @property
    def note(self) -> str:
        return EXAMPLE_NOTE if self.example else SCHEME_NOTE

    def points(self, kind: str) -> float:
        return float(self.weights.get(kind, 0.0))


EXAMPLE = Scheme(None, EXAMPLE_WEIGHTS)


@dataclass(frozen=True)
class MemberFilter:
    year: int
    sector: str | None = None
    platform_id: str | None = None
    person_id: str | None = None
    order: str = "points"
    restricted_content: bool = False
    """Whether a restricted matter's title is read in clear (else the placeholder)."""


@dataclass
class Entry:
    kind: str
    day: str
    subject_kind: str
    subject_id: str
    title: str
    points: float


@dataclass
class MemberRecord:
    id: str
    name: str
    sector: str
    platform_id: str
    platform_name: str
    year: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_codes(), 0))
    points_by_kind: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_codes(), 0.0))
    entries: list[Entry] | None = None

    @property
    def points(self) -> float:
        return round(sum(self.points_by_kind.values()), 2)

    @property
    def active(self) -> bool:
        return any(self.counts.values())


def _codes() -> list[str]:
    return [k.code for k in KINDS]


def schemes(tx: Tx) -> dict[str | None, Scheme]:
    rows = tx.all("SELECT id, weights FROM points_schemes")
    found: dict[str | None, Scheme] = {
        r["id"]: Scheme(r["id"], orjson.loads(r["weights"])) for r in rows
    }
    found[None] = EXAMPLE
    return found


def scheme_on(store: ViewStore, day: date) -> Scheme:
    with store.reading() as tx:
        row = tx.one(
            "SELECT id, weights FROM points_schemes WHERE id <= ? ORDER BY id DESC LIMIT 1",
            (day.isoformat(),),
        )
    return Scheme(row["id"], orjson.loads(row["weights"])) if row else EXAMPLE


def member_records(
    store: ViewStore, where: MemberFilter, *, entries: bool = False
) -> list[MemberRecord]:
    """The members the filter names, ordered by points (most first) or by name."""
    with store.reading() as tx:
        records = _roster(tx, where)
        if records:
            _count(tx, where, records, schemes(tx))
            if entries:
                _entries(tx, where, records, schemes(tx))
    ordered = list(records.values())
    if where.order == "name":
        ordered.sort(key=lambda r: (r.name, r.id))
    else:
        ordered.sort(key=lambda r: (-r.points, r.name, r.id))
    return ordered


def _member_criteria(where: MemberFilter) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in (
        ("r.sector", where.sector),
        ("r.platform_id", where.platform_id),
        ("r.id", where.person_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" AND " + " AND ".join(clauses)) if clauses else "", params


def _roster(tx: Tx, where: MemberFilter) -> dict[str, MemberRecord]:
    criteria, params = _member_criteria(where)
    rows = tx.all(
        "SELECT r.id, r.sector, r.platform_id, COALESCE(p.name, '') AS name,"
        " COALESCE(f.name, '') AS platform_name FROM member_roster r"
        " LEFT JOIN ref_people p ON p.id = r.id LEFT JOIN ref_platforms f ON f.id = r.platform_id"
        f" WHERE 1 = 1{criteria}",
        params,
    )
    return {
        r["id"]: MemberRecord(
            id=r["id"],
            name=r["name"],
            sector=r["sector"],
            platform_id=r["platform_id"],
            platform_name=r["platform_name"],
            year=where.year,
        )
        for r in rows
    }


def _count(
    tx: Tx, where: MemberFilter, records: dict[str, MemberRecord], weights: dict[str | None, Scheme]
) -> None:
    criteria, params = _member_criteria(where)
    rows = tx.all(
        f"SELECT e.person_id, e.kind, {IN_FORCE} AS scheme, COUNT(*) AS n"
        " FROM member_entries e JOIN member_roster r ON r.id = e.person_id"
        f" LEFT JOIN {PERIODS}"
        f" WHERE e.year = ?{criteria} GROUP BY e.person_id, e.kind, {IN_FORCE}",
        [where.year, *params],
    )
    for row in rows:
        record = records[row["person_id"]]
        record.counts[row["kind"]] += row["n"]
        scheme = weights.get(row["scheme"], EXAMPLE)
        record.points_by_kind[row["kind"]] += row["n"] * scheme.points(row["kind"])


def _entries(
    tx: Tx, where: MemberFilter, records: dict[str, MemberRecord], weights: dict[str | None, Scheme]
) -> None:
    criteria, params = _member_criteria(where)
    rows = tx.all(
        f"SELECT e.person_id, e.kind, e.day, e.subject_kind, e.subject_id, {IN_FORCE} AS scheme,"
        f" {TITLES} AS title, {RESTRICTED} AS restricted"
        " FROM member_entries e JOIN member_roster r ON r.id = e.person_id"
        f" LEFT JOIN {PERIODS}"
        f" WHERE e.year = ?{criteria} ORDER BY e.person_id, e.day, e.id",
        [where.year, *params],
    )
    for record in records.values():
        record.entries = []
    for row in rows:
        scheme = weights.get(row["scheme"], EXAMPLE)
        entries = records[row["person_id"]].entries
        assert entries is not None
        entries.append(
            Entry(
                kind=row["kind"],
                day=row["day"],
                subject_kind=row["subject_kind"],
                subject_id=row["subject_id"],
                title=_title(row, where.restricted_content),
                points=scheme.points(row["kind"]),
            )
        )


def _title(row: Row, restricted_content: bool) -> str:
    if row["restricted"] and not restricted_content:
        return RESTRICTED_TEXT
    return str(row["title"] or "")


@dataclass
class Participation:
    key: str
    name: str
    members: int = 0
    active_members: int = 0
    points: float = 0.0


def participation(records: list[MemberRecord], by: str) -> list[Participation]:
    """Members, active members and points by 界别 ("sector") or by platform ("platform")."""
    groups: dict[str, Participation] = {}
    for record in records:
        key, name = (
            (record.sector, record.sector)
            if by == "sector"
            else (record.platform_id, record.platform_name)
        )
        group = groups.setdefault(key, Participation(key, name))
        group.members += 1
        group.active_members += record.active
        group.points = round(group.points + record.points, 2)
    return sorted(groups.values(), key=lambda g: (-g.points, g.name, g.key))
