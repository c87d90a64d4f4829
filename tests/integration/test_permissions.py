"""Who may write what, checked exhaustively through GraphQL: every role × every mutation of
the schema × an object in the caller's scope and one outside it, against a table written here
by hand (not read from the application, so that a wrong policy fails). Then who reads what:
every role × every query, each scoped role seeing exactly its rows and no role seeing personal
data it is not cleared for. SQLite throughout, a subset on PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import graphql
import pytest

from interfaces.graphql.schema import sdl
from tests.support.graphql import CHINESE
from tests.support.read_world import Records, populate
from tests.support.scenarios import ROLES, SCENARIOS
from tests.support.world import World, postgres_schema, running

IN, ANYWHERE = "in scope", "anywhere"

# Who may run each mutation: IN = only on its own platform / committee / unit / item;
# ANYWHERE = on any object. Every other role is refused whatever the object.
MAY: dict[str, dict[str, str]] = {
    # 五、七.1 matters and topics
    "proposeTopic": {"platform_staff": IN, "integration": ANYWHERE},
    "verifyTopic": {"platform_staff": IN},
    "excludeTopic": {"platform_staff": IN},
    "reverseExclusion": {"platform_staff": IN, "committee": IN},
    "submitTopic": {"platform_staff": IN},
    "approveTopic": {"committee": IN},
    "returnTopic": {"committee": IN},
    "recordResearch": {"platform_staff": IN},
    # 四、七.2–七.5 consultations
    "scheduleConsultation": {"platform_staff": IN},
    "identifyParticipants": {"platform_staff": IN},
    "notifyParticipants": {"platform_staff": IN},
    "holdConsultation": {"platform_staff": IN},
    "postOnlineOpinion": {"platform_staff": IN, "integration": ANYWHERE},
    "reportConsultation": {"platform_staff": IN},
    "cancelConsultation": {"platform_staff": IN},
    # 七.6 督办落实
    "openSupervisionItem": {"platform_staff": IN},
    "assignItem": {"platform_staff": IN, "committee": IN},
    "reportProgress": {"unit": IN, "supervisor": IN, "platform_staff": IN},
    "addAttachment": {"platform_staff": IN, "unit": IN},
    "withdrawAttachment": {"platform_staff": IN, "unit": IN},
    "resolveItem": {"committee": IN, "supervisor": IN},
    "reopenItem": {"committee": IN, "supervisor": IN},
    # 六、组织搭建 reference data, and personal data
    "establishCommittee": {"admin": ANYWHERE},
    "registerUnit": {"admin": ANYWHERE},
    "renameUnit": {"admin": ANYWHERE},
    "registerPerson": {"admin": ANYWHERE},
    "registerPlatform": {"admin": ANYWHERE},
    "changeResponsiblePerson": {"admin": ANYWHERE},
    "movePlatformHall": {"admin": ANYWHERE, "platform_staff": IN},
    # 三权分立: accounts are the security administrator's alone
    "createAccount": {"security_admin": ANYWHERE},
    "grantRole": {"security_admin": ANYWHERE},
    "revokeRole": {"security_admin": ANYWHERE},
    "disableAccount": {"security_admin": ANYWHERE},
    "reenableAccount": {"security_admin": ANYWHERE},
    "unlockAccount": {"security_admin": ANYWHERE},
    "resetPassword": {"security_admin": ANYWHERE},
    "resetSecondFactor": {"security_admin": ANYWHERE},
    "issueApiToken": {"security_admin": ANYWHERE},
    "revokeApiToken": {"security_admin": ANYWHERE},
    # One's own account: only a holder signed in with it (a bearer token names no account)
    "changeOwnPassword": {},
    "beginSecondFactor": {},
    "confirmSecondFactor": {},
    "endMySession": {},
    "eraseSubject": {"admin": ANYWHERE},
    # 五.(三) common issues drafted from 12345 orders
    "draftTopicFromOrders": {"platform_staff": IN},
    # integration and accountability
    "registerWebhook": {"admin": ANYWHERE},
    "unregisterWebhook": {"admin": ANYWHERE},
    "resumeWebhook": {"admin": ANYWHERE},
    "issueCheckpoint": {"auditor": ANYWHERE, "admin": ANYWHERE},
    # the working calendar's holiday schedules: the system administrator's
    "enterHolidaySchedule": {"admin": ANYWHERE},
    # 委员履职: enrolment and following by the platform (the member follows as themself:
    # tests/integration/test_member_records.py), the points scheme the administrator's
    "enrollMember": {"admin": ANYWHERE, "platform_staff": IN},
    "followItem": {"admin": ANYWHERE, "platform_staff": IN},
    "setPointsScheme": {"admin": ANYWHERE},
}
ON_POSTGRES = (
    "proposeTopic",
    "approveTopic",
    "holdConsultation",
    "postOnlineOpinion",
    "reportProgress",
    "reopenItem",
    "movePlatformHall",
    "eraseSubject",
)
OK = ("OK", "OK")
OWN_ACCOUNT = ("changeOwnPassword", "beginSecondFactor", "confirmSecondFactor", "endMySession")
ACCOUNT_ONLY = ("FORBIDDEN", "ACCOUNT_ONLY")
SIGN_IN = ("UNAUTHENTICATED", "TOKEN_REQUIRED")
NOT_PERMITTED = ("FORBIDDEN", "NOT_PERMITTED")
OUT_OF_SCOPE = ("NOT_FOUND", "NOT_FOUND")


def expected(mutation: str, role: str, where: str) -> tuple[str, str]:
    if role == "anonymous":
        return SIGN_IN
    if mutation in OWN_ACCOUNT:
        return ACCOUNT_ONLY
    allowed = MAY[mutation].get(role)
    if allowed is None:
        return NOT_PERMITTED
    return OK if allowed == ANYWHERE or where == "home" else OUT_OF_SCOPE


def root_fields(kind: str) -> set[str]:
    built = graphql.build_schema(sdl())
    root = built.mutation_type if kind == "mutation" else built.query_type
    assert root is not None
    return set(root.fields)


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("permissions") / "yishiting.db"
    with running(f"sqlite:///{path}") as world:
        yield world


@pytest.fixture(scope="module")
def postgres_world() -> Iterator[World]:
    with postgres_schema() as url, running(url) as world:
        yield world


class Targets:
    """A target per (mutation, district) for the calls expected to be refused: a refusal
    stores nothing, so one target serves them all. An allowed call gets a fresh one."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.kept: dict[tuple[str, str], dict[str, Any]] = {}

    def district(self, where: str) -> Any:
        return self.world.home if where == "home" else self.world.away

    def fresh(self, mutation: str, where: str) -> dict[str, Any]:
        return SCENARIOS[mutation].prepare(self.district(where))

    def kept_for(self, mutation: str, where: str) -> dict[str, Any]:
        if (mutation, where) not in self.kept:
            self.kept[mutation, where] = self.fresh(mutation, where)
        return self.kept[mutation, where]


# ------------------------------------------------------------------------------------ checks


def outcome(world: World, role: str, mutation: str, given: dict[str, Any]) -> tuple[str, str]:
    """What the call did, checked for shape: a success changed the log and answers the id;
    a refusal answers no data, one error with a Chinese message, and stored nothing."""
    before = world.position()
    body = world.mutate(role, mutation, given)
    errors = body.get("errors") or []
    if not errors:
        logged = SCENARIOS[mutation].logged
        assert body["data"][mutation] or not logged, body
        assert world.position() > before or not logged, f"{mutation} by {role} stored nothing"
        return OK
    assert not (body.get("data") or {}).get(mutation), (role, mutation, body)
    (error,) = errors
    assert CHINESE.search(error["message"]), error
    assert world.position() == before, f"refused {mutation} by {role} stored something"
    extensions = error.get("extensions") or {}
    return extensions.get("code", "?"), extensions.get("reason", "?")


def check_mutation(world: World, mutation: str) -> None:
    targets = Targets(world)
    wrong: list[str] = []
    for role in ROLES:
        for where in ("home", "away"):
            want = expected(mutation, role, where)
            given = (
                targets.fresh(mutation, where) if want == OK else targets.kept_for(mutation, where)
            )
            got = outcome(world, role, mutation, given)
            if got != want:
                wrong.append(f"{role} on {where}: expected {want}, got {got}")
    assert not wrong, f"{mutation}:\n" + "\n".join(wrong)


def refusal(world: World, role: str, mutation: str, given: dict[str, Any]) -> dict[str, Any]:
    body = world.mutate(role, mutation, given)
    assert not (body.get("data") or {}).get(mutation), body
    (error,) = body["errors"]
    return {"message": error["message"], "extensions": error.get("extensions")}


# ------------------------------------------------------------------------------- mutations


def test_the_table_covers_every_mutation_of_the_schema() -> None:
    assert set(MAY) == root_fields("mutation"), "a mutation without a row in MAY (or a stale row)"
    assert set(SCENARIOS) == set(MAY)


@pytest.mark.parametrize("mutation", sorted(MAY))
def test_each_role_may_write_only_what_the_table_says(sqlite_world: World, mutation: str) -> None:
    check_mutation(sqlite_world, mutation)


@pytest.mark.postgres
@pytest.mark.parametrize("mutation", ON_POSTGRES)
def test_each_role_may_write_only_what_the_table_says_on_postgres(
    postgres_world: World, mutation: str
) -> None:
    check_mutation(postgres_world, mutation)


@pytest.mark.parametrize("mutation", sorted(m for m, s in SCENARIOS.items() if s.target))
def test_an_object_out_of_scope_is_refused_exactly_like_a_missing_one(
    sqlite_world: World, mutation: str
) -> None:
    target = SCENARIOS[mutation].target
    assert target is not None
    away = Targets(sqlite_world).kept_for(mutation, "away")
    nowhere = (
        [str(uuid4()) for _ in away[target]] if isinstance(away[target], list) else str(uuid4())
    )
    missing = {**away, target: nowhere}
    compared = 0
    for role in ROLES:
        if expected(mutation, role, "away") == OK:
            continue
        said = refusal(sqlite_world, role, mutation, away)
        assert refusal(sqlite_world, role, mutation, missing) == said, role
        assert str(away[target]).strip("[]'") not in said["message"], "the refusal names it"
        compared += 1
    assert compared


def test_a_consultation_cannot_take_up_another_platforms_topic(sqlite_world: World) -> None:
    """Staff schedule on their own platform, naming an approved topic of another platform:
    refused as out of scope (as for a missing topic), and the topic's title does not leak."""
    world = sqlite_world
    elsewhere = world.away.approved_topic()
    given = {
        "form": "SUGGESTION",
        "platformId": str(world.home.platform_id),
        "startsAt": "2026-11-28T09:30:00",
        "topicId": str(elsewhere),
    }
    before = world.position()
    said = refusal(world, "platform_staff", "scheduleConsultation", given)
    assert said["extensions"]["code"] == "NOT_FOUND"
    assert said["extensions"]["reason"] == "NOT_FOUND"
    assert (
        refusal(world, "platform_staff", "scheduleConsultation", given | {"topicId": str(uuid4())})
        == said
    )
    assert world.position() == before


# ----------------------------------------------------------------------------------- reads

EVERYWHERE = {"home", "away", "away→home"}
# The rows each role reads, by group (see tests/support/read_world.py): topics, consultations,
# supervision items. A committee reads its platforms' records and what was handed to it; a
# unit and a supervisor only the items assigned to them; integration reads nothing.
ROWS: dict[str, tuple[set[str], set[str], set[str]]] = {
    "platform_staff": ({"home"}, {"home"}, {"home"}),
    "committee": ({"home", "away→home"}, {"home"}, {"home"}),
    "unit": (set(), set(), {"home", "away→home"}),
    "supervisor": (set(), set(), {"home", "away→home"}),
    "leader": (EVERYWHERE, EVERYWHERE, EVERYWHERE),
    "auditor": (EVERYWHERE, EVERYWHERE, EVERYWHERE),
    "integration": (set(), set(), set()),
    "admin": (EVERYWHERE, EVERYWHERE, EVERYWHERE),
    "security_admin": (set(), set(), set()),
    "audit_admin": (set(), set(), set()),
}
# Whose personal data each role reads in clear: the discipline office all, a platform's
# staff their own platform's; nobody else any.
CLEARED: dict[str, set[str]] = {"platform_staff": {"home"}, "auditor": {"home", "away"}}
DASHBOARD_READERS = {"leader", "auditor", "admin", "platform_staff", "committee"}
PUBLIC = {"publicOverview", "vocabularies", "eventTypes"}
# Every query of the schema, and the check that covers it.
READS = {
    "topics": "rows",
    "consultations": "rows",
    "supervisionItems": "rows",
    "topic": "by id",
    "consultation": "by id",
    "supervisionItem": "by id",
    "platforms": "reference",
    "committees": "reference",
    "units": "reference",
    "people": "reference",
    "dashboard": "dashboard",
    "publicOverview": "public",
    "vocabularies": "public",
    "eventTypes": "public",
    "viewer": "viewer",
    "hotlineGroups": "hotline",
    "history": "audit",
    "auditTrail": "audit",
    "auditActors": "audit",
    "asOf": "audit",
    "decisionTimeline": "audit",
    "ledger": "gated",
    "webhooks": "gated",
    "webhook": "gated",
    "accounts": "gated",
    "securityAudit": "gated",
    "apiTokens": "gated",
    "myAccount": "viewer",
    "mySessions": "viewer",
    "holidaySchedules": "reference",
    "workingDaysAfter": "reference",
    "memberRecords": "members",
    "memberRecord": "members",
    "myMemberRecord": "members",
    "pointsScheme": "reference",
}
# 委员履职: who reads members' records (a member reads their own: test_member_records.py).
MEMBER_RECORD_READERS = {"leader", "auditor", "admin", "platform_staff"}
# Queries only some roles may read at all; every other role is refused (FORBIDDEN).
GATED = {
    "ledger": ({"auditor", "admin", "leader"}, "{ ledger { size } }"),
    "webhooks": ({"admin"}, "{ webhooks { id url } }"),
    "accounts": ({"security_admin", "audit_admin"}, "{ accounts { username } }"),
    "securityAudit": ({"audit_admin"}, "{ securityAudit(first: 5) { nodes { summary } } }"),
    "apiTokens": (
        {"security_admin", "audit_admin"},
        f'{{ apiTokens(accountId: "{uuid4()}") {{ id name }} }}',
    ),
    "webhook": ({"admin"}, f'{{ webhook(id: "{uuid4()}") {{ id }} }}'),
}
KINDS = {"Topic": "topics", "Consultation": "consultations", "SupervisionItem": "items"}
TRAIL = """{ auditTrail(first: 100) { totalCount
  nodes { aggregateId aggregateType actorId summary reason } } auditActors { id } }"""
RECORD_HISTORY = """{ history(aggregateId: "%s", first: 100) { nodes { summary reason } }
  asOf(aggregateId: "%s", at: "2099-01-01T00:00:00Z") { version state decisions { summary } } }"""
TIMELINE = """{ decisionTimeline(topicId: "%s") { event { summary reason } daysSinceStart } }"""

PARTICIPANTS = "participants { id name organisation attended }"
PERSONAL = "proposerName proposerSubjectId"
TOPIC_FIELDS = f"id title {PERSONAL} consultations {{ id {PARTICIPANTS} }}"
CONSULTATION_FIELDS = f"id subject {PARTICIPANTS} topic {{ id {PERSONAL} }} items {{ id }}"
ITEM_FIELDS = f"id subject topic {{ id {PERSONAL} }} consultation {{ id {PARTICIPANTS} }}"
LISTS = f"""query Lists {{
  topics(first: 100) {{ totalCount nodes {{ {TOPIC_FIELDS} }} }}
  consultations(first: 100) {{ totalCount nodes {{ {CONSULTATION_FIELDS} }} }}
  supervisionItems(first: 100) {{ totalCount nodes {{ {ITEM_FIELDS} }} }} }}"""
SINGLE = {
    "topics": ("topic", TOPIC_FIELDS),
    "consultations": ("consultation", CONSULTATION_FIELDS),
    "items": ("supervisionItem", ITEM_FIELDS),
}
COUNT = "{ key label count }"
DASHBOARD = f"""query {{ dashboard {{ topicsTotal topicsByStatus {COUNT} topicsByPlatform {COUNT}
  topicsByCommittee {COUNT} consultationsByStatus {COUNT} itemsByStatus {COUNT}
  itemsOpen itemsResolved }} }}"""
AWAY_DASHBOARD = (
    'query { dashboard(filter: {platformId: "%s"}) {'
    " topicsTotal consultationsByStatus { count } } }"
)
PUBLIC_VIEW = """query { publicOverview(first: 50) {
  approvedTopics { id title category { code label } platformName approvedAt consultationsCount }
  consultations { id form { code } subject platformName startsAt heldAt status { code }
    reportKind { code } suggestionsCount }
  exclusionsByGround { key label count } itemsResolved itemsOpen } }"""
REFERENCE = "query { platforms { id } committees { id } units { id } people { id name } }"
SMALLEST = {
    "topics": "{ topics { totalCount } }",
    "consultations": "{ consultations { totalCount } }",
    "supervisionItems": "{ supervisionItems { totalCount } }",
    "topic": f'{{ topic(id: "{uuid4()}") {{ id }} }}',
    "consultation": f'{{ consultation(id: "{uuid4()}") {{ id }} }}',
    "supervisionItem": f'{{ supervisionItem(id: "{uuid4()}") {{ id }} }}',
    "platforms": "{ platforms { id } }",
    "committees": "{ committees { id } }",
    "units": "{ units { id } }",
    "people": "{ people { id } }",
    "holidaySchedules": "{ holidaySchedules { year } }",
    "workingDaysAfter": '{ workingDaysAfter(start: "2026-12-04", workingDays: 1) { dueOn } }',
    "memberRecords": "{ memberRecords(year: 2026) { totalCount } }",
    "memberRecord": f'{{ memberRecord(id: "{uuid4()}", year: 2026) {{ id }} }}',
    "myMemberRecord": "{ myMemberRecord(year: 2026) { id } }",
    "pointsScheme": "{ pointsScheme { example } }",
    "dashboard": "{ dashboard { topicsTotal } }",
    "publicOverview": "{ publicOverview { itemsOpen } }",
    "vocabularies": "{ vocabularies { name } }",
    "eventTypes": "{ eventTypes { type nameZh } }",
    "viewer": "{ viewer { id } }",
    "hotlineGroups": f'{{ hotlineGroups(platformId: "{uuid4()}") {{ count }} }}',
    "history": f'{{ history(aggregateId: "{uuid4()}") {{ totalCount }} }}',
    "auditTrail": "{ auditTrail { totalCount } }",
    "auditActors": "{ auditActors { id } }",
    "asOf": f'{{ asOf(aggregateId: "{uuid4()}", at: "2099-01-01T00:00:00Z") {{ version }} }}',
    "decisionTimeline": f'{{ decisionTimeline(topicId: "{uuid4()}") {{ daysSinceStart }} }}',
    "ledger": "{ ledger { size } }",
    "webhooks": "{ webhooks { id } }",
    "webhook": f'{{ webhook(id: "{uuid4()}") {{ id }} }}',
    "accounts": "{ accounts { id } }",
    "securityAudit": "{ securityAudit { totalCount } }",
    "apiTokens": f'{{ apiTokens(accountId: "{uuid4()}") {{ id }} }}',
    "myAccount": "{ myAccount { id } }",
    "mySessions": "{ mySessions { id } }",
}


@pytest.fixture(scope="module")
def readers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Records]]:
    path: Path = tmp_path_factory.mktemp("readers") / "yishiting.db"
    with running(f"sqlite:///{path}") as world:
        records = populate(world.home, world.away)
        world.system.projector.wait_for(world.position())
        yield world, records


@pytest.fixture(scope="module")
def postgres_readers() -> Iterator[tuple[World, Records]]:
    with postgres_schema() as url, running(url) as world:
        records = populate(world.home, world.away)
        world.system.projector.wait_for(world.position())
        yield world, records


NOT_FOUND_ANSWER = {
    "message": "找不到该记录,或无权查看 (no such record, or not visible to you)",
    "extensions": {"code": "NOT_FOUND", "reason": "NOT_FOUND"},
}


def _said(error: dict[str, Any]) -> tuple[str, str, str]:
    return (error["extensions"]["code"], error["extensions"]["reason"], error["message"])


class Reading:
    """One role's reads, each checked against the table; every answer kept for the scan."""

    def __init__(self, world: World, records: Records, role: str) -> None:
        self.world, self.records, self.role = world, records, role
        self.answers: list[str] = []

    def data(self, document: str) -> dict[str, Any]:
        body = self.world.execute(self.role, document)
        self.answers.append(json.dumps(body, ensure_ascii=False))
        assert not body.get("errors"), (self.role, body["errors"])
        found: dict[str, Any] = body["data"]
        return found

    def refused(self, document: str, code: str, reason: str) -> None:
        body = self.world.execute(self.role, document)
        self.answers.append(json.dumps(body, ensure_ascii=False))
        assert not any((body.get("data") or {}).values()), (self.role, document, body)
        (error,) = body["errors"]
        assert (error["extensions"]["code"], error["extensions"]["reason"]) == (code, reason)
        assert CHINESE.search(error["message"]), error

    def visible(self, kind: str) -> set[str]:
        groups = ROWS[self.role][("topics", "consultations", "items").index(kind)]
        return self.records.of(kind, groups)

    def lists(self) -> None:
        found = self.data(LISTS)
        for kind, field in (
            ("topics", "topics"),
            ("consultations", "consultations"),
            ("items", "supervisionItems"),
        ):
            ids = {node["id"] for node in found[field]["nodes"]}
            assert ids == self.visible(kind), (self.role, kind)
            assert found[field]["totalCount"] == len(ids)

    def by_id(self) -> None:
        aliases, wanted = [], {}
        for kind, (field, selection) in SINGLE.items():
            for n, identifier in enumerate(sorted(self.records.every(kind))):
                alias = f"{field}{n}"
                aliases.append(f'{alias}: {field}(id: "{identifier}") {{ {selection} }}')
                wanted[alias] = identifier in self.visible(kind)
        body = self.world.execute(self.role, "query { " + " ".join(aliases) + " }")
        self.answers.append(json.dumps(body, ensure_ascii=False))
        found = body["data"]
        assert {a: found[a] is not None for a in wanted} == wanted, self.role
        # each hidden record is null with one NOT_FOUND, the same for all of them
        hidden = {e["path"][0]: _said(e) for e in body.get("errors") or []}
        assert set(hidden) == {a for a, seen in wanted.items() if not seen}, self.role
        assert set(hidden.values()) <= {_said(NOT_FOUND_ANSWER)}, self.role

    def reference(self) -> None:
        found = self.data(REFERENCE)
        for d in (self.world.home, self.world.away):
            assert str(d.platform_id) in {p["id"] for p in found["platforms"]}
            assert str(d.committee_id) in {c["id"] for c in found["committees"]}
            assert str(d.unit_id) in {u["id"] for u in found["units"]}
            assert str(d.supervisor_id) in {p["id"] for p in found["people"]}

    def dashboard(self) -> None:
        if self.role not in DASHBOARD_READERS:
            self.refused(DASHBOARD, "FORBIDDEN", "NOT_PERMITTED")
            return
        board = self.data(DASHBOARD)["dashboard"]
        assert board["topicsTotal"] == len(self.visible("topics")), self.role
        total = sum(c["count"] for c in board["consultationsByStatus"])
        assert total == len(self.visible("consultations")), self.role
        assert sum(c["count"] for c in board["itemsByStatus"]) == len(self.visible("items"))
        # filtered to the other platform: still only what the role reads of it
        there = self.data(AWAY_DASHBOARD % self.world.away.platform_id)["dashboard"]
        away = {"away", "away→home"}
        assert there["topicsTotal"] == len(self.visible("topics") & self.records.of("topics", away))
        total = sum(c["count"] for c in there["consultationsByStatus"])
        assert total == len(self.visible("consultations") & self.records.of("consultations", away))

    def public(self) -> None:
        overview = self.data(PUBLIC_VIEW)["publicOverview"]
        assert overview["approvedTopics"], "the approved topics are public"
        assert self.data("{ vocabularies { name } }")["vocabularies"]

    def viewer(self) -> None:
        assert (
            self.data("{ viewer { id role { code } } }")["viewer"]["role"]["code"]
            == self.role.upper()
        )
        # A bearer token names no account: none of its own, no sessions to list.
        assert self.data("{ myAccount { id } }")["myAccount"] is None
        self.refused("{ mySessions { id } }", "FORBIDDEN", "ACCOUNT_ONLY")

    def gated(self) -> None:
        for readers, document in GATED.values():
            if self.role in readers:
                self.data(document)
            else:
                self.refused(document, "FORBIDDEN", "NOT_PERMITTED")

    def members(self) -> None:
        if self.role in MEMBER_RECORD_READERS:
            self.data(SMALLEST["memberRecords"])
            self.refused(SMALLEST["memberRecord"], "NOT_FOUND", "NOT_FOUND")
        else:
            self.refused(SMALLEST["memberRecords"], "FORBIDDEN", "NOT_PERMITTED")
            self.refused(SMALLEST["memberRecord"], "FORBIDDEN", "NOT_PERMITTED")
        self.refused(SMALLEST["myMemberRecord"], "FORBIDDEN", "NOT_PERMITTED")
        assert self.data(SMALLEST["pointsScheme"])["pointsScheme"]["example"] is True

    def hotline(self) -> None:
        for d in (self.world.home, self.world.away):
            document = f'{{ hotlineGroups(platformId: "{d.platform_id}") {{ topics {{ id }} }} }}'
            groups = self.data(document)["hotlineGroups"]
            shown = {t["id"] for g in groups for t in g["topics"]}
            assert shown <= self.visible("topics"), self.role

    def audit(self) -> None:
        """History, the audit trail, past states and timelines: of visible records only."""
        answer = self.data(TRAIL)
        actors = {a["id"] for a in answer["auditActors"]}
        assert {e["actorId"] for e in answer["auditTrail"]["nodes"]} - {""} <= actors
        assert bool(actors) == bool(answer["auditTrail"]["totalCount"]), self.role
        for event in answer["auditTrail"]["nodes"]:
            if event["aggregateType"] in KINDS:
                assert event["aggregateId"] in self.visible(KINDS[event["aggregateType"]])
        for kind in ("topics", "consultations", "items"):
            for identifier in sorted(self.records.every(kind)):
                seen = identifier in self.visible(kind)
                found = self.data(RECORD_HISTORY % (identifier, identifier))
                assert bool(found["history"]["nodes"]) == seen, (self.role, kind)
                assert (found["asOf"] is not None) == seen, (self.role, kind)
        for identifier in sorted(self.records.every("topics")):
            found = self.data(TIMELINE % identifier)["decisionTimeline"]
            assert bool(found) == (identifier in self.visible("topics")), self.role

    def personal_data(self) -> None:
        """Nothing personal of a district the role is not cleared for; and, to show that the
        queries did ask for it, the proposers' names of those it is cleared for."""
        answers = "\n".join(self.answers)
        cleared = CLEARED.get(self.role, set())
        for group, personal in self.records.personal.items():
            if group in cleared:
                assert self.records.proposer_names(group) <= set(re.findall(r"群众.\d号", answers))
            else:
                leaked = [p for p in personal if p in answers]
                assert not leaked, f"{self.role} sees {group}'s personal data: {leaked}"


CHECKS = {
    "rows": Reading.lists,
    "by id": Reading.by_id,
    "reference": Reading.reference,
    "dashboard": Reading.dashboard,
    "public": Reading.public,
    "viewer": Reading.viewer,
    "gated": Reading.gated,
    "hotline": Reading.hotline,
    "audit": Reading.audit,
    "members": Reading.members,
}


def test_the_read_table_covers_every_query_of_the_schema() -> None:
    assert set(READS) == root_fields("query"), "a query without a row in READS (or a stale row)"
    assert set(SMALLEST) == set(READS)
    assert set(ROWS) | {"anonymous"} == set(ROLES)


def check_reads(world: World, records: Records, role: str) -> None:
    reading = Reading(world, records, role)
    for check in dict.fromkeys(READS.values()):
        CHECKS[check](reading)
    reading.personal_data()


@pytest.mark.parametrize("role", sorted(ROWS))
def test_each_role_reads_only_its_rows_and_no_personal_data_it_is_not_cleared_for(
    readers: tuple[World, Records], role: str
) -> None:
    check_reads(*readers, role)


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["platform_staff", "committee", "unit", "integration", "auditor"])
def test_each_role_reads_only_its_rows_on_postgres(
    postgres_readers: tuple[World, Records], role: str
) -> None:
    check_reads(*postgres_readers, role)


def test_anonymous_callers_read_only_the_public_view(readers: tuple[World, Records]) -> None:
    reading = Reading(*readers, "anonymous")
    for name, document in SMALLEST.items():
        if name in PUBLIC:
            assert reading.data(document)[name]
        else:
            reading.refused(document, "UNAUTHENTICATED", "TOKEN_REQUIRED")
    reading.public()
    reading.personal_data()
