"""The real server: `python -m interfaces.cli.main serve` in its own process, the story told
over real HTTP, the views and the dashboard checked, then a clean stop on SIGTERM."""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.graphql import (
    ADMIN,
    DRAFTED_TITLE,
    SUGGESTIONS,
    Credentials,
    GraphQLClient,
    GraphQLDistrict,
    actor_headers,
    bearer,
    tell_the_story,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE = 60.0  # a generous bound for a cold start, only to fail instead of hanging
STOP_DEADLINE = 10.0


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    credentials: Credentials

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def credentials_for(secret: str) -> Credentials:
    """Tokens signed with the server's secret once sign-in exists; the actor headers before."""
    if importlib.util.find_spec("interfaces.auth") is None:
        return actor_headers
    from application.settings import Settings
    from interfaces.auth import Authenticator

    return bearer(Authenticator.from_settings(Settings(token_secret=secret)).issue)


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    with httpx.Client(base_url=server.base_url, timeout=2.0) as http:
        while True:
            code = server.process.poll()
            assert code is None, f"the server exited with {code}:\n{server.output()}"
            try:
                if http.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            assert time.monotonic() < deadline, f"never ready:\n{server.output()}"
            time.sleep(0.05)


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def server(url: str, tmp_path: Path) -> Iterator[Server]:
    port, secret = free_port(), secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "YISHITING_DATABASE_URL": url,
        "YISHITING_TOKEN_SECRET": secret,
        "YISHITING_WRITES_PER_MINUTE": "100000",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "interfaces.cli.main", "serve", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    running = Server(f"http://127.0.0.1:{port}", process, log, credentials_for(secret))
    try:
        wait_until_ready(running)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


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
            "exclusionExplanation": "已告知举报人向纪检监察机关反映。",
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
