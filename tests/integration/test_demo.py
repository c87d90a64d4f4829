"""The demo district: it covers every vocabulary of the plan, its members have a year of
委员履职 (and some none), and seeding it again stores nothing — in the same process, after
reopening the log, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pyotp
import pytest

from application.app import Yishiting
from application.settings import Settings
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ConsultationStatus,
    ExclusionGround,
    ItemStatus,
    ParticipantKind,
    ParticipationKind,
    ReportKind,
    Role,
)
from interfaces.bootstrap import application_for, bootstrap
from interfaces.cli.demo import DemoReport, plan, seed_demo
from interfaces.cli.demo_accounts import ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from projections.reads.members import MemberFilter, MemberRecord, member_records

DEMO_TODAY = date(2026, 11, 26)


@pytest.fixture
def seeded(sqlite_url: str) -> Iterator[tuple[Yishiting, DemoReport]]:
    app = application_for(Settings(database_url=sqlite_url))
    report = seed_demo(app)
    yield app, report
    app.close()


def event_names(app: Yishiting) -> list[str]:
    return [n.topic.rsplit(".", 1)[-1] for n in app.recorder.select_notifications(1, 100_000)]


def loaded(app: Yishiting, created_event: str) -> list[Any]:
    """Every aggregate whose first event is `created_event`, as it is now."""
    notifications = app.recorder.select_notifications(1, 100_000)
    return [
        app.repository.get(UUID(str(n.originator_id)))
        for n in notifications
        if n.topic.endswith(f".{created_event}")
    ]


def test_the_demo_covers_every_channel_category_and_ground(
    seeded: tuple[Yishiting, DemoReport],
) -> None:
    app, report = seeded
    topics = loaded(app, "TopicProposed")

    assert report.stored_anything
    assert len(topics) == report.topics >= 50
    assert {t.channel for t in topics} == set(Channel)
    assert {t.category for t in topics} == set(Category)
    assert all(t.hotline_tickets for t in topics if t.channel is Channel.HOTLINE_12345)
    excluded = [t for t in topics if t.exclusion is not None]
    assert {t.exclusion for t in excluded} == set(ExclusionGround)
    assert all(t.exclusion_explanation for t in excluded)
    names = Counter(event_names(app))
    for name in ("TopicVerified", "TopicSubmitted", "TopicApproved", "TopicReturned"):
        assert names[name] > 0, name
    assert names["TopicExclusionReversed"] >= 1
    submitted_once_or_more = sum(1 for t in topics if t.drafted_title)
    assert names["TopicSubmitted"] > submitted_once_or_more  # some were returned and resubmitted


def test_the_demo_holds_consultations_of_every_form(
    seeded: tuple[Yishiting, DemoReport],
) -> None:
    app, report = seeded
    consultations = loaded(app, "ConsultationScheduled")
    now = datetime(2026, 11, 26, tzinfo=UTC)

    assert len(consultations) == report.consultations
    assert {c.form for c in consultations} == set(ConsultationForm)
    assert {c.status for c in consultations} == set(ConsultationStatus)
    assert {k for c in consultations for k in c.notified} == set(ParticipantKind)
    assert {r.kind for c in consultations for r in c.reports} == set(ReportKind)
    assert any(
        c.status is ConsultationStatus.SCHEDULED and c.starts_at > now for c in consultations
    )
    online = [c for c in consultations if c.form is ConsultationForm.ONLINE]
    assert any(c.closes_at is None and c.online_opinions for c in online)
    assert any(c.closes_at is not None and c.is_held for c in online)
    assert all(c.suggestions for c in consultations if c.is_held and c.topic_id)


def test_the_problem_list_has_every_status_and_some_overdue(
    seeded: tuple[Yishiting, DemoReport],
) -> None:
    app, report = seeded
    items = loaded(app, "SupervisionItemOpened")

    assert len(items) == report.items
    assert {i.status for i in items} == set(ItemStatus)
    overdue = [i for i in items if i.status.is_open and i.due_on and i.due_on < DEMO_TODAY]
    assert overdue
    reports = [i.latest_progress for i in items if i.latest_progress]
    assert reports
    assert all(p.progress and p.reporting_department and p.reported_on for p in reports)


def test_seeding_again_stores_nothing_even_after_reopening(sqlite_url: str) -> None:
    app = application_for(Settings(database_url=sqlite_url))
    first = seed_demo(app)
    position = app.position()

    second = seed_demo(app)
    assert not second.stored_anything
    assert app.position() == position
    assert second.platform_ids == first.platform_ids
    assert second.committee_ids == first.committee_ids
    app.close()

    reopened = application_for(Settings(database_url=sqlite_url))
    third = seed_demo(reopened)
    assert not third.stored_anything
    assert reopened.position() == position
    assert third.platform_ids == first.platform_ids
    reopened.close()


def test_every_run_tells_the_same_history() -> None:
    """Two fresh logs hold the same events at the same moments (only generated ids differ)."""

    def history() -> list[tuple[str, int, datetime]]:
        app = application_for(Settings(database_url="memory://"))
        seed_demo(app)
        notifications = app.recorder.select_notifications(1, 100_000)
        events: list[Any] = [app.mapper.to_domain_event(n) for n in notifications]
        return [(type(e).__qualname__, e.originator_version, e.timestamp) for e in events]

    assert history() == history()


def test_the_plan_stays_in_the_demo_year_with_unique_command_ids() -> None:
    steps = plan()
    assert all(
        datetime(2026, 3, 1, tzinfo=UTC) <= s.at < datetime(2026, 11, 26, tzinfo=UTC) for s in steps
    )
    keys = [(s.actor, s.command_id) for s in steps]
    assert len(set(keys)) == len(keys)
    assert all(s.command_id.startswith("demo:") for s in steps)


@pytest.mark.postgres
def test_seeding_postgres_twice_stores_nothing_the_second_time(postgres_url: str) -> None:
    app = application_for(Settings(database_url=postgres_url))
    try:
        first = seed_demo(app)
        assert first.stored_anything
        assert len(loaded(app, "TopicProposed")) == first.topics
        position = app.position()
        assert not seed_demo(app).stored_anything
        assert app.position() == position
    finally:
        app.close()
    reopened = application_for(Settings(database_url=postgres_url))
    try:
        assert not seed_demo(reopened).stored_anything
        assert reopened.position() == position
    finally:
        reopened.close()


def test_every_demo_account_signs_in_and_an_administrator_with_the_code_of_this_moment(
    seeded: tuple[Yishiting, DemoReport],
) -> None:
    app, report = seeded
    assert {a.username for a in report.accounts} == {a.username for a in ACCOUNTS}
    for demo in report.accounts:
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now() if demo.second_factor else ""
        signed = app.sign_in(
            username=demo.username, password=DEMO_PASSWORD, address="127.0.0.1", code=code
        )
        assert [g.role for g in signed.grants] == [demo.role]
        assert not signed.must_enrol_second_factor


def members_year(url: str, attachments: Path) -> tuple[DemoReport, list[MemberRecord]]:
    """The demo seeded on `url`, its views caught up: the members' records of the demo year."""
    system = bootstrap(Settings(database_url=url, attachment_store=str(attachments)))
    try:
        report = seed_demo(system.app)
        system.projector.catch_up()
        return report, member_records(system.store, MemberFilter(year=2026), entries=True)
    finally:
        system.close()


def assert_a_year_of_participation(report: DemoReport, records: list[MemberRecord]) -> None:
    assert len(records) == report.members >= 8
    assert len({r.sector for r in records}) >= 5
    assert len({r.platform_id for r in records}) == len(report.platform_ids)
    totals = {kind.code: sum(r.counts[kind.code] for r in records) for kind in ParticipationKind}
    assert sum(1 for count in totals.values() if count > 0) >= 4, totals
    assert [r for r in records if not r.active]  # 尚未履职 shows someone
    assert all(r.entries == [] for r in records if not r.active)
    active = [r for r in records if r.active]
    assert len(active) > len(records) // 2
    assert all(r.entries and all(e.title for e in r.entries) for r in active)


def test_the_demo_members_have_a_year_and_some_have_none(sqlite_url: str, tmp_path: Path) -> None:
    report, records = members_year(sqlite_url, tmp_path)
    assert_a_year_of_participation(report, records)
    again, same = members_year(sqlite_url, tmp_path)
    assert not again.stored_anything
    assert same == records


@pytest.mark.postgres
def test_the_demo_members_have_a_year_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    assert_a_year_of_participation(*members_year(postgres_url, tmp_path))


def test_the_demo_member_signs_in_to_their_own_record(
    seeded: tuple[Yishiting, DemoReport],
) -> None:
    app, report = seeded
    (member,) = [a for a in report.accounts if a.role is Role.MEMBER]
    signed = app.sign_in(username=member.username, password=DEMO_PASSWORD, address="127.0.0.1")
    (grant,) = signed.grants
    person = app.repository.get(UUID(grant.scope))
    assert (person.name, person.is_member) == (member.display_name, True)
