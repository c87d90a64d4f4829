"""To-do lists (待办, issue 19): a scripted district gives each scoped role exactly the entries
waiting for it — platform staff 待核实 / 待提交 / 待安排 / 待报送 / 待建立督办, committee 待确定 /
待跟进, unit 待填报 / 即将到期 / 已逾期, supervisor 已逾期 — the other district's things absent
(but an item the other district assigned to this unit present), each entry named by its title
with its stage, dates, working days left and reminder; the count drops once the thing is done.
Through GraphQL (`viewer { todo }`) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from application.calendar import district_today
from application.receipts import Command
from domain.base import SYSTEM
from domain.vocabulary import ExclusionGround, ReportKind
from tests.support.district import District
from tests.support.world import World, postgres_schema, running

TODO = """{ viewer { todo { count groups { code label count entries {
  kind id title context stage stageLabel at dueOn workingDaysLeft reminder { code label }
  remindedAt path } } } } }"""
GROUPS = {
    "platform_staff": [
        "to_verify",
        "to_submit",
        "to_arrange",
        "to_report",
        "to_supervise",
        "to_assign",
    ],
    "committee": ["to_approve", "to_follow_up"],
    "unit": ["to_report_progress", "due_soon", "overdue"],
    "supervisor": ["overdue"],
}
SUGGESTION = "利用学校操场夜间错时停车"  # each held consultation's, in tests/support/district.py
LABELS = {
    "to_verify": "待核实",
    "to_submit": "待提交",
    "to_arrange": "待安排",
    "to_report": "待报送",
    "to_supervise": "待建立督办",
    "to_assign": "待交办",
    "to_approve": "待确定",
    "to_follow_up": "待跟进",
    "to_report_progress": "待填报",
    "due_soon": "即将到期",
    "overdue": "已逾期",
}


@dataclass
class Script:
    """What each group of the home district's roles must hold: ids, and the titles they show."""

    expected: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    titles: dict[str, str] = field(default_factory=dict)
    handles: dict[str, UUID] = field(default_factory=dict)

    def expect(self, group: str, ident: UUID, title: str) -> UUID:
        self.expected[group].add(str(ident))
        self.titles[str(ident)] = title
        return ident


def report(d: District, consultation_id: UUID) -> None:
    d.app.report_consultation(
        d.staff,
        consultation_id,
        kind=ReportKind.PUBLIC_OPINION,
        recipient="区委办公室",
        summary="建议错时停车。",
    )


def progress(d: District, command: Command, item_id: UUID) -> None:
    d.app.report_progress(
        command,
        item_id,
        progress="已协调学校操场夜间开放。",
        problems="无",
        approach="继续推进",
        reporting_department="区交通委",
        reported_on=district_today(),
    )


def assign(d: District, item_id: UUID, to: District, **due: Any) -> None:
    d.app.assign_item(
        d.staff,
        item_id,
        unit_id=to.unit_id,
        committee_id=d.committee_id,
        supervisor_id=to.supervisor_id,
        reason="确定办理期限" if due else "",
        **due,
    )


def item(d: District, to: District, **due: Any) -> UUID:
    consultation_id, suggestion = d.held_consultation()
    report(d, consultation_id)  # reported, and its suggestion becomes an item: no longer waiting
    item_id = d.app.open_supervision_item(
        d.staff, consultation_id=consultation_id, suggestion=suggestion
    ).id
    assign(d, item_id, to, **due)
    return item_id


def script(d: District, other: District, s: Script, mark: str) -> None:
    """The same things in each district; `s` keeps what home's roles must see."""
    app, staff = d.app, d.staff
    s.expect("to_verify", d.propose_hotline_matter(f"{mark}待核实停车难"), f"{mark}待核实停车难")
    secret = d.propose_hotline_matter(f"{mark}保密事项")
    app.exclude_topic(staff, secret, ground=ExclusionGround.CONFIDENTIAL, explanation="须保密")
    verified = d.propose_hotline_matter(f"{mark}待提交路灯")
    app.verify_topic(staff, verified, basic_situation="涉及2个小区。")
    s.expect("to_submit", verified, f"{mark}待提交路灯")
    submitted = d.propose_hotline_matter(f"{mark}待确定噪音")
    app.verify_topic(staff, submitted, basic_situation="夜间施工。")
    drafted = f"关于{mark}夜间施工噪音的协商"
    app.submit_topic(staff, submitted, drafted_title=drafted, committee_id=d.committee_id)
    s.expect("to_approve", submitted, drafted)
    s.expect("to_arrange", d.approved_topic(), "关于缓解老旧小区停车难的协商")
    held, _ = d.held_consultation()
    s.expect("to_report", held, "关于缓解老旧小区停车难的协商")
    reported, _ = d.held_consultation()
    report(d, reported)
    s.handles[f"{mark}reported"] = s.expect(
        "to_supervise", reported, "关于缓解老旧小区停车难的协商"
    )
    unassigned_from, _ = d.held_consultation()
    report(d, unassigned_from)
    unassigned = app.open_supervision_item(
        staff, consultation_id=unassigned_from, suggestion=SUGGESTION
    ).id
    s.handles[f"{mark}unassigned"] = s.expect("to_assign", unassigned, SUGGESTION)
    fresh = item(d, d, due_on=district_today() + timedelta(days=90))
    s.handles[f"{mark}fresh"] = s.expect("to_report_progress", fresh, SUGGESTION)
    reported_on = item(d, d, due_on=district_today() + timedelta(days=90))
    progress(d, d.unit, reported_on)
    s.handles[f"{mark}followed"] = s.expect("to_follow_up", reported_on, SUGGESTION)
    soon = item(d, d, due_in_working_days=1)
    progress(d, d.unit, soon)
    s.expect("due_soon", soon, SUGGESTION)
    s.expect("to_follow_up", soon, SUGGESTION)
    late = item(d, d, due_on=district_today() - timedelta(days=30))
    app.remind_of_deadline(Command(SYSTEM), late, today=district_today())
    s.handles[f"{mark}late"] = late
    for group in ("overdue", "to_report_progress"):
        s.expect(group, late, SUGGESTION)
    # The other district hands one of its items to this district's unit and supervisor.
    handed = item(other, d, due_on=district_today() - timedelta(days=10))
    for group in ("to_report_progress", "overdue"):
        s.expect(group, handed, SUGGESTION)


@dataclass
class Story:
    world: World
    script: Script


def told(url: str) -> Iterator[Story]:
    with running(url) as world:
        home, ignored = Script(), Script()
        script(world.home, world.away, home, "甲")
        script(world.away, world.home, ignored, "乙")
        world.system.projector.wait_for(world.position())
        yield Story(world, home)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def story(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("todo") / "yishiting.db"
        yield from told(f"sqlite:///{path}")
    else:
        with postgres_schema() as url:
            yield from told(url)


def todo(world: World, role: str) -> dict[str, Any]:
    body = world.execute(role, TODO)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["viewer"]["todo"]
    return found


def by_group(found: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {g["code"]: {e["id"]: e for e in g["entries"]} for g in found["groups"]}


@pytest.mark.parametrize("role", sorted(GROUPS))
def test_each_role_gets_exactly_its_scopes_entries(story: Story, role: str) -> None:
    found = todo(story.world, role)
    groups = by_group(found)
    assert [g["code"] for g in found["groups"]] == GROUPS[role]
    for g in found["groups"]:
        assert g["label"] == LABELS[g["code"]]
        assert g["count"] == len(g["entries"])
        assert set(groups[g["code"]]) == story.script.expected[g["code"]], g["code"]
        for entry in g["entries"]:
            assert entry["title"] == story.script.titles[entry["id"]]
            assert entry["path"].endswith(entry["id"])
            assert entry["path"].startswith("#/")
            assert entry["stageLabel"]
            assert entry["at"]
    assert found["count"] == len({i for g in groups.values() for i in g})


@pytest.mark.parametrize("role", ["leader", "auditor", "admin"])
def test_readers_of_everything_have_no_list(story: Story, role: str) -> None:
    assert todo(story.world, role) == {"count": 0, "groups": []}


def test_items_carry_their_due_date_working_days_left_and_reminder(story: Story) -> None:
    unit = by_group(todo(story.world, "unit"))
    soon = next(iter(unit["due_soon"].values()))
    assert 0 <= soon["workingDaysLeft"] <= 3
    assert date.fromisoformat(soon["dueOn"]) >= district_today()
    late = unit["overdue"][str(story.script.handles["甲late"])]
    assert late["workingDaysLeft"] < 0
    assert late["dueOn"] == (district_today() - timedelta(days=30)).isoformat()
    assert late["reminder"] == {"code": "OVERDUE", "label": "已逾期"}
    assert datetime.fromisoformat(late["remindedAt"]).tzinfo is not None
    assert late["kind"] == "SUPERVISION_ITEM"
    assert late["path"] == f"#/item/{late['id']}"
    assert late["stageLabel"] == "已交办"
    assert late["context"]


def test_a_restricted_matter_is_on_no_list(story: Story) -> None:
    for role in GROUPS:
        text = str(todo(story.world, role))
        assert "保密事项" not in text
        assert "内容已按规定限制" not in text


def test_the_count_drops_once_the_thing_is_done(story: Story) -> None:
    world, s = story.world, story.script
    d = world.home
    before = {role: todo(world, role)["count"] for role in GROUPS}
    # The unit reports progress: off its 待填报, onto the committee's 待跟进.
    progress(d, d.unit, s.handles["甲fresh"])
    # The platform opens an item from the report's suggestion: off its 待建立督办, on 待交办;
    # then it assigns another item, opened before: off 待交办.
    consultation = s.handles["甲reported"]
    opened = d.app.open_supervision_item(
        d.staff, consultation_id=consultation, suggestion=SUGGESTION
    ).id
    far = district_today() + timedelta(days=90)
    assign(d, s.handles["甲unassigned"], world.away, due_on=far)  # to the other district's unit
    # The committee resolves an item it followed up.
    d.app.resolve_item(d.committee, s.handles["甲followed"], outcome="已办结,车位增加。")
    world.system.projector.wait_for(world.position())
    after = {role: by_group(todo(world, role)) for role in GROUPS}
    assert str(s.handles["甲fresh"]) not in after["unit"]["to_report_progress"]
    assert str(consultation) not in after["platform_staff"]["to_supervise"]
    assert set(after["platform_staff"]["to_assign"]) == {str(opened)}
    assert str(s.handles["甲followed"]) not in after["committee"]["to_follow_up"]
    assert str(s.handles["甲fresh"]) in after["committee"]["to_follow_up"]
    assert todo(world, "unit")["count"] == before["unit"] - 1
    assert todo(world, "platform_staff")["count"] == before["platform_staff"] - 1
    assert todo(world, "committee")["count"] == before["committee"]  # one done, one new
    assert todo(world, "supervisor")["count"] == before["supervisor"]
