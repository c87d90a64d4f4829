"""What operators see: after the story, /metrics shows requests, operations, commands by
outcome, events appended, projection lag per view, subscriptions and webhooks; each request's
correlation id comes back, reaches the events it recorded and every JSON log line."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.edge.observability import JsonLines, correlation
from interfaces.server import Gate, create_app
from tests.support.district import ADMIN
from tests.support.graphql import (
    CHINESE,
    GraphQLClient,
    GraphQLDistrict,
    credentials_of,
    tell_the_story,
)


@pytest.fixture(params=["sqlite", "postgres"])
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    with TestClient(create_app(Settings(database_url=url, writes_per_minute=100_000))) as client:
        yield client


def test_the_app_serves_through_the_gate_it_is_handed(sqlite_url: str) -> None:
    """The composition root may hand create_app its authenticator, limiter and metrics."""
    settings = Settings(database_url=sqlite_url)
    gate = Gate.from_settings(settings)
    with TestClient(create_app(settings, gate=gate)) as client:
        assert client.app.state.authenticator is gate.authenticator  # type: ignore[attr-defined]
        assert client.get("/healthz").status_code == 200
        counted = gate.metrics.exposition().decode()
    healthz = 'yishiting_http_requests_total{method="GET",route="/healthz",status="200"}'
    assert f"{healthz} 1.0" in counted


def test_graphql_requests_are_counted_under_their_route(sqlite_url: str) -> None:
    """GraphQL over HTTP has an endpoint of its own (router.py): still one series, /graphql,
    whatever path text follows it."""
    settings = Settings(database_url=sqlite_url)
    gate = Gate.from_settings(settings)
    with TestClient(create_app(settings, gate=gate)) as client:
        for _ in range(2):
            assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
        assert client.post("/graphql/nothing/here", json={}).status_code == 404
        counted = gate.metrics.exposition().decode()
    answered = 'yishiting_http_requests_total{method="POST",route="/graphql",status="200"}'
    assert f"{answered} 2.0" in counted
    assert 'route="/graphql/nothing/here"' not in counted


def test_a_slow_request_is_told_in_the_log_by_route_status_and_duration(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the threshold (here every request is slow) the line names the route as routed
    (never the client's own path text), the status and the seconds; below it, nothing."""
    settings = Settings(database_url=sqlite_url)
    slow, quick = Gate.from_settings(settings), Gate.from_settings(settings)
    slow.metrics.slow_seconds = 0.0
    with caplog.at_level(logging.WARNING, logger="yishiting.http"):
        with TestClient(create_app(settings, gate=quick)) as client:
            client.get("/healthz")
        assert not [r for r in caplog.records if "slow request" in r.getMessage()]
        with TestClient(create_app(settings, gate=slow)) as client:
            client.get("/healthz")
            client.get("/no-such-path/=cmd|'/C calc'!A1")
    told = [r.getMessage() for r in caplog.records if "slow request" in r.getMessage()]
    assert told[0].startswith("慢请求 slow request: GET /healthz answered 200 in ")
    assert told[1].startswith("慢请求 slow request: GET (unrouted) answered 404 in ")


def admin_headers(http: TestClient) -> dict[str, str]:
    return credentials_of(http.app)(ADMIN)


def series(http: TestClient) -> dict[str, float]:
    response = http.get("/metrics", headers=admin_headers(http))
    assert response.status_code == 200, response.text
    text = response.text
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("yishiting_")
    }


def test_metrics_after_the_story_show_every_series(http: TestClient) -> None:
    api = GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)
    hall = GraphQLDistrict.build(api)
    told = tell_the_story(hall)
    refused = hall.staff.refused.resolve_item(told.item_id, outcome="再办结一次")
    assert refused["extensions"]["code"] == "FORBIDDEN"
    twice = hall.supervisor.refused.resolve_item(told.item_id, outcome="再办结一次")
    assert twice["extensions"]["code"] == "CONFLICT"

    seen = series(http)
    assert seen['yishiting_commands_total{command="proposeTopic",outcome="ok"}'] >= 2
    assert seen['yishiting_commands_total{command="resolveItem",outcome="ok"}'] == 1
    assert seen['yishiting_commands_total{command="resolveItem",outcome="conflict"}'] == 1
    assert seen['yishiting_commands_total{command="resolveItem",outcome="forbidden"}'] == 1
    assert seen["yishiting_events_appended_total"] >= 20
    assert seen["yishiting_log_position"] >= seen["yishiting_events_appended_total"]
    for view in ("topic_board", "supervision_ledger", "ledger", "audit_trail"):
        assert seen[f'yishiting_projection_lag_events{{view="{view}"}}'] == 0
    assert "yishiting_subscriptions_active" in seen
    assert any(k.startswith("yishiting_http_requests_total{") for k in seen)
    assert any(k.startswith("yishiting_graphql_operation_seconds_count{") for k in seen)


def test_a_request_id_comes_back_and_is_stored_with_the_events(http: TestClient) -> None:
    api = GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)
    headers = {**api.headers, "X-Request-ID": "trace-7f3a"}
    reply = http.post(
        "/graphql",
        headers=headers,
        json={"query": 'mutation { establishCommittee(input: {name: "文史委员会"}) { id } }'},
    )
    assert reply.headers["x-request-id"] == "trace-7f3a"
    committee = UUID(reply.json()["data"]["establishCommittee"]["id"])
    app = http.app.state.holder["system"].app  # type: ignore[attr-defined]
    (established,) = list(app.events.get(committee))
    assert established.correlation_id == "trace-7f3a"
    assert http.get("/healthz").headers["x-request-id"]


@pytest.mark.parametrize(
    "given",
    [b"\xff\xfetrace", b"trace\x1b[31m", "追踪-1".encode(), b"a b", b""],
    ids=["not UTF-8", "control characters", "not ASCII", "a space", "empty"],
)
def test_a_request_id_that_is_not_plain_ascii_is_replaced_not_refused(
    http: TestClient, given: bytes
) -> None:
    """A caller's id goes into log lines, the response and the events: bytes that could
    mislead a terminal, a log reader or a page are not taken (nor answered with a 500)."""
    reply = http.get("/healthz", headers={"X-Request-ID": given})
    assert reply.status_code == 200
    assert re.fullmatch("[0-9a-f]{32}", reply.headers["x-request-id"])


def test_a_request_id_of_the_usual_kinds_is_kept_and_a_made_one_is_new_each_time(
    http: TestClient,
) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    for given in (traceparent, "req:42/a.b_c+d=", "x" * 64):
        assert (
            http.get("/healthz", headers={"X-Request-ID": given}).headers["x-request-id"] == given
        )
    assert http.get("/healthz", headers={"X-Request-ID": "y" * 80}).headers["x-request-id"] == (
        "y" * 64
    )
    made = {http.get("/healthz").headers["x-request-id"] for _ in range(50)}
    assert len(made) == 50


def test_log_lines_are_json_with_the_request_id() -> None:
    record = logging.LogRecord("yishiting", logging.WARNING, __file__, 1, "投影暂停", (), None)
    token = correlation.set("trace-1")
    try:
        line = json.loads(JsonLines().format(record))
    finally:
        correlation.reset(token)
    assert line["request_id"] == "trace-1"
    assert line["message"] == "投影暂停"
    assert line["level"] == "WARNING"


# ------------------------------------------------------------------------ who reads /metrics

SCRAPE_TOKEN = "a-prometheus-scrape-token-of-32-bytes-or-more"


@pytest.fixture
def scraped(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, metrics_token=SCRAPE_TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


def test_metrics_are_not_anonymous(scraped: TestClient) -> None:
    issue = credentials_of(scraped.app)
    staff = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, str(uuid4()))
    refusals = {
        "anonymous": ({}, 401, "TOKEN_REQUIRED"),
        "a wrong scrape token": ({"Authorization": "Bearer not-the-token"}, 401, "TOKEN_INVALID"),
        "platform staff": (issue(staff), 403, "NOT_PERMITTED"),
        "the leader": (issue(Actor("leader-1", "党组", Role.LEADER)), 403, "NOT_PERMITTED"),
    }
    for who, (headers, status, reason) in refusals.items():
        response = scraped.get("/metrics", headers=headers)
        assert response.status_code == status, (who, response.text)
        (error,) = response.json()["errors"]
        assert error["extensions"]["reason"] == reason, (who, error)
        assert CHINESE.search(error["message"]), who
        assert "yishiting_" not in response.text
    for who, headers in {
        "the scrape token": {"Authorization": f"Bearer {SCRAPE_TOKEN}"},
        "an administrator": admin_headers(scraped),
    }.items():
        response = scraped.get("/metrics", headers=headers)
        assert response.status_code == 200, who
        assert "yishiting_http_requests_total" in response.text, who


# ------------------------------------------------------------------------------ bounded labels


def series_names(http: TestClient) -> set[str]:
    return set(series(http))


def hostile_round(http: TestClient, n: int) -> None:
    """A request with an operation name never seen before (a valid and an invalid document in
    turn); every tenth also on a new path and with a new method."""
    headers = admin_headers(http)
    document = f"query Probe{n} {{ __typename }}" if n % 2 else f"query Bad{n} {{ nosuch{n} }}"
    http.post("/graphql", json={"query": document, "operationName": f"Probe{n}"}, headers=headers)
    if n % 10 == 0:
        http.get(f"/no-such-page-{n}/x")
        http.request(f"VERB{n}", "/graphql", headers=headers)


def test_metrics_stay_bounded_under_3000_distinct_operation_names(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, writes_per_minute=100_000)
    with TestClient(create_app(settings)) as http:
        for n in range(20):
            hostile_round(http, n)
        series_names(http)  # /metrics's own series are there from its second reading
        before = series_names(http)
        size_before = len(http.get("/metrics", headers=admin_headers(http)).content)
        for n in range(20, 3020):
            hostile_round(http, n)
        after = series_names(http)
        size_after = len(http.get("/metrics", headers=admin_headers(http)).content)
    grown = after - before
    assert not grown, sorted(grown)[:10]
    assert size_after < size_before + 2_000, (size_before, size_after)
    operations = {k for k in after if k.startswith("yishiting_graphql_operation_seconds_count")}
    assert any('operation="__typename"' in k for k in operations), operations
    assert not any("Probe" in k or "nosuch" in k or "no-such" in k or "VERB" in k for k in after)
