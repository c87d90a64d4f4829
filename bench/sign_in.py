"""A password sign-in's server CPU (issue 18): `app.sign_in` for an account with a password,
on PostgreSQL, beside the argon2id check alone in the same process — the hash is most of it
by design (it is what makes a stolen hash slow to guess). And a GraphQL request's CPU by each
door (session cookie, API token, JWT), in turns in one process.

    .venv/bin/python -m bench.sign_in [--samples S]

argon2id as stored: argon2-cffi's defaults (RFC 9106's second recommendation), time cost 3,
memory 64 MiB, parallelism 4 (its lanes run on threads: CPU time is counted over all of
them, with `time.process_time`)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from application.credentials import HASHER, hash_password, password_matches
from application.receipts import Command
from application.settings import Settings
from bench import common
from bench.common import Figure
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import application_for

PASSWORD = "Yongshun#2026-hall"
TARGET_MS = 250.0
SECURITY = Command(Actor("bench-security", "安全管理员", Role.SECURITY_ADMIN))


@dataclass(frozen=True)
class SignInCost:
    sign_in_cpu_ms: float
    sign_in_wall_ms: float
    verify_cpu_ms: float
    samples: int

    def figure(self) -> Figure:
        return Figure(
            "sign-in: server CPU of a password sign-in (`app.sign_in`, argon2id"
            f" t={HASHER.time_cost}, m={HASHER.memory_cost // 1024} MiB, p={HASHER.parallelism})",
            f"{self.sign_in_cpu_ms:.0f} ms CPU (wall {self.sign_in_wall_ms:.0f} ms)",
            f"argon2id verify alone: {self.verify_cpu_ms:.0f} ms CPU",
            self.sign_in_cpu_ms / self.verify_cpu_ms,
            f"≤ {TARGET_MS:g} ms CPU",
            self.sign_in_cpu_ms <= TARGET_MS,
            size=f"median of {self.samples}",
        )


def _median(samples: int, work: Callable[[], object]) -> tuple[float, float]:
    """Median CPU and wall milliseconds of `work`."""
    cpu, wall = [], []
    for _ in range(samples):
        started_cpu, started = time.process_time(), time.perf_counter()
        work()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def run(url: str, samples: int) -> SignInCost:
    hashed = hash_password(PASSWORD)
    verify_cpu, _ = _median(samples, lambda: password_matches(hashed, PASSWORD))
    with common.schema(url, "bench_sign_in") as schema_url:
        app = application_for(Settings(database_url=schema_url))
        try:
            account = app.create_account(SECURITY, username="bench.user", display_name="测试").id
            app.reset_password(SECURITY, account, password=PASSWORD)
            app.sign_in(username="bench.user", password=PASSWORD, address="127.0.0.1")  # warm
            cpu, wall = _median(
                samples,
                lambda: app.sign_in(username="bench.user", password=PASSWORD, address="127.0.0.1"),
            )
        finally:
            app.close()
    return SignInCost(cpu, wall, verify_cpu, samples)


@dataclass(frozen=True)
class RequestCost:
    """Server CPU of one GraphQL request (`{ viewer { id } }`) by each door, handed to the app as
    the ASGI server hands it over and measured in turns in one process against one app: the
    session cookie (its row read, CSRF checked), an
    integration account's API token (its row read), and a signed bearer token (JWT, verified
    once then cached) — alone, and carrying the session's header bytes as well (a cookie of
    another name and the CSRF header, both ignored), which tells the door's own cost from the
    cost of two more headers through the server."""

    session_us: float
    api_token_us: float
    jwt_us: float
    jwt_same_bytes_us: float
    samples: int
    door: DoorCost

    def figures(self) -> list[Figure]:
        size = f"median of {self.samples} requests each, in turns (each round starts at the next)"
        return [
            self.door.figure(),
            Figure(
                "request by session cookie vs by API token (both revocable at once)",
                f"{self.session_us:,.0f} µs CPU",
                f"API token: {self.api_token_us:,.0f} µs CPU",
                self.session_us / self.api_token_us,
                "≤ 1.0×",
                self.session_us <= self.api_token_us,
                size=size,
            ),
            Figure(
                "request by session cookie vs by signed bearer token (JWT)",
                f"{self.session_us:,.0f} µs CPU",
                f"JWT: {self.jwt_us:,.0f} µs CPU",
                self.session_us / self.jwt_us,
                "≤ 1.0×",
                self.session_us <= self.jwt_us,
                size=size,
            ),
            Figure(
                "request by session cookie vs by JWT carrying the same header bytes",
                f"{self.session_us:,.0f} µs CPU",
                f"JWT + ignored cookie and CSRF header: {self.jwt_same_bytes_us:,.0f} µs CPU",
                self.session_us / self.jwt_same_bytes_us,
                "— (tells the door from the bytes)",
                None,
                size=size,
            ),
        ]


@dataclass(frozen=True)
class DoorCost:
    """The door's own cost inside the server: `Doors.caller` for the same POST's headers by
    session cookie (CSRF checked) and by JWT, in turns, best block of each — a whole request
    is some 1,000 times the door, so its ratio is mostly the run's noise."""

    session_us: float
    jwt_us: float
    calls: int

    def figure(self) -> Figure:
        return Figure(
            "a request's door: session cookie (CSRF checked) vs JWT, `Doors.caller` in process",
            f"{self.session_us:.2f} µs",
            f"JWT: {self.jwt_us:.2f} µs",
            self.session_us / self.jwt_us,
            "≤ 1.0×",
            self.session_us <= self.jwt_us,
            size=f"best of {DOOR_BLOCKS} blocks of {self.calls:,} calls each, in turns",
        )


DOOR_BLOCKS = 30


def door_cost(api: Any, headers: dict[str, dict[str, str]], calls: int) -> DoorCost:
    from starlette.requests import Request

    doors = api.state.doors
    requests = {door: Request(_post_scope(headers[door])) for door in ("session", "jwt")}
    best = {door: float("inf") for door in requests}
    for block in range(DOOR_BLOCKS):
        for door in common.in_turn(list(requests), block):
            request = requests[door]
            started = time.perf_counter_ns()
            for _ in range(calls):
                doors.caller(request, changing=True)
            best[door] = min(best[door], (time.perf_counter_ns() - started) / calls / 1000)
    return DoorCost(best["session"], best["jwt"], calls)


def _post_scope(headers: dict[str, str]) -> dict[str, Any]:
    sent = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [*sent, (b"host", b"testserver"), (b"content-type", b"application/json")],
    }


QUERY = b'{"query": "{ viewer { id } }"}'


async def _served(api: Any, scope: dict[str, Any], body: bytes) -> int:
    """The app's answer to one request handed to it as the ASGI server hands it over, on the
    app's own event loop: no HTTP client in the process, so the CPU counted is the server's
    (a test client would spend more for every extra header it encodes)."""
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await api(dict(scope, headers=list(scope["headers"])), receive, send)
    return statuses[0]


def request_cost(url: str, samples: int) -> RequestCost:
    from fastapi.testclient import TestClient

    from interfaces.doors import COOKIE
    from interfaces.server import create_app

    with common.schema(url, "bench_requests") as schema_url:
        api = create_app(Settings(database_url=schema_url, writes_per_minute=1_000_000))
        with TestClient(api) as http:
            app = api.state.holder["system"].app
            account = app.create_account(SECURITY, username="bench.user", display_name="测试").id
            app.reset_password(SECURITY, account, password=PASSWORD)
            app.grant_role(SECURITY, account, role=Role.INTEGRATION, reason="测试")
            signed = http.post(
                "/auth/sign-in", json={"username": "bench.user", "password": PASSWORD}
            ).json()
            session = {"X-CSRF-Token": signed["csrfToken"]}
            cookie = http.cookies[COOKIE]
            token = app.issue_api_token(SECURITY, account, name="测试", role=Role.INTEGRATION)
            actor = Actor(f"account:{account}", "测试", Role.INTEGRATION)
            jwt = api.state.authenticator.issue(actor)
            http.cookies.clear()
            doors = {
                "session": ({**session, "Cookie": f"{COOKIE}={cookie}"}),
                "api_token": {"Authorization": f"Bearer {token.secret}"},
                "jwt": {"Authorization": f"Bearer {jwt}"},
                "jwt_same_bytes": {
                    **session,
                    "Authorization": f"Bearer {jwt}",
                    "Cookie": f"other_{COOKIE}={cookie}",
                },
            }
            cpu: dict[str, list[float]] = {door: [] for door in doors}
            scopes = {door: _post_scope(headers) for door, headers in doors.items()}
            for round_ in range(samples):
                for door in common.in_turn(list(doors), round_):
                    started = time.process_time()
                    status = http.portal.call(_served, api, scopes[door], QUERY)
                    cpu[door].append((time.process_time() - started) * 1e6)
                    assert status == 200, (door, status)
            door = door_cost(api, doors, calls=2_000)
    median = {door: statistics.median(times) for door, times in cpu.items()}
    return RequestCost(
        median["session"],
        median["api_token"],
        median["jwt"],
        median["jwt_same_bytes"],
        samples,
        door,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sign_in", description=__doc__)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    args = parser.parse_args()
    print(" | ".join(run(args.database_url, args.samples).figure().cells()))
    for figure in request_cost(args.database_url, args.samples * 50).figures():
        print(" | ".join(figure.cells()))


if __name__ == "__main__":
    main()
