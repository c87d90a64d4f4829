"""A running app (in-process, over TestClient) with two districts: `home`, the one the scoped
callers belong to, and `away`, another one; a bearer token per role; calls as any role."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
from fastapi.testclient import TestClient

from application.ledger.signing import Signer
from application.settings import Settings
from interfaces.bootstrap import System
from interfaces.server import create_app
from tests.conftest import PG, TEST_RECEIVERS, require_postgres
from tests.support import files
from tests.support.district import District
from tests.support.graphql import mutation_document
from tests.support.scenarios import SCENARIOS, actors

Body = dict[str, Any]
# What an unmasked fault would show: a traceback, an exception's class, the storage's words.
FAULT_WORDS = re.compile(
    r"Traceback|File \"|sqlite3?\.|psycopg|no such table|\b[A-Z]\w*(Error|Exception)\b"
)


def leaks(text: str) -> list[str]:
    return [m.group(0) for m in FAULT_WORDS.finditer(text)]


@dataclass
class World:
    http: TestClient
    system: System
    home: District
    away: District
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def execute(self, role: str, document: str, variables: Body | None = None) -> Body:
        response = self.http.post(
            "/graphql",
            json={"query": document, "variables": variables or {}},
            headers=self.headers[role],
        )
        assert response.status_code == 200, (response.status_code, response.text)
        body: Body = response.json()
        return body

    def mutate(self, role: str, mutation: str, given: Body) -> Body:
        if mutation in SCENARIOS and SCENARIOS[mutation].uploads:
            given = {**given, "uploadId": self.uploaded(role) or given["uploadId"]}
        if mutation in SCENARIOS:
            return self.execute(role, *SCENARIOS[mutation].request(mutation, given))
        return self.execute(role, mutation_document(mutation), {"input": given})

    def uploaded(self, role: str) -> str | None:
        """The id of a small PDF the role's caller uploads (None when it may not upload)."""
        sent = self.http.post(
            "/attachments",
            files={"file": ("办理回复.pdf", files.pdf(), "application/pdf")},
            headers=self.headers[role],
        )
        return str(sent.json()["uploadId"]) if sent.status_code == 201 else None

    def position(self) -> int:
        return self.system.app.position()


def signed_in(http: TestClient, home: District) -> dict[str, dict[str, str]]:
    """The Authorization header of each role's caller (none for the anonymous one)."""
    issue = http.app.state.authenticator.issue  # type: ignore[attr-defined]
    return {
        role: ({"Authorization": f"Bearer {issue(actor)}"} if actor else {})
        for role, actor in actors(home).items()
    }


@contextmanager
def running(url: str, **settings: Any) -> Iterator[World]:
    """The app on `url`, its lifespan (and embedded projector) running, two districts set up."""
    options = {"writes_per_minute": 1_000_000, **TEST_RECEIVERS, **settings}
    app = create_app(Settings(database_url=url, **options))
    with TestClient(app) as http:
        system: System = app.state.holder["system"]
        home, away = District.build(system.app), District.build(system.app)
        yield World(http, system, home, away, signed_in(http, home))


PRODUCTION_SECRET = "a-production-secret-long-enough-for-hs256-0123456789"


@contextmanager
def running_in_production(directory: Path) -> Iterator[World]:
    """The app as production starts it: an operator's ledger and event keys made beforehand
    (never by the app), a token secret, the personal-data key, no loopback webhook receivers."""
    key_file = directory / "ledger.pem"
    Signer.from_file(key_file, create=True)
    event_key = directory / "event.key"
    event_key.write_text(base64.b64encode(os.urandom(32)).decode())
    safety = {
        "webhook_allowed_networks": [],
        "event_key_file": str(event_key),
        "token_secret": PRODUCTION_SECRET,
        "ledger_key_file": str(key_file),
        "personal_data_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    with running(f"sqlite:///{directory}/yishiting.db", environment="production", **safety) as w:
        yield w


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for a module's world, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid4().hex[:12]}"
    try:
        yield f"{PG}?schema={schema}"
    finally:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
