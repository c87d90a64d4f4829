"""The real server: `python -m interfaces.cli.main serve` in its own process, the story told
over real HTTP, the views and the dashboard checked, then a clean stop on SIGTERM."""

from __future__ import annotations

import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.graphql import (
    ADMIN,
    DRAFTED_TITLE,
    SUGGESTIONS,
    GraphQLClient,
    GraphQLDistrict,
    tell_the_story,
)
from tests.support.servers import Server, kill, start_server

pytestmark = pytest.mark.e2e

STOP_DEADLINE = 10.0


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def server(url: str, tmp_path: Path) -> Iterator[Server]:
    running = start_server(url, secrets.token_urlsafe(32), tmp_path / "server.log")
    try:
        yield running
    finally:
        kill(running)


COLUMNS = """seqNo consultationTime subject suggestion unitName committeeName supervisorName
  progress problems approach reportingDepartment reportedOn"""
FINAL = f"""query Final($topic: ID!, $consultation: ID!, $item: ID!, $report: ID!) {{
  topic(id: $topic) {{ status {{ code label }} draftedTitle researchCount consultationsCount
    consultations {{ id }} }}
  report: topic(id: $report) {{ status {{ code label }} exclusionGround {{ code label }}
    exclusionExplanation }}
  consultation(id: $consultation) {{ status {{ code label }} reportKind {{ code label }}
    participantsCount suggestionsCount items {{ id }} }}
  supervisionItem(id: $item) {{ {COLUMNS} status {{ code label }} outcome overdue }}
  supervisionItems {{ totalCount nodes {{ id }} }}
  dashboard {{ topicsTotal topicsByStatus {{ key label count }}
    topicsByExclusionGround {{ key label count }} consultationsByStatus {{ key label count }}
    itemsOpen itemsOverdue itemsResolved }}
}}"""


def counts(rows: list[dict[str, Any]]) -> dict[str, tuple[str, int]]:
    return {r["key"]: (r["label"], r["count"]) for r in rows}


def test_the_story_over_real_http_then_a_clean_stop(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30.0) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        api = GraphQLClient(http, credentials=server.credentials).acting_as(ADMIN)
        hall = GraphQLDistrict.build(api)
        told = tell_the_story(hall)

        final = api.query(
            FINAL,
            topic=told.topic_id,
            consultation=told.consultation_id,
            item=told.item_id,
            report=told.report_id,
        )
        assert final["topic"] == {
            "status": {"code": "APPROVED", "label": "已确定议题"},
            "draftedTitle": DRAFTED_TITLE,
            "researchCount": 1,
            "consultationsCount": 1,
            "consultations": [{"id": told.consultation_id}],
        }
        assert final["report"] == {
            "status": {"code": "EXCLUDED", "label": "不纳入协商"},
            "exclusionGround": {"code": "REAL_NAME_REPORT", "label": "实名举报的"},
            # Need-to-know: a real-name report's texts are not for the administrator.
            "exclusionExplanation": "内容已按规定限制",
        }
        assert final["consultation"] == {
            "status": {"code": "REPORTED", "label": "已报送"},
            "reportKind": {"code": "PUBLIC_OPINION", "label": "社情民意信息"},
            "participantsCount": 2,
            "suggestionsCount": 2,
            "items": [{"id": told.item_id}],
        }
        assert final["supervisionItem"] == {
            "seqNo": 1,
            "consultationTime": "2026-11-28T01:40:00.000000+00:00",
            "subject": DRAFTED_TITLE,
            "suggestion": SUGGESTIONS[0],
            "unitName": "区交通委",
            "committeeName": "社会和法制委员会",
            "supervisorName": "刘督办",
            "progress": "已协调两所学校开放操场",
            "problems": "学校担心安全管理",
            "approach": "由街道派保安值守",
            "reportingDepartment": "区交通委",
            "reportedOn": "2026-12-01",
            "status": {"code": "RESOLVED", "label": "已办结"},
            "outcome": "新增车位120个。",
            "overdue": False,
        }
        assert final["supervisionItems"] == {"totalCount": 1, "nodes": [{"id": told.item_id}]}
        dashboard = final["dashboard"]
        assert dashboard["topicsTotal"] == 2
        assert counts(dashboard["topicsByStatus"]) == {
            "approved": ("已确定议题", 1),
            "excluded": ("不纳入协商", 1),
        }
        assert counts(dashboard["topicsByExclusionGround"]) == {
            "real_name_report": ("实名举报的", 1)
        }
        assert counts(dashboard["consultationsByStatus"]) == {"reported": ("已报送", 1)}
        assert (dashboard["itemsOpen"], dashboard["itemsOverdue"], dashboard["itemsResolved"]) == (
            0,
            0,
            1,
        )

        ready = http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["lag"] == 0

    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=STOP_DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server did not stop on SIGTERM:\n{server.output()}")
    assert code == 0, server.output()
    assert "Traceback" not in server.output(), server.output()
