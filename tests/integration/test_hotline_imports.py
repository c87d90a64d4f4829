"""POST /hotline/imports: a file of 12345 work orders uploaded as from the browser, each row
taken in, already there or refused with its reason; a file refused whole (type, size) and a
caller refused (not signed in, a role that may not import) store nothing. SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.edge.limits import WriteRateLimit
from interfaces.server import create_app
from tests.support.graphql import GraphQLClient, GraphQLDistrict, assert_explained, credentials_of
from tests.support.scenarios import SECURITY_COMMAND, TEMPORARY_PASSWORD
from tests.support.work_orders import order, write_csv, write_xlsx

MAX_FILE = 64 * 1024


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def http(url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=url, import_max_file_bytes=MAX_FILE, writes_per_minute=100_000)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def hall(http: TestClient) -> GraphQLDistrict:
    return GraphQLDistrict.build(GraphQLClient(http, credentials=credentials_of(http.app)))


def staff_of(hall: GraphQLDistrict) -> Actor:
    return Actor("staff-1", "李专员", Role.PLATFORM_STAFF, hall.platform_id)


def upload(
    http: TestClient, actor: Actor | None, name: str, data: bytes, to: str = "/hotline/imports"
) -> Any:
    headers = {}
    if actor is not None:
        token = http.app.state.authenticator.issue(actor)  # type: ignore[attr-defined]
        headers["Authorization"] = f"Bearer {token}"
    files = {"file": (name, data, "application/octet-stream")}
    return http.post(to, files=files, headers=headers)


def hotline_topics(http: TestClient, hall: GraphQLDistrict) -> list[str]:
    found = hall.staff.client.query(
        "query($p: ID!) { hotlineGroups(platformId: $p) { tickets } }", p=hall.platform_id
    )["hotlineGroups"]
    return sorted(t for g in found for t in g["tickets"])


def log_position(http: TestClient) -> int:
    return int(http.app.state.holder["system"].app.position())  # type: ignore[attr-defined]


def refused(response: Any, status: int, code: str, reason: str) -> None:
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    assert_explained(error, code, reason)


def test_good_rows_are_taken_in_and_bad_rows_reported_then_already_there(
    http: TestClient, hall: GraphQLDistrict, tmp_path: Path
) -> None:
    rows = [order(n) for n in range(5)]
    rows[1] = order(1, 工单编号="")
    rows[3] = order(3, 受理时间="三月五日上午")
    data = write_csv(tmp_path / "orders.csv", rows).read_bytes()

    first = upload(http, staff_of(hall), "工单.csv", data)

    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["rows"], body["created"], body["repeated"], body["refused"]) == (5, 3, 0, 2)
    rows_shown = [
        (r["line"], r["ticket"], r["outcome"], r["label"], r["code"]) for r in body["report"]
    ]
    assert rows_shown == [
        (2, "GD202600000000", "created", "已导入", ""),
        (3, "", "refused", "未导入", "FIELD_REQUIRED"),
        (4, "GD202600000002", "created", "已导入", ""),
        (5, "GD202600000003", "refused", "未导入", "INVALID_INPUT"),
        (6, "GD202600000004", "created", "已导入", ""),
    ]  # fmt: skip
    assert "受理时间无法识别" in body["report"][3]["message"], "the reason, in Chinese"
    assert all(r["topicId"] for r in body["report"] if r["outcome"] == "created")
    assert hotline_topics(http, hall) == ["GD202600000000", "GD202600000002", "GD202600000004"]

    again = upload(http, staff_of(hall), "工单.csv", data).json()
    assert (again["created"], again["repeated"], again["refused"]) == (0, 3, 2)
    labels = [r["label"] for r in again["report"]]
    assert labels == ["已存在", "未导入", "已存在", "未导入", "已存在"]
    assert [r["topicId"] for r in again["report"]] == [r["topicId"] for r in body["report"]]
    assert len(hotline_topics(http, hall)) == 3


def test_an_xlsx_file_is_imported_too(
    http: TestClient, hall: GraphQLDistrict, tmp_path: Path
) -> None:
    data = write_xlsx(tmp_path / "orders.xlsx", [order(n) for n in range(10, 12)]).read_bytes()
    body = upload(http, staff_of(hall), "orders.XLSX", data).json()
    assert (body["created"], body["refused"]) == (2, 0), body
    assert hotline_topics(http, hall) == ["GD202600000010", "GD202600000011"]


def test_a_file_refused_whole_stores_nothing(
    http: TestClient, hall: GraphQLDistrict, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "orders.csv", [order(n) for n in range(3)]).read_bytes()
    before = log_position(http)
    refused(upload(http, staff_of(hall), "工单.pdf", good), 400, "BAD_USER_INPUT", "UNKNOWN_FORMAT")
    refused(upload(http, staff_of(hall), "工单", good), 400, "BAD_USER_INPUT", "UNKNOWN_FORMAT")
    fake = b"PK\x03\x04 not really a workbook"
    refused(upload(http, staff_of(hall), "工单.xlsx", fake), 400, "BAD_USER_INPUT", "NOT_XLSX")
    over = good + b"," * (MAX_FILE - len(good) + 1)
    refused(upload(http, staff_of(hall), "工单.csv", over), 413, "BAD_USER_INPUT", "FILE_TOO_LARGE")
    far_over = b"x" * (MAX_FILE + 200 * 1024)  # beyond the body limit itself: refused unread
    refused(upload(http, staff_of(hall), "工单.csv", far_over), 413, "BAD_USER_INPUT",
            "BODY_TOO_LARGE")  # fmt: skip
    no_file = http.post(
        "/hotline/imports",
        data={"note": "x"},
        files={"other": ("a.csv", good)},
        headers={"Authorization": f"Bearer {http.app.state.authenticator.issue(staff_of(hall))}"},  # type: ignore[attr-defined]
    )
    refused(no_file, 400, "BAD_USER_INPUT", "BAD_UPLOAD")
    assert log_position(http) == before, "nothing is stored"
    assert hotline_topics(http, hall) == []


def test_callers_are_refused_with_a_status_and_a_code(
    http: TestClient, hall: GraphQLDistrict, tmp_path: Path
) -> None:
    data = write_csv(tmp_path / "orders.csv", [order(1)]).read_bytes()
    before = log_position(http)
    refused(upload(http, None, "工单.csv", data), 401, "UNAUTHENTICATED", "TOKEN_REQUIRED")
    committee = Actor("c-1", "王委员", Role.COMMITTEE, hall.committee_id)
    refused(upload(http, committee, "工单.csv", data), 403, "FORBIDDEN", "NOT_PERMITTED")
    leader = Actor("leader-1", "张主任", Role.LEADER)
    refused(upload(http, leader, "工单.csv", data), 403, "FORBIDDEN", "NOT_PERMITTED")
    unscoped = Actor("hotline-gateway", "12345热线推送", Role.INTEGRATION)  # and no platform named
    refused(upload(http, unscoped, "工单.csv", data), 400, "BAD_USER_INPUT", "FIELD_REQUIRED")
    elsewhere = f"/hotline/imports?platform_id={uuid4()}"
    refused(
        upload(http, staff_of(hall), "工单.csv", data, elsewhere), 404, "NOT_FOUND", "NOT_FOUND"
    )
    mistyped = "/hotline/imports?platform_id=not-an-id"
    refused(upload(http, staff_of(hall), "工单.csv", data, mistyped), 400, "BAD_USER_INPUT",
            "INVALID_ID")  # fmt: skip
    assert log_position(http) == before, "nothing is stored"


def test_one_file_counts_one_write_however_many_rows(
    http: TestClient, hall: GraphQLDistrict, tmp_path: Path
) -> None:
    """A burst of 3 writes, refilled at one a minute: three files of 30 rows each pass, the
    fourth waits (it would pass a minute later; the test takes seconds)."""
    http.app.state.limiter = WriteRateLimit(per_minute=1, burst=3)  # type: ignore[attr-defined]
    staff = staff_of(hall)
    for batch in range(3):
        rows = [order(n) for n in range(100 + 30 * batch, 130 + 30 * batch)]
        data = write_csv(tmp_path / f"orders{batch}.csv", rows).read_bytes()
        assert upload(http, staff, f"{batch}.csv", data).json()["created"] == 30
    data = write_csv(tmp_path / "more.csv", [order(500)]).read_bytes()
    waits = upload(http, staff, "more.csv", data)
    refused(waits, 429, "RATE_LIMITED", "RATE_LIMITED")
    assert int(waits.headers["Retry-After"]) >= 1
    assert len(hotline_topics(http, hall)) == 90


def test_a_browser_session_imports_only_with_its_csrf_token(
    http: TestClient, hall: GraphQLDistrict, tmp_path: Path
) -> None:
    app = http.app.state.holder["system"].app  # type: ignore[attr-defined]
    username = f"hotline.{uuid4().hex[:8]}"
    made = app.create_account(SECURITY_COMMAND, username=username, display_name="李专员").id
    app.reset_password(SECURITY_COMMAND, made, password=TEMPORARY_PASSWORD)
    app.grant_role(
        SECURITY_COMMAND, made, role=Role.PLATFORM_STAFF, scope=hall.platform_id, reason="任命"
    )
    browser = TestClient(http.app)  # its own cookie jar, on the same running app
    signed = browser.post(
        "/auth/sign-in", json={"username": username, "password": TEMPORARY_PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    files = {"file": ("工单.csv", write_csv(tmp_path / "o.csv", [order(7)]).read_bytes())}

    refused(browser.post("/hotline/imports", files=files), 403, "FORBIDDEN", "CSRF_REJECTED")
    assert hotline_topics(http, hall) == []
    csrf = {"X-CSRF-Token": signed.json()["csrfToken"]}
    sent = browser.post("/hotline/imports", files=files, headers=csrf)
    assert sent.status_code == 200, sent.text
    assert sent.json()["created"] == 1
    assert hotline_topics(http, hall) == ["GD202600000007"]
