"""A small district to tell stories in: one committee, a platform, a unit, and their people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.app import Yishiting
from application.receipts import Command
from domain.base import Actor
from domain.people import Participant, Proposer
from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ParticipantKind,
    PlatformKind,
    Role,
    UnitKind,
)

ADMIN = Actor("admin-1", "系统管理员", Role.ADMIN)


@dataclass
class District:
    app: Yishiting
    committee_id: UUID
    platform_id: UUID
    unit_id: UUID
    supervisor_id: UUID
    staff: Command
    committee: Command
    unit: Command

    @classmethod
    def build(cls, app: Yishiting) -> District:
        admin = Command(ADMIN)
        committee_id = app.establish_committee(admin, name="社会和法制委员会").id
        head_id = app.register_person(admin, name="张站长", position="工作站负责人").id
        supervisor_id = app.register_person(admin, name="刘督办", position="督办负责人").id
        platform_id = app.register_platform(
            admin,
            name="永顺镇委员工作站",
            kind=PlatformKind.MEMBER_WORKSTATION,
            hall_venue="永顺镇协商议事厅",
            committee_id=committee_id,
            responsible_person_id=head_id,
        ).id
        unit_id = app.register_unit(admin, name="区交通委", kind=UnitKind.DISTRICT_DEPARTMENT).id
        return cls(
            app=app,
            committee_id=committee_id,
            platform_id=platform_id,
            unit_id=unit_id,
            supervisor_id=supervisor_id,
            staff=Command(Actor("staff-1", "李专员", Role.PLATFORM_STAFF, str(platform_id))),
            committee=Command(Actor("cttee-1", "王主任", Role.COMMITTEE, str(committee_id))),
            unit=Command(Actor("unit-1", "赵科长", Role.UNIT, str(unit_id))),
        )

    def propose_hotline_matter(self, title: str = "小区停车难") -> UUID:
        return self.app.propose_topic(
            self.staff,
            title=title,
            content="居民反映小区周边停车位不足,夜间乱停车严重。",
            channel=Channel.HOTLINE_12345,
            category=Category.GOVERNANCE,
            platform_id=self.platform_id,
            proposer=Proposer.checked("陈群众", "13800000001"),
            hotline_tickets=["GD20261126001", "GD20261126002"],
        ).id

    def propose_from(self, proposer: Proposer, title: str = "楼道堆物") -> UUID:
        """A resident's matter, raised by this platform's staff in the proposer's name."""
        return self.app.propose_topic(
            self.staff,
            title=title,
            content="楼道长期堆放杂物。",
            channel=Channel.MASSES,
            category=Category.LIVELIHOOD,
            platform_id=self.platform_id,
            proposer=proposer,
        ).id

    def approved_topic(self) -> UUID:
        topic_id = self.propose_hotline_matter()
        self.app.verify_topic(self.staff, topic_id, basic_situation="涉及3个小区约2000户。")
        self.app.submit_topic(
            self.staff,
            topic_id,
            drafted_title="关于缓解老旧小区停车难的协商",
            committee_id=self.committee_id,
        )
        self.app.approve_topic(self.committee, topic_id, reason="群众关切,切口小,同意协商。")
        return topic_id

    def scheduled_consultation(self, topic_id: UUID | None = None) -> UUID:
        topic_id = topic_id or self.approved_topic()
        return self.app.schedule_consultation(
            self.staff,
            form=ConsultationForm.SUGGESTION,
            platform_id=self.platform_id,
            starts_at=datetime.now(UTC) + timedelta(days=3),
            topic_id=topic_id,
        ).id

    def held_consultation(self) -> tuple[UUID, str]:
        consultation_id = self.scheduled_consultation()
        member = Participant.checked(ParticipantKind.CPPCC_MEMBER, "周委员")
        resident = Participant.checked(ParticipantKind.MASSES_OR_ENTERPRISE, "吴居民")
        self.app.identify_participants(self.staff, consultation_id, participants=[member, resident])
        suggestion = "利用学校操场夜间错时停车"
        self.app.hold_consultation(
            self.staff,
            consultation_id,
            held_at=datetime.now(UTC),
            attendee_ids=[member.id],
            record="交通委答复了停车位规划。",
            opinions=["增加停车位"],
            suggestions=[suggestion],
        )
        return consultation_id, suggestion

    def assigned_item(self) -> UUID:
        consultation_id, suggestion = self.held_consultation()
        item_id = self.app.open_supervision_item(
            self.staff, consultation_id=consultation_id, suggestion=suggestion
        ).id
        self.app.assign_item(
            self.staff,
            item_id,
            unit_id=self.unit_id,
            committee_id=self.committee_id,
            supervisor_id=self.supervisor_id,
        )
        return item_id
