"""The real server for the browser tests: the demo district seeded by `yishiting demo` (its
people and their accounts), then `yishiting serve` in its own process, with a token secret the
tests know so that they can also act as anyone behind the page's back, and its SQLite file
where they can age a session."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

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


SECURITY_ADMIN = Actor("sec-tests", "测试安全管理员", Role.SECURITY_ADMIN, "")
NEW_PASSWORD = "Tq7#browser-2026"  # the fresh accounts' password (within the password rules)

CREATE = """mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }"""
RESET = """mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { id } }"""
GRANT = """mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }"""
PLATFORM = """mutation($input: RegisterPlatformInput!) { registerPlatform(input: $input) { id } }"""


@dataclass
class DemoServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    authenticator: Authenticator
    database: Path
    seeded_at: float  # the demo administrators' second factors were confirmed before this
    totp_steps: dict[str, int] = field(default_factory=dict)  # the last step used, by account

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

    def as_security_admin(self, document: str, **variables: Any) -> dict[str, Any]:
        """Asks as a security administrator (a signed token, no account), over HTTP."""
        return self._post(self.authenticator.issue(SECURITY_ADMIN), document, variables)

    def new_account(self, prefix: str, role: str, scope: str = "") -> str:
        """A fresh account holding `role` (in `scope`), with the password NEW_PASSWORD: its
        username. Tests that lock, revoke or end things use one, never a demo account."""
        username = f"{prefix}-{uuid4().hex[:8]}"
        created = self.as_security_admin(
            CREATE, input={"username": username, "displayName": f"测试{prefix}"}
        )
        account = created["createAccount"]["id"]
        self.as_security_admin(
            RESET, input={"accountId": account, "temporaryPassword": NEW_PASSWORD}
        )
        grant = {"accountId": account, "role": role, "scope": scope, "reason": "浏览器测试"}
        self.as_security_admin(GRANT, input=grant)
        return username

    def new_platform(self, prefix: str) -> str:
        """A platform of a test's own (its id), so that what the test puts on it is all its
        staff's to-do list holds, however much the demo platform has gathered by then."""
        reference = self.query("{ committees { id } people { id } }")
        platform = {
            "name": f"{prefix}{uuid4().hex[:4]}",
            "kind": "MEMBER_WORKSTATION",
            "hallVenue": "测试议事厅",
            "committeeId": reference["committees"][0]["id"],
            "responsiblePersonId": reference["people"][0]["id"],
        }
        return str(self.query(PLATFORM, input=platform)["registerPlatform"]["id"])

    def age_session(self, cookie: str, seconds: float) -> None:
        """Moves the session of this cookie's value `seconds` into the past (its last request),
        straight in the database: an idle timeout without waiting for it."""
        key = hashlib.sha256(cookie.encode()).hexdigest()
        with sqlite3.connect(self.database) as db:
            changed = db.execute(
                "UPDATE yishiting_sessions SET last_seen = last_seen - ? WHERE key = ?",
                (seconds, key),
            ).rowcount
        assert changed == 1, "the session is in the table"
        # The server reads an open session from memory until the log moves (every real end of
        # a session is an append; an edit behind its back is not): something is recorded.
        self.query(
            "mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }",
            i={"name": f"测试人员{uuid4().hex[:6]}", "position": "浏览器测试"},
        )

    def session_ended(self, cookie: str) -> bool:
        """Whether the server has ended the session of this cookie's value (its row says)."""
        key = hashlib.sha256(cookie.encode()).hexdigest()
        with sqlite3.connect(self.database) as db:
            row = db.execute("SELECT ended_at FROM yishiting_sessions WHERE key = ?", (key,))
            (ended_at,) = row.fetchone()
        return ended_at is not None

    def act(self, who: str, document: str, **variables: Any) -> dict[str, Any]:
        """Does something as the demo actor `who`, behind the page's back."""
        return self._post(self.token(who), document, variables)

    def act_as(self, actor: Actor, document: str, **variables: Any) -> dict[str, Any]:
        """Does something as `actor` (any role and scope), behind the page's back."""
        return self._post(self.authenticator.issue(actor), document, variables)

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


def start_demo_server(workdir: Path, *, port: int | None = None, **settings: str) -> DemoServer:
    """The demo district served on `port` (a free one unless told), with more `settings`
    (YISHITING_… variables) when given."""
    secret = secrets.token_urlsafe(32)
    database = workdir / "yishiting.db"
    env = environment(
        f"sqlite:///{database}",
        secret,
        YISHITING_LEDGER_KEY_FILE=str(workdir / "ledger-ed25519.pem"),
        YISHITING_ATTACHMENT_STORE=str(workdir / "attachments"),
        **settings,
    )
    seeded = subprocess.run(
        [*CLI, "demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    seeded_at = time.time()
    log = workdir / "server.log"
    base_url, process = launch(env, log, port=port)
    authenticator = Authenticator.from_settings(Settings(token_secret=secret))
    server = DemoServer(base_url, process, log, authenticator, database, seeded_at)
    try:
        wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server
