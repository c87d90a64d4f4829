"""docs/API.md's client examples, as written there, against a real server (`yishiting serve`
in its own process, SQLite): the HTTP client reads and writes with a bearer token, and the
subscription follower, signing in with its token in connection_init, receives the log's events
and resumes after a cursor; a bad token is refused before any event."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.auth import Authenticator
from tests.support.api_document import example
from tests.support.servers import Server, kill, start_server

pytestmark = pytest.mark.e2e
ADMIN = Actor("admin-1", "系统管理员", Role.ADMIN)
HOTLINE = Actor("hotline-1", "12345热线", Role.INTEGRATION)
REGISTER = """mutation($name: String!) {
  registerUnit(input: {name: $name, kind: VILLAGE_OR_COMMUNITY}) { id version position }
}"""


@pytest.fixture
def secret() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def server(sqlite_url: str, secret: str, tmp_path: Path) -> Iterator[Server]:
    running = start_server(sqlite_url, secret, tmp_path / "server.log")
    yield running
    kill(running)


def token(secret: str, actor: Actor) -> str:
    return Authenticator.from_settings(Settings(token_secret=secret)).issue(actor)


def test_the_docs_clients_talk_to_a_real_server(server: Server, secret: str) -> None:
    graphql = example("graphql_client.py").graphql
    admin = token(secret, ADMIN)
    viewer = graphql(server.base_url, admin, "{ viewer { role { code } mayPerform } }")
    assert viewer["viewer"]["role"]["code"] == "ADMIN"
    assert "registerUnit" in viewer["viewer"]["mayPerform"]
    names = [f"第{n}社区" for n in range(3)]
    written = [graphql(server.base_url, admin, REGISTER, {"name": n}) for n in names]
    with pytest.raises(RuntimeError) as refused:
        graphql(server.base_url, token(secret, HOTLINE), REGISTER, {"name": "不许"})
    assert refused.value.args[1][0]["extensions"]["reason"] == "NOT_PERMITTED"

    follow = example("follow_events.py").follow
    url = server.base_url.replace("http://", "ws://") + "/graphql"
    hotline = token(secret, HOTLINE)
    events = asyncio.run(asyncio.wait_for(follow(url, hotline, limit=3), 60))
    assert [e["type"] for e in events] == ["cn.gov.cppcc.yishiting.unit.registered"] * 3
    assert [e["subject"] for e in events] == [w["registerUnit"]["id"] for w in written]
    # Resumed after the second event's cursor: the third, and nothing before it.
    resumed = asyncio.run(asyncio.wait_for(follow(url, hotline, events[1]["cursor"], 1), 60))
    assert resumed == events[2:]
    with pytest.raises(Exception):  # noqa: B017, PT011 (gql's own closing error)
        asyncio.run(asyncio.wait_for(follow(url, "not-a-token", limit=1), 60))
