"""Real servers for the end-to-end and browser tests: `python -m interfaces.cli.main serve` in a
process of its own on a free port, its output in a log file, ready once /readyz answers."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from tests.support.graphql import Credentials, actor_headers, bearer

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "interfaces.cli.main"]
STARTUP_DEADLINE = 60.0  # a generous bound for a cold start, only to fail instead of hanging


class Running(Protocol):
    base_url: str
    process: subprocess.Popen[bytes]

    def output(self) -> str: ...


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


def environment(url: str, secret: str, **settings: str) -> dict[str, str]:
    """The server's environment: this one's, plus its database, token secret and settings."""
    return {
        **os.environ,
        "YISHITING_DATABASE_URL": url,
        "YISHITING_TOKEN_SECRET": secret,
        "YISHITING_WRITES_PER_MINUTE": "100000",
        "PYTHONUNBUFFERED": "1",
        **settings,
    }


def launch(
    env: dict[str, str], log: Path, *args: str, port: int | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    """`serve` on `port` (a free one unless told; with `args`), writing to `log`: its base URL
    and process."""
    port = port or free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), *args],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return f"http://127.0.0.1:{port}", process


def start_server(url: str, secret: str, log: Path) -> Server:
    """A server on `url`, ready to answer; killed again if it never gets ready."""
    base_url, process = launch(environment(url, secret), log)
    server = Server(base_url, process, log, credentials_for(secret))
    try:
        wait_until_ready(server)
    except BaseException:
        kill(server)
        raise
    return server


def kill(server: Running) -> None:
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def wait_until_ready(server: Running) -> None:
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
