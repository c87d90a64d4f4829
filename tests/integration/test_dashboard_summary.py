"""The dashboard read from the projector's counters (projections/views/dashboard.py) against the
same figures counted over the views' rows on read (projections/reads/dashboard_on_read.py), on
random logs, on SQLite and PostgreSQL: every field, under every filter the dashboard takes
(platform, committee, period) and every scope a dashboard reader has (everything, a platform's,
a committee's), with items due soon counted by working days. And the counters a rebuild makes,
and those a deployment gains when the view is new to it, are those kept live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.permissions import Visibility
from application.settings import Settings
from bench.workload import COMMITTEE, STAFF, UNIT, Workload, _Clock
from domain.base import Record
from domain.consultation import Consultation
from domain.people import Participant, Proposer
from domain.supervision import SupervisionItem
from domain.topic import Topic
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ParticipantKind,
    ReportKind,
)
from interfaces.bootstrap import System, bootstrap
from projections.reads.dashboard import DashboardFilter, items_due_soon, load_dashboard
from projections.reads.dashboard_on_read import aggregate_dashboard, aggregate_due_soon
from projections.reads.visibility import EVERYTHING
from projections.views.dashboard import COUNTS, DUE

TODAY = date(2026, 6, 15)
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
EXAMPLES = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TOPIC_PATHS = (
    "proposed",
    "verified",
    "excluded",
    "reversed",
    "merged",
    "submitted",
    "returned",
    "approved",
)
CONSULTATION_PATHS = ("scheduled", "cancelled", "held", "reported")
ITEM_PATHS = ("opened", "assigned", "in_progress", "resolved", "reopened")


@dataclass(frozen=True)
class ItemPlan:
    path: str
    unit: int
    committee: int
    due_in: int | None  # days from TODAY
    resolve_after: int
    reassigned_to: int | None  # a unit it is assigned to again, at the end of its story


@dataclass(frozen=True)
class MatterPlan:
    platform: int
    proposed_in: int  # days from TODAY
    hour: int
    channel: int
    category: int
    path: str
    committee: int
    approve_after: int
    consultation: str
    form: int
    starts_in: int  # days after the approval
    items: tuple[ItemPlan, ...]
    split: int  # steps written, and projected, before the rest


items = st.builds(
    ItemPlan,
    path=st.sampled_from(ITEM_PATHS),
    unit=st.integers(0, 2),
    committee=st.integers(0, 1),
    due_in=st.one_of(st.none(), st.integers(-4, 4), st.integers(-30, 30)),
    resolve_after=st.integers(0, 60),
    reassigned_to=st.one_of(st.none(), st.integers(0, 2)),
)
matters = st.builds(
    MatterPlan,
    platform=st.integers(0, 2),
    proposed_in=st.integers(-800, 800),
    hour=st.integers(0, 23),
    channel=st.integers(0, len(Channel) - 1),
    category=st.integers(0, len(Category) - 1),
    path=st.sampled_from(TOPIC_PATHS + ("approved",) * 8),  # most go on to consultation
    committee=st.integers(0, 1),
    approve_after=st.integers(0, 40),
    consultation=st.sampled_from(CONSULTATION_PATHS),
    form=st.integers(0, 2),
    starts_in=st.integers(-40, 40),
    items=st.lists(items, max_size=2).map(tuple),
    split=st.integers(0, 20),
)
days = st.one_of(st.none(), st.integers(-900, 900).map(lambda n: TODAY + timedelta(days=n)))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def district(url: str) -> Iterator[tuple[System, Workload]]:
    system = bootstrap(Settings(database_url=url))
    try:
        yield system, Workload.prepare(system.app, platforms=3)
    finally:
        system.close()


@EXAMPLES
@given(plans=st.lists(matters, min_size=1, max_size=8), bounds=st.lists(st.tuples(days, days)))
def test_the_counters_give_the_figures_counted_on_read(
    district: tuple[System, Workload], plans: list[MatterPlan], bounds: list[tuple[Any, Any]]
) -> None:
    system, workload = district
    write(system, workload, plans)
    for where in filters(workload, bounds):
        assert load_dashboard(system.store, where) == aggregate_dashboard(system.store, where), (
            where
        )
        for within in (0, 3, 10):
            assert items_due_soon(system.store, where, within) == aggregate_due_soon(
                system.store, where, within, where.seen_by
            ), (where, within)


@EXAMPLES
@given(plans=st.lists(matters, min_size=1, max_size=8))
def test_a_rebuild_and_a_new_deployment_count_what_was_counted_live(
    district: tuple[System, Workload], plans: list[MatterPlan]
) -> None:
    system, workload = district
    write(system, workload, plans)
    wheres = filters(workload, [(TODAY - timedelta(days=400), TODAY + timedelta(days=31))])
    live = [load_dashboard(system.store, where) for where in wheres]
    counted = counters(system)

    system.projector.rebuild()
    assert counters(system) == counted
    assert [load_dashboard(system.store, where) for where in wheres] == live

    # A deployment whose views were built before the summary: the view is new to it, starts
    # at the beginning of the log and catches up on its own.
    with system.store.transaction() as tx:
        for table in system.projector.views[
            [v.name for v in system.projector.views].index("dashboard_summary")
        ].table_names:
            tx.execute(f"DROP TABLE {table}")
        tx.execute("DELETE FROM projection_tracking WHERE view = 'dashboard_summary'")
    system.projector.create_tables()
    system.projector.catch_up()
    assert counters(system) == counted
    assert [load_dashboard(system.store, where) for where in wheres] == live


def counters(system: System) -> dict[str, list[tuple[Any, ...]]]:
    """Every counter; none is left at 0 (a batch deletes those it brought back there)."""
    with system.store.reading() as tx:
        found = {
            table: sorted(tuple(row.values()) for row in tx.all(f"SELECT * FROM {table}"))
            for table in (COUNTS, DUE)
        }
    assert all(row[-1] != 0 for rows in found.values() for row in rows)
    return found


def filters(workload: Workload, bounds: list[tuple[Any, Any]]) -> list[DashboardFilter]:
    platform, committee = str(workload.platform_ids[0]), str(workload.committee_ids[0])
    scopes = [
        EVERYTHING,
        Visibility(platform_id=platform),
        Visibility(committee_id=committee),
        Visibility(committee_id=str(workload.committee_ids[1])),
    ]
    plain = DashboardFilter(today=TODAY)
    wheres = [replace(plain, seen_by=scope) for scope in scopes]
    wheres += [
        replace(plain, platform_id=platform),
        replace(plain, committee_id=committee),
        replace(plain, platform_id=str(workload.platform_ids[1]), seen_by=scopes[1]),
    ]
    for start, end in bounds:
        period = replace(
            plain,
            period_from=start.isoformat() if start else None,
            period_to=end.isoformat() if end else None,
        )
        wheres += [period, replace(period, committee_id=committee, seen_by=scopes[2])]
    return wheres


def write(system: System, workload: Workload, plans: list[MatterPlan]) -> None:
    """Each matter's first `split` steps, projected, then the rest, projected: the counters
    change both in the batch that holds a matter's rows and in a later one."""
    stories = [story(workload, plan) for plan in plans]
    for plan, steps in zip(plans, stories, strict=True):
        for _ in range(plan.split):
            if next(steps, None) is None:
                break
    system.app.save(*_records(stories))
    system.projector.catch_up()
    for steps in stories:
        for _ in steps:
            pass
    system.app.save(*_records(stories))
    system.projector.catch_up()


def _records(stories: list[Any]) -> list[Record]:
    return [record for steps in stories for record in steps.records]  # type: ignore[attr-defined]


class story:  # noqa: N801 - read as a verb: the steps of a matter's story, one at a time
    """The matter's steps as an iterator; `records` are its aggregates so far."""

    def __init__(self, workload: Workload, plan: MatterPlan) -> None:
        self.records: list[Record] = []
        self._steps = self._story(workload, plan)

    def __iter__(self) -> story:
        return self

    def __next__(self) -> None:
        return next(self._steps)

    def _story(self, w: Workload, plan: MatterPlan) -> Iterator[None]:
        start = NOON + timedelta(days=plan.proposed_in, hours=plan.hour - 12)
        clock = _Clock(start)
        with clock.tick():
            topic = Topic.propose(
                title="小区停车难",
                content="居民反映停车位不足。",
                channel=list(Channel)[plan.channel],
                category=list(Category)[plan.category],
                platform_id=w.platform_ids[plan.platform],
                proposer=Proposer.checked("陈群众", "13800000001", subject_id="p1"),
                hotline_tickets=["GD1"]
                if list(Channel)[plan.channel] is Channel.HOTLINE_12345
                else [],
                actor=STAFF,
            )
        self.records.append(topic)
        yield
        path = plan.path
        if path == "proposed":
            return
        if path == "merged":
            with clock.tick():
                topic.merge_into(topic_id=topic.id, actor=STAFF)
            return
        if path in ("excluded", "reversed"):
            with clock.tick():
                topic.exclude(ground=ExclusionGround.LITIGATION, explanation="", actor=STAFF)
            yield
            if path == "reversed":
                with clock.tick():
                    topic.reverse_exclusion(reason="复核后纳入", actor=COMMITTEE)
            return
        with clock.tick():
            topic.verify(basic_situation="涉及3个小区。", actor=STAFF)
        yield
        if path == "verified":
            return
        with clock.tick():
            topic.submit(
                drafted_title="关于停车难的协商",
                committee_id=w.committee_ids[plan.committee],
                actor=STAFF,
            )
        yield
        if path == "returned":
            with clock.tick():
                topic.return_to_platform(reason="材料不全", actor=COMMITTEE)
            return
        if path == "submitted":
            return
        with clock.tick(days=plan.approve_after):
            topic.approve(reason="同意协商。", actor=COMMITTEE)
        yield
        yield from self._consultation(w, plan, topic, clock)

    def _consultation(
        self, w: Workload, plan: MatterPlan, topic: Topic, clock: _Clock
    ) -> Iterator[None]:
        form = (ConsultationForm.SUGGESTION, ConsultationForm.RESEARCH, ConsultationForm.ONLINE)[
            plan.form
        ]
        with clock.tick():
            starts_at = clock.now + timedelta(days=plan.starts_in, hours=plan.hour)
            consultation = Consultation.schedule(
                form=form,
                platform_id=w.platform_ids[plan.platform],
                starts_at=starts_at,
                venue="" if form is ConsultationForm.ONLINE else "协商议事厅",
                topic=topic,
                closes_at=starts_at + timedelta(days=3)
                if form is ConsultationForm.ONLINE
                else None,
                actor=STAFF,
            )
        self.records.append(consultation)
        yield
        if plan.consultation == "scheduled":
            return
        if plan.consultation == "cancelled":
            with clock.tick():
                consultation.cancel(reason="改期", actor=STAFF)
            return
        suggestions = ["错时停车", "规范路边停车"]
        with clock.tick():
            consultation.identify_participants(
                participants=[Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")],
                actor=STAFF,
            )
        with clock.at(max(clock.now, starts_at) + timedelta(days=3, hours=1)):
            consultation.hold(
                held_at=clock.now,
                attendee_ids=[],
                record="交通委答复。",
                opinions=[],
                suggestions=suggestions,
                actor=STAFF,
            )
        yield
        if plan.consultation == "reported":
            with clock.tick():
                consultation.report(
                    kind=ReportKind.PUBLIC_OPINION,
                    recipient="区委办",
                    reference="",
                    summary="建议错时停车。",
                    actor=STAFF,
                )
            yield
        for number, item_plan in enumerate(plan.items):
            yield from self._item(w, consultation, suggestions[number], item_plan, clock)

    def _item(
        self,
        w: Workload,
        consultation: Consultation,
        suggestion: str,
        plan: ItemPlan,
        clock: _Clock,
    ) -> Iterator[None]:
        with clock.tick():
            item = SupervisionItem.open_from(consultation, suggestion=suggestion, actor=STAFF)
        self.records.append(item)
        yield
        if plan.path == "opened":
            yield from self._reassigned(w, item, plan, clock)
            return
        with clock.tick():
            item.assign(
                unit_id=w.unit_ids[plan.unit],
                committee_id=w.committee_ids[plan.committee],
                supervisor_id=w.supervisor_ids[0],
                due_on=TODAY + timedelta(days=plan.due_in) if plan.due_in is not None else None,
                reason="",
                actor=STAFF,
            )
        yield
        if plan.path == "assigned":
            yield from self._reassigned(w, item, plan, clock)
            return
        with clock.tick():
            item.report_progress(
                progress="已协调",
                problems="",
                approach="",
                reporting_department="区交通委",
                reported_on=clock.now.date(),
                actor=UNIT,
            )
        yield
        if plan.path == "in_progress":
            yield from self._reassigned(w, item, plan, clock)
            return
        with clock.tick(days=plan.resolve_after):
            item.resolve(outcome="已办结。", actor=UNIT)
        yield
        if plan.path == "reopened":
            with clock.tick():
                item.reopen(reason="群众不满意", actor=UNIT)
            yield
        yield from self._reassigned(w, item, plan, clock)

    @staticmethod
    def _reassigned(
        w: Workload, item: SupervisionItem, plan: ItemPlan, clock: _Clock
    ) -> Iterator[None]:
        if plan.reassigned_to is None or plan.path == "resolved":
            return
        with clock.tick():
            item.assign(
                unit_id=w.unit_ids[plan.reassigned_to],
                committee_id=w.committee_ids[1 - plan.committee],
                supervisor_id=w.supervisor_ids[1],
                due_on=TODAY + timedelta(days=(plan.due_in or 0) + 1),
                reason="改由他单位办理",
                actor=STAFF,
            )
        yield
