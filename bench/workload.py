"""A fast, realistic workload: the district's whole story many times over, written to the log
through the application with several aggregates per `app.save()` (one transaction each).

One story is a matter from proposal to a resolved supervision item (about 16 events); every
tenth matter is excluded instead (every twentieth exclusion is then reversed). Counters that a
view increments (research, participants, online opinions, reports, progress) all occur, so a
view that applied an event twice would show it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.app import Yishiting
from application.receipts import Command
from domain.base import Actor, Record, recorded_at
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
    PlatformKind,
    ReportKind,
    Role,
    UnitKind,
)

ADMIN = Actor("admin-1", "系统管理员", Role.ADMIN)
STAFF = Actor("staff-1", "李专员", Role.PLATFORM_STAFF)
COMMITTEE = Actor("cttee-1", "王主任", Role.COMMITTEE)
UNIT = Actor("unit-1", "赵科长", Role.UNIT)
CITIZEN = Actor("citizen-app", "履职APP", Role.INTEGRATION)
EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
CHANNELS = list(Channel)
CATEGORIES = list(Category)
GROUNDS = list(ExclusionGround)
FORMS = (ConsultationForm.SUGGESTION, ConsultationForm.RESEARCH, ConsultationForm.ONLINE)
PROPOSERS = 100  # distinct data subjects among the proposers (each has its own sealing key)


@dataclass
class Workload:
    """Reference data registered through the use cases, then stories written in bulk."""

    app: Yishiting
    platform_ids: list[UUID]
    committee_ids: list[UUID]
    unit_ids: list[UUID]
    supervisor_ids: list[UUID]
    stories: int = 0

    @classmethod
    def prepare(cls, app: Yishiting, platforms: int = 3) -> Workload:
        admin = Command(ADMIN)
        with recorded_at(EPOCH - timedelta(days=30)):
            committee_ids = [
                app.establish_committee(admin, name=name).id
                for name in ("社会和法制委员会", "城乡建设委员会")
            ]
            supervisor_ids = [
                app.register_person(admin, name=name, position="督办负责人").id
                for name in ("刘督办", "孙督办")
            ]
            unit_ids = [
                app.register_unit(admin, name=name, kind=kind).id
                for name, kind in (
                    ("区交通委", UnitKind.DISTRICT_DEPARTMENT),
                    ("永顺镇", UnitKind.TOWN_OR_STREET),
                    ("北苑社区", UnitKind.VILLAGE_OR_COMMUNITY),
                )
            ]
            platform_ids = []
            for n in range(platforms):
                head_id = app.register_person(admin, name=f"站长{n + 1}", position="负责人").id
                platform_ids.append(
                    app.register_platform(
                        admin,
                        name=f"第{n + 1}委员工作站",
                        kind=PlatformKind.MEMBER_WORKSTATION,
                        hall_venue=f"第{n + 1}协商议事厅",
                        committee_id=committee_ids[n % len(committee_ids)],
                        responsible_person_id=head_id,
                    ).id
                )
        return cls(app, platform_ids, committee_ids, unit_ids, supervisor_ids)

    def write(self, events: int, per_save: int = 400) -> int:
        """Writes stories until at least `events` more events are in the log; returns the log's
        last position."""
        goal = self.app.position() + events
        while (position := self.app.position()) < goal:
            pending: list[Record] = []
            count = 0
            while count < min(per_save, goal - position):
                story = self.story(self.stories)
                self.stories += 1
                pending.extend(story)
                count += sum(len(record.pending_events) for record in story)
            self.app.save(*pending)
        return self.app.position()

    def story(self, n: int) -> list[Record]:
        """The records of story number `n`, with their pending events in causal order."""
        platform_id = self.platform_ids[n % len(self.platform_ids)]
        committee_id = self.committee_ids[n % len(self.committee_ids)]
        clock = _Clock(EPOCH + timedelta(hours=6 * n))
        channel = CHANNELS[n % len(CHANNELS)]
        with clock.tick():
            topic = Topic.propose(
                title=f"第{n}号事项:小区停车难",
                content="居民反映小区周边停车位不足,夜间乱停车严重,希望协调解决。" * 3,
                channel=channel,
                category=CATEGORIES[n % len(CATEGORIES)],
                platform_id=platform_id,
                proposer=Proposer.checked(
                    f"群众{n % PROPOSERS}", "13800000001", subject_id=f"p{n % PROPOSERS}"
                ),
                hotline_tickets=[f"GD{n:08d}"] if channel is Channel.HOTLINE_12345 else [],
                actor=STAFF,
            )
        if n % 10 == 9:
            return [self._excluded(topic, n, clock)]
        with clock.tick():
            topic.verify(basic_situation=f"涉及{n % 7 + 1}个小区约2000户。", actor=STAFF)
        with clock.tick():
            topic.submit(
                drafted_title=f"关于缓解第{n}号小区停车难的协商",
                committee_id=committee_id,
                actor=STAFF,
            )
        with clock.tick(days=1 + n % 5):
            topic.approve(reason="群众关切,切口小,同意协商。", actor=COMMITTEE)
        for r in range(n % 3):
            with clock.tick():
                topic.record_research(findings=f"第{r + 1}次实地调研", actor=STAFF)
        consultation = self._consultation(topic, platform_id, FORMS[n % len(FORMS)], clock)
        items = [self._item(consultation, s, n, clock) for s in consultation.suggestions]
        return [topic, consultation, *items]

    def _excluded(self, topic: Topic, n: int, clock: _Clock) -> Topic:
        ground = GROUNDS[(n // 20) % len(GROUNDS)]
        with clock.tick():
            topic.exclude(
                ground=ground, explanation="不宜协商" * (ground.requires_explanation), actor=STAFF
            )
        if n % 20 == 19:
            with clock.tick():
                topic.reverse_exclusion(reason="复核后纳入", actor=COMMITTEE)
        return topic

    def _consultation(
        self, topic: Topic, platform_id: UUID, form: ConsultationForm, clock: _Clock
    ) -> Consultation:
        with clock.tick():
            starts_at = clock.now + timedelta(days=7)
            consultation = Consultation.schedule(
                form=form,
                platform_id=platform_id,
                starts_at=starts_at,
                venue="" if form is ConsultationForm.ONLINE else "协商议事厅",
                topic=topic,
                closes_at=starts_at + timedelta(days=3)
                if form is ConsultationForm.ONLINE
                else None,
                actor=STAFF,
            )
        people = [
            Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员", subject_id="m1"),
            Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民", subject_id="r1"),
        ]
        with clock.tick():
            consultation.identify_participants(participants=people, actor=STAFF)
        with clock.tick():
            consultation.notify_participants(notice="请准时参加。", actor=STAFF)
        if form is ConsultationForm.ONLINE:
            for k in range(2):
                with clock.at(starts_at + timedelta(hours=k + 1)):
                    consultation.post_online_opinion(
                        author=Proposer.checked(f"网友{k}", subject_id=f"w{k}"),
                        content="建议增加夜间停车位",
                        actor=CITIZEN,
                    )
        with clock.at(starts_at + timedelta(days=3, hours=1)):
            consultation.hold(
                held_at=clock.now,
                attendee_ids=[p.id for p in people],
                record="交通委答复了停车位规划。",
                opinions=["增加停车位"],
                suggestions=["利用学校操场夜间错时停车", "规范夜间路边停车"],
                actor=STAFF,
            )
        with clock.tick():
            consultation.report(
                kind=ReportKind.PUBLIC_OPINION,
                recipient="区委办",
                reference="",
                summary="建议错时开放学校操场停车。",
                actor=STAFF,
            )
        return consultation

    def _item(
        self, consultation: Consultation, suggestion: str, n: int, clock: _Clock
    ) -> SupervisionItem:
        with clock.tick():
            item = SupervisionItem.open_from(consultation, suggestion=suggestion, actor=STAFF)
        with clock.tick():
            item.assign(
                unit_id=self.unit_ids[n % len(self.unit_ids)],
                committee_id=self.committee_ids[n % len(self.committee_ids)],
                supervisor_id=self.supervisor_ids[n % len(self.supervisor_ids)],
                due_on=clock.now.date() + timedelta(days=30),
                reason="",
                actor=STAFF,
            )
        with clock.tick(days=5):
            item.report_progress(
                progress="已协调学校开放操场",
                problems="夜间管理人手不足",
                approach="由社区志愿者协助管理",
                reporting_department="区交通委",
                reported_on=clock.now.date(),
                actor=UNIT,
            )
        if n % 4 != 3:
            with clock.tick(days=n % 9):
                item.resolve(outcome="操场已错时开放,新增夜间车位。", actor=UNIT)
        return item


class _Clock:
    """Event times that move forward within a story, so durations are what they would be."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    @contextmanager
    def tick(self, days: int = 0) -> Iterator[None]:
        self.now += timedelta(days=days, minutes=1)
        with recorded_at(self.now):
            yield

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        self.now = max(self.now, moment)
        with recorded_at(self.now):
            yield
