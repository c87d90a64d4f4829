"""GraphQL over HTTP as an integrator's HTTP layer meets it: a client asking for
application/graphql-response+json gets the status the answer deserves (401 signed out, 400 a
request that could not run, 429 with Retry-After beyond the write limit, 200 once the operation
ran); a client asking for application/json keeps 200 for every answer. The write limit fits a
clerk's work: the whole story by one clerk, then a 30-row manual entry, is never refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from interfaces.server import create_app
from tests.support.graphql import (
    ADMIN,
    GraphQLClient,
    GraphQLDistrict,
    credentials_of,
    tell_the_story,
)

GRAPHQL_RESPONSE = "application/graphql-response+json"
TOPICS = "{ topics { totalCount } }"
ESTABLISH = "mutation($n: String!) { establishCommittee(input: {name: $n}) { id } }"


@pytest.fixture
def limited(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, writes_per_minute=4, write_burst=2)
    with TestClient(create_app(settings)) as client:
        yield client


def post(http: TestClient, accept: str, body: dict[str, Any], signed_in: bool = True) -> Any:
    headers = {"accept": accept, **(credentials_of(http.app)(ADMIN) if signed_in else {})}
    return http.post("/graphql", json=body, headers=headers)


def test_each_answer_has_its_status_under_graphql_response_json(limited: TestClient) -> None:
    signed_out = post(limited, GRAPHQL_RESPONSE, {"query": TOPICS}, signed_in=False)
    assert (signed_out.status_code, signed_out.headers["www-authenticate"]) == (401, "Bearer")
    assert signed_out.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert signed_out.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    invalid = post(limited, GRAPHQL_RESPONSE, {"query": "{ nothingHere }"})
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    ran = post(limited, GRAPHQL_RESPONSE, {"query": TOPICS})
    assert (ran.status_code, ran.json()) == (200, {"data": {"topics": {"totalCount": 0}}})

    answers = [
        post(limited, GRAPHQL_RESPONSE, {"query": ESTABLISH, "variables": {"n": f"第{i}委员会"}})
        for i in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429], "a burst of 2, then the rate"
    (refused,) = answers[2].json()["errors"]
    wait = refused["extensions"]["retryAfterSeconds"]
    assert 1 <= wait <= 15, "4 a minute: one write every 15 s"
    assert answers[2].headers["retry-after"] == str(wait)
    assert refused["extensions"]["code"] == "RATE_LIMITED"
    assert refused["message"].startswith("操作过于频繁")


def test_application_json_clients_keep_200_for_every_answer(limited: TestClient) -> None:
    signed_out = post(limited, "application/json", {"query": TOPICS}, signed_in=False)
    invalid = post(limited, "application/json", {"query": "{ nothingHere }"})
    writes = [
        post(limited, "application/json", {"query": ESTABLISH, "variables": {"n": f"第{i}委员会"}})
        for i in range(3)
    ]
    assert [r.status_code for r in (signed_out, invalid, *writes)] == [200] * 5
    assert signed_out.headers["content-type"].startswith("application/json")
    limited_write = writes[2].json()["errors"][0]["extensions"]
    assert limited_write["code"] == "RATE_LIMITED"
    assert limited_write["retryAfterSeconds"] >= 1


def test_a_clerks_busy_hour_is_never_refused_under_the_default_limits(sqlite_url: str) -> None:
    """The story by its clerk (李专员 writes most of it), then 30 matters entered by hand, as
    fast as a client can send them, under the settings a deployment starts with."""
    with TestClient(create_app(Settings(database_url=sqlite_url))) as http:
        api = GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)
        hall = GraphQLDistrict.build(api)
        tell_the_story(hall)
        entered = [hall.propose_hotline_matter(title=f"第{n}号来电:路灯不亮") for n in range(30)]
    assert len(set(entered)) == 30, "every write carried out, none refused"
