"""The dashboard's live subscription: a unit watching its resolved items over a WebSocket sees
its item the moment it is resolved — with the ledger's columns as the views now show them —
and not the progress report before it, which its filter leaves out. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.server import create_app
from tests.support.graphql import ADMIN, GraphQLClient, GraphQLDistrict, credentials_of

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CHANGED = """subscription { supervisionItemChanged(filter: {status: RESOLVED}) {
  id seqNo suggestion unitName outcome status { code label } unit { name } } }"""


@pytest.fixture(params=BACKENDS)
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    with TestClient(create_app(Settings(database_url=url, writes_per_minute=100_000))) as client:
        yield client


def subscribe(http: TestClient, actor: Actor) -> Any:
    ws = http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
    session = ws.__enter__()
    session.send_json({"type": "connection_init", "payload": credentials_of(http.app)(actor)})
    assert session.receive_json()["type"] == "connection_ack"
    session.send_json({"id": "1", "type": "subscribe", "payload": {"query": CHANGED}})
    return ws, session


def test_a_unit_sees_its_item_resolved_live_and_not_what_its_filter_leaves_out(
    http: TestClient,
) -> None:
    api = GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)
    hall = GraphQLDistrict.build(api)
    item_id = hall.assigned_item()
    unit = Actor("unit-1", "赵科长", Role.UNIT, hall.unit_id)
    ws, session = subscribe(http, unit)
    try:
        hall.unit.report_progress(
            item_id, progress="已协调", reporting_department="区交通委", reported_on="2026-12-01"
        )
        hall.supervisor.resolve_item(item_id, outcome="新增车位120个。")
        message = session.receive_json()
    finally:
        ws.__exit__(None, None, None)
    assert message["type"] == "next", message
    assert message["payload"]["data"]["supervisionItemChanged"] == {
        "id": item_id,
        "seqNo": 1,
        "suggestion": "利用学校操场夜间错时停车",
        "unitName": "区交通委",
        "outcome": "新增车位120个。",
        "status": {"code": "RESOLVED", "label": "已办结"},
        "unit": {"name": "区交通委"},
    }
