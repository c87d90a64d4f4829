"""Issue 19: an item's timeline — every decision, each of its progress reports with its texts
and each deadline reminder, in order, with who and when — and a 网络协商's online opinions
(their number, text, time, and the author's name for those cleared for personal data), read
through GraphQL from the views, on SQLite and PostgreSQL; a rebuild of the views reads the same."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.calendar import district_today, official_calendar
from application.receipts import Command
from domain.base import SYSTEM, Actor
from domain.people import ERASED, Proposer
from domain.vocabulary import ConsultationForm, Role
from tests.support.district import ADMIN
from tests.support.world import World, postgres_schema, running

REPORTS = ("第一次:已排查学校操场", "第二次:与学校签订错时停车协议", "第三次:操场夜间开放试运行")
DUE_ON = district_today() + timedelta(days=30)

TIMELINE = """query Timeline($id: ID!) { supervisionItem(id: $id) { timeline {
  dueOn workingDaysLeft weekdaysAssumed
  steps { eventType label decision occurredAt actorName actorRole { label } summary reason
          daysSinceOpened
          report { progress problems approach reportingDepartment reportedOn } }
} } }"""
OPINIONS = """query Opinions($id: ID!) { consultation(id: $id) {
  onlineOpinionsCount onlineOpinions { id authorName content postedAt } } }"""
POST = """mutation Post($input: PostOnlineOpinionInput!) { postOnlineOpinion(input: $input) {
  id position } }"""


@dataclass
class Story:
    world: World
    item_id: UUID
    consultation_id: UUID
    author: Proposer


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def story(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('timeline')}/yishiting.db"
        with running(url) as world:
            yield _tell(world)
    else:
        with postgres_schema() as url, running(url) as world:
            yield _tell(world)


def _tell(world: World) -> Story:
    d, app = world.home, world.system.app
    issue = world.http.app.state.authenticator.issue  # type: ignore[attr-defined]
    elsewhere = Actor("staff-b", "别处专员", Role.PLATFORM_STAFF, str(world.away.platform_id))
    world.headers["staff_elsewhere"] = {"Authorization": f"Bearer {issue(elsewhere)}"}
    item_id = d.assigned_item()
    app.assign_item(
        d.committee,
        item_id,
        unit_id=d.unit_id,
        committee_id=d.committee_id,
        supervisor_id=d.supervisor_id,
        due_on=DUE_ON,
        reason="明确办理期限",
    )
    for n, progress in enumerate(REPORTS, start=1):
        app.report_progress(
            d.unit,
            item_id,
            progress=progress,
            problems=f"问题{n}",
            approach=f"思路{n}",
            reporting_department="区交通委",
            reported_on=date(2026, 3, n),
        )
    app.remind_of_deadline(Command(SYSTEM), item_id, today=DUE_ON + timedelta(days=1))
    app.resolve_item(d.committee, item_id, outcome="操场已错时开放。")
    app.reopen_item(d.committee, item_id, reason="群众反映夜间仍难停车")
    consultation_id = app.schedule_consultation(
        d.staff,
        form=ConsultationForm.ONLINE,
        platform_id=d.platform_id,
        starts_at=datetime.now(UTC) - timedelta(hours=1),
        closes_at=datetime.now(UTC) + timedelta(days=7),
        theme="老旧小区加装电梯,您怎么看?",
    ).id
    author = Proposer.checked("周居民", "13800000009")
    app.post_online_opinion(d.staff, consultation_id, author=author, content="建议先在三号楼试点")
    assert world.system.projector.wait_for(world.position(), timeout=30)
    return Story(world, item_id, consultation_id, author)


def _timeline(story: Story, role: str) -> Any:
    body = story.world.execute(role, TIMELINE, {"id": str(story.item_id)})
    assert "errors" not in body, body
    item = body["data"]["supervisionItem"]
    return item["timeline"] if item else None


def test_the_timeline_holds_every_report_in_order_with_the_decisions_and_the_reminder(
    story: Story,
) -> None:
    timeline = _timeline(story, "platform_staff")
    steps = timeline["steps"]
    assert [s["label"] for s in steps] == [
        "建立督办事项",
        "交办",
        "改派",
        "填报进展",
        "填报进展",
        "填报进展",
        "督办提醒",
        "办结",
        "重新办理",
    ]
    reports = [s["report"] for s in steps if s["report"]]
    assert [r["progress"] for r in reports] == list(REPORTS)
    assert [r["reportedOn"] for r in reports] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert reports[1] == {
        "progress": REPORTS[1],
        "problems": "问题2",
        "approach": "思路2",
        "reportingDepartment": "区交通委",
        "reportedOn": "2026-03-02",
    }
    moments = [datetime.fromisoformat(s["occurredAt"]) for s in steps]
    assert moments == sorted(moments)
    assert all(m.tzinfo for m in moments)
    assert [s["actorName"] for s in steps[3:7]] == ["赵科长"] * 3 + ["系统"]
    assert "逾期" in steps[6]["summary"]
    assert str(DUE_ON) in steps[6]["summary"]
    assert [s["decision"] for s in steps] == [False, True, True] + [False] * 4 + [True, True]
    assert steps[2]["reason"] == "明确办理期限"
    assert steps[8]["reason"] == "群众反映夜间仍难停车"
    assert all(s["daysSinceOpened"] == round(s["daysSinceOpened"], 1) for s in steps)


def test_the_timeline_counts_the_working_days_left_to_its_due_date(story: Story) -> None:
    before = official_calendar().working_days_between(district_today(), DUE_ON).value
    timeline = _timeline(story, "unit")
    after = official_calendar().working_days_between(district_today(), DUE_ON).value
    assert timeline["dueOn"] == DUE_ON.isoformat()
    assert timeline["workingDaysLeft"] in {before, after}  # a midnight between the readings
    assert 15 <= timeline["workingDaysLeft"] <= 23
    # The unit reads the item's steps from its assignment to that unit on.
    assert [s["label"] for s in timeline["steps"]][:2] == ["交办", "改派"]
    assert len(timeline["steps"]) == 8
    assert timeline["steps"][0]["daysSinceOpened"] >= 0


def _not_found(story: Story, role: str, document: str, identifier: UUID) -> bool:
    body = story.world.execute(role, document, {"id": str(identifier)})
    return [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]


def test_a_reader_out_of_the_items_reach_reads_no_timeline(story: Story) -> None:
    assert _not_found(story, "staff_elsewhere", TIMELINE, story.item_id)
    assert _not_found(story, "integration", TIMELINE, story.item_id)


def _opinions(story: Story, role: str) -> Any:
    body = story.world.execute(role, OPINIONS, {"id": str(story.consultation_id)})
    assert "errors" not in body, body
    return body["data"]["consultation"]


def test_online_opinions_are_listed_with_their_count_text_and_time(story: Story) -> None:
    sent = story.world.execute(
        "platform_staff",
        POST,
        {
            "input": {
                "consultationId": str(story.consultation_id),
                "authorName": "郑委员",
                "content": "电梯费用分摊应按楼层",
            }
        },
    )
    assert "errors" not in sent, sent
    assert story.world.system.projector.wait_for(story.world.position(), timeout=30)
    staff = _opinions(story, "platform_staff")
    assert staff["onlineOpinionsCount"] == len(staff["onlineOpinions"]) == 2
    assert [(o["authorName"], o["content"]) for o in staff["onlineOpinions"]] == [
        ("周居民", "建议先在三号楼试点"),
        ("郑委员", "电梯费用分摊应按楼层"),
    ]
    posted = [datetime.fromisoformat(o["postedAt"]) for o in staff["onlineOpinions"]]
    assert posted == sorted(posted)
    assert all(p.tzinfo for p in posted)


def test_an_online_opinions_author_is_personal_data(story: Story) -> None:
    committee = _opinions(story, "committee")
    assert committee["onlineOpinions"], committee
    assert {o["authorName"] for o in committee["onlineOpinions"]} == {None}
    assert "建议先在三号楼试点" in [o["content"] for o in committee["onlineOpinions"]]
    assert _opinions(story, "auditor")["onlineOpinions"][0]["authorName"] == "周居民"
    assert _not_found(story, "staff_elsewhere", OPINIONS, story.consultation_id)


def test_a_role_that_may_not_post_is_refused_and_nothing_is_stored(story: Story) -> None:
    count = _opinions(story, "platform_staff")["onlineOpinionsCount"]
    sent = story.world.execute(
        "committee",
        POST,
        {
            "input": {
                "consultationId": str(story.consultation_id),
                "authorName": "王主任",
                "content": "不应出现",
            }
        },
    )
    assert [e["extensions"]["code"] for e in sent["errors"]] == ["FORBIDDEN"], sent
    assert "无权" in sent["errors"][0]["message"]
    assert story.world.system.projector.wait_for(story.world.position(), timeout=30)
    assert _opinions(story, "platform_staff")["onlineOpinionsCount"] == count


def test_an_erased_author_reads_as_erased_and_the_opinion_stays(story: Story) -> None:
    """Last in the module: it erases the author the tests above read by name."""
    app = story.world.system.app
    app.erase_subject(Command(ADMIN), subject_id=story.author.subject_id, reason="本人申请删除")
    assert story.world.system.projector.wait_for(story.world.position(), timeout=30)
    opinions = _opinions(story, "platform_staff")["onlineOpinions"]
    assert (opinions[0]["authorName"], opinions[0]["content"]) == (ERASED, "建议先在三号楼试点")
    assert opinions[1]["authorName"] == "郑委员"
