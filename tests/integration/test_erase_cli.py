"""An administrator erases a citizen from the command line: the decision is recorded and the
citizen's data reads as erased; a second erasure is refused with its code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from application.settings import Settings
from domain.people import ERASED
from interfaces.bootstrap import bootstrap
from projections.queries import TopicFilter
from tests.support.district import District

ROOT = Path(__file__).resolve().parents[2]


def erase(url: str, subject: str, key: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "YISHITING_DATABASE_URL": url, "YISHITING_LEDGER_KEY_FILE": str(key)}
    return subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", "erase", subject, "--reason", "本人申请删除"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_erase_from_the_command_line(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url, ledger_key_file=str(tmp_path / "ledger.pem"))
    system = bootstrap(settings)
    try:
        District.build(system.app).propose_hotline_matter()
        system.projector.catch_up()
        (row,) = system.queries.topics(TopicFilter(), 5).rows
    finally:
        system.close()

    first = erase(sqlite_url, row["proposer_subject"], tmp_path / "ledger.pem")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "已删除" in first.stdout
    again = erase(sqlite_url, row["proposer_subject"], tmp_path / "ledger.pem")
    assert again.returncode == 1
    assert "ALREADY_ERASED" in again.stdout

    system = bootstrap(settings)
    try:
        system.projector.catch_up()
        (after,) = system.queries.topics(TopicFilter(), 5).rows
        assert after["proposer_name"] == ERASED
    finally:
        system.close()
