"""12345 work orders taken in as proposed matters, from a file and one by one over REST: a
10,000-row file in one go, and again adding nothing; bad rows reported with their reasons
while the good ones are imported; a ticket re-sent with other content reported, not changed.
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from application.receipts import Command
from application.settings import Settings
from application.work_orders import TicketResent, WorkOrder
from domain.base import Actor, recorded_at
from domain.topic import Topic
from domain.vocabulary import Role
from interfaces.bootstrap import System, bootstrap
from interfaces.cli.main import app as cli
from interfaces.intake.importer import HOTLINE_IMPORT, import_file
from projections.reads.queries import TopicFilter
from tests.support.district import ADMIN, District
from tests.support.hostile_files import MB, xml_bomb, zip_bomb
from tests.support.problem_list import HELD_AT
from tests.support.work_orders import order, write_csv, write_xlsx

TEN_THOUSAND = 10_000
GATEWAY = Actor("hotline-gateway", "12345热线推送", Role.INTEGRATION)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def system(url: str) -> Iterator[System]:
    system = bootstrap(Settings(database_url=url))
    yield system
    system.close()


@pytest.fixture
def district(system: System) -> District:
    with recorded_at(HELD_AT):
        return District.build(system.app)


def hotline_topics(system: System) -> int:
    system.projector.catch_up()
    page = system.queries.topics(TopicFilter(channel="hotline_12345"), first=1)
    return page.total


@pytest.mark.slow
def test_ten_thousand_orders_import_in_one_go_and_again_add_nothing(
    url: str, system: System, district: District, tmp_path: Path
) -> None:
    # 10,000 rows take ~9 s on SQLite and ~32 s on PostgreSQL (a ticket look-up per row and
    # the views' catch-up of 30,000 events): PostgreSQL runs the same path with 1,000 rows.
    size = TEN_THOUSAND if url.startswith("sqlite") else 1_000
    path = write_csv(tmp_path / "orders.csv", (order(n) for n in range(size)))
    seen: list[tuple[int, int]] = []

    first = import_file(system.app, path, district.platform_id, advance=lambda *p: seen.append(p))
    assert (first.rows, first.created, first.repeated, first.errors) == (size, size, 0, [])
    assert seen[-1] == (size, size)
    assert hotline_topics(system) == size
    log = system.app.position()

    again = import_file(system.app, path, district.platform_id)
    assert (again.created, again.repeated, again.errors) == (0, size, [])
    assert system.app.position() == log, "a re-import stores nothing"
    assert hotline_topics(system) == size


def test_bad_rows_are_reported_with_reasons_and_the_rest_imported(
    system: System, district: District, tmp_path: Path
) -> None:
    rows = [order(n) for n in range(20)]
    rows[3] = order(3, 工单编号="")
    rows[8] = order(8, 诉求内容="  ")
    rows[15] = order(15, 受理时间="三月五日上午")
    path = write_xlsx(tmp_path / "orders.xlsx", rows)

    report = import_file(system.app, path, district.platform_id)

    assert (report.rows, report.created, report.repeated) == (20, 17, 0)
    assert [(e.line, e.ticket, e.code) for e in report.errors] == [
        (5, "", "FIELD_REQUIRED"),
        (10, "GD202600000008", "FIELD_REQUIRED"),
        (17, "GD202600000015", "INVALID_INPUT"),
    ]
    assert all("(" in e.message for e in report.errors), "中文 with English beside it"
    assert hotline_topics(system) == 17


def test_an_order_becomes_a_matter_with_its_ticket_and_the_hotlines_details(
    system: System, district: District, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "one.csv", [order(7)])
    import_file(system.app, path, district.platform_id)
    system.projector.catch_up()
    (row,) = system.queries.topics(TopicFilter(), first=5).rows
    assert (row["title"], row["channel"], row["category"], row["status"]) == (
        "诉求7",
        "hotline_12345",
        "governance",
        "proposed",
    )
    assert row["hotline_tickets"] == "GD202600000007"
    assert row["proposer_name"] == "来电人7"
    topic = system.app.repository.get(UUID(row["id"]))
    assert isinstance(topic, Topic)
    assert topic.hotline_order is not None
    assert (topic.hotline_order.street, topic.hotline_order.address) == ("梨园镇", "某小区7号楼")
    assert topic.hotline_order.received_at is not None
    assert topic.hotline_order.received_at.isoformat() == "2026-03-08T09:07:00+08:00"
    assert [e.actor.id for e in system.app.repository.event_store.get(topic.id)] == [
        HOTLINE_IMPORT.id
    ]

    # The address may point at the caller's home: it is erased with the caller.
    system.app.erase_subject(
        Command(ADMIN), subject_id=topic.proposer.subject_id, reason="来电人要求删除个人信息"
    )
    erased = system.app.repository.get(topic.id)
    assert isinstance(erased, Topic)
    assert erased.hotline_order is not None
    assert (erased.proposer.name, erased.hotline_order.address) == ("已删除", "已删除")
    assert erased.hotline_order.street == "梨园镇"


def test_a_ticket_sent_again_with_other_content_is_reported_not_changed(
    system: System, district: District, tmp_path: Path
) -> None:
    import_file(
        system.app, write_csv(tmp_path / "a.csv", [order(1), order(2)]), district.platform_id
    )
    log = system.app.position()
    changed = write_csv(tmp_path / "b.csv", [order(1, 诉求内容="内容被改动"), order(2)])
    report = import_file(system.app, changed, district.platform_id)
    assert (report.created, report.repeated) == (0, 1)
    (error,) = report.errors
    assert (error.line, error.ticket, error.code) == (2, "GD202600000001", TicketResent.code)
    assert system.app.position() == log


def test_the_same_ticket_from_another_sender_is_still_one_matter(
    system: System, district: District
) -> None:
    work_order = WorkOrder("GD-REST-1", "路灯不亮", street="永顺镇")
    first = system.app.take_hotline_order(
        Command(HOTLINE_IMPORT), platform_id=district.platform_id, order=work_order
    )
    again = system.app.take_hotline_order(
        Command(GATEWAY), platform_id=district.platform_id, order=work_order
    )
    assert (again.topic_id, again.repeated, first.repeated) == (first.topic_id, True, False)


def test_the_cli_imports_with_a_progress_bar_and_writes_the_error_report(
    url: str, system: System, district: District, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    rows = [order(n) for n in range(6)]
    rows[2] = order(2, 工单编号="")
    path = write_csv(tmp_path / "orders.csv", rows)
    report = tmp_path / "errors.csv"

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["import", "hotline", str(path), *args])

    result = run("--platform", str(district.platform_id), "--report", str(report))
    assert result.exit_code == 1, result.output  # some rows were refused
    assert "新导入 imported 5" in result.output
    lines = report.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "行号,工单编号,代码,原因"
    assert lines[1].startswith("4,,FIELD_REQUIRED,工单编号不能为空")

    assert run("--platform", "not-a-platform").exit_code == 2
    missing = write_csv(tmp_path / "bad.csv", [order(1)], headers=("工单编号", "诉求标题"))
    result = CliRunner().invoke(
        cli, ["import", "hotline", str(missing), "--platform", str(district.platform_id)]
    )
    assert result.exit_code == 2
    assert "诉求内容" in result.output
    assert hotline_topics(system) == 5


def test_hostile_files_are_refused_whole_with_exit_code_2_and_never_a_traceback(
    url: str, system: System, district: District, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    monkeypatch.setenv("YISHITING_IMPORT_MAX_UNPACKED_BYTES", str(8 * MB))
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(
        write_csv(tmp_path / "a.csv", [order(1)]).read_text("utf-8-sig").encode("utf-16")
    )
    bad_utf8 = tmp_path / "bad.csv"
    good = write_csv(tmp_path / "b.csv", [order(2)]).read_bytes()
    bad_utf8.write_bytes(good + b"GD3,\xff\xfe\n")
    files = {
        "UNPACKED_TOO_LARGE": zip_bomb(tmp_path, 10 * MB),
        "XML_FORBIDDEN": xml_bomb(tmp_path),
        "UTF16_NOT_SUPPORTED": utf16,
        "BAD_ENCODING": bad_utf8,
    }
    for code, path in files.items():
        result = CliRunner().invoke(
            cli, ["import", "hotline", str(path), "--platform", str(district.platform_id)]
        )
        assert result.exit_code == 2, (code, result.output, result.exception)
        assert isinstance(result.exception, SystemExit), "a refusal, not a traceback"
        told = " ".join(result.output.split())  # as one line, however the console wrapped it
        assert re.search(rf"[\u4e00-\u9fff].* \(.*[a-z]+.*\) \[{code}\]", told), told
        assert "未导入任何工单 nothing was imported" in told
    assert hotline_topics(system) == 0


def test_rows_the_domain_refuses_are_reported_and_the_rest_imported(
    url: str, system: System, district: District, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    rows = [order(n) for n in range(8)]
    rows[1] = order(1, 诉求内容="路灯\x00不亮")  # cannot even be stored in PostgreSQL text
    rows[2] = order(2, 诉求人="陈\x1b[31m先生")
    rows[3] = order(3, 受理时间="0001-01-01T00:00:00+14:00")  # not writable in UTC
    rows[4] = order(4, 受理时间="9999-12-31 23:59:59")
    rows[5] = order(5, 工单编号='=HYPERLINK("http://x.example/","查看")', 诉求内容="")
    path = write_csv(tmp_path / "orders.csv", rows)
    report = tmp_path / "errors.csv"

    result = CliRunner().invoke(
        cli,
        ["import", "hotline", str(path), "--platform", str(district.platform_id),
         "--report", str(report)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "新导入 imported 3" in result.output
    assert "\x1b" not in result.output, "nothing from the file reaches the terminal as a code"
    written = list(csv.reader(StringIO(report.read_bytes().decode("utf-8-sig"))))
    assert [row[:3] for row in written] == [
        ["行号", "工单编号", "代码"],
        ["3", "GD202600000001", "INVALID_TEXT"],
        ["4", "GD202600000002", "INVALID_TEXT"],
        ["5", "GD202600000003", "TIME_OUT_OF_RANGE"],
        ["6", "GD202600000004", "TIME_OUT_OF_RANGE"],
        ["7", '\'=HYPERLINK("http://x.example/","查看")', "FIELD_REQUIRED"],
    ]
    assert all(re.search(r"[\u4e00-\u9fff].* \(.+\)", row[3]) for row in written[1:])
    assert hotline_topics(system) == 3


def test_the_cli_refuses_an_unwritable_report_or_a_bad_platform_before_importing(
    url: str, system: System, district: District, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YISHITING_DATABASE_URL", url)
    path = write_csv(tmp_path / "orders.csv", [order(1), order(2, 工单编号="")])

    def refused(code: str, *args: str) -> None:
        result = CliRunner().invoke(cli, ["import", "hotline", str(path), *args])
        assert result.exit_code == 2, (result.output, result.exception)
        assert isinstance(result.exception, SystemExit), "a refusal, not a traceback"
        told = " ".join(result.output.split())
        assert re.search(rf"[\u4e00-\u9fff].* \(.*[a-z]+.*\) \[{code}\]", told), told

    platform = str(district.platform_id)
    refused(
        "REPORT_NOT_WRITABLE", "--platform", platform, "--report", str(tmp_path / "no" / "e.csv")
    )
    refused("INVALID_ID", "--platform", "[/red]\x1b[2J")
    refused("UNKNOWN_FORMAT", "--platform", platform, "--format", "ods")
    assert hotline_topics(system) == 0
