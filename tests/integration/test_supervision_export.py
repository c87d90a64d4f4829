"""The problem list as the seed's form 督办落实情况, over HTTP and from the CLI: an xlsx a person
can print (title, the ten columns in the seed's order and 备注 after them, one row per item,
the footer, A4 landscape with the header repeated) and a CSV Excel opens in Chinese; the
consultation's day in the district, not UTC, as a date cell; filters; only what the caller
may read. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from application.calendar import district_today
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import bootstrap
from interfaces.cli.main import app as cli
from interfaces.server import create_app
from tests.support.problem_list import (
    ProblemList,
    build_problem_list,
    held_with_suggestions,
    open_and_assign,
)
from tests.support.scenarios import SECURITY_COMMAND

COLUMNS = [
    "序号",
    "协商时间",
    "协商议题",
    "协商建议",
    "交办单位",
    "政协责任委室",
    "督办负责人",
    "进展情况",
    "存在问题",
    "解决思路",
    "备注",  # not in the plan: the status, and the outcome once resolved
]
TITLE = "永顺镇委员工作站协商议事厅协商议事活动督办落实情况"
SUBJECT = "关于缓解老旧小区停车难的协商"
IN_PROGRESS = [
    1,
    "2026-03-02",
    SUBJECT,
    "利用学校操场夜间错时停车",
    "区交通委",
    "社会和法制委员会",
    "刘督办",
    "已协调两所学校开放操场",
    "学校担心安全管理",
    "由街道派保安值守",
    "办理状态:办理中",
]
RESOLVED = [
    2,
    "2026-03-02",
    SUBJECT,
    "新建立体停车库",
    "区交通委",
    "社会和法制委员会",
    "刘督办",
    "立体停车库已立项",
    "",
    "",
    "办理状态:已办结\n办结情况:新增车位120个。",
]
FILLED_ON = re.compile(r"^填报时间:\d{4} 年 \d{1,2} 月 \d{1,2} 日$")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def problems(url: str) -> ProblemList:
    system = bootstrap(Settings(database_url=url))
    try:
        return build_problem_list(system.app)
    finally:
        system.close()


@pytest.fixture
def http(url: str, problems: ProblemList) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=url))) as client:
        client.app.state.holder["system"].projector.catch_up()  # type: ignore[attr-defined]
        yield client


def get(http: TestClient, path: str, actor: Actor | None, **params: str) -> Any:
    headers = {}
    if actor is not None:
        token = http.app.state.authenticator.issue(actor)  # type: ignore[attr-defined]
        headers["Authorization"] = f"Bearer {token}"
    return http.get(path, params=params, headers=headers)


def staff(district: Any) -> Actor:
    return district.staff.actor  # type: ignore[no-any-return]


def sheet_rows(body: bytes) -> tuple[Any, list[list[Any]]]:
    sheet = load_workbook(BytesIO(body)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return sheet, rows


def day_text(value: Any) -> Any:
    return value.date().isoformat() if isinstance(value, datetime) else value


def test_the_xlsx_is_the_seeds_form_ready_to_print(http: TestClient, problems: ProblemList) -> None:
    home = problems.home
    response = get(
        http, "/exports/supervision.xlsx", home.committee.actor, platform_id=str(home.platform_id)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    sheet, rows = sheet_rows(response.content)

    assert sheet.title == "督办落实情况"
    assert rows[0][0] == TITLE
    assert rows[1] == COLUMNS
    assert [[day_text(v) if v is not None else "" for v in row] for row in rows[2:4]] == [
        IN_PROGRESS,
        RESOLVED,
    ]
    assert rows[4] == [None] * 11
    assert rows[5][0] == "填报部门:永顺镇委员工作站"
    assert FILLED_ON.match(rows[5][5])
    assert len(rows) == 6

    assert all(sheet[f"B{row}"].is_date for row in (3, 4)), "days as date cells"
    assert sheet["B3"].value == datetime(2026, 3, 2)
    assert "年" in sheet["B3"].number_format
    assert sheet["H4"].alignment.wrap_text is True
    assert sheet["A2"].font.bold is True
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.print_area == "'督办落实情况'!$A$1:$K$6"
    assert [sheet.column_dimensions[c].width for c in "ABCDEFGHIJK"] == [
        6,
        14,
        22,
        28,
        14,
        14,
        10,
        32,
        22,
        22,
        20,
    ]


def test_the_csv_has_a_bom_the_same_columns_rows_and_footer(
    http: TestClient, problems: ProblemList
) -> None:
    response = get(
        http,
        "/exports/supervision.csv",
        staff(problems.home),
        department="永顺镇委员工作站办公室",
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [TITLE]
    assert rows[1] == COLUMNS
    assert rows[2:4] == [[str(v) for v in IN_PROGRESS], [str(v) for v in RESOLVED]]
    department, filled_on = rows[4]
    assert department == "填报部门:永顺镇委员工作站办公室"
    assert FILLED_ON.match(filled_on)
    assert len(rows) == 5


def test_filters_by_status_unit_and_period_in_district_days(
    http: TestClient, problems: ProblemList
) -> None:
    leader = Actor("leader-1", "区政协领导", Role.LEADER)

    def items(**params: str) -> list[str]:
        response = get(http, "/exports/supervision.csv", leader, **params)
        assert response.status_code == 200, response.text
        rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
        return [row[3] for row in rows[2:-1]]

    assert items() == ["利用学校操场夜间错时停车", "新建立体停车库", "增设公交站"]
    assert items(status="resolved") == ["新建立体停车库"]
    assert items(unit_id=str(problems.other.unit_id)) == ["增设公交站"]
    assert items(committee_id=str(problems.other.committee_id)) == ["增设公交站"]
    # Opened at 02:10 on 2 March in the district (18:10 UTC on 1 March).
    assert items(period_from="2026-03-02", period_to="2026-03-02") != []
    assert items(period_to="2026-03-01") == []
    assert items(period_from="2026-03-03") == []


def test_filters_by_overdue_and_text_as_the_web_page_does(
    http: TestClient, problems: ProblemList
) -> None:
    leader = Actor("leader-1", "区政协领导", Role.LEADER)

    def items(**params: str) -> list[str]:
        response = get(http, "/exports/supervision.xlsx", leader, **params)
        assert response.status_code == 200, response.text
        return [row[3] for row in sheet_rows(response.content)[1][2:-2]]

    everything = ["利用学校操场夜间错时停车", "新建立体停车库", "增设公交站"]
    assert items() == everything
    assert items(text="公交") == ["增设公交站"]
    assert items(text="停车", status="in_progress") == ["利用学校操场夜间错时停车"]
    # Both open items were due on 30 June 2026; the resolved one is never overdue.
    late = (
        ["利用学校操场夜间错时停车", "增设公交站"] if district_today() > date(2026, 6, 30) else []
    )
    assert items(overdue="1") == late
    assert items(overdue="true") == late
    assert items(overdue="0") == [s for s in everything if s not in late]


def test_a_browser_session_downloads_by_its_cookie_and_the_name_carries_the_day(
    http: TestClient, problems: ProblemList
) -> None:
    username = f"export.{uuid4().hex[:8]}"
    password = "Yongshun#2026-hall"
    app = http.app.state.holder["system"].app  # type: ignore[attr-defined]
    made = app.create_account(SECURITY_COMMAND, username=username, display_name="张伟").id
    app.reset_password(SECURITY_COMMAND, made, password=password)
    app.grant_role(SECURITY_COMMAND, made, role=Role.LEADER, reason="任命")
    browser = TestClient(http.app)  # its own cookie jar
    signed = browser.post("/auth/sign-in", json={"username": username, "password": password})
    assert signed.status_code == 200, signed.text

    for suffix in ("xlsx", "csv"):
        response = browser.get(f"/exports/supervision.{suffix}", params={"text": "公交"})
        assert response.status_code == 200, response.text
        disposition = response.headers["content-disposition"]
        day = re.search(r"filename=supervision-(\d{4}-\d{2}-\d{2})\." + suffix, disposition)
        assert day, disposition
        chinese = quote(f"督办落实情况-{day[1]}.{suffix}")
        assert disposition.endswith(f"filename*=UTF-8''{chinese}")
    assert (
        sheet_rows(browser.get("/exports/supervision.xlsx").content)[1][2][3]
        == "利用学校操场夜间错时停车"
    )

    browser.cookies.clear()
    anonymous = browser.get("/exports/supervision.xlsx")
    assert anonymous.status_code == 401
    (error,) = anonymous.json()["errors"]
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "UNAUTHENTICATED",
        "TOKEN_REQUIRED",
    )
    assert "登录" in error["message"]


def test_each_caller_gets_only_the_rows_they_may_read(
    http: TestClient, problems: ProblemList
) -> None:
    def suggestions(actor: Actor) -> list[str]:
        response = get(http, "/exports/supervision.xlsx", actor)
        assert response.status_code == 200, response.text
        return [row[3] for row in sheet_rows(response.content)[1][2:-2]]

    assert suggestions(staff(problems.other)) == ["增设公交站"]
    assert suggestions(problems.home.unit.actor) == ["利用学校操场夜间错时停车", "新建立体停车库"]
    outsider = Actor("staff-x", "外平台专员", Role.PLATFORM_STAFF, str(problems.other.platform_id))
    response = get(
        http, "/exports/supervision.csv", outsider, platform_id=str(problems.home.platform_id)
    )
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # title, columns, footer: nothing of another platform


def test_refusals_have_a_status_a_code_and_a_chinese_message(
    http: TestClient, problems: ProblemList
) -> None:
    def refused(actor: Actor | None, http_status: int, reason: str, **params: str) -> None:
        response = get(http, "/exports/supervision.xlsx", actor, **params)
        assert response.status_code == http_status, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["reason"] == reason
        assert re.search(r"[\u4e00-\u9fff]", error["message"])

    leader = Actor("leader-1", "区政协领导", Role.LEADER)
    refused(None, 401, "TOKEN_REQUIRED")
    refused(Actor("hotline", "12345热线", Role.INTEGRATION), 403, "NOT_PERMITTED")
    refused(leader, 400, "INVALID_ID", platform_id="not-an-id")
    refused(leader, 400, "UNKNOWN_CODE", status="finished")
    refused(leader, 400, "INVALID_DATE", period_from="2026-13-01")
    refused(leader, 400, "INVALID_FLAG", overdue="yes")
    refused(leader, 400, "INVALID_TEXT", text="停车\x00")
    refused(leader, 400, "UNKNOWN_PARAMETER", overdu="1")
    bad_token = http.get("/exports/supervision.csv", headers={"Authorization": "Bearer x.y.z"})
    assert bad_token.status_code == 401


def test_the_cli_exports_everything_as_the_system(
    url: str, problems: ProblemList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    target = tmp_path / "督办.xlsx"
    result = CliRunner().invoke(
        cli,
        ["export", "supervision", "--format", "xlsx", "--output", str(target),
         "--platform", str(problems.home.platform_id), "--department", "区政协社法委"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _, rows = sheet_rows(target.read_bytes())
    assert rows[0][0] == TITLE
    assert [row[3] for row in rows[2:4]] == ["利用学校操场夜间错时停车", "新建立体停车库"]
    assert rows[5][0] == "填报部门:区政协社法委"

    every = tmp_path / "all.csv"
    result = CliRunner().invoke(
        cli, ["export", "supervision", "--format", "csv", "--output", str(every)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(StringIO(every.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["全区协商议事厅协商议事活动督办落实情况"]
    assert len(rows) == 2 + 3 + 1


WOULD_BE_FORMULAS = [
    '=HYPERLINK("http://x.example/","点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]


@pytest.fixture
def hostile(url: str) -> ProblemList:
    """Items whose suggestion, problems and approach were entered as would-be formulas."""
    system = bootstrap(Settings(database_url=url))
    try:
        problems = build_problem_list(system.app)
        home = problems.home
        consultation_id = held_with_suggestions(home, WOULD_BE_FORMULAS)
        for text in WOULD_BE_FORMULAS:
            item_id = open_and_assign(home, consultation_id, text)
            system.app.report_progress(
                home.unit,
                item_id,
                progress="已协调",
                problems=text,
                approach=text,
                reporting_department="区交通委",
                reported_on=date(2026, 3, 10),
            )
        return problems
    finally:
        system.close()


def hostile_cells(rows: list[list[Any]]) -> list[list[Any]]:
    """The suggestion, problems and approach of the rows entered as would-be formulas."""
    return [[row[3], row[8], row[9]] for row in rows[4:8]]


def test_would_be_formulas_are_exported_as_text_over_http_and_from_the_cli(
    url: str, hostile: ProblemList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_of_home = staff(hostile.home)
    with TestClient(create_app(Settings(database_url=url))) as http:
        http.app.state.holder["system"].projector.catch_up()  # type: ignore[attr-defined]
        xlsx = get(http, "/exports/supervision.xlsx", staff_of_home)
        text = get(http, "/exports/supervision.csv", staff_of_home)
    assert (xlsx.status_code, text.status_code) == (200, 200), (xlsx.text, text.text)

    sheet, rows = sheet_rows(xlsx.content)
    assert hostile_cells(rows) == [[entered] * 3 for entered in WOULD_BE_FORMULAS]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    entered = [c for c in cells if c.value in WOULD_BE_FORMULAS]
    assert len(entered) == 3 * len(WOULD_BE_FORMULAS)
    assert all(c.data_type == "s" and c.quotePrefix for c in entered)

    quoted = [["'" + entered] * 3 for entered in WOULD_BE_FORMULAS]
    assert hostile_cells(list(csv.reader(StringIO(text.content.decode("utf-8-sig"))))) == quoted

    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    target = tmp_path / "督办.csv"
    result = CliRunner().invoke(
        cli,
        ["export", "supervision", "--format", "csv", "--output", str(target),
         "--platform", str(hostile.home.platform_id)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from_cli = list(csv.reader(StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert hostile_cells(from_cli) == quoted


def test_the_cli_refuses_bad_arguments_with_a_code_and_exit_2_never_a_traceback(
    url: str, problems: ProblemList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHITING_DATABASE_URL", url)

    def refused(code: str, *args: str) -> None:
        result = CliRunner().invoke(cli, ["export", "supervision", *args])
        assert result.exit_code == 2, (result.output, result.exception)
        assert isinstance(result.exception, SystemExit), "a refusal, not a traceback"
        told = " ".join(result.output.split())
        assert re.search(rf"[\u4e00-\u9fff].* \(.*[a-z]+.*\) \[{code}\]", told), told
        assert "\x1b" not in result.output

    target = str(tmp_path / "out.csv")
    refused("UNKNOWN_FORMAT", "--format", "[/red]ods", "--output", target)
    refused("INVALID_ID", "--format", "csv", "--output", target, "--platform", "[/red]\x1b[2J")
    refused("UNKNOWN_CODE", "--format", "csv", "--output", target, "--status", "[bold]done")
    refused("OUTPUT_NOT_WRITABLE", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv"))
    assert not (tmp_path / "out.csv").exists()
