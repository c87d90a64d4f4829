"""A PostgreSQL server of a test's own (initdb into a temporary folder, a free port), to stop and
start at will without disturbing the shared server other tests use at the same time."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HANG_GUARD = 60  # seconds for initdb, a start or a stop; only to fail rather than hang


def server_binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them per version, newest wins)."""
    on_path = shutil.which("pg_config")
    if on_path:
        found = subprocess.run([on_path, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(found.stdout.strip())
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


class PostgresServer:
    """`start()`, `stop()`, `start()` again: the same data folder, the same port."""

    def __init__(self, bindir: Path, port: int) -> None:
        self.bindir = bindir
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="yishiting-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        # PostgreSQL refuses to run as root: then the server runs as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`: every session is ended (as on a restart), committed work is kept."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
            check=False,
            timeout=HANG_GUARD,
        )
        return status.returncode == 0

    def remove(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, str(self.bindir / program), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=HANG_GUARD,
        )
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}\n{done.stderr}"


def own_postgres_server(port: int) -> PostgresServer:
    """A fresh server, started; skipped (failed in CI) where PostgreSQL's programs are absent."""
    bindir = server_binaries()
    if bindir is None:
        reason = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI requires them")
        pytest.skip(reason)
    server = PostgresServer(bindir, port)
    try:
        server.start()
    except BaseException:
        server.remove()
        raise
    return server
