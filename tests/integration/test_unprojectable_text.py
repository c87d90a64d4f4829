"""Arbitrary Unicode, NUL and lone surrogates included, sent to every text input of
proposeTopic, the 12345 push and a search filter, on SQLite and PostgreSQL: each is refused with
a code and a message naming what was wrong, or stored and shown as sent (composed); never a 500,
and the projector is never stuck: the views reach the log's last position with nothing set
aside."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import System
from interfaces.server import create_app
from projections import set_aside
from tests.support.graphql import HOTLINE_MATTER, GraphQLClient, GraphQLDistrict, credentials_of
from tests.support.unicode import any_text

HOTLINE = Actor("hotline-gateway", "12345热线推送", Role.INTEGRATION)
ADMIN = Actor("admin-1", "系统管理员", Role.ADMIN)
EXAMPLES = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Refusals a random text may earn besides INVALID_TEXT: empty after trimming, too long.
TEXT_REFUSALS = {"INVALID_TEXT", "FIELD_REQUIRED", "FIELD_TOO_LONG", "INVALID_INPUT"}
PROPOSE = (
    "mutation Step($input: ProposeTopicInput!) {"
    " proposeTopic(input: $input) { id topic { title content } } }"
)
PROPOSAL_FIELDS = (
    "title",
    "content",
    "proposer.name",
    "proposer.phone",
    "proposer.idNumber",
    "proposer.organisation",
    "hotlineTickets",
    "commandId",
)
PUSH_FIELDS = (
    "service_request_id",
    "description",
    "title",
    "service_name",
    "agency_responsible",
    "address",
    "street",
    "contact_name",
    "contact_phone",
)


@pytest.fixture(params=["sqlite", "postgres"])
def http(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[TestClient]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    given_settings = Settings(
        database_url=url,
        writes_per_minute=100_000,
        ledger_key_file=str(tmp_path / "ledger.pem"),
    )
    with TestClient(create_app(given_settings)) as client:
        yield client


@pytest.fixture
def hall(http: TestClient) -> GraphQLDistrict:
    return GraphQLDistrict.build(GraphQLClient(http, credentials=credentials_of(http.app)))


def post(http: TestClient, path: str, body: Any, actor: Actor) -> Any:
    """`body` as JSON with every non-ASCII character escaped: a lone surrogate travels as
    `\\ud800`, as any client library would send it."""
    token = http.app.state.authenticator.issue(actor)  # type: ignore[attr-defined]
    return http.post(
        path,
        content=json.dumps(body, ensure_ascii=True).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def composed(value: str) -> str:
    """What a stored text reads as: line ends as LF, composed, trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def proposal(hall: GraphQLDistrict, field: str, value: str) -> dict[str, Any]:
    given = {
        "title": HOTLINE_MATTER["title"],
        "content": HOTLINE_MATTER["content"],
        "channel": "MASSES",
        "category": "GOVERNANCE",
        "platformId": hall.platform_id,
        "proposer": dict(HOTLINE_MATTER["proposer"]),
    }
    if field.startswith("proposer."):
        given["proposer"][field.removeprefix("proposer.")] = value
    elif field == "hotlineTickets":
        given.update(channel="HOTLINE_12345", hotlineTickets=[value])
    else:
        given[field] = value
    return given


def assert_refused_with_a_code(error: dict[str, Any]) -> None:
    extensions = error["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT", error
    assert extensions["reason"] in TEXT_REFUSALS, error
    assert "(" in error["message"], error  # 中文 (English)


def assert_views_reach_the_log(http: TestClient) -> None:
    system: System = http.app.state.holder["system"]  # type: ignore[attr-defined]
    log = system.app.recorder.max_notification_id() or 0
    assert system.projector.wait_for(log, timeout=30), "the projector is stuck"
    with system.store.reading() as tx:
        assert set_aside.listing(tx, everything=True) == []


def test_any_text_proposed_is_refused_or_stored_as_sent(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    staff = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id)

    @EXAMPLES
    @given(field=st.sampled_from(PROPOSAL_FIELDS), value=any_text())
    def propose(field: str, value: str) -> None:
        given = {"query": PROPOSE, "variables": {"input": proposal(hall, field, value)}}
        answer = post(http, "/graphql", given, staff)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body.get("errors"):
            (error,) = body["errors"]
            assert_refused_with_a_code(error)
            return
        topic = body["data"]["proposeTopic"]["topic"]
        assert topic is not None, "stored but not projected"
        if field in ("title", "content"):
            assert topic[field] == composed(value)

    propose()
    assert_views_reach_the_log(http)


def test_any_text_pushed_by_the_hotline_is_refused_or_taken_in(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    counter = iter(range(1_000_000))

    @EXAMPLES
    @given(field=st.sampled_from(PUSH_FIELDS), value=any_text())
    def push(field: str, value: str) -> None:
        body = {
            "service_request_id": f"GD-FUZZ-{next(counter)}",
            "description": "夜间停车难,车辆占用消防通道。",
            "platform_id": hall.platform_id,
            field: value,
        }
        answer = post(http, "/hotline/service-requests", body, HOTLINE)
        assert answer.status_code in (200, 201, 400, 409, 422), answer.text
        if answer.status_code >= 400:
            (error,) = answer.json()["errors"]
            assert error["extensions"]["code"], error
            assert "(" in error["message"], error

    push()
    assert_views_reach_the_log(http)


def test_any_search_text_is_answered_or_refused_with_a_code(
    http: TestClient, hall: GraphQLDistrict
) -> None:
    search = "query Q($t: String) { topics(first: 3, filter: {text: $t}) { totalCount } }"

    @EXAMPLES
    @given(value=any_text())
    def find(value: str) -> None:
        answer = post(http, "/graphql", {"query": search, "variables": {"t": value}}, ADMIN)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        for error in body.get("errors") or []:
            assert error["extensions"]["reason"] == "INVALID_TEXT", error

    find()
    nul = post(http, "/graphql", {"query": search, "variables": {"t": "a\x00b"}}, ADMIN)
    (error,) = nul.json()["errors"]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "INVALID_TEXT",
        "details": {"field": "filter.text", "character": "U+0000", "index": 2},
    }
    assert error["message"].startswith("搜索内容含有不允许的字符 U+0000")

    audit = "query Q($f: AuditFilter) { auditTrail(first: 3, filter: $f) { totalCount } }"
    for audit_filter, field in (
        ({"actorId": "admin\x00"}, "filter.actorId"),
        ({"aggregateType": "Topic\ud800"}, "filter.aggregateType"),
        ({"eventTypes": ["topic.proposed", "\x1b"]}, "filter.eventTypes"),
    ):
        answer = post(http, "/graphql", {"query": audit, "variables": {"f": audit_filter}}, ADMIN)
        (error,) = answer.json()["errors"]
        assert error["extensions"]["reason"] == "INVALID_TEXT", error
        assert error["extensions"]["details"]["field"] == field


# A few more texts entering records: reference data, and the command id every mutation takes.
REFERENCE_INPUTS = (
    ("registerPerson", "RegisterPersonInput", {"name": "王委员"}, "name"),
    ("registerPerson", "RegisterPersonInput", {"name": "王委员"}, "position"),
    ("establishCommittee", "EstablishCommitteeInput", {"name": "提案委员会"}, "name"),
    ("establishCommittee", "EstablishCommitteeInput", {"name": "提案委员会"}, "commandId"),
)


def test_any_text_in_reference_data_and_command_ids_is_refused_or_stored(
    http: TestClient,
) -> None:
    @EXAMPLES
    @given(case=st.sampled_from(REFERENCE_INPUTS), value=any_text())
    def register(case: tuple[str, str, dict[str, str], str], value: str) -> None:
        mutation, input_type, fields, field = case
        document = (
            f"mutation M($input: {input_type}!) {{ {mutation}(input: $input) {{ id position }} }}"
        )
        variables = {"input": {**fields, field: value}}
        answer = post(http, "/graphql", {"query": document, "variables": variables}, ADMIN)
        assert answer.status_code == 200, answer.text
        for error in answer.json().get("errors") or []:
            assert_refused_with_a_code(error)

    register()
    assert_views_reach_the_log(http)
