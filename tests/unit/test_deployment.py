"""The compose file describes the scale-out the operators were promised, and bad settings stop
the command line at once with the variable named."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_two_api_processes_and_a_standby_projector_share_one_postgresql() -> None:
    services = compose()["services"]
    assert services["api"]["deploy"]["replicas"] == 2
    assert "--no-projector" in services["api"]["command"]
    assert services["projector"]["command"] == ["yishiting", "project"]
    assert services["projector"]["deploy"]["replicas"] == 2
    assert "healthcheck" in services["db"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    for name in ("api", "projector", "migrate"):
        url = services[name]["environment"]["YISHITING_DATABASE_URL"]
        assert url.startswith("postgresql://")
        assert "@db:5432/" in url


def test_the_image_runs_as_an_unprivileged_user_without_build_tools() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    final_stage = dockerfile.rsplit("FROM ", 1)[1]
    assert "USER yishiting" in final_stage
    assert "pip install" not in final_stage
    assert "slim" in final_stage.splitlines()[0]


def test_a_bad_setting_stops_the_command_line_and_names_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", "schema", "--check"],
        cwd=ROOT,
        env={"YISHITING_POOL_SIZE": "many", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "YISHITING_POOL_SIZE" in result.stdout
