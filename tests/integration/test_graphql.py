"""The GraphQL API end to end in-process: the whole story through mutations, each followed at
once by the views it changed (read-your-writes), refusals, idempotency, pagination, filters,
DataLoaders, the committed SDL, health, and the query limits. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

import interfaces.bootstrap
from application.calendar import district_today
from application.settings import Settings
from domain.base import Actor
from domain.consultation import suggestion_id
from domain.vocabulary import Role
from interfaces.graphql.router import YishitingRouter
from interfaces.graphql.schema import SDL_PATH, sdl
from interfaces.server import create_app
from projections.reads.queries import ViewQueries
from projections.store import Row
from tests.support.graphql import (
    ADMIN,
    DRAFTED_TITLE,
    HOTLINE_MATTER,
    SUGGESTIONS,
    Changed,
    GraphQLClient,
    GraphQLDistrict,
    Steps,
    assert_explained,
    credentials_of,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

TOPIC = """query Topic($id: ID!) { topic(id: $id) {
  id title draftedTitle content status { code label } channel { code label }
  category { code label } exclusionGround { code label } exclusionReason
  exclusionExplanation hotlineTickets
  proposerName basicSituation decisionReason researchCount consultationsCount proposedAt
  verifiedAt submittedAt approvedAt returnedAt excludedAt approvalDays version
  platform { id name } committee { id name } consultations { id } } }"""

CONSULTATION = """query Consultation($id: ID!) { consultation(id: $id) {
  id form { code label } mode { code label } subject startsAt closesAt venue
  status { code label } participantsCount notifiedAt heldAt attendeesCount opinionsCount
  suggestionsCount onlineOpinionsCount reportsCount reportKind { code label } reportRecipient
  reportReference reportedAt cancelReason version platform { id } topic { id } items { id } } }"""

ITEM = """query Item($id: ID!) { supervisionItem(id: $id) {
  id seqNo consultationTime subject suggestion unitName committeeName supervisorName progress
  problems approach reportingDepartment reportedOn status { code label } dueOn overdue
  progressCount outcome openedAt assignedAt resolvedAt daysToResolve version
  consultation { id } topic { id } unit { name } committee { name } platform { name } } }"""

COUNTS = "{ key label count }"
DASHBOARD = f"""query Dashboard {{ dashboard {{
  topicsTotal topicsByStatus {COUNTS} topicsByChannel {COUNTS} topicsByCategory {COUNTS}
  topicsByPlatform {COUNTS} topicsByCommittee {COUNTS} topicsByExclusionGround {COUNTS}
  consultationsByForm {COUNTS} consultationsByStatus {COUNTS}
  consultationsByMonth {{ month form label count }} itemsByStatus {COUNTS}
  itemsOpen itemsOverdue itemsResolved medianDaysToApproval medianDaysToResolve }} }}"""

MONTHS = """query Months($filter: DashboardFilter) { dashboard(filter: $filter) {
  consultationsByMonth { month form label count } consultationMonthsFrom consultationMonthsTo } }"""

BY_UNIT = f"""query {{ dashboard {{ itemsByUnit {COUNTS} dueSoonWorkingDays
  overdueByUnit {{ unitId unitName count oldestItemId oldestSeqNo oldestDueOn }} }} }}"""

TOPIC_COUNT = "query { topics { totalCount } }"

EMPTY_BOARD: dict[str, Any] = {
    "topicsTotal": 0,
    "topicsByStatus": {},
    "topicsByChannel": {},
    "topicsByCategory": {},
    "topicsByPlatform": {},
    "topicsByCommittee": {},
    "topicsByExclusionGround": {},
    "consultationsByForm": {},
    "consultationsByStatus": {},
    "consultationsByMonth": {},
    "itemsByStatus": {},
    "itemsOpen": 0,
    "itemsOverdue": 0,
    "itemsResolved": 0,
    "medianDaysToApproval": None,
    "medianDaysToResolve": None,
}

# The 督办落实情况 form's columns, in its order, with the footer.
LEDGER_COLUMNS = (
    "seqNo",
    "consultationTime",
    "subject",
    "suggestion",
    "unitName",
    "committeeName",
    "supervisorName",
    "progress",
    "problems",
    "approach",
    "reportingDepartment",
    "reportedOn",
)


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[CountingViewQueries]:
    """The view queries the app builds, counting the DataLoaders' batch calls."""
    made: list[CountingViewQueries] = []

    def counting(store: Any) -> CountingViewQueries:
        made.append(CountingViewQueries(store))
        return made[-1]

    monkeypatch.setattr(interfaces.bootstrap, "ViewQueries", counting)
    return made


@pytest.fixture
def http(url: str, queries: list[CountingViewQueries]) -> Iterator[TestClient]:
    # As a context manager, the lifespan starts (and then stops) the embedded projector.
    # Stories write faster than people do: the per-caller write limit is raised for them.
    settings = Settings(database_url=url, writes_per_minute=100_000)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def api(http: TestClient) -> GraphQLClient:
    """Reads as the administrator; each step of a story acts as its own person."""
    return GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)


@pytest.fixture
def hall(api: GraphQLClient) -> GraphQLDistrict:
    return GraphQLDistrict.build(api)


class CountingViewQueries(ViewQueries):
    """The real queries; `by_ids` and `ids_of` (the DataLoaders' batches) are counted."""

    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def by_ids(self, table: str, *args: Any, **kwargs: Any) -> dict[str, Row]:
        with self._lock:
            self.calls[f"by_ids {table}"] += 1
        return super().by_ids(table, *args, **kwargs)

    def ids_of(self, table: str, column: str, *args: Any, **kwargs: Any) -> list[Row]:
        with self._lock:
            self.calls[f"ids_of {table}.{column}"] += 1
        return super().ids_of(table, column, *args, **kwargs)

    def references(self, tables: Any, *args: Any, **kwargs: Any) -> dict[str, dict[str, Row]]:
        tables = list(tables)
        with self._lock:
            self.calls[f"references {','.join(tables)}"] += 1
        return super().references(tables, *args, **kwargs)


# ----------------------------------------------------------------------------------- helpers


def term(code: str, label: str) -> dict[str, str]:
    return {"code": code, "label": label}


def pick(view: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The view's values for the keys the expectation names (to compare with ==)."""
    return {k: view[k] for k in expected}


def topic(api: GraphQLClient, topic_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.query(TOPIC, id=topic_id)["topic"]
    return found


def consultation(api: GraphQLClient, consultation_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.query(CONSULTATION, id=consultation_id)["consultation"]
    return found


def item(api: GraphQLClient, item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.query(ITEM, id=item_id)["supervisionItem"]
    return found


def participants(api: GraphQLClient, consultation_id: str) -> list[dict[str, Any]]:
    found = api.query(
        "query($id: ID!) { consultation(id: $id) {"
        " participants { id kind { code } name organisation attended } } }",
        id=consultation_id,
    )
    named: list[dict[str, Any]] = found["consultation"]["participants"]
    return named


def board(api: GraphQLClient) -> dict[str, Any]:
    """The dashboard with each list of counts as {key: (label, count)}."""
    shown: dict[str, Any] = {}
    for name, value in api.query(DASHBOARD)["dashboard"].items():
        if name == "consultationsByMonth":
            shown[name] = {(m["month"], m["form"]): (m["label"], m["count"]) for m in value}
        elif isinstance(value, list):
            shown[name] = {c["key"]: (c["label"], c["count"]) for c in value}
        else:
            shown[name] = value
    return shown


def topic_count(api: GraphQLClient) -> int:
    count: int = api.query(TOPIC_COUNT)["topics"]["totalCount"]
    return count


class Versions:
    """Each record's version goes up by one per command; log positions only ever grow."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.position = 0

    def __call__(self, changed: Changed, view_version: int | None = None) -> Changed:
        assert changed.version == self.last.get(changed.id, 0) + 1, changed
        assert changed.position is not None
        assert changed.position > self.position, changed
        if view_version is not None:
            assert view_version == changed.version, "the view shows the version just written"
        self.last[changed.id] = changed.version
        self.position = changed.position
        return changed


class Untouched:
    """The log position, the topic count and the dashboard, to show a refusal stored nothing."""

    def __init__(self, http: TestClient, api: GraphQLClient) -> None:
        self.http, self.api = http, api
        self.before = self.state()

    def state(self) -> tuple[int, int, dict[str, Any]]:
        log = self.http.get("/readyz").json()["log"]
        return log, topic_count(self.api), board(self.api)

    def check(self) -> None:
        assert self.state() == self.before, "a refused command stores nothing"


def refused(
    http: TestClient, api: GraphQLClient, code: str, reason: str, attempt: Any
) -> dict[str, Any]:
    """Runs `attempt()` (a refused step), checks the error and that nothing was stored."""
    untouched = Untouched(http, api)
    error: dict[str, Any] = attempt()
    assert_explained(error, code, reason)
    untouched.check()
    return error


# --------------------------------------------------------------------------------- rosters

ROSTER = (
    "query($id: ID!) { consultation(id: $id) {"
    " participants { name organisation personId unitId } } }"
)


def test_participants_picked_from_the_roster_are_linked_to_the_person_and_unit(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    consultation_id = hall.scheduled_consultation()
    member = hall.admin.register_person("周建国", "政协委员").id
    hall.staff.identify_participants(
        consultation_id,
        participants=[
            # the typed name gives way to the roster's
            {"kind": "CPPCC_MEMBER", "name": "周委员", "personId": member},
            {"kind": "DISTRICT_DEPARTMENT", "name": "钱科长", "unitId": hall.unit_id},
            {"kind": "MASSES_OR_ENTERPRISE", "name": "吴居民", "organisation": "幸福小区"},
        ],
    )
    named = hall.staff.client.query(ROSTER, id=consultation_id)["consultation"]["participants"]
    assert named == [
        {"name": "周建国", "organisation": "", "personId": member, "unitId": None},
        {"name": "钱科长", "organisation": "区交通委", "personId": None, "unitId": hall.unit_id},
        {"name": "吴居民", "organisation": "幸福小区", "personId": None, "unitId": None},
    ]
    # the link names the person: withheld, like the name, from whoever may not see it
    leader = api.acting_as(Actor("leader-1", "区领导", Role.LEADER))
    seen = leader.query(ROSTER, id=consultation_id)["consultation"]["participants"]
    assert [(p["name"], p["personId"], p["unitId"]) for p in seen] == [
        (None, None, None),
        (None, None, hall.unit_id),
        (None, None, None),
    ]


def test_a_roster_id_that_names_no_record_is_refused(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    consultation_id = hall.scheduled_consultation()
    staff = hall.staff
    for picked in (
        {"personId": str(uuid4())},
        {"unitId": str(uuid4())},
        {"personId": hall.unit_id},
    ):
        refused(
            http,
            api,
            "NOT_FOUND",
            "NOT_FOUND",
            lambda picked=picked: staff.refused.identify_participants(
                consultation_id, participants=[{"kind": "CPPCC_MEMBER", "name": "某", **picked}]
            ),
        )
    error = refused(
        http,
        api,
        "BAD_USER_INPUT",
        "INVALID_ID",
        lambda: staff.refused.identify_participants(
            consultation_id,
            participants=[{"kind": "CPPCC_MEMBER", "name": "某", "personId": "not-an-id"}],
        ),
    )
    assert error["extensions"]["details"] == {"field": "personId"}


# ------------------------------------------------------------------------------ suggestions


def test_an_item_is_opened_from_a_suggestion_named_by_its_id(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    consultation_id = hall.held_consultation()
    staff = hall.staff
    entries = api.query(
        "query($id: ID!) { consultation(id: $id) { suggestionEntries { id text } } }",
        id=consultation_id,
    )["consultation"]["suggestionEntries"]
    # The ids are derived from the consultation and the place, so a rebuild gives the same.
    assert entries == [
        {"id": str(suggestion_id(UUID(consultation_id), n)), "text": t}
        for n, t in enumerate(SUGGESTIONS, start=1)
    ]
    ids = [e["id"] for e in entries]

    unknown = refused(
        http,
        api,
        "BAD_USER_INPUT",
        "UNKNOWN_SUGGESTION",
        lambda: staff.refused.open_supervision_item(consultation_id, suggestion_id=str(uuid4())),
    )
    assert unknown["extensions"]["details"] == {"field": "suggestionId", "suggestionIds": ids}
    for both_or_neither in ({"suggestion_id": ids[0], "suggestion": SUGGESTIONS[0]}, {}):
        refused(
            http,
            api,
            "BAD_USER_INPUT",
            "ONE_SUGGESTION_REFERENCE",
            lambda given=both_or_neither: staff.refused.open_supervision_item(
                consultation_id, **given
            ),
        )

    by_id = staff.open_supervision_item(consultation_id, suggestion_id=ids[1])
    by_text = staff.open_supervision_item(consultation_id, suggestion=SUGGESTIONS[0])
    read = "query($id: ID!) { supervisionItem(id: $id) { suggestion } }"
    assert api.query(read, id=by_id.id)["supervisionItem"]["suggestion"] == SUGGESTIONS[1]
    assert api.query(read, id=by_text.id)["supervisionItem"]["suggestion"] == SUGGESTIONS[0]


# ------------------------------------------------------------------------------------ story


def test_reference_data_through_the_api(http: TestClient, api: GraphQLClient) -> None:
    admin, versions = Steps(api), Versions()
    platforms = "query { platforms { id name kind { code label } hallVenue version"
    platforms += " committee { name } responsiblePerson { name position } } }"

    committee = versions(admin.establish_committee("经济委员会"))
    assert api.query("{ committees { id name } }") == {
        "committees": [{"id": committee.id, "name": "经济委员会"}]
    }
    head = versions(admin.register_person("孙站长", "活动组组长"))
    assert api.query("{ people { id name position } }") == {
        "people": [{"id": head.id, "name": "孙站长", "position": "活动组组长"}]
    }
    unit = versions(admin.register_unit("永顺镇政府", "TOWN_OR_STREET"))
    assert api.query("{ units { id name kind { code label } } }") == {
        "units": [{"id": unit.id, "name": "永顺镇政府", "kind": term("TOWN_OR_STREET", "镇(街)")}]
    }

    platform = versions(
        admin.register_platform(
            "经济界别活动组",
            kind="SECTOR_GROUP",
            committee_id=committee.id,
            responsible_person_id=head.id,
            hall_venue="区政协三楼议事厅",
        )
    )
    shown = {
        "id": platform.id,
        "name": "经济界别活动组",
        "kind": term("SECTOR_GROUP", "界别活动组"),
        "hallVenue": "区政协三楼议事厅",
        "version": 1,
        "committee": {"name": "经济委员会"},
        "responsiblePerson": {"name": "孙站长", "position": "活动组组长"},
    }
    assert api.query(platforms) == {"platforms": [shown]}

    versions(admin.move_platform_hall(platform.id, hall_venue="永顺镇文化中心"))
    shown.update(hallVenue="永顺镇文化中心", version=2)
    assert api.query(platforms) == {"platforms": [shown]}

    successor = versions(admin.register_person("钱站长"))
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "REASON_REQUIRED",
        lambda: admin.refused.change_responsible_person(
            platform.id, person_id=successor.id, reason=" "
        ),
    )
    versions(
        admin.change_responsible_person(platform.id, person_id=successor.id, reason="工作调动")
    )
    shown.update(responsiblePerson={"name": "钱站长", "position": ""}, version=3)
    assert api.query(platforms) == {"platforms": [shown]}
    # an in-person consultation is held in the platform's hall unless told otherwise: the new one
    staff = admin.acting_as(Actor("staff-x", "平台专员", Role.PLATFORM_STAFF, platform.id))
    briefing = staff.schedule_consultation(
        form="BRIEFING", platform_id=platform.id, starts_at="2026-12-01T09:00:00", theme="通报"
    )
    assert consultation(api, briefing.id)["venue"] == "永顺镇文化中心"


def test_a_12345_matter_from_proposal_to_a_resolved_supervision_item(
    api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    staff, committee, unit, supervisor = hall.staff, hall.committee, hall.unit, hall.supervisor
    versions = Versions()
    expected = dict(EMPTY_BOARD)
    assert board(api) == expected
    platform = {"id": hall.platform_id, "name": "永顺镇委员工作站"}
    committee_shown = {"id": hall.committee_id, "name": "社会和法制委员会"}

    # 五、协商事项: a matter from the 12345 hotline
    proposed = staff.propose_topic(platform_id=hall.platform_id, **HOTLINE_MATTER)
    topic_id = proposed.id
    shown = topic(api, topic_id)
    versions(proposed, shown["version"])
    assert pick(shown, {"title": 0, "content": 0, "hotlineTickets": 0}) == {
        "title": "小区停车难",
        "content": "居民反映小区周边停车位不足,夜间乱停车严重。",
        "hotlineTickets": ["GD20261126001", "GD20261126002"],
    }
    assert shown["status"] == term("PROPOSED", "已提出")
    assert shown["channel"] == term("HOTLINE_12345", "12345热线")
    assert shown["category"] == term("GOVERNANCE", "基层治理难事")
    assert (shown["platform"], shown["committee"]) == (platform, None)
    # the proposer's name is personal data: the platform's own staff see it, the admin not
    assert shown["proposerName"] is None
    assert topic(staff.client, topic_id)["proposerName"] == "陈群众"
    assert (shown["exclusionGround"], shown["consultations"], shown["draftedTitle"]) == (
        None,
        [],
        "",
    )
    assert shown["proposedAt"]
    assert shown["verifiedAt"] is None
    expected.update(
        topicsTotal=1,
        topicsByStatus={"proposed": ("已提出", 1)},
        topicsByChannel={"hotline_12345": ("12345热线", 1)},
        topicsByCategory={"governance": ("基层治理难事", 1)},
        topicsByPlatform={hall.platform_id: ("永顺镇委员工作站", 1)},
    )
    assert board(api) == expected

    # 核实
    shown = topic(api, versions(staff.verify_topic(topic_id, basic_situation="涉及3个小区。")).id)
    assert (shown["status"], shown["basicSituation"], shown["version"]) == (
        term("VERIFIED", "已核实"),
        "涉及3个小区。",
        2,
    )
    assert shown["verifiedAt"] >= shown["proposedAt"]
    expected["topicsByStatus"] = {"verified": ("已核实", 1)}
    assert board(api) == expected

    # 拟定议题, 报专委会
    versions(
        staff.submit_topic(topic_id, drafted_title="停车难问题", committee_id=hall.committee_id)
    )
    shown = topic(api, topic_id)
    assert (shown["status"], shown["draftedTitle"], shown["committee"], shown["version"]) == (
        term("SUBMITTED", "已报专委会"),
        "停车难问题",
        committee_shown,
        3,
    )
    expected["topicsByStatus"] = {"submitted": ("已报专委会", 1)}
    expected["topicsByCommittee"] = {hall.committee_id: ("社会和法制委员会", 1)}
    assert board(api) == expected

    # 专委会退回 with reasons, then the platform submits the redrafted topic again
    versions(committee.return_topic(topic_id, reason="议题过宽,请聚焦老旧小区。"))
    shown = topic(api, topic_id)
    assert (shown["status"], shown["decisionReason"], shown["version"]) == (
        term("RETURNED", "已退回"),
        "议题过宽,请聚焦老旧小区。",
        4,
    )
    assert shown["returnedAt"] is not None
    expected["topicsByStatus"] = {"returned": ("已退回", 1)}
    assert board(api) == expected

    versions(
        staff.submit_topic(topic_id, drafted_title=DRAFTED_TITLE, committee_id=hall.committee_id)
    )
    shown = topic(api, topic_id)
    assert (shown["status"], shown["draftedTitle"], shown["version"]) == (
        term("SUBMITTED", "已报专委会"),
        DRAFTED_TITLE,
        5,
    )
    expected["topicsByStatus"] = {"submitted": ("已报专委会", 1)}
    assert board(api) == expected

    # 专委会确定议题
    versions(committee.approve_topic(topic_id, reason="群众关切,切口小,同意协商。"))
    shown = topic(api, topic_id)
    assert (shown["status"], shown["decisionReason"], shown["version"]) == (
        term("APPROVED", "已确定议题"),
        "群众关切,切口小,同意协商。",
        6,
    )
    assert shown["approvedAt"] >= shown["submittedAt"]
    assert shown["approvalDays"] >= 0
    expected["topicsByStatus"] = {"approved": ("已确定议题", 1)}
    expected["medianDaysToApproval"] = round(shown["approvalDays"], 2)
    assert board(api) == expected

    # 七.2 充分调研
    versions(staff.record_research(topic_id, findings="走访3个小区,夜间车位缺口约300个。"))
    shown = topic(api, topic_id)
    assert (shown["researchCount"], shown["version"]) == (1, 7)
    assert board(api) == expected

    # 四、建言献策 (你说我听), in the platform's hall by default, at 09:30 Beijing time
    scheduled = staff.schedule_consultation(
        form="SUGGESTION",
        platform_id=hall.platform_id,
        starts_at="2026-11-28T09:30:00",
        topic_id=topic_id,
    )
    consultation_id = scheduled.id
    held = consultation(api, consultation_id)
    versions(scheduled, held["version"])
    assert held["form"] == term("SUGGESTION", "建言献策")
    assert held["mode"] == term("YOU_SPEAK", "你说我听")
    assert held["status"] == term("SCHEDULED", "已安排")
    assert pick(held, {"subject": 0, "startsAt": 0, "closesAt": 0, "venue": 0}) == {
        "subject": DRAFTED_TITLE,
        "startsAt": "2026-11-28T01:30:00.000000+00:00",
        "closesAt": None,
        "venue": "永顺镇协商议事厅",
    }
    assert (held["topic"], held["platform"], held["items"]) == (
        {"id": topic_id},
        {"id": hall.platform_id},
        [],
    )
    shown = topic(api, topic_id)
    assert (shown["consultationsCount"], shown["consultations"]) == (1, [{"id": consultation_id}])
    expected.update(
        consultationsByForm={"suggestion": ("建言献策", 1)},
        consultationsByStatus={"scheduled": ("已安排", 1)},
        consultationsByMonth={("2026-11", "suggestion"): ("建言献策", 1)},
    )
    assert board(api) == expected

    # 七.3 明确主体 and notify them
    versions(
        staff.identify_participants(
            consultation_id,
            participants=[
                {"kind": "CPPCC_MEMBER", "name": "周委员"},
                {"kind": "MASSES_OR_ENTERPRISE", "name": "吴居民"},
                {"kind": "DISTRICT_DEPARTMENT", "name": "钱科长", "organisation": "区交通委"},
            ],
        )
    )
    held = consultation(api, consultation_id)
    assert (held["participantsCount"], held["notifiedAt"], held["version"]) == (3, None, 2)
    named = participants(staff.client, consultation_id)
    assert [(p["kind"]["code"], p["name"], p["organisation"], p["attended"]) for p in named] == [
        ("CPPCC_MEMBER", "周委员", "", False),
        ("MASSES_OR_ENTERPRISE", "吴居民", "", False),
        ("DISTRICT_DEPARTMENT", "钱科长", "区交通委", False),
    ]
    # names are personal data: others see who took part by kind only
    assert [(p["id"], p["name"]) for p in participants(api, consultation_id)] == [
        (p["id"], None) for p in named
    ]
    assert board(api) == expected

    versions(staff.notify_participants(consultation_id, notice="请于11月28日9:30到永顺镇议事厅"))
    held = consultation(api, consultation_id)
    assert held["notifiedAt"] is not None
    assert (held["status"], held["version"]) == (term("SCHEDULED", "已安排"), 3)
    assert board(api) == expected

    # 七.4 开展协商: the member and the department attended, the resident did not
    member, _resident, department = (p["id"] for p in named)
    versions(
        staff.hold_consultation(
            consultation_id,
            held_at="2026-11-28T09:40:00",
            attendee_ids=[member, department],
            record="交通委答复了停车位规划。",
            opinions=["增加停车位", "规范夜间停车"],
            suggestions=SUGGESTIONS,
        )
    )
    held = consultation(api, consultation_id)
    assert held["status"] == term("HELD", "已开展")
    assert pick(held, {"heldAt": 0, "attendeesCount": 0, "opinionsCount": 0}) == {
        "heldAt": "2026-11-28T01:40:00.000000+00:00",
        "attendeesCount": 2,
        "opinionsCount": 2,
    }
    assert (held["suggestionsCount"], held["version"]) == (2, 4)
    assert [p["attended"] for p in participants(api, consultation_id)] == [True, False, True]
    expected["consultationsByStatus"] = {"held": ("已开展", 1)}
    assert board(api) == expected

    # 七.5 情况报送 as a 提案
    versions(
        staff.report_consultation(
            consultation_id,
            kind="PROPOSAL",
            recipient="区委区政府",
            summary="建议推动学校操场夜间错时开放。",
            reference="政协提案〔2026〕12号",
        )
    )
    held = consultation(api, consultation_id)
    assert (held["status"], held["reportKind"]) == (
        term("REPORTED", "已报送"),
        term("PROPOSAL", "提案"),
    )
    assert pick(held, {"reportRecipient": 0, "reportReference": 0, "reportsCount": 0}) == {
        "reportRecipient": "区委区政府",
        "reportReference": "政协提案〔2026〕12号",
        "reportsCount": 1,
    }
    assert held["reportedAt"] is not None
    assert held["version"] == 5
    expected["consultationsByStatus"] = {"reported": ("已报送", 1)}
    assert board(api) == expected

    # 七.6 督办落实: a row of the problem list from the first suggestion
    opened = staff.open_supervision_item(consultation_id, suggestion=SUGGESTIONS[0])
    item_id = opened.id
    row = item(api, item_id)
    versions(opened, row["version"])
    ledger = {
        "seqNo": 1,
        "consultationTime": "2026-11-28T01:40:00.000000+00:00",
        "subject": DRAFTED_TITLE,
        "suggestion": SUGGESTIONS[0],
        "unitName": "",
        "committeeName": "",
        "supervisorName": "",
        "progress": "",
        "problems": "",
        "approach": "",
        "reportingDepartment": "",
        "reportedOn": None,
    }
    assert pick(row, ledger) == ledger
    assert (row["status"], row["overdue"], row["dueOn"], row["unit"]) == (
        term("OPENED", "待交办"),
        False,
        None,
        None,
    )
    assert (row["consultation"], row["topic"], row["platform"]) == (
        {"id": consultation_id},
        {"id": topic_id},
        {"name": "永顺镇委员工作站"},
    )
    assert consultation(api, consultation_id)["items"] == [{"id": item_id}]
    expected.update(itemsByStatus={"opened": ("待交办", 1)}, itemsOpen=1)
    assert board(api) == expected

    # 交办 to the unit, the committee office and the supervisor
    versions(
        staff.assign_item(
            item_id,
            unit_id=hall.unit_id,
            committee_id=hall.committee_id,
            supervisor_id=hall.supervisor_id,
            due_on=date(2099, 6, 30),
        )
    )
    row = item(api, item_id)
    ledger.update(unitName="区交通委", committeeName="社会和法制委员会", supervisorName="刘督办")
    assert pick(row, ledger) == ledger
    assert (row["status"], row["dueOn"], row["overdue"], row["version"]) == (
        term("ASSIGNED", "已交办"),
        "2099-06-30",
        False,
        2,
    )
    assert (row["unit"], row["committee"]) == ({"name": "区交通委"}, {"name": "社会和法制委员会"})
    assert row["assignedAt"] is not None
    expected["itemsByStatus"] = {"assigned": ("已交办", 1)}
    assert board(api) == expected

    # 填报进展, twice: the row shows the latest report
    versions(
        unit.report_progress(
            item_id,
            progress="已协调两所学校开放操场",
            problems="学校担心安全管理",
            approach="由街道派保安值守",
            reporting_department="区交通委",
            reported_on=date(2026, 12, 1),
        )
    )
    row = item(api, item_id)
    ledger.update(
        progress="已协调两所学校开放操场",
        problems="学校担心安全管理",
        approach="由街道派保安值守",
        reportingDepartment="区交通委",
        reportedOn="2026-12-01",
    )
    assert pick(row, ledger) == ledger
    assert (row["status"], row["progressCount"], row["version"]) == (
        term("IN_PROGRESS", "办理中"),
        1,
        3,
    )
    expected["itemsByStatus"] = {"in_progress": ("办理中", 1)}
    assert board(api) == expected

    versions(
        unit.report_progress(
            item_id,
            progress="两所学校操场已夜间开放",
            reporting_department="区交通委综合科",
            reported_on="2026-12-15",
        )
    )
    row = item(api, item_id)
    ledger.update(
        progress="两所学校操场已夜间开放",
        problems="",
        approach="",
        reportingDepartment="区交通委综合科",
        reportedOn="2026-12-15",
    )
    assert pick(row, ledger) == ledger
    assert (row["progressCount"], row["version"]) == (2, 4)
    assert board(api) == expected

    # 办结, reopened with a reason, and resolved again
    versions(supervisor.resolve_item(item_id, outcome="新增车位120个。"))
    row = item(api, item_id)
    assert (row["status"], row["outcome"], row["version"]) == (
        term("RESOLVED", "已办结"),
        "新增车位120个。",
        5,
    )
    assert row["resolvedAt"] is not None
    assert row["daysToResolve"] >= 0
    expected.update(
        itemsByStatus={"resolved": ("已办结", 1)},
        itemsOpen=0,
        itemsResolved=1,
        medianDaysToResolve=round(row["daysToResolve"], 2),
    )
    assert board(api) == expected

    versions(committee.reopen_item(item_id, reason="群众反映夜间仍无人值守。"))
    row = item(api, item_id)
    assert (row["status"], row["outcome"], row["resolvedAt"], row["version"]) == (
        term("REOPENED", "重新办理"),
        "",
        None,
        6,
    )
    expected.update(
        itemsByStatus={"reopened": ("重新办理", 1)},
        itemsOpen=1,
        itemsResolved=0,
        medianDaysToResolve=None,
    )
    assert board(api) == expected

    versions(
        unit.report_progress(
            item_id,
            progress="街道已安排夜间值守",
            reporting_department="区交通委",
            reported_on="2027-01-05",
        )
    )
    row = item(api, item_id)
    assert (row["status"], row["progressCount"], row["reportedOn"]) == (
        term("IN_PROGRESS", "办理中"),
        3,
        "2027-01-05",
    )
    expected["itemsByStatus"] = {"in_progress": ("办理中", 1)}
    assert board(api) == expected

    final = versions(supervisor.resolve_item(item_id, outcome="新增车位120个,夜间有人值守。"))
    row = item(api, item_id)
    ledger.update(
        progress="街道已安排夜间值守", reportingDepartment="区交通委", reportedOn="2027-01-05"
    )
    assert pick(row, ledger) == ledger
    assert (row["status"], row["outcome"], row["version"]) == (
        term("RESOLVED", "已办结"),
        "新增车位120个,夜间有人值守。",
        final.version,
    )
    expected.update(
        itemsByStatus={"resolved": ("已办结", 1)},
        itemsOpen=0,
        itemsResolved=1,
        medianDaysToResolve=round(row["daysToResolve"], 2),
    )
    assert board(api) == expected
    assert final.version == 8


def test_a_real_name_report_is_excluded_and_a_mistaken_exclusion_reversed(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    staff = hall.staff
    versions = Versions()
    report = versions(
        staff.propose_topic(
            title="举报某单位负责人违规",
            content="实名举报某单位负责人违规占用公共车位。",
            channel="MASSES",
            category="LIVELIHOOD",
            platform_id=hall.platform_id,
            proposer={"name": "孙举报", "phone": "13900000002", "idNumber": "110101199001011234"},
        )
    )
    shown = topic(api, report.id)
    assert (shown["status"], shown["channel"], shown["category"]) == (
        term("PROPOSED", "已提出"),
        term("MASSES", "群众"),
        term("LIVELIHOOD", "民生实事"),
    )
    expected = {
        **EMPTY_BOARD,
        "topicsTotal": 1,
        "topicsByStatus": {"proposed": ("已提出", 1)},
        "topicsByChannel": {"masses": ("群众", 1)},
        "topicsByCategory": {"livelihood": ("民生实事", 1)},
        "topicsByPlatform": {hall.platform_id: ("永顺镇委员工作站", 1)},
    }
    assert board(api) == expected

    versions(
        staff.exclude_topic(
            report.id, ground="REAL_NAME_REPORT", reason="已告知举报人向纪检监察机关反映。"
        )
    )
    shown = topic(api, report.id)
    assert (shown["status"], shown["exclusionGround"], shown["version"]) == (
        term("EXCLUDED", "不纳入协商"),
        term("REAL_NAME_REPORT", "实名举报的"),
        2,
    )
    # Need-to-know: a real-name report's texts are for its platform and the discipline
    # office; the administrator reads that it exists, its ground and the placeholder.
    assert shown["exclusionReason"] == shown["exclusionExplanation"] == "内容已按规定限制"
    auditor = api.acting_as(Actor("audit-1", "纪检组", Role.AUDITOR))
    assert topic(auditor, report.id)["exclusionReason"] == "已告知举报人向纪检监察机关反映。"
    assert shown["excludedAt"] is not None
    expected["topicsByStatus"] = {"excluded": ("不纳入协商", 1)}
    expected["topicsByExclusionGround"] = {"real_name_report": ("实名举报的", 1)}
    assert board(api) == expected
    excluded = api.query(
        "query { topics(filter: {ground: REAL_NAME_REPORT}) { totalCount nodes { id } } }"
    )["topics"]
    assert excluded == {"totalCount": 1, "nodes": [{"id": report.id}]}

    # an excluded matter goes no further
    refused(
        http,
        api,
        "CONFLICT",
        "WRONG_STATE",
        lambda: staff.refused.verify_topic(report.id, basic_situation="核实"),
    )

    # A second matter is verified, excluded as 'other' (which needs a written explanation),
    # and the mistaken decision reversed by a new decision with a reason.
    other = versions(hall.staff.propose_topic(platform_id=hall.platform_id, **HOTLINE_MATTER))
    versions(staff.verify_topic(other.id, basic_situation="涉及一条道路。"))
    error = refused(
        http,
        api,
        "BAD_USER_INPUT",
        "INVALID_INPUT",
        lambda: staff.refused.exclude_topic(other.id, ground="OTHER", reason="  "),
    )
    assert error["extensions"]["details"] == {"field": "reason"}
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "REASON_AND_EXPLANATION",
        lambda: staff.refused.run(
            "excludeTopic", topicId=other.id, ground="OTHER", reason="甲", explanation="乙"
        ),
    )
    # The deprecated spelling still decides, for one release.
    versions(
        staff.run(
            "excludeTopic", topicId=other.id, ground="OTHER", explanation="属于规划调整,不宜协商。"
        )
    )
    shown = topic(api, other.id)
    assert shown["exclusionReason"] == shown["exclusionExplanation"]
    assert (shown["status"], shown["exclusionGround"], shown["exclusionReason"]) == (
        term("EXCLUDED", "不纳入协商"),
        term("OTHER", "其他不宜纳入协商范围的事项"),
        "属于规划调整,不宜协商。",
    )
    expected.update(
        topicsTotal=2,
        topicsByStatus={"excluded": ("不纳入协商", 2)},
        topicsByChannel={"hotline_12345": ("12345热线", 1), "masses": ("群众", 1)},
        topicsByCategory={"governance": ("基层治理难事", 1), "livelihood": ("民生实事", 1)},
        topicsByPlatform={hall.platform_id: ("永顺镇委员工作站", 2)},
        topicsByExclusionGround={
            "other": ("其他不宜纳入协商范围的事项", 1),
            "real_name_report": ("实名举报的", 1),
        },
    )
    assert board(api) == expected

    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "REASON_REQUIRED",
        lambda: staff.refused.reverse_exclusion(other.id, reason=""),
    )
    versions(staff.reverse_exclusion(other.id, reason="经复核属于民生实事,可以协商。"))
    shown = topic(api, other.id)
    assert (shown["status"], shown["exclusionGround"], shown["exclusionReason"]) == (
        term("VERIFIED", "已核实"),
        None,
        "",
    )
    assert (shown["decisionReason"], shown["excludedAt"], shown["version"]) == (
        "经复核属于民生实事,可以协商。",
        None,
        4,
    )
    expected.update(
        topicsByStatus={"excluded": ("不纳入协商", 1), "verified": ("已核实", 1)},
        topicsByExclusionGround={"real_name_report": ("实名举报的", 1)},
    )
    assert board(api) == expected


def test_briefings_are_cancelled_with_a_reason_and_online_consultations_take_opinions(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    staff = hall.staff
    versions = Versions()
    briefing = versions(
        staff.schedule_consultation(
            form="BRIEFING",
            platform_id=hall.platform_id,
            starts_at="2026-12-02T14:00:00+08:00",
            theme="2027年区重点民生工程通报",
        )
    )
    shown = consultation(api, briefing.id)
    assert (shown["form"], shown["mode"], shown["subject"], shown["topic"]) == (
        term("BRIEFING", "知情明政"),
        term("I_SPEAK", "我说你听"),
        "2027年区重点民生工程通报",
        None,
    )
    assert shown["startsAt"] == "2026-12-02T06:00:00.000000+00:00"
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "REASON_REQUIRED",
        lambda: staff.refused.cancel_consultation(briefing.id, reason=""),
    )
    versions(staff.cancel_consultation(briefing.id, reason="与区人大会议时间冲突"))
    shown = consultation(api, briefing.id)
    assert (shown["status"], shown["cancelReason"], shown["version"]) == (
        term("CANCELLED", "已取消"),
        "与区人大会议时间冲突",
        2,
    )
    refused(
        http,
        api,
        "CONFLICT",
        "WRONG_STATE",
        lambda: staff.refused.notify_participants(briefing.id, notice="通知"),
    )

    # 网络协商, open-ended (永不落幕), started a day ago
    started = (date.today() - timedelta(days=1)).isoformat() + "T08:00:00"
    online = versions(
        staff.schedule_consultation(
            form="ONLINE", platform_id=hall.platform_id, starts_at=started, theme="社区养老服务"
        )
    )
    shown = consultation(api, online.id)
    assert (shown["mode"], shown["venue"], shown["closesAt"]) == (
        term("ONLINE", "网络协商"),
        "",
        None,
    )
    versions(
        staff.post_online_opinion(
            online.id,
            author_name="网友小王",
            content="建议增加助餐点。",
            author_phone="13700000003",
        )
    )
    shown = consultation(api, online.id)
    assert (shown["onlineOpinionsCount"], shown["version"]) == (1, 2)
    # opinions posted online are enough to hold it without named participants
    versions(
        staff.hold_consultation(
            online.id,
            held_at=started,
            record="汇总网络意见1条。",
            suggestions=["增设社区助餐点"],
        )
    )
    shown = consultation(api, online.id)
    assert (shown["status"], shown["suggestionsCount"], shown["attendeesCount"]) == (
        term("HELD", "已开展"),
        1,
        0,
    )
    assert board(api)["consultationsByStatus"] == {
        "cancelled": ("已取消", 1),
        "held": ("已开展", 1),
    }
    # The months by form: a chosen period's months; without one, last year's and this year's.
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    chosen = api.query(MONTHS, filter={"periodFrom": "2026-12-01", "periodTo": tomorrow})
    assert {
        (m["month"], m["form"]): (m["label"], m["count"])
        for m in chosen["dashboard"]["consultationsByMonth"]
    } == {("2026-12", "briefing"): ("知情明政", 1), (started[:7], "online"): ("网络协商", 1)}
    assert (
        chosen["dashboard"]["consultationMonthsFrom"],
        chosen["dashboard"]["consultationMonthsTo"],
    ) == ("2026-12", date.today().isoformat()[:7])
    plain = api.query(MONTHS)["dashboard"]
    year = district_today().year
    assert (plain["consultationMonthsFrom"], plain["consultationMonthsTo"]) == (
        f"{year - 1}-01",
        f"{year}-12",
    )
    assert {m["month"] for m in plain["consultationsByMonth"]} <= {
        f"{y}-{m:02d}" for y in (year - 1, year) for m in range(1, 13)
    }
    assert board(api)["consultationsByForm"] == {
        "briefing": ("知情明政", 1),
        "online": ("网络协商", 1),
    }


# --------------------------------------------------------------------------------- refusals


def test_refusals_carry_a_code_a_reason_and_a_chinese_message_and_store_nothing(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    staff, committee = hall.staff, hall.committee
    topic_id = hall.propose_hotline_matter()

    # wrong state: a proposed matter cannot be approved
    error = refused(
        http,
        api,
        "CONFLICT",
        "WRONG_STATE",
        lambda: committee.refused.approve_topic(topic_id, reason="同意"),
    )
    assert error["extensions"]["details"] == {"status": "proposed"}
    assert "已提出" in error["message"]

    # a decision without a reason
    staff.verify_topic(topic_id, basic_situation="涉及3个小区。")
    staff.submit_topic(topic_id, drafted_title=DRAFTED_TITLE, committee_id=hall.committee_id)
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "REASON_REQUIRED",
        lambda: committee.refused.approve_topic(topic_id, reason="   "),
    )
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "REASON_REQUIRED",
        lambda: committee.refused.return_topic(topic_id, reason=""),
    )

    # a 你说我听 form needs an approved topic; an unapproved one is refused too
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "WRONG_FORM",
        lambda: staff.refused.schedule_consultation(
            form="SUGGESTION", platform_id=hall.platform_id, starts_at="2026-11-28T09:30:00"
        ),
    )
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "WRONG_FORM",
        lambda: staff.refused.schedule_consultation(
            form="RESEARCH",
            platform_id=hall.platform_id,
            starts_at="2026-11-28T09:30:00",
            topic_id=topic_id,
        ),
    )
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "WRONG_FORM",
        lambda: staff.refused.schedule_consultation(
            form="TRAINING", platform_id=hall.platform_id, starts_at="2026-11-28T09:30:00"
        ),
    )
    committee.approve_topic(topic_id, reason="同意协商。")

    # a consultation is not held before its participants are identified
    consultation_id = hall.scheduled_consultation(topic_id)
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "PARTICIPANTS_REQUIRED",
        lambda: staff.refused.hold_consultation(
            consultation_id, held_at="2026-11-28T09:40:00", record="记录", suggestions=["建议"]
        ),
    )
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "PARTICIPANTS_REQUIRED",
        lambda: staff.refused.identify_participants(consultation_id, participants=[]),
    )
    # only an online consultation takes opinions online
    refused(
        http,
        api,
        "BAD_USER_INPUT",
        "WRONG_FORM",
        lambda: staff.refused.post_online_opinion(
            consultation_id, author_name="网友", content="意见"
        ),
    )
    # nor is an item opened before it is held
    refused(
        http,
        api,
        "CONFLICT",
        "WRONG_STATE",
        lambda: staff.refused.open_supervision_item(consultation_id, suggestion=SUGGESTIONS[0]),
    )

    # resolving twice
    item_id = hall.assigned_item()
    hall.supervisor.resolve_item(item_id, outcome="已办结。")
    error = refused(
        http,
        api,
        "CONFLICT",
        "ALREADY_RESOLVED",
        lambda: hall.supervisor.refused.resolve_item(item_id, outcome="再次办结。"),
    )
    assert "已办结" in error["message"]

    # ids: not an id at all, and an id of nothing
    error = refused(
        http,
        api,
        "BAD_USER_INPUT",
        "INVALID_ID",
        lambda: staff.refused.verify_topic("not-an-id", basic_situation="核实"),
    )
    assert error["extensions"]["details"] == {"field": "topicId"}
    # reference data unknown to the administrator is simply not found...
    nobody, admin = str(uuid4()), hall.admin
    refused(
        http,
        api,
        "NOT_FOUND",
        "NOT_FOUND",
        lambda: admin.refused.move_platform_hall(nobody, hall_venue="新址"),
    )
    # ...while a scoped role is told the same for a missing topic as for someone else's
    refused(
        http,
        api,
        "NOT_FOUND",
        "NOT_FOUND",
        lambda: staff.refused.verify_topic(nobody, basic_situation="核实"),
    )
    refused(
        http,
        api,
        "NOT_FOUND",
        "NOT_FOUND",
        lambda: staff.refused.propose_topic(platform_id=nobody, **HOTLINE_MATTER),
    )
    # an id of another kind of record is refused like a missing one
    refused(
        http,
        api,
        "NOT_FOUND",
        "NOT_FOUND",
        lambda: staff.refused.verify_topic(consultation_id, basic_situation="核实"),
    )
    # reading an unknown id answers null with NOT_FOUND; an invalid one is refused
    (error,) = api.errors("query($id: ID!) { topic(id: $id) { id } }", id=nobody)
    assert_explained(error, "NOT_FOUND", "NOT_FOUND")
    (error,) = api.errors('query { supervisionItem(id: "x") { id } }')
    assert_explained(error, "BAD_USER_INPUT", "INVALID_ID")

    # field rules of the domain: a 12345 matter needs its ticket numbers
    error = refused(
        http,
        api,
        "BAD_USER_INPUT",
        "INVALID_INPUT",
        lambda: staff.refused.propose_topic(
            platform_id=hall.platform_id, **{**HOTLINE_MATTER, "hotline_tickets": []}
        ),
    )
    assert error["extensions"]["details"] == {"field": "hotlineTickets"}
    error = refused(
        http,
        api,
        "BAD_USER_INPUT",
        "FIELD_REQUIRED",
        lambda: staff.refused.propose_topic(
            platform_id=hall.platform_id, **{**HOTLINE_MATTER, "title": "  "}
        ),
    )
    assert error["extensions"]["details"] == {"field": "title"}


def test_malformed_requests_are_refused_before_anything_runs(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    hall.propose_hotline_matter()
    untouched = Untouched(http, api)

    # an unknown enum value is a validation error: nothing executes
    body = api.execute(
        'mutation { proposeTopic(input: {title: "t", content: "c", channel: FAX,'
        f' category: POLICY, platformId: "{hall.platform_id}", proposer: {{name: "某"}}}})'
        " { id } }"
    )
    assert body["data"] is None
    (error,) = body["errors"]
    assert "FAX" in error["message"]
    assert "Channel" in error["message"]
    (error,) = api.errors("query { topics(filter: {status: NOPE}) { totalCount } }")
    assert "NOPE" in error["message"]
    # so is a variable of the wrong enum
    body = api.execute(
        "query($s: TopicStatus) { topics(filter: {status: $s}) { totalCount } }", {"s": "proposed"}
    )
    assert body["data"] is None
    assert body["errors"]
    untouched.check()

    # page sizes and cursors
    for size in (0, 1000, -1):
        (error,) = api.errors("query($n: Int!) { topics(first: $n) { totalCount } }", n=size)
        assert_explained(error, "BAD_USER_INPUT", "PAGE_SIZE")
    forged = [
        "not a cursor!",
        base64.urlsafe_b64encode(b"{}").decode(),
        base64.urlsafe_b64encode(json.dumps([[1], "x"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([{"a": 1}, "x"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([1.5, "x"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["2026-01-01", 7]).encode()).decode(),
    ]
    for cursor in forged:
        for connection in ("topics", "consultations", "supervisionItems"):
            (error,) = api.errors(
                f"query($c: String) {{ {connection}(after: $c) {{ totalCount }} }}", c=cursor
            )
            assert_explained(error, "BAD_USER_INPUT", "INVALID_CURSOR")
    # a cursor of one connection is not a cursor of another
    topic_cursor = api.query("query { topics(first: 1) { pageInfo { endCursor } } }")["topics"][
        "pageInfo"
    ]["endCursor"]
    (error,) = api.errors(
        "query($c: String) { supervisionItems(after: $c) { totalCount } }", c=topic_cursor
    )
    assert_explained(error, "BAD_USER_INPUT", "INVALID_CURSOR")
    untouched.check()


def chain(levels: int) -> str:
    """Consultations of a topic, the topic of a consultation, ... `levels` deep, then the id."""
    selection = "id"
    for level in range(levels):
        selection = f"{('consultations', 'topic')[level % 2]} {{ {selection} }}"
    return selection


def test_the_query_depth_and_alias_limits_refuse_without_executing(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    untouched = Untouched(http, api)
    propose = (
        'proposeTopic(input: {title: "t", content: "c", channel: MASSES, category: POLICY,'
        f' platformId: "{hall.platform_id}", proposer: {{name: "某"}}}})'
    )
    # depth 11: a mutation whose payload selection is too deep is not run at all
    body = api.execute(f"mutation {{ {propose} {{ topic {{ {chain(9)} }} }} }}")
    assert body.get("data") is None
    (error,) = body["errors"]
    assert "depth" in error["message"]
    untouched.check()
    (error,) = api.errors(f"query {{ topics {{ nodes {{ {chain(9)} }} }} }}")
    assert "depth" in error["message"]

    # depth 10 is allowed
    nobody = str(uuid4())
    (error,) = api.errors(f'query {{ topic(id: "{nobody}") {{ {chain(9)} }} }}')
    assert error["extensions"]["code"] == "NOT_FOUND"  # executed: the topic is looked for

    # 31 aliases: none of the 31 mutations runs
    aliased = " ".join(f"m{i}: {propose} {{ id }}" for i in range(31))
    body = api.execute(f"mutation {{ {aliased} }}")
    assert body.get("data") is None
    reasons = [e["extensions"]["reason"] for e in body["errors"]]
    assert reasons == ["TOO_MANY_ALIASES", "ONE_MUTATION_PER_DOCUMENT"], body
    untouched.check()

    # 30 aliases are allowed
    thirty = " ".join(f"d{i}: dashboard {{ topicsTotal }}" for i in range(30))
    assert api.query(f"query {{ {thirty} }}") == {f"d{i}": {"topicsTotal": 0} for i in range(30)}


# ------------------------------------------------------------------------------ idempotency


def test_a_repeated_command_id_runs_once(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    staff = hall.staff
    first = staff.propose_topic(
        platform_id=hall.platform_id, command_id="cmd-propose-1", **HOTLINE_MATTER
    )
    log = http.get("/readyz").json()["log"]
    again = [
        staff.propose_topic(
            platform_id=hall.platform_id, command_id="cmd-propose-1", **HOTLINE_MATTER
        )
        for _ in range(2)
    ]
    assert again == [first, first], "the first answer again, its log position included"
    assert first.position is not None
    assert topic_count(api) == 1
    assert http.get("/readyz").json()["log"] == log, "a repeat stores nothing"

    # the same command id with different arguments is a conflict
    error = refused(
        http,
        api,
        "CONFLICT",
        "COMMAND_ID_REUSED",
        lambda: staff.refused.propose_topic(
            platform_id=hall.platform_id,
            command_id="cmd-propose-1",
            **{**HOTLINE_MATTER, "title": "另一件事"},
        ),
    )
    assert error["extensions"]["details"] == {"command_id": "cmd-propose-1"}
    # ... and so is the same command id for another use case
    refused(
        http,
        api,
        "CONFLICT",
        "COMMAND_ID_REUSED",
        lambda: staff.refused.verify_topic(
            first.id, basic_situation="核实", command_id="cmd-propose-1"
        ),
    )

    # a command id belongs to the person who sent it
    colleague = staff.acting_as(Actor("staff-2", "周专员", Role.PLATFORM_STAFF, hall.platform_id))
    other = colleague.propose_topic(
        platform_id=hall.platform_id, command_id="cmd-propose-1", **HOTLINE_MATTER
    )
    assert other.id != first.id
    assert topic_count(api) == 2

    # a repeated decision is answered with the version it made
    verified = staff.verify_topic(first.id, basic_situation="核实", command_id="cmd-verify-1")
    repeat = staff.verify_topic(first.id, basic_situation="核实", command_id="cmd-verify-1")
    assert repeat == verified
    assert (verified.id, verified.version) == (first.id, 2)
    assert topic(api, first.id)["version"] == 2


def test_a_stale_expected_version_is_refused(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    staff = hall.staff
    topic_id = hall.propose_hotline_matter()
    verified = staff.verify_topic(topic_id, basic_situation="核实", expected_version=1)
    assert verified.version == 2
    error = refused(
        http,
        api,
        "CONFLICT",
        "CONCURRENT_MODIFICATION",
        lambda: staff.refused.submit_topic(
            topic_id,
            drafted_title=DRAFTED_TITLE,
            committee_id=hall.committee_id,
            expected_version=1,
        ),
    )
    assert "刷新" in error["message"]
    current = error["extensions"]["details"]
    assert current == {"currentVersion": 2, "expectedVersion": 1}, "the version to reload"
    submitted = staff.submit_topic(
        topic_id,
        drafted_title=DRAFTED_TITLE,
        committee_id=hall.committee_id,
        expected_version=current["currentVersion"],
    )
    assert submitted.version == topic(api, topic_id)["version"] == 3


# ------------------------------------------------------------------- pagination and filters

PAGE = """query Page($first: Int!, $after: String) { topics(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id title proposedAt } } } }"""


def test_topics_are_paged_by_cursor_without_gaps_or_repeats(
    api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    created = [hall.propose_hotline_matter(f"事项{n}") for n in range(7)]
    seen: list[str] = []
    pages: list[tuple[int, bool, bool]] = []
    after: str | None = None
    while True:
        page = api.query(PAGE, first=3, after=after)["topics"]
        info, edges = page["pageInfo"], page["edges"]
        assert page["totalCount"] == 7
        pages.append((len(edges), info["hasNextPage"], info["hasPreviousPage"]))
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["endCursor"] == edges[-1]["cursor"]
        seen.extend(edge["node"]["id"] for edge in edges)
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == [(3, True, False), (3, True, True), (1, False, True)]
    assert len(seen) == len(set(seen)) == 7
    assert seen == list(reversed(created)), "newest first"
    nodes = api.query("query { topics(first: 7) { nodes { id } } }")["topics"]["nodes"]
    assert [n["id"] for n in nodes] == seen


FILTERED = """query Filtered($filter: TopicFilter) {
  topics(filter: $filter) { totalCount nodes { id } } }"""


def test_topics_and_items_are_filtered(api: GraphQLClient, hall: GraphQLDistrict) -> None:
    staff = hall.staff
    hotline = hall.approved_topic("老旧小区停车难")
    report = staff.propose_topic(
        title="实名举报",
        content="实名举报某负责人。",
        channel="MASSES",
        category="LIVELIHOOD",
        platform_id=hall.platform_id,
        proposer={"name": "孙举报"},
    ).id
    staff.exclude_topic(report, ground="REAL_NAME_REPORT")
    smoke = staff.propose_topic(
        title="餐馆油烟扰民",
        content="沿街餐馆油烟直排,100%的住户受影响。",
        channel="ENTERPRISE",
        category="POLICY",
        platform_id=hall.platform_id,
        proposer={"name": "某公司", "organisation": "某公司"},
    ).id

    def ids(**filter: Any) -> set[str]:
        found = api.query(FILTERED, filter=filter)["topics"]
        assert found["totalCount"] == len(found["nodes"])
        return {n["id"] for n in found["nodes"]}

    everything = {hotline, report, smoke}
    assert ids() == everything
    assert ids(status="EXCLUDED") == {report}
    assert ids(status="APPROVED") == {hotline}
    assert ids(status="RETURNED") == set()
    assert ids(channel="HOTLINE_12345") == {hotline}
    assert ids(channel="ENTERPRISE", status="PROPOSED") == {smoke}
    assert ids(category="POLICY") == {smoke}
    assert ids(ground="REAL_NAME_REPORT") == {report}
    assert ids(ground="OTHER") == set()
    assert ids(committeeId=hall.committee_id) == {hotline}
    assert ids(platformId=hall.platform_id) == everything
    assert ids(text="油烟") == {smoke}
    assert ids(text=DRAFTED_TITLE[2:8]) == {hotline}, "the drafted title is searched too"
    assert ids(text="GD20261126002") == {hotline}, "and the 12345 ticket numbers"
    assert ids(text="gd20261126002") == {hotline}, "whatever the case, on every engine"
    assert ids(text="100%") == {smoke}
    assert ids(text="%") == {smoke}, "LIKE wildcards are taken literally"
    assert ids(text="_") == set()

    proposed_on = date.fromisoformat(topic(api, hotline)["proposedAt"][:10])
    next_day = (proposed_on + timedelta(days=1)).isoformat()
    assert ids(proposedFrom=proposed_on.isoformat(), proposedTo=next_day) == everything
    assert ids(proposedFrom=proposed_on.isoformat()) == everything
    assert ids(proposedTo=proposed_on.isoformat()) == set(), "proposedTo is exclusive"
    assert ids(proposedFrom=next_day) == set()

    # the ledger: an item past its due date is overdue; one due in the future is not
    late = hall.assigned_item(due_on=date(2020, 1, 1))
    on_time = hall.assigned_item(due_on=date(2099, 1, 1))
    items = "query($f: SupervisionItemFilter) { supervisionItems(filter: $f) {"
    items += " totalCount nodes { id seqNo overdue dueOn } } }"
    overdue = api.query(items, f={"overdue": True})["supervisionItems"]
    assert overdue == {
        "totalCount": 1,
        "nodes": [{"id": late, "seqNo": 1, "overdue": True, "dueOn": "2020-01-01"}],
    }
    not_overdue = api.query(items, f={"overdue": False})["supervisionItems"]
    assert [n["id"] for n in not_overdue["nodes"]] == [on_time]
    assert [n["seqNo"] for n in api.query(items)["supervisionItems"]["nodes"]] == [1, 2]
    dashboard = board(api)
    assert (dashboard["itemsOpen"], dashboard["itemsOverdue"]) == (2, 1)
    by_unit = api.query(BY_UNIT)["dashboard"]
    assert by_unit["dueSoonWorkingDays"] == 3, "the setting's default"
    assert by_unit["itemsByUnit"] == [{"key": hall.unit_id, "label": "区交通委", "count": 2}]
    assert by_unit["overdueByUnit"] == [
        {
            "unitId": hall.unit_id,
            "unitName": "区交通委",
            "count": 1,
            "oldestItemId": late,
            "oldestSeqNo": 1,
            "oldestDueOn": "2020-01-01",
        }
    ]
    hall.supervisor.resolve_item(late, outcome="已办结。")
    assert api.query(BY_UNIT)["dashboard"]["overdueByUnit"] == []
    assert api.query(items, f={"overdue": True})["supervisionItems"]["totalCount"] == 0
    assert board(api)["itemsOverdue"] == 0, "a resolved item is not overdue"
    assert item(api, late)["overdue"] is False


def test_vocabularies_list_the_eight_exclusion_grounds(api: GraphQLClient) -> None:
    vocabularies = api.query("query { vocabularies { name terms { code name label number } } }")
    by_name = {v["name"]: v["terms"] for v in vocabularies["vocabularies"]}
    grounds = [(t["number"], t["name"], t["label"]) for t in by_name["ExclusionGround"]]
    assert grounds == [
        (1, "UNLAWFUL", "违反宪法和法律法规政策的"),
        (2, "CONFIDENTIAL", "根据法律法规应予以保密的"),
        (3, "LITIGATION", "进入刑事、民事、行政诉讼程序或者行政复议、仲裁程序的"),
        (4, "PETITION", "已交办的信访事项"),
        (5, "REAL_NAME_REPORT", "实名举报的"),
        (6, "DISCIPLINE_INVESTIGATION", "涉及纪检监察机关正在审查和调查的涉嫌违法违纪问题的"),
        (
            7,
            "PERSONAL_MATTER_ANSWERED",
            "对本人或亲属解决个人问题,相关部门已作出明确答复或处理意见的",
        ),
        (8, "OTHER", "其他不宜纳入协商范围的事项"),
    ]
    assert by_name["ExclusionGround"][4]["code"] == "real_name_report"
    assert [t["label"] for t in by_name["ConsultationForm"]] == [
        "建言献策",
        "调研协商",
        "知情明政",
        "公益培训",
        "网络协商",
    ]
    assert all(t["number"] is None for t in by_name["Channel"])


# ------------------------------------------------------------------------------ DataLoaders

BOARD_PAGE = """query Board($first: Int!) { topics(first: $first) { nodes {
  id title platform { name committee { name } responsiblePerson { name } }
  committee { name }
  consultations { id status { label } platform { name } topic { id } items { id } } } } }"""


def test_related_objects_are_loaded_in_batches_not_per_topic(
    api: GraphQLClient, hall: GraphQLDistrict, queries: list[CountingViewQueries]
) -> None:
    admin = hall.admin
    second_committee = admin.establish_committee("人口资源环境委员会").id
    second_head = admin.register_person("周组长").id
    second_platform = admin.register_platform(
        "生态环境界别活动组",
        kind="SECTOR_GROUP",
        committee_id=second_committee,
        responsible_person_id=second_head,
        hall_venue="区政协二楼",
    ).id
    second_staff = hall.staff.acting_as(
        Actor("staff-eco", "生态组专员", Role.PLATFORM_STAFF, second_platform)
    )
    for n in range(20):
        # a platform holds consultations on its own topics only
        staff, platform_id = (
            (second_staff, second_platform) if n % 2 else (hall.staff, hall.platform_id)
        )
        topic_id = staff.propose_topic(
            platform_id=platform_id, **{**HOTLINE_MATTER, "title": f"事项{n}"}
        ).id
        staff.verify_topic(topic_id, basic_situation="涉及3个小区约2000户。")
        staff.submit_topic(topic_id, drafted_title=DRAFTED_TITLE, committee_id=hall.committee_id)
        hall.committee.approve_topic(topic_id, reason="群众关切,切口小,同意协商。")
        staff.schedule_consultation(
            form="RESEARCH",
            platform_id=platform_id,
            starts_at="2026-11-28T09:30:00",
            topic_id=topic_id,
        )
    (counting,) = queries

    def batches(first: int) -> Counter[str]:
        counting.calls.clear()
        nodes = api.query(BOARD_PAGE, first=first)["topics"]["nodes"]
        assert len(nodes) == first
        assert all(len(n["consultations"]) == 1 for n in nodes)
        assert {n["consultations"][0]["platform"]["name"] for n in nodes} == {
            "永顺镇委员工作站",
            "生态环境界别活动组",
        }
        return Counter(counting.calls)

    five, twenty = batches(5), batches(20)
    assert five == twenty, "the number of view queries does not grow with the page"
    assert sum(twenty.values()) <= 8
    assert twenty["ids_of consultation_calendar.topic_id"] == 1
    assert twenty["ids_of supervision_ledger.consultation_id"] == 1
    # platforms and committees come with the page, in one read of those (small) tables
    assert twenty["references ref_committees,ref_platforms"] == 1
    assert twenty["by_ids ref_platforms"] == twenty["by_ids ref_committees"] == 0


PLATFORM_PAGE = """query Page($first: Int!) {
  topics(first: $first) { nodes { ...Where } }
  consultations(first: $first) { nodes { id platform { hallVenue } } }
  supervisionItems(first: $first) { nodes { id unit { name } committee { name } } }
}
fragment Where on Topic { title at: platform { name hallVenue committee { name } } }"""


def test_a_page_names_its_reference_rows_as_they_are_now(
    api: GraphQLClient, hall: GraphQLDistrict, queries: list[CountingViewQueries]
) -> None:
    """A page's platforms, committees and units are read once per operation, found through
    fragments and aliases too; a platform moved since the last page shows where it is now."""
    for n in range(3):
        topic_id = hall.staff.propose_topic(
            platform_id=hall.platform_id, **{**HOTLINE_MATTER, "title": f"事项{n}"}
        ).id
        assert topic_id
        hall.staff.schedule_consultation(
            form="BRIEFING",
            platform_id=hall.platform_id,
            starts_at=f"2026-12-0{n + 1}T09:00:00",
            theme=f"通报{n}",
        )
    (counting,) = queries

    def page() -> dict[str, Any]:
        counting.calls.clear()
        answer = api.query(PLATFORM_PAGE, first=10)
        reads = Counter(call.split()[0] for call in counting.calls.elements())
        assert 1 <= reads["references"] <= 3, counting.calls  # at most one per page
        assert not [call for call in counting.calls if call.startswith("by_ids ref_")]
        return answer

    before = page()
    places = {n["at"]["hallVenue"] for n in before["topics"]["nodes"]}
    places |= {n["platform"]["hallVenue"] for n in before["consultations"]["nodes"]}
    assert len(before["topics"]["nodes"]) == 3
    assert len(places) == 1
    assert all(n["at"]["name"] and n["at"]["committee"]["name"] for n in before["topics"]["nodes"])

    hall.admin.move_platform_hall(hall.platform_id, hall_venue="永顺镇文化中心二楼")
    after = page()
    assert {n["at"]["hallVenue"] for n in after["topics"]["nodes"]} == {"永顺镇文化中心二楼"}
    assert {n["platform"]["hallVenue"] for n in after["consultations"]["nodes"]} == {
        "永顺镇文化中心二楼"
    }


# ----------------------------------------------------------------------- schema and health


def test_the_committed_sdl_is_the_schema() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "interfaces/graphql/schema.graphql is out of date: run `yishiting schema > "
        "interfaces/graphql/schema.graphql`"
    )


def test_health_and_readiness(http: TestClient, hall: GraphQLDistrict) -> None:
    assert http.get("/healthz").status_code == 200
    assert http.get("/healthz").json() == {"status": "ok"}
    hall.propose_hotline_matter()  # a write waits until the views have it
    ready = http.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok"
    assert body["lag"] == 0
    assert body["log"] == body["views"] > 0


def test_answers_are_utf8_json_and_requests_read_as_the_standard_reader_reads_them(
    http: TestClient, api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    hall.propose_hotline_matter(title="小区停车难")
    headers = api.headers
    answer = http.post(
        "/graphql", json={"query": "{ topics { edges { node { title } } } }"}, headers=headers
    )
    assert answer.headers["content-type"] == "application/json"
    assert "小区停车难".encode() in answer.content  # not \\u-escaped
    assert answer.json()["data"]["topics"]["edges"][0]["node"]["title"] == "小区停车难"
    # NaN is no JSON, but the standard reader takes it: the variable is then refused as an Int
    query = b'"query($n: Int!) { topics(first: $n) { totalCount } }"'
    body = b'{"query": ' + query + b', "variables": {"n": NaN}}'
    refused = http.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )
    assert refused.status_code == 200
    assert "Int" in refused.json()["errors"][0]["message"]
    broken = http.post(
        "/graphql", content=b"{not json", headers={**headers, "content-type": "application/json"}
    )
    assert broken.status_code == 400
    # what orjson cannot write (beyond 64 bits) is written the standard way, and
    # WebSocket messages go out as text frames (graphql-transport-ws): their JSON is text
    router = object.__new__(YishitingRouter)
    assert router.encode_json({"n": 2**70, "名": "值"}) == '{"n":1180591620717411303424,"名":"值"}'


def test_steps_is_the_whole_api() -> None:
    """Every mutation of the schema has its step in the test client, and no step is stale."""
    mutations = re.search(r"type Mutation \{(.*?)\n\}", sdl(), re.S)
    assert mutations
    in_schema = set(re.findall(r"^\s+(\w+)\(input:", mutations.group(1), re.M))
    steps = {
        name
        for name in vars(Steps)
        if not name.startswith("_") and name not in {"run", "refused", "acting_as"}
    }
    camel = {s.split("_")[0] + "".join(w.title() for w in s.split("_")[1:]) for s in steps}
    assert camel == in_schema


def test_a_unit_renamed_keeps_its_id_and_says_why(http: TestClient, api: GraphQLClient) -> None:
    admin = Steps(api)
    unit = admin.register_unit("区住建委", "DISTRICT_DEPARTMENT")
    renamed = admin.rename_unit(unit.id, "区住房和城乡建设局", reason="机构改革更名")
    assert (renamed.id, renamed.version) == (unit.id, 2)
    assert api.query("{ units { id name } }") == {
        "units": [{"id": unit.id, "name": "区住房和城乡建设局"}]
    }


def test_renaming_a_unit_is_refused_to_other_roles_and_without_a_name_or_reason(
    http: TestClient, api: GraphQLClient
) -> None:
    admin = Steps(api)
    unit_id = admin.register_unit("区住建委", "DISTRICT_DEPARTMENT").id
    leader = admin.acting_as(Actor("leader-1", "区领导", Role.LEADER)).refused
    tried = admin.refused
    cases = [
        ("FORBIDDEN", "NOT_PERMITTED", lambda: leader.rename_unit(unit_id, "新名", "机构改革")),
        ("BAD_USER_INPUT", "FIELD_REQUIRED", lambda: tried.rename_unit(unit_id, " ", "机构改革")),
        ("BAD_USER_INPUT", "REASON_REQUIRED", lambda: tried.rename_unit(unit_id, "新名", "")),
        ("BAD_USER_INPUT", "SAME_NAME", lambda: tried.rename_unit(unit_id, "区住建委", "重复")),
    ]
    for code, reason, attempt in cases:
        refused(http, api, code, reason, attempt)
