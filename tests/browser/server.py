"""The real server for the browser tests: the demo district seeded by `yishiting demo`, then
`yishiting serve` in its own process, with a token secret the tests know so they can sign in
as any of the district's people."""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.auth import Authenticator
from interfaces.cli.demo_data import ACTORS
from tests.support.servers import CLI, ROOT, environment, launch, wait_until_ready

SCOPES = {  # the demo actor's scope, named as the views name it
    "staff:ys": ("platforms", "永顺镇委员工作站"),
    "committee:shfz": ("committees", "社会和法制委员会"),
    "unit:jtw": ("units", "区交通委"),
}


@dataclass
class DemoServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    authenticator: Authenticator

    @property
    def app_url(self) -> str:
        return f"{self.base_url}/app/"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def token(self, key: str) -> str:
        """A token for the demo district's actor `key` ("staff:ys", "leader", "auditor", …)."""
        actor_id, name, role, _ = ACTORS[key]
        scope = self.scope_of(key)
        return self.authenticator.issue(Actor(actor_id, name, role, scope))

    def scope_of(self, key: str) -> str:
        if key not in SCOPES:
            return ""
        field, name = SCOPES[key]
        rows = self.query(f"{{ {field} {{ id name }} }}")[field]
        return str(next(r["id"] for r in rows if r["name"] == name))

    def query(self, document: str, **variables: Any) -> dict[str, Any]:
        """Asks as the district's administrator, straight over HTTP (not through the page)."""
        admin = self.authenticator.issue(Actor("admin-tests", "测试管理员", Role.ADMIN, ""))
        return self._post(admin, document, variables)

    def act(self, who: str, document: str, **variables: Any) -> dict[str, Any]:
        """Does something as the demo actor `who`, behind the page's back."""
        return self._post(self.token(who), document, variables)

    def _post(self, token: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(
            f"{self.base_url}/graphql",
            json={"query": document, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_demo_server(workdir: Path) -> DemoServer:
    secret = secrets.token_urlsafe(32)
    env = environment(
        f"sqlite:///{workdir}/yishiting.db",
        secret,
        YISHITING_LEDGER_KEY_FILE=str(workdir / "ledger-ed25519.pem"),
    )
    seeded = subprocess.run(
        [*CLI, "demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    log = workdir / "server.log"
    base_url, process = launch(env, log)
    authenticator = Authenticator.from_settings(Settings(token_secret=secret))
    server = DemoServer(base_url, process, log, authenticator)
    try:
        wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server
