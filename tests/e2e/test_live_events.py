"""Live events from a real server (`yishiting serve` in its own process) to a third-party
GraphQL client (gql, websockets transport): the whole story in order, a client that drops out
mid-story and resumes from its last cursor receiving each remaining event once, both WebSocket
subprotocols, tokens checked at connection_init, and — on PostgreSQL — a write through one
server process reaching a subscriber connected to another."""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.auth import LEEWAY_SECONDS, Authenticator
from tests.support.graphql import ADMIN, GraphQLClient, GraphQLDistrict, tell_the_story
from tests.support.live import LEGACY_WS, TRANSPORT_WS, Subscription, run
from tests.support.servers import Server, kill, start_server

pytestmark = pytest.mark.e2e
INTEGRATION = Actor("app-1", "履职APP", Role.INTEGRATION)


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def secret() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def server(url: str, secret: str, tmp_path: Path) -> Iterator[Server]:
    running = start_server(url, secret, tmp_path / "server.log")
    yield running
    kill(running)


def token(secret: str, actor: Actor = INTEGRATION, **overrides: Any) -> str:
    settings = Settings(token_secret=secret, **overrides)
    return Authenticator.from_settings(settings).issue(actor)


def feed(server: Server, secret: str) -> list[dict[str, Any]]:
    """The whole log as the same reader sees it over HTTP, to compare with."""
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        auth = {"Authorization": f"Bearer {token(secret)}"}
        response = http.get("/events?limit=1000", headers=auth)
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()
        return events


class Story:
    """The story told through one server's GraphQL API in a thread of its own."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._tell, daemon=True)

    def _tell(self) -> None:
        try:
            with httpx.Client(base_url=self.server.base_url, timeout=30) as http:
                api = GraphQLClient(http, credentials=self.server.credentials).acting_as(ADMIN)
                tell_the_story(GraphQLDistrict.build(api))
        except BaseException as error:
            self.error = error
        finally:
            self.done.set()

    def __enter__(self) -> Story:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.thread.join(timeout=120)
        assert self.error is None, self.error


def brief(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["id"], e["sequence"]) for e in events]


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
def test_a_gql_client_receives_every_event_of_the_story_in_order(
    server: Server, secret: str, protocol: str
) -> None:
    async def listen_to_the_story() -> list[dict[str, Any]]:
        async with Subscription(server.base_url, token(secret), protocol) as live:
            with Story(server):
                pass
            told = await asyncio.to_thread(feed, server, secret)
            return await live.until(lambda got: len(got) >= len(told))

    received = run(listen_to_the_story())
    expected = feed(server, secret)
    assert brief(received) == brief(expected)
    assert [e["cursor"] for e in received] == [e["sequence"] for e in expected]
    assert received[-1]["type"] == "cn.gov.cppcc.yishiting.topic.excluded"
    assert received[-1]["data"]["ground"] == "real_name_report"
    proposed = [e for e in received if e["type"].endswith("topic.proposed")]
    assert {e["data"]["proposer"]["name"] for e in proposed} == {None}, "integration: no names"


def test_a_client_that_drops_out_mid_story_resumes_from_its_cursor_once_each(
    server: Server, secret: str
) -> None:
    async def drop_out_then_resume() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        story = Story(server)
        async with Subscription(server.base_url, token(secret)) as live:
            story.__enter__()
            first = await live.until(lambda got: len(got) >= 12)
        dropped_mid_story = not story.done.is_set()
        async with Subscription(server.base_url, token(secret), after=first[-1]["cursor"]) as again:
            await asyncio.to_thread(story.__exit__)
            told = await asyncio.to_thread(feed, server, secret)
            rest = await again.until(lambda got: len(first) + len(got) >= len(told))
        assert dropped_mid_story, "the client dropped out while the story went on"
        return first, rest

    first, rest = run(drop_out_then_resume())
    assert brief(first + rest) == brief(feed(server, secret))


def test_bad_tokens_are_refused_at_connection_init(server: Server, secret: str) -> None:
    expired = Authenticator.from_settings(Settings(token_secret=secret)).issue(INTEGRATION, -3600)
    cases = {
        "TOKEN_REQUIRED": {},
        "TOKEN_INVALID": {"Authorization": "Bearer not-a-jwt"},
        "TOKEN_EXPIRED": {"Authorization": f"Bearer {expired}"},
    }
    forged = {"Authorization": f"Bearer {token(secrets.token_urlsafe(32))}"}
    elsewhere = {"Authorization": f"Bearer {token(secret, token_audience='another-api')}"}
    for reason, payload in [
        *cases.items(),
        ("TOKEN_INVALID", forged),
        ("TOKEN_INVALID", elsewhere),
    ]:
        run(refused(server.base_url, payload, reason))


async def refused(base_url: str, payload: dict[str, Any], reason: str) -> None:
    ws_url = base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 30)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403
        said = closed.value.rcvd.reason  # ASCII codes first, then 中文 and English
        assert said.startswith(("UNAUTHENTICATED ", "FORBIDDEN ")), said
        assert f" {reason}: 凭证无效 invalid credentials" in said, said
        assert len(said.encode()) <= 123
    async with websockets.connect(ws_url, subprotocols=["graphql-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        error = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert error["type"] == "connection_error"
        assert error["payload"]["reason"] == reason
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["payload"]["message"])


def test_a_connection_outliving_its_token_is_cut_off(server: Server, secret: str) -> None:
    """Accepted at connection_init (within the 30 s leeway), the token lapses two seconds
    later: the running subscription ends with TOKEN_EXPIRED, and so does any new one."""
    authenticator = Authenticator.from_settings(Settings(token_secret=secret))
    lapsing = authenticator.issue(INTEGRATION, -(LEEWAY_SECONDS - 2))
    establish_committee(server)  # something to replay before the token lapses
    run(cut_off(server.base_url, lapsing))


async def cut_off(base_url: str, lapsing: str) -> None:
    ws_url = base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        payload = {"Authorization": f"Bearer {lapsing}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "connection_ack"
        subscribe = {"query": "subscription { events { type } }"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        replayed = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert replayed["type"] == "next"
        assert replayed["payload"]["data"]["events"]["type"].endswith(".committee.established")
        assert await expired_answer(ws, "1") == "TOKEN_EXPIRED"

        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": subscribe}))
        assert await expired_answer(ws, "2") == "TOKEN_EXPIRED"


async def expired_answer(ws: Any, operation: str) -> str:
    """The reason of the first error the server sends for `operation` (as `next` or `error`)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if message.get("id") != operation or message["type"] not in ("next", "error"):
            continue
        payload = message["payload"]
        errors = payload if isinstance(payload, list) else payload.get("errors") or []
        if errors:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[0]["message"])
            assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
            reason: str = errors[0]["extensions"]["reason"]
            return reason


@pytest.mark.postgres
def test_a_write_through_one_process_reaches_a_subscriber_on_another(
    postgres_url: str, secret: str, tmp_path: Path
) -> None:
    writer = start_server(postgres_url, secret, tmp_path / "a.log")
    reader = start_server(postgres_url, secret, tmp_path / "b.log")
    try:
        head = feed(reader, secret)
        after = head[-1]["sequence"] if head else None

        async def write_through_a_when_b_listens() -> list[dict[str, Any]]:
            async with Subscription(reader.base_url, token(secret), after=after) as live:
                await asyncio.to_thread(establish_committee, writer)
                return await live.until(lambda got: len(got) >= 1)

        received = run(write_through_a_when_b_listens())
        assert [e["data"]["name"] for e in received] == ["经济委员会"]
    finally:
        kill(writer)
        kill(reader)


def establish_committee(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        api = GraphQLClient(http, credentials=server.credentials).acting_as(ADMIN)
        api.query('mutation { establishCommittee(input: {name: "经济委员会"}) { id } }')
