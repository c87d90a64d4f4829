"""`yishiting calendar enter FILE` in a process of its own: the year's schedule is recorded as
the administrator's entry and a running process's calendar reckons with it at once; a second
entry needs --reason; a file that is not a schedule is refused storing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from application.settings import Settings
from interfaces.bootstrap import System, bootstrap
from tests.support.erasure import yishiting

# A TEST FIXTURE, not the published 2027 arrangement: 春节 Saturday 6 to Friday 12 February,
# Sunday 31 January and Saturday 20 February worked instead.
SCHEDULE = {
    "year": 2027,
    "notice": "国办发明电〔2026〕7号(测试用)",
    "holidays": [{"day": f"2027-02-{d:02}", "festival": "春节"} for d in range(6, 13)],
    "workingDays": ["2027-01-31", "2027-02-20"],
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def ledger_key(tmp_path: Path) -> Path:
    return tmp_path / "ledger.pem"


@pytest.fixture
def running(url: str, ledger_key: Path) -> Iterator[System]:
    system = bootstrap(Settings(database_url=url, ledger_key_file=str(ledger_key)))
    yield system
    system.close()


def written(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "schedule.json"
    path.write_text(content, encoding="utf-8")
    return path


def test_a_schedule_entered_from_a_file_is_reckoned_with_at_once(
    url: str, ledger_key: Path, running: System, tmp_path: Path
) -> None:
    file = written(tmp_path, json.dumps(SCHEDULE, ensure_ascii=False))
    done = yishiting(url, ledger_key, "calendar", "enter", str(file))
    assert done.returncode == 0, done.stderr
    assert "已录入" in done.stdout

    calendar = running.app.working_calendar()
    # Thu 4, Fri 5, 6–12 春节, a weekend, Mon 15, Tue 16, Wed 17 February.
    assert calendar.add_working_days(date(2027, 2, 3), 5).value == date(2027, 2, 17)
    schedule = running.app.holiday_schedule(2027)
    assert schedule is not None
    assert {e.actor.role.code for e in running.app.events.get(schedule.id)} == {"admin"}

    again = yishiting(url, ledger_key, "calendar", "enter", str(file))
    assert again.returncode == 1
    assert "REASON_REQUIRED" in again.stdout
    replaced = yishiting(url, ledger_key, "calendar", "enter", str(file), "--reason", "通知重发")
    assert replaced.returncode == 0, replaced.stderr
    listed = yishiting(url, ledger_key, "calendar", "list")
    assert "2027 国办发明电〔2026〕7号(测试用): 放假 7 天" in listed.stdout


@pytest.mark.parametrize(
    "content",
    [
        "不是JSON",
        json.dumps({**SCHEDULE, "holidays": [{"day": "2027-02-30", "festival": "春节"}]}),
        json.dumps({"year": 2027}),
    ],
    ids=["not-json", "no-such-day", "no-holidays-key"],
)
def test_a_file_that_is_not_a_schedule_is_refused_storing_nothing(
    url: str, ledger_key: Path, running: System, tmp_path: Path, content: str
) -> None:
    before = running.app.position()
    refused = yishiting(url, ledger_key, "calendar", "enter", str(written(tmp_path, content)))
    assert refused.returncode == 2
    assert "文件须为如下格式的 JSON" in refused.stdout
    assert running.app.position() == before
