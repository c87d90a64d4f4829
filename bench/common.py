"""What the side-by-side benchmarks share: a schema of their own, a real server in a subprocess,
percentiles, peak memory of a process, and one row of the summary table."""

from __future__ import annotations

import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
import psycopg
from psycopg import sql

from application.settings import Settings
from application.storage import Database
from domain.base import Actor
from interfaces.auth import Authenticator

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "BENCHMARKS.md"  # where `python -m bench` writes, unless --doc
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
STARTUP_DEADLINE = 120.0
FAILED = ": failed"


@dataclass
class Figure:
    """One row of the summary table: a measured value beside the baseline of the same run."""

    name: str
    value: str
    baseline: str = "—"
    ratio: float | None = None
    target: str = "—"
    met: bool | None = None
    size: str = ""
    ratio_unit: str = "×"

    @property
    def failed(self) -> bool:
        """The benchmark behind this row raised: the row holds its error instead of a value."""
        return self.name.endswith(FAILED)

    def cells(self) -> list[str]:
        ratio = f"{self.ratio:.3g}{self.ratio_unit}" if self.ratio is not None else "—"
        target = self.target
        if self.met is not None:
            target += " **met**" if self.met else " **not met**"
        return [self.name, self.value, self.baseline, ratio, target, self.size]


@contextmanager
def schema(url: str, prefix: str) -> Iterator[str]:
    """A schema of its own in the server `url` names, dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid4().hex[:10]}"
    admin = Database.from_url(url).conninfo(with_schema=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(url)._replace(query=f"schema={name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5 = median, 0.99 = p99)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Timings:
    """Samples in seconds by what was timed; their percentiles in milliseconds."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, seconds: float) -> None:
        self.samples.setdefault(key, []).append(seconds)

    def ms(self, key: str, share: float) -> float:
        return percentile(self.samples[key], share) * 1e3


def in_turn(names: Sequence[str], round_: int) -> list[str]:
    """The names in the order this round takes them: each round starts one further on, so no
    contender always runs first (after an idle moment) or last."""
    start = round_ % len(names)
    return [*names[start:], *names[:start]]


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Ends a server the benchmark started: asked first, killed if it does not go."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Server:
    """`yishiting serve` in its own process, as deployed: uvicorn, the app, a PostgreSQL pool."""

    def __init__(
        self, url: str, *, projector: bool = True, env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.secret = secrets.token_urlsafe(32)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "YISHITING_DATABASE_URL": url,
            "YISHITING_TOKEN_SECRET": self.secret,
            "YISHITING_WRITES_PER_MINUTE": "10000000",
            "YISHITING_LOG_LEVEL": "WARNING",
            "YISHITING_LEDGER_KEY_FILE": str(ROOT / "var" / "bench-ledger-ed25519.pem"),
            **(env or {}),
        }
        self.command = [sys.executable, "-m", "interfaces.cli.main", "serve"]
        self.command += ["--port", str(self.port)]
        if not projector:
            self.command.append("--no-projector")
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        self.authenticator = Authenticator.from_settings(Settings(token_secret=self.secret))

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + STARTUP_DEADLINE
        with httpx.Client(base_url=self.base_url, timeout=2.0) as http:
            while True:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    error = self.log.read().decode(errors="replace")
                    raise RuntimeError(f"the server exited: {error[-2000:]}")
                try:
                    if http.get("/healthz").status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("the server did not start")
                time.sleep(0.05)

    def __exit__(self, *_: object) -> None:
        stop(self.process)
        self.log.close()

    def token(self, actor: Actor) -> str:
        return self.authenticator.issue(actor)

    def client(self, actor: Actor) -> httpx.Client:
        """A keep-alive client signed in as `actor`."""
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token(actor)}"},
            timeout=60.0,
        )

    def memory_kb(self) -> dict[str, int]:
        """VmRSS (now) and VmHWM (peak) of the server process, in kB."""
        assert self.process is not None
        return status_kb(self.process.pid)


def status_kb(pid: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def graphql(http: httpx.Client, document: str, **variables: Any) -> dict[str, Any]:
    """Posts one operation; any error is the benchmark's failure, not a result."""
    response = http.post("/graphql", json={"query": document, "variables": variables})
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL refused: {response.status_code} {body}")
    data: dict[str, Any] = body["data"]
    return data


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[str, int]:
    """Runs a child process to its end; returns its output and its peak RSS in kB (the kernel's
    own account of that child, from wait4)."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdout is not None
        output = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            said = errors.read().decode(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{said}")
    return output, int(usage.ru_maxrss)


def children_peak_kb() -> int:
    """The largest peak RSS of any child process waited for so far, in kB."""
    return int(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def replace_section(current: str, begin: str, end: str, text: str) -> str | None:
    """The document with the section between `begin` and `end` replaced by `text` (which carries
    its own markers), or None when the document has no such section yet."""
    if begin not in current or end not in current:
        return None
    before, rest = current.split(begin, 1)
    return before + text + rest.split(end, 1)[1]
