"""The web front end beside the API: its files served from the same app with a strict content
policy, the `viewer` query that tells the page who signed in and what their role may do, and
the rule that the page speaks to nothing but /graphql and /auth/ (sign-in, session, sign-out,
single sign-on): no CDN, no other endpoint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.graphql.schema import schema
from interfaces.server import create_app
from interfaces.web import STATIC

SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"
VIEWER = "{ viewer { id name role { code label } scope mayPerform mayRead liveCursor } }"
MUTATIONS = set(schema._schema.mutation_type.fields)
PEOPLE = {
    "staff": Actor("staff-1", "王丽", Role.PLATFORM_STAFF, str(uuid4())),
    "committee": Actor("cttee-1", "何振华", Role.COMMITTEE, str(uuid4())),
    "unit": Actor("unit-1", "孙鹏", Role.UNIT, str(uuid4())),
    "leader": Actor("leader-1", "区政协党组领导", Role.LEADER, ""),
    "auditor": Actor("auditor-1", "纪检监察室", Role.AUDITOR, ""),
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/y.db",
        token_secret=SECRET,
        ledger_key_file=str(tmp_path / "ledger.pem"),
    )
    with TestClient(create_app(settings)) as running:
        yield running


def viewer(client: TestClient, who: str) -> dict[str, Any]:
    token = client.app.state.authenticator.issue(PEOPLE[who])
    response = client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    found: dict[str, Any] = body["data"]["viewer"]
    return found


def test_the_front_end_is_served_beside_the_api(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/app/"
    page = client.get("/app/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "议事厅" in page.text
    script = client.get("/app/js/main.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert client.get("/app/vendor/echarts/echarts.common.min.js").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_each_role_is_told_what_it_may_do(client: TestClient) -> None:
    staff, committee, unit = (
        viewer(client, "staff"),
        viewer(client, "committee"),
        viewer(client, "unit"),
    )
    leader, auditor = viewer(client, "leader"), viewer(client, "auditor")
    assert staff["role"] == {"code": "PLATFORM_STAFF", "label": "协商议事平台专人"}
    assert (staff["name"], staff["scope"]) == ("王丽", PEOPLE["staff"].scope)
    assert {"proposeTopic", "verifyTopic", "excludeTopic", "submitTopic"} <= set(
        staff["mayPerform"]
    )
    assert "approveTopic" not in staff["mayPerform"]
    assert {"approveTopic", "returnTopic", "resolveItem"} <= set(committee["mayPerform"])
    assert "excludeTopic" not in committee["mayPerform"]
    # A unit reports progress and attaches (or withdraws) its 办理回复 and photos.
    assert unit["mayPerform"] == ["addAttachment", "reportProgress", "withdrawAttachment"]
    assert leader["mayPerform"] == []
    assert auditor["mayPerform"] == ["issueCheckpoint"]  # the discipline office signs them
    assert (leader["mayRead"], auditor["mayRead"]) == (
        ["dashboard", "ledger", "memberRecords"],
        ["dashboard", "ledger", "memberRecords"],
    )
    assert (staff["mayRead"], unit["mayRead"]) == (["dashboard", "memberRecords"], [])
    assert re.fullmatch(r"\d{20}", leader["liveCursor"])


def test_every_permitted_mutation_exists(client: TestClient) -> None:
    for who in PEOPLE:
        unknown = set(viewer(client, who)["mayPerform"]) - MUTATIONS
        assert not unknown, f"{who} is told of mutations the schema lacks: {unknown}"


def test_nobody_is_a_viewer_without_signing_in(client: TestClient) -> None:
    body = client.post("/graphql", json={"query": VIEWER}).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


SCRIPTS = sorted((STATIC / "js").rglob("*.js"))
OURS = [*SCRIPTS, *(STATIC / "css").glob("*.css"), STATIC / "index.html"]


def test_the_page_speaks_only_to_graphql_and_loads_nothing_from_elsewhere() -> None:
    calls = {
        path.relative_to(STATIC).as_posix(): re.findall(
            r"\b(fetch|WebSocket|XMLHttpRequest)\(", text
        )
        for path in SCRIPTS
        if (text := path.read_text(encoding="utf-8"))
    }
    assert {path for path, found in calls.items() if found} == {"js/api.js", "js/live.js"}
    assert 'ENDPOINT = "/graphql"' in (STATIC / "js/api.js").read_text(encoding="utf-8")
    assert "/graphql`" in (STATIC / "js/live.js").read_text(encoding="utf-8")
    for path in OURS:
        assert not re.search(r"https?://", path.read_text(encoding="utf-8")), path
    assert (STATIC / "vendor/echarts/LICENSE.txt").exists()
