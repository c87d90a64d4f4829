"""A clerk's busy hour is never refused under the limits a deployment starts with: the district
set up, the story told (a 12345 matter from proposal to a resolved supervision item, and a
real-name report excluded), then 30 matters entered by hand — every write by one account, sent
through the third-party `gql` client as fast as it answers, against a real server on SQLite and
PostgreSQL. No answer may be RATE_LIMITED (docs/API.md § 4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from domain.base import Actor
from tests.support.contract import Answer, ContractServer
from tests.support.graphql import ADMIN, GraphQLClient, GraphQLDistrict, tell_the_story

pytestmark = pytest.mark.e2e
CLERK = "clerk-li"  # the one account every step is written by


@dataclass
class Reply:
    """What tests.support.graphql's client reads of an HTTP answer."""

    status_code: int
    body: dict[str, Any]

    def json(self) -> dict[str, Any]:
        return self.body

    @property
    def text(self) -> str:
        return str(self.body)


@dataclass
class OverGql:
    """The story's HTTP layer spoken through gql: each operation sent by gql's transport with
    the bearer token the story's client chose, every answer kept."""

    contract: ContractServer
    answers: list[tuple[str, Answer]] = field(default_factory=list)

    def post(self, url: str, *, json: Any = None, headers: Any = None) -> Reply:
        wire = self.contract.wire(path=url)
        wire.token = headers["Authorization"].removeprefix("Bearer ")
        answer = wire.execute(json["query"], **json.get("variables") or {})
        self.answers.append((json["query"], answer))
        body = {"data": answer.data, **({"errors": answer.errors} if answer.errors else {})}
        return Reply(answer.status, body)


def one_account(contract: ContractServer) -> Any:
    """Every role of the story held by one account: the limit counts per account."""

    def headers(actor: Actor) -> dict[str, str]:
        clerk = Actor(CLERK, actor.name, actor.role, actor.scope)
        return {"Authorization": f"Bearer {contract.token(clerk)}"}

    return headers


def test_a_clerks_busy_hour_is_never_refused(contract: ContractServer) -> None:
    wire = OverGql(contract)
    api = GraphQLClient(wire, credentials=one_account(contract)).acting_as(ADMIN)
    hall = GraphQLDistrict.build(api)
    tell_the_story(hall)
    entered = {hall.propose_hotline_matter(title=f"第{n}号来电:路灯不亮") for n in range(30)}

    writes = [answer for document, answer in wire.answers if document.startswith("mutation")]
    refused = [a.codes for a in writes if a.errors]
    assert refused == [], "no write of the hour refused"
    assert all(a.status == 200 for a in writes)
    assert len(entered) == 30
    assert len(writes) > 50, "more than the old burst of 30 (and the ~40 that were refused)"
