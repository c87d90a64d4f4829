"""The leadership dashboard's figures, kept as events arrive: counters per platform, committee
and period, so that the dashboard sums a bounded number of rows whatever the log's size.

Each matter's counted state (its platform, committee, day, status and the rest) is kept in a
facts table of this view's own: an event takes the matter's old contributions off the counters
and adds its new ones. The view reads no other view's rows (but the reference names, which
never change), so a deployment that gains it fills it from the log like any new view.

Every counter is kept at four levels of the day it is dated by (when the matter was proposed,
opened, or the consultation starts): all time (''), the year, the month and the day, so that
a period is read as a few whole years and months and the days at its ends. A counter back at 0
is deleted at the end of its batch. Open supervision items are counted per due day
(`dashboard_due`): overdue and due soon are sums over due days."""

from __future__ import annotations

from collections import Counter
from typing import Any

from domain.consultation import Consultation
from domain.supervision import SupervisionItem
from domain.topic import Topic
from projections.store import MAX_PARAMETERS, Row, Tx, direct, pending_of
from projections.views.base import View, day, days_between, handles, held_row, id_text, insert, iso
from projections.views.base import update as update_row

COUNTS = "dashboard_counts"
DUE = "dashboard_due"
TOPICS = "dashboard_topic_facts"
ITEMS = "dashboard_item_facts"
CONSULTATIONS = "dashboard_consultation_facts"
LEVELS = (0, 4, 7, 10)
"""How much of the day (YYYY-MM-DD) a counter's period keeps: all time, year, month, day."""
NONE = ""
"""No committee, unit or due day yet (a key column is never NULL)."""

ADD = " ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n"
COUNT_KEY = ("metric", "level", "period", "platform_id", "committee_id", "key")
DUE_KEY = ("level", "period", "platform_id", "committee_id", "due_on", "unit_id", "unit_name")

Contribution = tuple[str | int, ...]


class DashboardSummary(View):
    name = "dashboard_summary"
    tables = (
        f"CREATE TABLE IF NOT EXISTS {COUNTS} (metric TEXT NOT NULL, level INTEGER NOT NULL,"
        " period TEXT NOT NULL, platform_id TEXT NOT NULL, committee_id TEXT NOT NULL,"
        f" key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY ({', '.join(COUNT_KEY)}))",
        f"CREATE TABLE IF NOT EXISTS {DUE} (level INTEGER NOT NULL, period TEXT NOT NULL,"
        " platform_id TEXT NOT NULL, committee_id TEXT NOT NULL, due_on TEXT NOT NULL,"
        " unit_id TEXT NOT NULL, unit_name TEXT NOT NULL, n INTEGER NOT NULL,"
        f" PRIMARY KEY ({', '.join(DUE_KEY)}))",
        f"CREATE TABLE IF NOT EXISTS {TOPICS} (id TEXT PRIMARY KEY, platform_id TEXT NOT NULL,"
        " committee_id TEXT NOT NULL, proposed_at TEXT NOT NULL, status TEXT NOT NULL,"
        " before_exclusion TEXT, channel TEXT NOT NULL, category TEXT NOT NULL,"
        " ground TEXT NOT NULL, approval_days DOUBLE PRECISION)",
        f"CREATE TABLE IF NOT EXISTS {ITEMS} (id TEXT PRIMARY KEY, platform_id TEXT NOT NULL,"
        " committee_id TEXT NOT NULL, opened_at TEXT NOT NULL, status TEXT NOT NULL,"
        " unit_id TEXT NOT NULL, unit_name TEXT NOT NULL, due_on TEXT NOT NULL,"
        " resolve_days DOUBLE PRECISION)",
        f"CREATE TABLE IF NOT EXISTS {CONSULTATIONS} (id TEXT PRIMARY KEY,"
        " platform_id TEXT NOT NULL, starts_at TEXT NOT NULL, form TEXT NOT NULL,"
        " status TEXT NOT NULL)",
    )
    # A counter a batch brings back to 0 is deleted at the batch's end, found by its key among
    # those the batch lowered. (It used to be found through a partial index on n = 0, which
    # made every counter update a new index entry rather than an in-page (HOT) update: at 1M
    # events that index and its dead entries cost about 60 s of a 152 s rebuild of this view.)
    indexes = (
        "DROP INDEX IF EXISTS dashboard_counts_zero",  # a deployment built before: its index
        "DROP INDEX IF EXISTS dashboard_due_zero",
        # Overdue and due-soon items are read by due day: without it each dashboard scanned
        # every due day's counters of all time (8,185 a level at 100,000 matters).
        f"CREATE INDEX IF NOT EXISTS dashboard_due_by_day ON {DUE} (level, due_on)",
    )

    def __init__(self, view: Any = None) -> None:
        super().__init__(view)
        self._names: dict[str, str] = {}
        self._lowered: set[Contribution] = set()
        self._deltas: dict[Contribution, int] = {}
        """The batch's changes to the counters, written at its end (a rolled-back batch's go
        with the view object the runner then replaces)."""

    def begin_batch(self, _tx: Tx) -> None:
        self._lowered = set()
        self._deltas = {}

    def end_batch(self, tx: Tx) -> None:
        deltas, self._deltas = self._deltas, {}
        lowered, self._lowered = self._lowered, set()
        lowered.update(key for key, n in deltas.items() if n < 0)  # none else can reach 0
        for table, names in ((COUNTS, COUNT_KEY), (DUE, DUE_KEY)):
            # A counter the batch raised and lowered alike is not written at all.
            added = [(*key[1:], n) for key, n in deltas.items() if key[0] == table and n]
            if added:
                tx.insert_rows(table, (*names, "n"), added, UPSERTS[table])
            _delete_emptied(tx, table, names, [key[1:] for key in lowered if key[0] == table])

    # -- topics ------------------------------------------------------------------------------

    @handles(Topic.TopicProposed)
    def topic_proposed(self, e: Any, tx: Tx) -> None:
        facts = {
            "id": id_text(e.originator_id),
            "platform_id": id_text(e.platform_id),
            "committee_id": NONE,
            "proposed_at": iso(e.timestamp),
            "status": "proposed",
            "before_exclusion": None,
            "channel": e.channel.code,
            "category": e.category.code,
            "ground": NONE,
            "approval_days": None,
        }
        self._created(tx, TOPICS, facts, _topic_counts)

    @handles(Topic.TopicVerified)
    def topic_verified(self, e: Any, tx: Tx) -> None:
        self._changed(tx, TOPICS, e, _topic_counts, {"status": "verified"})

    @handles(Topic.TopicExcluded)
    def topic_excluded(self, e: Any, tx: Tx) -> None:
        self._changed(
            tx,
            TOPICS,
            e,
            _topic_counts,
            lambda f: {
                "before_exclusion": f["status"],
                "status": "excluded",
                "ground": e.ground.code,
            },
        )

    @handles(Topic.TopicExclusionReversed)
    def topic_exclusion_reversed(self, e: Any, tx: Tx) -> None:
        self._changed(
            tx,
            TOPICS,
            e,
            _topic_counts,
            lambda f: {
                "status": f["before_exclusion"] or "proposed",
                "before_exclusion": None,
                "ground": NONE,
            },
        )

    @handles(Topic.TopicSubmitted)
    def topic_submitted(self, e: Any, tx: Tx) -> None:
        committee = id_text(e.committee_id)
        self._changed(
            tx, TOPICS, e, _topic_counts, {"status": "submitted", "committee_id": committee}
        )

    @handles(Topic.TopicApproved)
    def topic_approved(self, e: Any, tx: Tx) -> None:
        self._changed(
            tx,
            TOPICS,
            e,
            _topic_counts,
            lambda f: {
                "status": "approved",
                "approval_days": days_between(f["proposed_at"], e.timestamp),
            },
        )

    @handles(Topic.TopicReturned)
    def topic_returned(self, e: Any, tx: Tx) -> None:
        self._changed(tx, TOPICS, e, _topic_counts, {"status": "returned"})

    @handles(Topic.TopicMergedInto)
    def topic_merged(self, e: Any, tx: Tx) -> None:
        self._changed(tx, TOPICS, e, _topic_counts, {"status": "merged"})

    # -- consultations -----------------------------------------------------------------------

    @handles(Consultation.ConsultationScheduled)
    def consultation_scheduled(self, e: Any, tx: Tx) -> None:
        facts = {
            "id": id_text(e.originator_id),
            "platform_id": id_text(e.platform_id),
            "starts_at": iso(e.starts_at),
            "form": e.form.code,
            "status": "scheduled",
        }
        self._created(tx, CONSULTATIONS, facts, _consultation_counts)

    @handles(Consultation.ConsultationHeld)
    def consultation_held(self, e: Any, tx: Tx) -> None:
        self._changed(tx, CONSULTATIONS, e, _consultation_counts, {"status": "held"})

    @handles(Consultation.ConsultationReported)
    def consultation_reported(self, e: Any, tx: Tx) -> None:
        self._changed(tx, CONSULTATIONS, e, _consultation_counts, {"status": "reported"})

    @handles(Consultation.ConsultationCancelled)
    def consultation_cancelled(self, e: Any, tx: Tx) -> None:
        self._changed(tx, CONSULTATIONS, e, _consultation_counts, {"status": "cancelled"})

    # -- supervision items -------------------------------------------------------------------

    @handles(SupervisionItem.SupervisionItemOpened)
    def item_opened(self, e: Any, tx: Tx) -> None:
        facts = {
            "id": id_text(e.originator_id),
            "platform_id": id_text(e.platform_id),
            "committee_id": NONE,
            "opened_at": iso(e.timestamp),
            "status": "opened",
            "unit_id": NONE,
            "unit_name": "",
            "due_on": NONE,
            "resolve_days": None,
        }
        self._created(tx, ITEMS, facts, _item_counts)

    @handles(SupervisionItem.ItemAssigned)
    def item_assigned(self, e: Any, tx: Tx) -> None:
        unit = id_text(e.unit_id)
        sets = {
            "unit_id": unit,
            "unit_name": self._unit_name(tx, unit),
            "committee_id": id_text(e.committee_id),
            "due_on": day(e.due_on) or NONE,
        }
        self._changed(
            tx,
            ITEMS,
            e,
            _item_counts,
            lambda f: {**sets, "status": "assigned" if f["status"] == "opened" else f["status"]},
        )

    @handles(SupervisionItem.ProgressReported)
    def item_progress(self, e: Any, tx: Tx) -> None:
        self._changed(tx, ITEMS, e, _item_counts, {"status": "in_progress"})

    @handles(SupervisionItem.ItemResolved)
    def item_resolved(self, e: Any, tx: Tx) -> None:
        self._changed(
            tx,
            ITEMS,
            e,
            _item_counts,
            lambda f: {
                "status": "resolved",
                "resolve_days": days_between(f["opened_at"], e.timestamp),
            },
        )

    @handles(SupervisionItem.ItemReopened)
    def item_reopened(self, e: Any, tx: Tx) -> None:
        self._changed(tx, ITEMS, e, _item_counts, {"status": "reopened", "resolve_days": None})

    # -- the counting ------------------------------------------------------------------------

    def _created(self, tx: Tx, table: str, facts: Row, counts: Any) -> None:
        insert(tx, table, facts, facts["id"])
        self._count(tx, counts(facts), 1)
        self._unbatched(tx)

    def _changed(self, tx: Tx, table: str, e: Any, counts: Any, change: Any) -> None:
        """The matter's new facts: its old contributions off the counters, its new ones on."""
        ident = id_text(e.originator_id)
        facts = _facts(tx, table, ident)
        if facts is None:  # a matter this view never saw begin (its first event set aside)
            return
        sets = change(facts) if callable(change) else change
        before = counts(facts)
        after = counts({**facts, **sets})
        gone, came = before - after, after - before
        self._count(tx, gone, -1)
        self._count(tx, came, 1)
        update_row(tx, table, ident, sets)
        self._unbatched(tx)

    def _count(self, tx: Tx, contributions: Counter[Contribution], sign: int) -> None:
        """The contributions (times their count, times `sign`) added to the batch's changes;
        written at once when each event is its own transaction."""
        if pending_of(tx) is None:
            _count(tx, contributions, sign)
            if sign < 0:
                self._lowered.update(contributions)
            return
        deltas = self._deltas
        for key, times in contributions.items():
            deltas[key] = deltas.get(key, 0) + sign * times

    def _unbatched(self, tx: Tx) -> None:
        """Applied outside a batch (the stock runner's one event per transaction): the event
        is its own batch, and ends here."""
        if pending_of(tx) is None:
            self.end_batch(tx)

    def _unit_name(self, tx: Tx, unit: str) -> str:
        """As the supervision ledger names it: the unit's name then, "" when unknown."""
        if unit not in self._names:
            row = tx.one("SELECT name FROM ref_units WHERE id = ?", (unit,))
            if row is None:
                return ""
            self._names[unit] = str(row["name"])
        return self._names[unit]


def _facts(tx: Tx, table: str, ident: str) -> Row | None:
    held = held_row(tx, table, ident)
    if held is not None:
        return dict(held)
    return direct(tx).one(f"SELECT * FROM {table} WHERE id = ?", (ident,))


def _topic_counts(f: Row) -> Counter[Contribution]:
    keys = [
        ("topic.status", f["status"]),
        ("topic.channel", f["channel"]),
        ("topic.category", f["category"]),
    ]
    if f["ground"]:
        keys.append(("topic.ground", f["ground"]))
    if f["approval_days"] is not None:
        keys.append(("topic.approval_days", repr(float(f["approval_days"]))))
    return _dated(COUNTS, f["proposed_at"], f["platform_id"], f["committee_id"], keys)


def _consultation_counts(f: Row) -> Counter[Contribution]:
    keys = [
        ("consultation.form", f["form"]),
        ("consultation.status", f["status"]),
        ("consultation.month", f"{f['starts_at'][:7]} {f['form']}"),
    ]
    return _dated(COUNTS, f["starts_at"], f["platform_id"], NONE, keys)


def _item_counts(f: Row) -> Counter[Contribution]:
    keys = [("item.status", f["status"])]
    if f["unit_id"]:
        keys.append(("item.unit", f["unit_id"]))
    if f["resolve_days"] is not None:
        keys.append(("item.resolve_days", repr(float(f["resolve_days"]))))
    found = _dated(COUNTS, f["opened_at"], f["platform_id"], f["committee_id"], keys)
    if f["status"] != "resolved" and f["due_on"]:
        # An open item with a due date: counted under that day (overdue, due soon).
        found += _dated(
            DUE,
            f["opened_at"],
            f["platform_id"],
            f["committee_id"],
            [(f["due_on"], f["unit_id"], f["unit_name"])],
        )
    return found


def _dated(
    table: str, moment: str, platform: str, committee: str, keys: list[tuple[str, ...]]
) -> Counter[Contribution]:
    """Each key once at each level of the moment's day, as (table, *the counter's key columns):
    a metric's (metric, level, period, platform, committee, key), a due day's (level, period,
    platform, committee, due day, unit, unit name)."""
    if table == COUNTS:
        return Counter(
            (table, metric, level, moment[:level], platform, committee, key)
            for level in LEVELS
            for metric, key in keys
        )
    return Counter(
        (table, level, moment[:level], platform, committee, *key)
        for level in LEVELS
        for key in keys
    )


UPSERTS = {
    table: ADD.format(key=", ".join(names), table=table)
    for table, names in ((COUNTS, COUNT_KEY), (DUE, DUE_KEY))
}


def _delete_emptied(tx: Tx, table: str, names: tuple[str, ...], keys: list[Contribution]) -> None:
    """Deletes those of the counters named by `keys` that are at 0."""
    per_statement = MAX_PARAMETERS // len(names)
    row = "(" + ", ".join("?" * len(names)) + ")"
    for start in range(0, len(keys), per_statement):
        chunk = keys[start : start + per_statement]
        tx.execute(
            f"DELETE FROM {table} WHERE n = 0 AND ({', '.join(names)})"
            f" IN (VALUES {', '.join([row] * len(chunk))})",
            [value for key in chunk for value in key],
        )


def _count(tx: Tx, contributions: Counter[Contribution], sign: int) -> None:
    """Adds each contribution (times its count, times `sign`) to its counter at once: an
    upsert that adds to the stored count (one event per transaction)."""
    for (table, *columns), times in contributions.items():
        names = COUNT_KEY if table == COUNTS else DUE_KEY
        row = dict(zip(names, columns, strict=True))
        row["n"] = sign * times
        insert(tx, table, row, tuple(columns), UPSERTS[table])
