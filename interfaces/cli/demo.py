"""Seeds the demo district (XX区) through the application's use cases.

Every command carries a deterministic command id ("demo:topic:017:verify"), so running the
seed again on the same log replays the recorded outcomes and stores nothing. Each command is
recorded as of its historical moment (2026-03 to 2026-11, written in Beijing time, stored in UTC),
and the commands are sent in the order of those moments, so the log reads as the year happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import NAMESPACE_URL, UUID, uuid5

from application.app import Yishiting
from application.receipts import Command, Outcome
from domain.base import Actor, recorded_at
from domain.consultation import suggestion_id
from domain.people import Participant, Proposer
from domain.vocabulary import Channel, PlatformKind, UnitKind
from interfaces.cli import demo_data as data
from interfaces.cli.demo_accounts import SeededAccount, seed_demo_accounts

BEIJING = timezone(timedelta(hours=8), "CST")
YEAR = 2026
NAMESPACE = uuid5(NAMESPACE_URL, "https://yishiting/demo")
REFERENCE_DAY = datetime(YEAR, 3, 2, 9, 0, tzinfo=BEIJING).astimezone(UTC)

# The stages a matter goes through, by its fate, and how many days each stage takes.
FATES: dict[str, tuple[str, ...]] = {
    "proposed": (),
    "verified": ("verify",),
    "submitted": ("verify", "submit"),
    "approved": ("verify", "submit", "approve"),
    "returned": ("verify", "submit", "return"),
    "resubmitted": ("verify", "submit", "return", "resubmit"),
    "reapproved": ("verify", "submit", "return", "resubmit", "approve"),
    "excluded": ("exclude",),
    "excluded_verified": ("verify", "exclude"),
    "reversed": ("exclude", "reverse", "verify", "submit", "approve"),
}
DAYS: dict[str, Callable[[int], int]] = {
    "verify": lambda no: 2 + no % 5,
    "submit": lambda no: 3 + no % 4,
    "approve": lambda no: 5 + (no * 3) % 9,
    "return": lambda no: 6 + no % 5,
    "resubmit": lambda no: 7 + no % 5,
    "exclude": lambda no: 1 + no % 3,
    "reverse": lambda _: 9,
}
COMMITTEE_STAGES = ("approve", "return")  # the platform reverses its own mistaken exclusion


@dataclass(frozen=True)
class DemoReport:
    """What the demo district holds, and whether this run stored anything."""

    platforms: int
    committees: int
    units: int
    people: int
    members: int
    topics: int
    consultations: int
    items: int
    commands: int
    platform_ids: dict[str, UUID]
    committee_ids: dict[str, UUID]
    events_stored: int
    sign_ins: list[Actor] = field(default_factory=list)
    accounts: list[SeededAccount] = field(default_factory=list)

    @property
    def stored_anything(self) -> bool:
        return self.events_stored > 0

    def summary(self) -> str:
        """One line for the console, Chinese first."""
        stored = (
            f"新写入 {self.events_stored} 个事件 stored {self.events_stored} events"
            if self.stored_anything
            else "无新数据(已写入过) nothing new (already seeded)"
        )
        return (
            f"示范区 {data.DISTRICT} demo district: {self.committees} 专委会 committees, "
            f"{self.platforms} 平台 platforms, {self.units} 单位 units, {self.people} 人员 people "
            f"({self.members} 委员 members), "
            f"{self.topics} 事项 topics, {self.consultations} 协商 consultations, "
            f"{self.items} 督办事项 items; {self.commands} 条指令 commands; {stored}"
        )


Send = Callable[["Seeding", Command], Outcome]


@dataclass(frozen=True)
class Step:
    """One command of the demo: when it happened, its id, who sent it, what it does."""

    at: datetime
    command_id: str
    actor: str
    send: Send
    remember: str = ""


class Seeding:
    """Sends steps in historical order, remembering the ids of what they created."""

    def __init__(self, app: Yishiting) -> None:
        self.app = app
        self.ids: dict[str, UUID] = {}

    def id(self, key: str) -> UUID:
        return self.ids[key]

    def actor(self, key: str) -> Actor:
        actor_id, name, role, scope = data.ACTORS[key]
        return Actor(actor_id, name, role, str(self.ids[scope]) if scope else "")

    def run(self, steps: Iterable[Step]) -> int:
        count = 0
        for step in sorted(steps, key=lambda s: s.at):
            command = Command(self.actor(step.actor), command_id=step.command_id)
            with recorded_at(step.at):
                outcome = step.send(self, command)
            if step.remember:
                self.ids[step.remember] = outcome.id
            count += 1
        return count


def seed_demo(app: Yishiting) -> DemoReport:
    """Seeds XX区 into `app`'s log; a repeated run stores nothing."""
    before = app.position()
    seeding = Seeding(app)
    steps = plan()
    commands = seeding.run(steps)
    # The accounts are opened just after the year's last step: every run, the same moments.
    with recorded_at(max(step.at for step in steps) + timedelta(minutes=1)):
        accounts = seed_demo_accounts(app, {key: seeding.actor(key) for key in data.SIGN_INS})
    return DemoReport(
        platforms=len(data.PLATFORMS),
        committees=len(data.COMMITTEES),
        units=len(data.UNITS),
        people=len(data.PEOPLE),
        members=len(data.MEMBERS),
        topics=len(data.MATTERS),
        consultations=len(data.MEETINGS),
        items=len(data.ITEMS),
        commands=commands,
        platform_ids={name: seeding.id(f"platform:{key}") for key, name, *_ in data.PLATFORMS},
        committee_ids={name: seeding.id(f"committee:{key}") for key, name in data.COMMITTEES},
        events_stored=app.position() - before,
        sign_ins=[seeding.actor(key) for key in data.SIGN_INS],
        accounts=accounts,
    )


def plan() -> list[Step]:
    """Every command of the demo, in no particular order (Seeding.run sorts them by time)."""
    return [
        *reference_steps(),
        *(step for matter in data.MATTERS for step in matter_steps(matter)),
        *(research_step(*row) for row in data.RESEARCH),
        *(step for meeting in data.MEETINGS for step in meeting_steps(meeting)),
        *(step for item in data.ITEMS for step in item_steps(item)),
    ]


# ---------------------------------------------------------------- time and identity


def at(moment: str) -> datetime:
    """A moment written "MM-DD HH:MM" in Beijing time, 2026, in UTC like the app's clock."""
    local = datetime.strptime(f"{YEAR}-{moment}", "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    return local.astimezone(UTC)


def day(moment: str) -> date:
    """The Beijing calendar day of a moment written "MM-DD HH:MM"."""
    return at(moment).astimezone(BEIJING).date()


def due(iso: str) -> date | None:
    return date.fromisoformat(iso) if iso else None


def stable_id(*parts: object) -> str:
    """A personal-data subject or participant id that is the same on every run."""
    return uuid5(NAMESPACE, ":".join(str(p) for p in parts)).hex


def staff(platform: str, moment: datetime) -> str:
    """The actor key of the platform's designated person at that moment."""
    current = ""
    for key, since, actor in data.STAFF:
        if key == platform and at(since) <= moment:
            current = actor
    return current


def platform_committee(platform: str) -> str:
    return next(row[4] for row in data.PLATFORMS if row[0] == platform)


# ---------------------------------------------------------------- reference data


def reference_steps() -> list[Step]:
    steps: list[Step] = []
    for n, (key, name) in enumerate(data.COMMITTEES):
        steps.append(committee_step(REFERENCE_DAY + timedelta(minutes=5 * n), key, name))
    for n, (key, name, kind) in enumerate(data.UNITS):
        moment = REFERENCE_DAY + timedelta(hours=1, minutes=5 * n)
        steps.append(unit_step(moment, key, name, kind))
    for n, (key, name, position) in enumerate(data.PEOPLE):
        moment = REFERENCE_DAY + timedelta(days=1, minutes=5 * n)
        steps.append(person_step(moment, key, name, position))
    for n, row in enumerate(data.PLATFORMS):
        steps.append(platform_step(REFERENCE_DAY + timedelta(days=2, minutes=10 * n), *row))
    steps.extend(enrol_step(*row) for row in data.MEMBERS)
    steps.extend(responsible_change_step(*row) for row in data.RESPONSIBLE_CHANGES)
    steps.extend(hall_move_step(*row) for row in data.HALL_MOVES)
    return steps


def committee_step(moment: datetime, key: str, name: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.establish_committee(c, name=name)

    return Step(moment, f"demo:committee:{key}:establish", "admin", send, f"committee:{key}")


def unit_step(moment: datetime, key: str, name: str, kind: UnitKind) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.register_unit(c, name=name, kind=kind)

    return Step(moment, f"demo:unit:{key}:register", "admin", send, f"unit:{key}")


def person_step(moment: datetime, key: str, name: str, position: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        subject = stable_id("person", key)
        return s.app.register_person(c, name=name, position=position, subject_id=subject)

    return Step(moment, f"demo:person:{key}:register", "admin", send, f"person:{key}")


def platform_step(
    moment: datetime,
    key: str,
    name: str,
    kind: PlatformKind,
    venue: str,
    committee: str,
    person: str,
) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.register_platform(
            c,
            name=name,
            kind=kind,
            hall_venue=venue,
            committee_id=s.id(f"committee:{committee}"),
            responsible_person_id=s.id(f"person:{person}"),
        )

    return Step(moment, f"demo:platform:{key}:register", "admin", send, f"platform:{key}")


def enrol_step(person: str, sector: str, platform: str, when: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.enroll_member(
            c, s.id(f"person:{person}"), sector=sector, platform_id=s.id(f"platform:{platform}")
        )

    return Step(at(when), f"demo:person:{person}:enrol", "admin", send)


def roster(s: Seeding, key: str) -> str:
    """The id of the person `key` as a roster pick carries it; "" for someone not picked."""
    return str(s.id(f"person:{key}")) if key else ""


def members(s: Seeding, keys: Iterable[str]) -> list[UUID]:
    return [s.id(f"person:{key}") for key in keys]


def responsible_change_step(platform: str, person: str, when: str, reason: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.change_responsible_person(
            c, s.id(f"platform:{platform}"), person_id=s.id(f"person:{person}"), reason=reason
        )

    return Step(at(when), f"demo:platform:{platform}:responsible:{person}", "admin", send)


def hall_move_step(platform: str, venue: str, when: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.move_platform_hall(c, s.id(f"platform:{platform}"), hall_venue=venue)

    return Step(at(when), f"demo:platform:{platform}:hall:{when[:5]}", "admin", send)


# ---------------------------------------------------------------- matters and topics


def matter_steps(m: data.Matter) -> list[Step]:
    """The matter's proposal and each later stage of its fate, days apart."""
    moment = at(f"{m.proposed} 09:00") + timedelta(minutes=(m.no * 37) % 150)
    steps = [propose_step(m, moment)]
    for n, stage in enumerate(FATES[m.fate], start=1):
        moment += timedelta(days=DAYS[stage](m.no), minutes=17 * n)
        steps.append(stage_step(m, stage, moment))
    return steps


def propose_step(m: data.Matter, moment: datetime) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        name, phone, organisation = m.proposer
        proposer = Proposer.checked(
            name,
            phone,
            organisation=organisation,
            subject_id=stable_id("matter", m.no),
            person_id=roster(s, m.member),
        )
        return s.app.propose_topic(
            c,
            title=m.title,
            content=m.content,
            channel=m.channel,
            category=m.category,
            platform_id=s.id(f"platform:{m.platform}"),
            proposer=proposer,
            hotline_tickets=list(m.tickets),
        )

    actor = {Channel.HOTLINE_12345: "sys:12345", Channel.ONLINE: "sys:app"}.get(
        m.channel, staff(m.platform, moment)
    )
    return Step(moment, f"demo:topic:{m.no:03d}:propose", actor, send, f"topic:{m.no}")


def stage_step(m: data.Matter, stage: str, moment: datetime) -> Step:
    committee = f"committee:{platform_committee(m.platform)}"
    actor = committee if stage in COMMITTEE_STAGES else staff(m.platform, moment)
    return Step(moment, f"demo:topic:{m.no:03d}:{stage}", actor, STAGES[stage](m))


def verify(m: data.Matter) -> Send:
    return lambda s, c: s.app.verify_topic(c, s.id(f"topic:{m.no}"), basic_situation=m.situation)


def submit(m: data.Matter) -> Send:
    title = m.drafted or f"关于“{m.title}”的协商"
    committee = f"committee:{platform_committee(m.platform)}"
    return lambda s, c: s.app.submit_topic(
        c, s.id(f"topic:{m.no}"), drafted_title=title, committee_id=s.id(committee)
    )


def resubmit(m: data.Matter) -> Send:
    return submit(m._replace(drafted=data.RETURNS[m.no][1]))


def approve(m: data.Matter) -> Send:
    reason = data.APPROVALS[m.no % len(data.APPROVALS)]
    return lambda s, c: s.app.approve_topic(c, s.id(f"topic:{m.no}"), reason=reason)


def return_(m: data.Matter) -> Send:
    reason = data.RETURNS[m.no][0]
    return lambda s, c: s.app.return_topic(c, s.id(f"topic:{m.no}"), reason=reason)


def exclude(m: data.Matter) -> Send:
    ground, explanation = data.EXCLUSIONS[m.no]
    return lambda s, c: s.app.exclude_topic(
        c, s.id(f"topic:{m.no}"), ground=ground, explanation=explanation
    )


def reverse(m: data.Matter) -> Send:
    reason = data.REVERSALS[m.no]
    return lambda s, c: s.app.reverse_exclusion(c, s.id(f"topic:{m.no}"), reason=reason)


STAGES: dict[str, Callable[[data.Matter], Send]] = {
    "verify": verify,
    "submit": submit,
    "resubmit": resubmit,
    "approve": approve,
    "return": return_,
    "exclude": exclude,
    "reverse": reverse,
}


def research_step(no: int, when: str, findings: str, researchers: tuple[str, ...]) -> Step:
    platform = next(m.platform for m in data.MATTERS if m.no == no)

    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.record_research(
            c, s.id(f"topic:{no}"), findings=findings, researcher_ids=members(s, researchers)
        )

    return Step(at(when), f"demo:topic:{no:03d}:research", staff(platform, at(when)), send)


# ---------------------------------------------------------------- consultations


def meeting_steps(m: data.Meeting) -> list[Step]:
    steps = [schedule_step(m)]
    if m.participants:
        steps.append(participants_step(m))
    if m.notified:
        steps.append(notify_step(m))
    steps.extend(opinion_step(m, n, o) for n, o in enumerate(m.opinions, start=1))
    if m.held:
        steps.append(hold_step(m, m.held))
    steps.extend(report_step(m, n, r) for n, r in enumerate(m.reports, start=1))
    if m.cancelled:
        steps.append(cancel_step(m, *m.cancelled))
    return steps


def meeting_step(m: data.Meeting, moment: datetime, what: str, send: Send) -> Step:
    """A step on meeting `m`, sent by its platform's designated person."""
    return Step(moment, f"demo:consultation:{m.key}:{what}", staff(m.platform, moment), send)


def schedule_step(m: data.Meeting) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.schedule_consultation(
            c,
            form=m.form,
            platform_id=s.id(f"platform:{m.platform}"),
            starts_at=at(m.starts),
            venue=m.venue,
            topic_id=s.id(f"topic:{m.topic}") if m.topic else None,
            theme=m.theme,
            closes_at=at(m.closes) if m.closes else None,
        )

    step = meeting_step(m, at(m.scheduled), "schedule", send)
    return replace(step, remember=f"consultation:{m.key}")


def participants(s: Seeding, m: data.Meeting) -> list[Participant]:
    """The meeting's participants, with the same ids on every run."""
    return [
        replace(
            Participant.checked(
                p.kind,
                p.name,
                p.organisation,
                stable_id(m.key, "subject", n),
                person_id=roster(s, p.person),
            ),
            id=stable_id(m.key, "participant", n),
        )
        for n, p in enumerate(m.participants)
    ]


def participants_step(m: data.Meeting) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        consultation = s.id(f"consultation:{m.key}")
        return s.app.identify_participants(c, consultation, participants=participants(s, m))

    return meeting_step(m, at(m.scheduled) + timedelta(days=1), "participants", send)


def notify_step(m: data.Meeting) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.notify_participants(c, s.id(f"consultation:{m.key}"), notice=m.notice)

    return meeting_step(m, at(m.notified), "notify", send)


def opinion_step(m: data.Meeting, n: int, o: data.Opinion) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        author = Proposer.checked(
            o.author,
            subject_id=stable_id(m.key, "opinion", n),
            person_id=roster(s, o.author_person),
        )
        return s.app.post_online_opinion(
            c, s.id(f"consultation:{m.key}"), author=author, content=o.content
        )

    return Step(at(o.at), f"demo:consultation:{m.key}:opinion:{n}", o.via, send)


def hold_step(m: data.Meeting, h: data.Held) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        everyone = participants(s, m)
        return s.app.hold_consultation(
            c,
            s.id(f"consultation:{m.key}"),
            held_at=at(h.at),
            attendee_ids=[everyone[n].id for n in h.attendees],
            record=h.record,
            opinions=list(h.opinions),
            suggestions=list(h.suggestions),
        )

    return meeting_step(m, at(h.at) + timedelta(hours=3), "hold", send)


def report_step(m: data.Meeting, n: int, r: data.Reporting) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.report_consultation(
            c,
            s.id(f"consultation:{m.key}"),
            kind=r.kind,
            recipient=data.RECIPIENT,
            summary=r.summary,
            reference=r.reference,
            signer_ids=members(s, r.signers),
        )

    return meeting_step(m, at(r.at), f"report:{n}", send)


def cancel_step(m: data.Meeting, when: str, reason: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.cancel_consultation(c, s.id(f"consultation:{m.key}"), reason=reason)

    return meeting_step(m, at(when), "cancel", send)


# ---------------------------------------------------------------- problem list


def item_steps(i: data.Item) -> list[Step]:
    steps = [open_step(i)]
    if i.assigned:
        steps.append(assign_step(i, i.assigned, "assign"))
    if i.reassigned:
        steps.append(assign_step(i, i.reassigned, "reassign"))
    steps.extend(follow_step(i, n, key) for n, key in enumerate(i.followers, start=1))
    steps.extend(progress_step(i, n, p) for n, p in enumerate(i.progress, start=1))
    if i.resolved:
        steps.append(decision_step(i, "resolve", *i.resolved))
    if i.reopened:
        steps.append(decision_step(i, "reopen", *i.reopened))
    return steps


def item_platform(i: data.Item) -> str:
    return next(m.platform for m in data.MEETINGS if m.key == i.meeting)


def item_command(i: data.Item, what: str) -> str:
    return f"demo:item:{i.no:02d}:{what}"


def open_step(i: data.Item) -> Step:
    meeting = next(m for m in data.MEETINGS if m.key == i.meeting)
    if meeting.held is None:
        raise ValueError(f"demo item {i.no} comes from meeting {i.meeting}, which was not held")
    position = i.suggestion + 1  # a suggestion's id counts from 1 (domain/consultation.py)

    def send(s: Seeding, c: Command) -> Outcome:
        consultation_id = s.id(f"consultation:{i.meeting}")
        return s.app.open_supervision_item(
            c,
            consultation_id=consultation_id,
            suggestion_id=suggestion_id(consultation_id, position),
        )

    moment = at(i.opened)
    actor = staff(meeting.platform, moment)
    return Step(moment, item_command(i, "open"), actor, send, f"item:{i.no}")


def assign_step(i: data.Item, a: data.Assignment, what: str) -> Step:
    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.assign_item(
            c,
            s.id(f"item:{i.no}"),
            unit_id=s.id(f"unit:{a.unit}"),
            committee_id=s.id(f"committee:{a.committee}"),
            supervisor_id=s.id(f"person:{a.supervisor}"),
            due_on=due(a.due),
            reason=a.reason,
        )

    moment = at(a.at)
    return Step(moment, item_command(i, what), staff(item_platform(i), moment), send)


def follow_step(i: data.Item, n: int, member: str) -> Step:
    """A member follows the item (跟踪督办), entered by the platform's staff the day it opens."""

    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.follow_item(c, s.id(f"item:{i.no}"), person_id=s.id(f"person:{member}"))

    moment = at(i.opened) + timedelta(hours=2, minutes=10 * n)
    return Step(moment, item_command(i, f"follow:{member}"), staff(item_platform(i), moment), send)


def progress_step(i: data.Item, n: int, p: data.Progress) -> Step:
    department = next(name for key, name, _ in data.UNITS if key == p.unit)

    def send(s: Seeding, c: Command) -> Outcome:
        return s.app.report_progress(
            c,
            s.id(f"item:{i.no}"),
            progress=p.progress,
            problems=p.problems,
            approach=p.approach,
            reporting_department=department,
            reported_on=day(p.at),
        )

    return Step(at(p.at), item_command(i, f"progress:{n}"), f"unit:{p.unit}", send)


def decision_step(i: data.Item, what: str, when: str, text: str) -> Step:
    """Resolving (办结) or reopening, by the responsible committee that tracks the item."""
    assignment = i.reassigned or i.assigned
    if assignment is None:
        raise ValueError(f"demo item {i.no} is decided but never assigned")

    def send(s: Seeding, c: Command) -> Outcome:
        item_id = s.id(f"item:{i.no}")
        if what == "resolve":
            return s.app.resolve_item(c, item_id, outcome=text)
        return s.app.reopen_item(c, item_id, reason=text)

    return Step(at(when), item_command(i, what), f"committee:{assignment.committee}", send)
