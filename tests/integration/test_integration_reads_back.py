"""The 12345 hotline and the member app (the integration role) read none of the views, yet they
write: a matter proposed, an opinion posted online. Each answer shows them the record they
wrote — its own fields, as the event feed already shows them — and no more: no personal
data, nothing it links to, and a restricted matter's texts withheld."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from application.permissions import RESTRICTED_TEXT
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.server import create_app
from tests.support.graphql import (
    ADMIN,
    HOTLINE_MATTER,
    GraphQLClient,
    GraphQLDistrict,
    credentials_of,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
MEMBER_APP = Actor("member-app", "履职APP", Role.INTEGRATION)

PROPOSE = """mutation Propose($input: ProposeTopicInput!) { proposeTopic(input: $input) {
  id version position topic { id title content restricted proposerName proposerSubjectId
  status { code } platform { id } consultations { id } } } }"""

POST = """mutation Post($input: PostOnlineOpinionInput!) { postOnlineOpinion(input: $input) {
  id version position consultation { id subject onlineOpinionsCount version
  participants { id } topic { id } } } }"""


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def api(url: str) -> Iterator[GraphQLClient]:
    with TestClient(create_app(Settings(database_url=url, writes_per_minute=100_000))) as http:
        yield GraphQLClient(http, credentials=credentials_of(http.app)).acting_as(ADMIN)


@pytest.fixture
def hall(api: GraphQLClient) -> GraphQLDistrict:
    return GraphQLDistrict.build(api)


def propose(member_app: GraphQLClient, hall: GraphQLDistrict, command_id: str) -> Any:
    matter = {**HOTLINE_MATTER, "channel": "ONLINE", "hotlineTickets": []}
    del matter["hotline_tickets"]
    given = {**matter, "platformId": hall.platform_id, "commandId": command_id}
    return member_app.query(PROPOSE, input=given)["proposeTopic"]


def test_a_matter_the_member_app_proposes_comes_back_without_personal_data(
    api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    member_app = api.acting_as(MEMBER_APP)

    proposed = propose(member_app, hall, "app-proposal-1")

    assert proposed["topic"] == {
        "id": proposed["id"],
        "title": HOTLINE_MATTER["title"],
        "content": HOTLINE_MATTER["content"],
        "restricted": False,
        "proposerName": None,
        "proposerSubjectId": None,
        "status": {"code": "PROPOSED"},
        "platform": {"id": hall.platform_id},
        "consultations": [],
    }
    # Its write is all it reads: the matter is not in its lists, nor any other by id.
    assert member_app.query("{ topics { totalCount } }") == {"topics": {"totalCount": 0}}
    other = hall.propose_hotline_matter("另一件事")
    body = member_app.execute(f'{{ topic(id: "{other}") {{ id }} }}', {})
    assert body["data"] == {"topic": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]


def test_a_restricted_matter_read_back_again_shows_only_the_placeholder(
    api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    member_app = api.acting_as(MEMBER_APP)
    first = propose(member_app, hall, "app-proposal-2")
    hall.staff.exclude_topic(first["id"], ground="REAL_NAME_REPORT", explanation="实名举报")

    again = propose(member_app, hall, "app-proposal-2")

    assert (again["id"], again["version"], again["position"]) == (
        first["id"],
        first["version"],
        first["position"],
    )
    shown = again["topic"]
    assert (shown["title"], shown["content"], shown["restricted"]) == (
        RESTRICTED_TEXT,
        RESTRICTED_TEXT,
        True,
    )
    assert shown["proposerName"] is None


def test_an_opinion_the_member_app_posts_comes_back_with_its_consultation(
    api: GraphQLClient, hall: GraphQLDistrict
) -> None:
    started = (date.today() - timedelta(days=1)).isoformat() + "T08:00:00"
    online = hall.staff.schedule_consultation(
        form="ONLINE", platform_id=hall.platform_id, starts_at=started, theme="社区养老服务"
    )
    member_app = api.acting_as(MEMBER_APP)

    posted = member_app.query(
        POST,
        input={
            "consultationId": online.id,
            "authorName": "网友小王",
            "authorPhone": "13700000003",
            "content": "建议增加助餐点。",
        },
    )["postOnlineOpinion"]

    assert posted["consultation"] == {
        "id": online.id,
        "subject": "社区养老服务",
        "onlineOpinionsCount": 1,
        "version": posted["version"],
        "participants": [],
        "topic": None,
    }
    assert member_app.query("{ consultations { totalCount } }") == {
        "consultations": {"totalCount": 0}
    }
