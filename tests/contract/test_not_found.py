"""The error vocabulary as an integrator meets it, through a third-party client only (`gql`
over HTTP, `Accept: application/graphql-response+json`) against a real server: an id that does
not exist and one outside the caller's scope answer the same NOT_FOUND, in a mutation and a
query; an unknown enum value answers one refusal, inline or as a variable."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

from domain.base import Actor
from domain.vocabulary import Role
from tests.support.servers import Server, kill, start_server

pytestmark = pytest.mark.e2e
ADMIN = Actor("admin-1", "管理员", Role.ADMIN)
ACCEPT = "application/graphql-response+json"


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    running = start_server(url, secrets.token_urlsafe(32), tmp_path / "server.log")
    yield running
    kill(running)


def client(server: Server, actor: Actor) -> Client:
    headers = {**server.credentials(actor), "Accept": ACCEPT}
    transport = HTTPXTransport(url=f"{server.base_url}/graphql", headers=headers)
    return Client(transport=transport)


def request(document: str, variables: dict[str, Any]) -> GraphQLRequest:
    made = gql(document)
    made.variable_values = variables
    return made


def run(server: Server, actor: Actor, document: str, **variables: Any) -> dict[str, Any]:
    with client(server, actor) as session:
        answer: dict[str, Any] = session.execute(request(document, variables))
        return answer


def refusal(server: Server, actor: Actor, document: str, **variables: Any) -> dict[str, Any]:
    """The one error of a refused request, with the data the server still gave."""
    with client(server, actor) as session, pytest.raises(TransportQueryError) as refused:
        session.execute(request(document, variables))
    (error,) = refused.value.errors or []
    return {**error, "data": refused.value.data}


def said(error: dict[str, Any]) -> tuple[str, str, str]:
    return error["extensions"]["code"], error["extensions"]["reason"], error["message"]


@pytest.fixture
def a_topic(server: Server) -> tuple[str, str]:
    """A matter proposed on a platform, and that platform's id."""
    committee = run(
        server, ADMIN, 'mutation { establishCommittee(input: {name: "经济委员会"}) { id } }'
    )["establishCommittee"]["id"]
    person = run(
        server, ADMIN, 'mutation { registerPerson(input: {name: "王主任", position: ""}) { id } }'
    )["registerPerson"]["id"]
    platform = run(
        server,
        ADMIN,
        'mutation($c: ID!, $p: ID!) { registerPlatform(input: {name: "街道委员工作室",'
        ' kind: MEMBER_WORKSTATION, hallVenue: "街道二楼", committeeId: $c,'
        " responsiblePersonId: $p}) { id } }",
        c=committee,
        p=person,
    )["registerPlatform"]["id"]
    staff = Actor("staff-1", "平台专员", Role.PLATFORM_STAFF, platform)
    topic = run(
        server,
        staff,
        'mutation($p: ID!) { proposeTopic(input: {title: "小区停车难", content: "停车位不足",'
        ' channel: MASSES, category: GOVERNANCE, platformId: $p, proposer: {name: "陈群众"}})'
        " { id } }",
        p=platform,
    )["proposeTopic"]["id"]
    return topic, platform


ELSEWHERE = Actor("staff-9", "别处专员", Role.PLATFORM_STAFF, str(uuid4()))
VERIFY = 'mutation($t: ID!) { verifyTopic(input: {topicId: $t, basicSituation: "核实"}) { id } }'
READ = "query($t: ID!) { topic(id: $t) { id title } }"


def test_a_mutation_answers_the_same_not_found_for_an_unknown_id_and_one_out_of_scope(
    server: Server, a_topic: tuple[str, str]
) -> None:
    topic, _ = a_topic
    foreign = refusal(server, ELSEWHERE, VERIFY, t=topic)
    unknown = refusal(server, ELSEWHERE, VERIFY, t=str(uuid4()))
    assert said(foreign) == said(unknown)
    assert said(foreign)[:2] == ("NOT_FOUND", "NOT_FOUND")
    assert topic not in foreign["message"]


def test_a_query_answers_null_and_the_same_not_found_for_both(
    server: Server, a_topic: tuple[str, str]
) -> None:
    topic, platform = a_topic
    home = Actor("staff-2", "平台专员", Role.PLATFORM_STAFF, platform)
    assert run(server, home, READ, t=topic)["topic"]["id"] == topic
    foreign = refusal(server, ELSEWHERE, READ, t=topic)
    unknown = refusal(server, ELSEWHERE, READ, t=str(uuid4()))
    assert foreign["data"] == unknown["data"] == {"topic": None}
    assert said(foreign) == said(unknown)
    assert said(foreign)[:2] == ("NOT_FOUND", "NOT_FOUND")


def test_an_unknown_enum_value_is_one_refusal_inline_or_as_a_variable(server: Server) -> None:
    inline = refusal(server, ADMIN, "{ topics(filter: {channel: PIGEON}) { totalCount } }")
    variable = refusal(
        server,
        ADMIN,
        "query($f: TopicFilter) { topics(filter: $f) { totalCount } }",
        f={"channel": "PIGEON"},
    )
    for error in (inline, variable):
        assert said(error)[:2] == ("BAD_USER_INPUT", "INVALID_VALUE"), error
        assert "PIGEON" in error["message"]
