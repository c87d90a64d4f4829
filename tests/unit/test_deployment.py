"""The compose file describes the scale-out the operators were promised, bad settings stop
the command line at once with the variable named, and production refuses to start without its
safety settings (token secret of 32 bytes or a JWKS file, ledger key, personal-data key)."""

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from application.production import UnsafeProduction
from application.settings import Settings
from interfaces.server import create_app

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
    assert "gcc" not in final_stage
    assert "-dev" not in final_stage


def test_the_image_builds_the_native_sm4_gcm() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    _, build_stage, final_stage = dockerfile.split("\nFROM ")
    assert "libgcrypt20-dev" in build_stage
    assert "gcc" in build_stage
    assert "setup.py" in build_stage  # the extension's build script reaches the build
    assert "libgcrypt20" in final_stage


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


# ------------------------------------------------------------------------------- production

GOOD_SECRET = "s" * 32
GOOD_MASTER_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")


def ledger_key(directory: Path) -> Path:
    path = directory / "ledger.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def event_key(directory: Path, size: int) -> Path:
    path = directory / f"event-{size}.key"
    path.write_text(base64.b64encode(os.urandom(size)).decode())
    return path


def production(directory: Path, **changes: str) -> dict[str, str]:
    """A production environment with every safety setting in place, then `changes` ('' unsets)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "COLUMNS": "200",
        "YISHITING_ENVIRONMENT": "production",
        "YISHITING_DATABASE_URL": f"sqlite:///{directory}/yishiting.db",
        "YISHITING_TOKEN_SECRET": GOOD_SECRET,
        "YISHITING_LEDGER_KEY_FILE": str(ledger_key(directory)),
        "YISHITING_PERSONAL_DATA_KEY": GOOD_MASTER_KEY,
        "YISHITING_EVENT_KEY_FILE": str(event_key(directory, 32)),
    }
    for name, value in changes.items():
        if value:
            env[name] = value
        else:
            env.pop(name)
    return env


def yishiting(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def weak_rsa_pem(directory: Path) -> str:
    path = directory / "not-ed25519.pem"
    path.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


UNSAFE = {
    "no token secret": ({"YISHITING_TOKEN_SECRET": ""}, "YISHITING_TOKEN_SECRET"),
    "a one-character secret": ({"YISHITING_TOKEN_SECRET": "x"}, "YISHITING_TOKEN_SECRET"),
    "a 31-byte secret": ({"YISHITING_TOKEN_SECRET": "s" * 31}, "YISHITING_TOKEN_SECRET"),
    "a JWKS file that is not there": (
        {"YISHITING_TOKEN_SECRET": "", "YISHITING_TOKEN_JWKS_FILE": "/nonexistent/jwks.json"},
        "YISHITING_TOKEN_JWKS_FILE",
    ),
    "no ledger key file": (
        {"YISHITING_LEDGER_KEY_FILE": "/nonexistent/ledger.pem"},
        "YISHITING_LEDGER_KEY_FILE",
    ),
    "a ledger key that is not Ed25519": (
        {"YISHITING_LEDGER_KEY_FILE": "rsa"},
        "YISHITING_LEDGER_KEY_FILE",
    ),
    "no personal-data key": ({"YISHITING_PERSONAL_DATA_KEY": ""}, "YISHITING_PERSONAL_DATA_KEY"),
    "a 16-byte personal-data key": (
        {"YISHITING_PERSONAL_DATA_KEY": base64.urlsafe_b64encode(bytes(16)).decode()},
        "YISHITING_PERSONAL_DATA_KEY",
    ),
    "no event key file": (
        {"YISHITING_EVENT_KEY_FILE": "/nonexistent/event.key"},
        "YISHITING_EVENT_KEY_FILE",
    ),
    "a guessable metrics token": (
        {"YISHITING_METRICS_TOKEN": "metrics"},
        "YISHITING_METRICS_TOKEN",
    ),
    "a 16-byte event key": ({"YISHITING_EVENT_KEY_FILE": "short"}, "YISHITING_EVENT_KEY_FILE"),
    "a personal-data key that is not base64": (
        {"YISHITING_PERSONAL_DATA_KEY": "not*base64*at*all"},
        "YISHITING_PERSONAL_DATA_KEY",
    ),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_production_refuses_to_serve_naming_the_setting(tmp_path: Path, case: str) -> None:
    changes, variable = UNSAFE[case]
    if changes.get("YISHITING_LEDGER_KEY_FILE") == "rsa":
        changes = {**changes, "YISHITING_LEDGER_KEY_FILE": weak_rsa_pem(tmp_path)}
    if changes.get("YISHITING_EVENT_KEY_FILE") == "short":
        changes = {**changes, "YISHITING_EVENT_KEY_FILE": str(event_key(tmp_path, 16))}
    done = yishiting(production(tmp_path, **changes), "serve", "--port", "1")
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert variable in said
    named = set(re.findall(r"- (YISHITING_\w+):", said))
    assert named == {variable}, f"only the unsafe setting is named: {said}"
    assert "生产环境拒绝启动" in said
    assert said.index("生产环境拒绝启动") < said.index("production refuses to start")
    assert "Traceback" not in said
    assert not (tmp_path / "var").exists(), "nothing generated in production"


def test_production_names_every_missing_setting_in_one_message(tmp_path: Path) -> None:
    env = production(
        tmp_path,
        YISHITING_TOKEN_SECRET="short",
        YISHITING_LEDGER_KEY_FILE=str(tmp_path / "absent.pem"),
        YISHITING_PERSONAL_DATA_KEY="",
    )
    for command in (["serve", "--port", "1"], ["project", "--once"], ["token", "create"]):
        done = yishiting(env, *command, *(["--role", "leader"] if "token" in command else []))
        said = done.stdout + done.stderr
        assert done.returncode == 1, (command, said)
        for variable in ("YISHITING_TOKEN_SECRET", "YISHITING_LEDGER_KEY_FILE"):
            assert variable in said, (command, said)
        assert "YISHITING_PERSONAL_DATA_KEY" in said
        assert said.count("生产环境拒绝启动") == 1


def test_production_with_every_safety_setting_issues_tokens(tmp_path: Path) -> None:
    done = yishiting(production(tmp_path), "token", "create", "--role", "leader")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].count(".") == 2


def test_an_auditor_verifies_without_the_service_s_secrets(tmp_path: Path) -> None:
    env = production(tmp_path, YISHITING_TOKEN_SECRET="", YISHITING_PERSONAL_DATA_KEY="")
    done = yishiting(env, "schema", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_create_app_refuses_unsafe_production_too(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/yishiting.db",
        environment="production",
        token_secret="x",
        ledger_key_file=str(tmp_path / "absent.pem"),
        event_key_file=str(tmp_path / "absent.key"),
    )
    with pytest.raises(UnsafeProduction) as refused:
        create_app(settings)
    named = {problem.variable for problem in refused.value.problems}
    assert named == {
        "YISHITING_TOKEN_SECRET",
        "YISHITING_LEDGER_KEY_FILE",
        "YISHITING_PERSONAL_DATA_KEY",
        "YISHITING_EVENT_KEY_FILE",
    }
