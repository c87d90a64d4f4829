"""Records to read, each district's with personal data of its own (names, phones, ID numbers,
participants) that can be searched for in any response: the fixture of the read table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.people import Participant, Proposer
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ParticipantKind,
)
from tests.support.district import District


@dataclass
class Records:
    """Ids by kind and group ("home", "away", and "away→home": a record of the other district
    handed to home's committee, unit or supervisor), and each district's personal data."""

    ids: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    personal: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, group: str, identifier: UUID) -> UUID:
        self.ids[kind][group].add(str(identifier))
        return identifier

    def of(self, kind: str, groups: set[str]) -> set[str]:
        return set().union(*(self.ids[kind][g] for g in groups)) if groups else set()

    def every(self, kind: str) -> set[str]:
        return self.of(kind, set(self.ids[kind]))

    def proposer_names(self, group: str) -> set[str]:
        return {p for p in self.personal[group] if p.startswith("群众")}


class Populating:
    def __init__(self, records: Records, d: District, group: str, mark: str) -> None:
        self.records, self.d, self.group, self.mark = records, d, group, mark

    def proposer(self, role: str, n: int) -> Proposer:
        name, phone = f"{role}{self.mark}{n}号", f"1381{self.mark_digit}00{n:04d}"
        id_number = f"11010119900101{self.mark_digit}{n:03d}"
        self.records.personal[self.group] += [name, phone, id_number]
        return Proposer.checked(name, phone, id_number, f"{self.mark}幸福小区{n}")

    @property
    def mark_digit(self) -> str:
        return "1" if self.group == "home" else "2"

    def topic(self, n: int, group: str | None = None) -> UUID:
        topic_id = self.d.app.propose_topic(
            self.d.staff,
            title=f"{self.mark}区停车难{n}",
            content="居民反映停车位不足。",
            channel=Channel.MASSES,
            category=Category.LIVELIHOOD,
            platform_id=self.d.platform_id,
            proposer=self.proposer("群众", n),
        ).id
        return self.records.add("topics", group or self.group, topic_id)

    def approved(self, n: int) -> UUID:
        topic_id = self.topic(n)
        app, staff = self.d.app, self.d.staff
        app.verify_topic(staff, topic_id, basic_situation="涉及3个小区。")
        app.submit_topic(
            staff, topic_id, drafted_title=f"{self.mark}停车议题", committee_id=self.d.committee_id
        )
        app.approve_topic(self.d.committee, topic_id, reason="同意协商。")
        return topic_id

    def held(self, topic_id: UUID) -> UUID:
        app, staff = self.d.app, self.d.staff
        consultation_id = self.records.add(
            "consultations", self.group, self.d.scheduled_consultation(topic_id)
        )
        people = [
            Participant.checked(
                ParticipantKind.CPPCC_MEMBER, f"委员{self.mark}", f"{self.mark}界别组"
            ),
            Participant.checked(
                ParticipantKind.MASSES_OR_ENTERPRISE, f"居民{self.mark}", f"{self.mark}楼院"
            ),
        ]
        self.records.personal[self.group] += [p.name for p in people] + [
            p.organisation for p in people
        ]
        app.identify_participants(staff, consultation_id, participants=people)
        app.hold_consultation(
            staff,
            consultation_id,
            held_at=datetime.now(UTC),
            attendee_ids=[p.id for p in people],
            record="交通委答复了停车位规划。",
            opinions=["增加停车位"],
            suggestions=["错时停车", "新建停车库"],
        )
        return consultation_id

    def item(self, consultation_id: UUID, suggestion: str, to: District, group: str) -> UUID:
        app = self.d.app
        item_id = app.open_supervision_item(
            self.d.staff, consultation_id=consultation_id, suggestion=suggestion
        ).id
        app.assign_item(
            self.d.staff,
            item_id,
            unit_id=to.unit_id,
            committee_id=self.d.committee_id,
            supervisor_id=to.supervisor_id,
        )
        return self.records.add("items", group, item_id)

    def online(self) -> UUID:
        consultation_id = self.d.app.schedule_consultation(
            self.d.staff,
            form=ConsultationForm.ONLINE,
            platform_id=self.d.platform_id,
            starts_at=datetime.now(UTC) - timedelta(days=1),
            theme=f"{self.mark}加装电梯",
        ).id
        author = self.proposer("网民", 9)
        self.d.app.post_online_opinion(
            self.d.staff, consultation_id, author=author, content="建议优先低楼层。"
        )
        return self.records.add("consultations", self.group, consultation_id)


def populate(home: District, away: District) -> Records:
    """In each district: a proposed matter, an excluded one, an approved topic held with two
    named participants and an item assigned in the district, an online consultation with an
    opinion. Away also submits a matter to home's committee and assigns an item to home's unit
    and supervisor (with away's committee)."""
    records = Records()
    for d, group, mark in ((home, "home", "甲"), (away, "away", "乙")):
        p = Populating(records, d, group, mark)
        p.topic(1)
        excluded = p.topic(2)
        d.app.exclude_topic(d.staff, excluded, ground=ExclusionGround.REAL_NAME_REPORT)
        consultation_id = p.held(p.approved(3))
        p.item(consultation_id, "错时停车", d, group)
        p.online()
        if d is away:
            handed = p.topic(4, group="away→home")
            d.app.verify_topic(d.staff, handed, basic_situation="跨区域事项。")
            d.app.submit_topic(
                d.staff, handed, drafted_title="跨区域停车", committee_id=home.committee_id
            )
            p.item(consultation_id, "新建停车库", home, "away→home")
    return records
