"""What operators see: after the story, /metrics shows requests, operations, commands by
outcome, events appended, projection lag per view, subscriptions and webhooks; each request's
correlation id comes back, reaches the events it recorded and every JSON log line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from interfaces.http.app import create_app
from interfaces.http.observability import JsonLines, correlation
from tests.support.district import ADMIN
from tests.support.graphql import GraphQLClient, GraphQLDistrict, credentials_of, tell_the_story


@pytest.fixture(params=["sqlite", "postgres"])
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    with TestClient(create_app(Settings(database_url=url, writes_per_minute=100_000))) as client:
        yield client


def series(http: TestClient) -> dict[str, float]:
    text = http.get("/metrics").text
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
