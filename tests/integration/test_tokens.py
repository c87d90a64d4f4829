"""Sign-in over HTTP: every kind of bad bearer token is refused with 401, UNAUTHENTICATED, a
stable reason and a Chinese message; EdDSA tokens verified against a JWKS file; the
`yishiting token create` command; production refusing to start without a way to verify
tokens; and what anonymous callers may (the public view) and may not do."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from jwt.algorithms import OKPAlgorithm

from application.permissions import OutOfReach, Reach, check_reach
from application.production import UnsafeProduction
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import application_for
from interfaces.server import create_app
from tests.support.district import District
from tests.support.graphql import CHINESE, mutation_document
from tests.support.off_the_loop import counted_off_the_loop
from tests.support.scenarios import SCENARIOS

SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"
ISSUER, AUDIENCE = "yishiting", "yishiting-api"
PLATFORMS = "{ platforms { id } }"
CLI = [sys.executable, "-m", "interfaces.cli.main"]
JWT = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")
LIBRARY_WORDS = re.compile(r"[A-Z]\w*(Error|Exception)\b|PyJWT|jwt\.")
SIGN_IN_ROLES = {
    "platform_staff",
    "committee",
    "unit",
    "supervisor",
    "member",
    "leader",
    "auditor",
    "integration",
    "admin",
}


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "staff-1",
        "name": "李专员",
        "role": "leader",
        "scope": "",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 3600,
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def signed(secret: str = SECRET, **changes: Any) -> str:
    return jwt.encode(claims(**changes), secret, algorithm="HS256")


def ask(http: TestClient, authorization: str | None, document: str = PLATFORMS) -> Any:
    # bytes, so that a header no client would send (non-ASCII) can be sent all the same
    headers = {"Authorization": authorization.encode("latin-1")} if authorization else {}
    return http.post("/graphql", json={"query": document}, headers=headers)


def assert_refused(response: Any, reason: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == "Bearer"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}
    assert CHINESE.search(error["message"]), error
    assert error["message"].index("(") > CHINESE.search(error["message"]).start()
    assert not LIBRARY_WORDS.search(error["message"]), "said in the project's words"


@pytest.fixture
def http(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, token_secret=SECRET)
    with TestClient(create_app(settings)) as client:
        yield client


# ------------------------------------------------------------------------------- bad tokens

BAD_TOKENS = {
    "forged signature": (
        "Bearer " + signed("another-secret-also-long-enough-0123456789"),
        "TOKEN_INVALID",
    ),
    "expired": (
        "Bearer " + signed(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
        "TOKEN_EXPIRED",
    ),
    "wrong audience": ("Bearer " + signed(aud="someone-else"), "TOKEN_INVALID"),
    "wrong issuer": ("Bearer " + signed(iss="evil"), "TOKEN_INVALID"),
    "no expiry": ("Bearer " + signed(exp=None), "TOKEN_INVALID"),
    "no role": ("Bearer " + signed(role=None), "TOKEN_INVALID"),
    "malformed": ("Bearer not.a.token", "TOKEN_INVALID"),
    "garbage": ("Bearer \xe2\x98\x83.\x00.%%", "TOKEN_INVALID"),
    "unsigned (alg none)": (
        "Bearer " + jwt.encode(claims(), None, algorithm="none"),
        "TOKEN_INVALID",
    ),
    "no bearer scheme": (signed(), "TOKEN_INVALID"),
    "another scheme": ("Basic dXNlcjpwYXNz", "TOKEN_INVALID"),
    "empty bearer": ("Bearer ", "TOKEN_INVALID"),
    "unknown role": ("Bearer " + signed(role="mayor"), "TOKEN_INVALID"),
    "reserved role system": ("Bearer " + signed(role="system"), "TOKEN_INVALID"),
    "reserved role public": ("Bearer " + signed(role="public"), "TOKEN_INVALID"),
    "not valid yet": ("Bearer " + signed(nbf=int(time.time()) + 3600), "TOKEN_INVALID"),
    "scope None for platform staff": (
        "Bearer " + signed(role="platform_staff", scope="None"),
        "TOKEN_SCOPE_INVALID",
    ),
    "no scope for a committee": ("Bearer " + signed(role="committee"), "TOKEN_SCOPE_INVALID"),
    "a scope on the leader": (
        "Bearer " + signed(role="leader", scope=str(uuid4())),
        "TOKEN_SCOPE_INVALID",
    ),
    "an id spelt another way": (
        "Bearer " + signed(role="unit", scope=str(uuid4()).upper()),
        "TOKEN_SCOPE_INVALID",
    ),
    "a scope that is not text": (
        "Bearer " + signed(role="supervisor", scope=["a", "b"]),
        "TOKEN_SCOPE_INVALID",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_a_bad_token_is_refused_with_401_and_a_stable_reason(http: TestClient, case: str) -> None:
    authorization, reason = BAD_TOKENS[case]
    assert_refused(ask(http, authorization), reason)


def test_a_good_token_signs_in_and_a_bad_one_stores_nothing(http: TestClient) -> None:
    assert ask(http, "Bearer " + signed()).json() == {"data": {"platforms": []}}
    system = http.app.state.holder["system"]  # type: ignore[attr-defined]
    before = system.app.position()
    document = mutation_document("establishCommittee")
    forged = signed("another-secret-also-long-enough-0123456789", role="admin")
    response = http.post(
        "/graphql",
        json={"query": document, "variables": {"input": {"name": "经济委员会"}}},
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert_refused(response, "TOKEN_INVALID")
    assert system.app.position() == before


def test_a_token_verified_once_is_told_from_memory_until_it_expires(
    http: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integrating system sends the same token with every request: once verified, its
    caller is told on the event loop (no thread's round trip); past its expiry it is verified
    again, and refused."""
    resolved_off_the_loop = counted_off_the_loop(monkeypatch)
    token = signed()
    assert ask(http, "Bearer " + token).json() == {"data": {"platforms": []}}
    assert resolved_off_the_loop == ["caller"]
    assert ask(http, "Bearer " + token).json() == {"data": {"platforms": []}}
    assert ask(http, "bearer  " + token).json() == {"data": {"platforms": []}}
    assert resolved_off_the_loop == ["caller"]

    verified = http.app.state.doors.authenticator._verified  # type: ignore[attr-defined]
    actor, _ = verified[token]
    verified[token] = (actor, time.time() - 1)  # as if its hour had passed
    assert_refused(ask(http, "Bearer " + token), "TOKEN_EXPIRED")
    assert resolved_off_the_loop == ["caller", "caller"]


# ------------------------------------------------------------------------------------- JWKS


def jwk(key: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
    public: dict[str, Any] = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**public, "kid": kid, "alg": "EdDSA", "use": "sig"}


def eddsa(key: Ed25519PrivateKey, kid: str | None, **changes: Any) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims(**changes), key, algorithm="EdDSA", headers=headers)


@pytest.fixture
def trusted_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def jwks_http(
    sqlite_url: str, tmp_path: Path, trusted_key: Ed25519PrivateKey
) -> Iterator[TestClient]:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk(trusted_key, "district-idp-1")]}))
    settings = Settings(database_url=sqlite_url, token_jwks_file=str(jwks))
    with TestClient(create_app(settings)) as client:
        yield client


def test_an_eddsa_token_from_the_jwks_file_signs_in(
    jwks_http: TestClient, trusted_key: Ed25519PrivateKey
) -> None:
    token = eddsa(trusted_key, "district-idp-1", role="admin", sub="admin-idp")
    document = mutation_document("establishCommittee")
    response = jwks_http.post(
        "/graphql",
        json={"query": document, "variables": {"input": {"name": "经济委员会"}}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["establishCommittee"]["id"]


@pytest.mark.parametrize("kid", ["district-idp-1", "unknown-key", None])
def test_a_token_signed_by_another_key_is_refused(
    jwks_http: TestClient, trusted_key: Ed25519PrivateKey, kid: str | None
) -> None:
    stranger = Ed25519PrivateKey.generate()
    assert_refused(ask(jwks_http, "Bearer " + eddsa(stranger, kid)), "TOKEN_INVALID")
    # and a shared-secret token means nothing where only the JWKS keys are trusted
    assert_refused(ask(jwks_http, "Bearer " + signed()), "TOKEN_INVALID")


# -------------------------------------------------------------------------------------- CLI


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("YISHITING_")}
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        env={**environment, "COLUMNS": "80", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_token_create_prints_the_token_alone_on_its_last_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=sqlite_url, token_secret=SECRET, writes_per_minute=1000)
    with TestClient(create_app(settings)) as http:
        home = District.build(http.app.state.holder["system"].app)  # type: ignore[attr-defined]
        done = cli(
            "token",
            "create",
            "--role",
            "platform_staff",
            "--scope",
            str(home.platform_id),
            cwd=tmp_path,
            YISHITING_TOKEN_SECRET=SECRET,
            YISHITING_DATABASE_URL=sqlite_url,
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        assert len(lines) >= 2, "a readable line first, then the token"
        token = lines[-1]
        assert token.count(".") == 2, token
        assert " " not in token
        given = SCENARIOS["proposeTopic"].prepare(home)
        response = http.post(
            "/graphql",
            json={"query": mutation_document("proposeTopic"), "variables": {"input": given}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.json()["data"]["proposeTopic"]["id"], response.text


def test_the_demo_prints_a_ready_token_for_each_demo_role(tmp_path: Path) -> None:
    done = cli("demo", cwd=tmp_path, YISHITING_TOKEN_SECRET=SECRET)
    assert done.returncode == 0, done.stderr
    tokens = [line for line in done.stdout.splitlines() if JWT.fullmatch(line)]
    roles = {jwt.decode(t, options={"verify_signature": False})["role"] for t in tokens}
    assert roles == SIGN_IN_ROLES
    settings = Settings(database_url=f"sqlite:///{tmp_path}/var/yishiting.db", token_secret=SECRET)
    with TestClient(create_app(settings)) as http:
        for token in tokens:
            response = ask(http, f"Bearer {token}")
            assert response.status_code == 200, response.text
            assert response.json()["data"]["platforms"], "the demo district's platforms"


@pytest.mark.parametrize("role", ["system", "public", "mayor"])
def test_token_create_refuses_a_role_no_caller_can_have(tmp_path: Path, role: str) -> None:
    done = cli("token", "create", "--role", role, cwd=tmp_path, YISHITING_TOKEN_SECRET=SECRET)
    assert done.returncode != 0
    assert CHINESE.search(done.stdout + done.stderr)
    assert "platform_staff" in done.stdout, "the roles to choose from are listed"
    assert "Traceback" not in done.stdout + done.stderr


@pytest.fixture(params=["sqlite", "postgres"])
def registered(request: pytest.FixtureRequest) -> Iterator[tuple[str, District]]:
    """A database holding a district, and the district's ids."""
    url = str(request.getfixturevalue(f"{request.param}_url"))
    app = application_for(Settings(database_url=url))
    try:
        yield url, District.build(app)
    finally:
        app.close()


def scopes(home: District) -> dict[str, tuple[str, str, str]]:
    """(role, scope, why it is refused) for each kind of bad scope."""
    return {
        "the word None": ("platform_staff", "None", "INVALID_SCOPE"),
        "no scope where one is needed": ("unit", "", "INVALID_SCOPE"),
        "a platform never registered": ("platform_staff", str(uuid4()), "NOT_FOUND"),
        "a committee's id for a platform": ("platform_staff", str(home.committee_id), "NOT_FOUND"),
        "a platform's id for a unit": ("unit", str(home.platform_id), "NOT_FOUND"),
        "a unit's id for a supervisor": ("supervisor", str(home.unit_id), "NOT_FOUND"),
        "an id in capitals": ("committee", str(home.committee_id).upper(), "INVALID_SCOPE"),
        "a scope on the leader": ("leader", str(home.platform_id), "INVALID_SCOPE"),
        "a scope on the administrator": ("admin", "anything", "INVALID_SCOPE"),
        "an integration scoped by a unit": ("integration", str(home.unit_id), "NOT_FOUND"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "the word None",
        "no scope where one is needed",
        "a platform never registered",
        "a committee's id for a platform",
        "a platform's id for a unit",
        "a unit's id for a supervisor",
        "an id in capitals",
        "a scope on the leader",
        "a scope on the administrator",
        "an integration scoped by a unit",
    ],
)
def test_token_create_refuses_a_scope_that_names_nothing_of_its_kind(
    tmp_path: Path, registered: tuple[str, District], case: str
) -> None:
    url, home = registered
    role, scope, reason = scopes(home)[case]
    done = cli(
        "token",
        "create",
        "--role",
        role,
        "--scope",
        scope,
        cwd=tmp_path,
        YISHITING_TOKEN_SECRET=SECRET,
        YISHITING_DATABASE_URL=url,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert reason in said
    assert CHINESE.search(said)
    assert not JWT.search(said), "no token issued"
    assert "Traceback" not in said


@pytest.mark.parametrize(
    ("role", "field"),
    [
        ("platform_staff", "platform_id"),
        ("committee", "committee_id"),
        ("unit", "unit_id"),
        ("supervisor", "supervisor_id"),
        ("integration", "platform_id"),
        ("integration", None),
        ("leader", None),
    ],
)
def test_token_create_accepts_a_registered_scope_of_the_role_s_kind(
    tmp_path: Path, registered: tuple[str, District], role: str, field: str | None
) -> None:
    url, home = registered
    scope = str(getattr(home, field)) if field else ""
    done = cli(
        "token",
        "create",
        "--role",
        role,
        "--scope",
        scope,
        cwd=tmp_path,
        YISHITING_TOKEN_SECRET=SECRET,
        YISHITING_DATABASE_URL=url,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    token = done.stdout.strip().splitlines()[-1]
    assert jwt.decode(token, options={"verify_signature": False})["scope"] == scope


def test_an_object_without_an_owner_is_in_no_one_s_reach() -> None:
    """`str(None)` is "None": a scope spelt so must not reach what has no platform or unit."""
    nobody = Reach()
    for role in (Role.PLATFORM_STAFF, Role.UNIT, Role.SUPERVISOR, Role.COMMITTEE):
        for scope in ("None", ""):
            assert not nobody.includes(Actor("x", "某人", role, scope)), (role, scope)
    owned = Reach(platform_id=uuid4())
    assert owned.includes(Actor("x", "某人", Role.PLATFORM_STAFF, str(owned.platform_id)))
    assert not owned.includes(Actor("x", "某人", Role.PLATFORM_STAFF, "None"))


def test_a_role_without_a_scope_of_its_own_reaches_only_if_it_reads_everything() -> None:
    """Leaders and the discipline office read the whole district; the separated administrators
    and the public reach no matter through a scope check (fail closed, not open)."""
    owned = Reach(platform_id=uuid4(), committee_ids=frozenset({uuid4()}), unit_id=uuid4())
    for role in (Role.LEADER, Role.AUDITOR):
        assert owned.includes(Actor("x", "某人", role)), role
    for role in (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.PUBLIC):
        assert not owned.includes(Actor("x", "某人", role)), role
        with pytest.raises(OutOfReach):
            check_reach(Actor("x", "某人", role), owned)


# ------------------------------------------------------------------------------- production


def test_production_without_a_secret_or_jwks_refuses_to_start(sqlite_url: str) -> None:
    with pytest.raises(UnsafeProduction, match="YISHITING_TOKEN_SECRET"):
        create_app(Settings(database_url=sqlite_url, environment="production"))


def test_serve_in_production_without_a_secret_exits_with_a_clear_message(tmp_path: Path) -> None:
    done = cli(
        "serve",
        "--port",
        "1",
        cwd=tmp_path,
        YISHITING_ENVIRONMENT="production",
        YISHITING_DATABASE_URL=f"sqlite:///{tmp_path}/yishiting.db",
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "YISHITING_TOKEN_SECRET" in said
    assert CHINESE.search(said)
    assert "Traceback" not in said


# -------------------------------------------------------------------------------- anonymous

SNEAKY = [
    "{ topics { totalCount } }",
    "{ publicOverview { itemsOpen } topics { totalCount } }",
    "{ x: topics { totalCount } }",
    "{ ...Board } fragment Board on Query { topics { totalCount } }",
    "{ ... on Query { dashboard { topicsTotal } } }",
    "{ __schema { types { name } } }",
    "query Open { publicOverview { itemsOpen } } query Board { people { name } }",
]


@pytest.mark.parametrize("document", SNEAKY)
def test_anonymous_callers_get_nothing_but_the_public_view(http: TestClient, document: str) -> None:
    body = http.post("/graphql", json={"query": document, "operationName": None}).json()
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "TOKEN_REQUIRED"}
    assert CHINESE.search(error["message"])


def test_anonymous_writes_are_refused_and_store_nothing(http: TestClient) -> None:
    system = http.app.state.holder["system"]  # type: ignore[attr-defined]
    home = District.build(system.app)
    before = system.app.position()
    for mutation in ("proposeTopic", "establishCommittee", "postOnlineOpinion"):
        given = SCENARIOS[mutation].prepare(home)
        position = system.app.position()
        body = http.post(
            "/graphql", json={"query": mutation_document(mutation), "variables": {"input": given}}
        ).json()
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert system.app.position() == position
    assert system.app.position() > before, "the targets were made; the anonymous writes were not"
    by_get = http.get("/graphql", params={"query": "{ topics { totalCount } }"}).json()
    assert by_get["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_public_view_works_without_sign_in_and_holds_no_personal_data(
    http: TestClient,
) -> None:
    system = http.app.state.holder["system"]  # type: ignore[attr-defined]
    home = District.build(system.app)
    home.assigned_item()  # a proposer 陈群众 13800000001, participants 周委员 and 吴居民
    system.projector.wait_for(system.app.position())
    document = """{ publicOverview { approvedTopics { id title platformName category { label } }
      consultations { id subject platformName status { label } suggestionsCount }
      exclusionsByGround { key count } itemsResolved itemsOpen } vocabularies { name } }"""
    body = http.post("/graphql", json={"query": document}).json()
    assert not body.get("errors"), body
    assert body["data"]["publicOverview"]["approvedTopics"]
    text = json.dumps(body, ensure_ascii=False)
    for personal in ("陈群众", "13800000001", "周委员", "吴居民"):
        assert personal not in text
    assert http.get("/healthz").status_code == 200
    assert http.get("/readyz").status_code == 200


def test_without_the_public_view_anonymous_callers_get_nothing(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, token_secret=SECRET, public_view=False)
    with TestClient(create_app(settings)) as http:
        for document in ("{ publicOverview { itemsOpen } }", "{ vocabularies { name } }"):
            body = http.post("/graphql", json={"query": document}).json()
            assert body.get("data") is None
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert http.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/events"),
        ("GET", "/exports/supervision.csv"),
        ("GET", "/exports/supervision.xlsx"),
        ("GET", "/exports/audit.xlsx"),
        ("POST", "/hotline/service-requests"),
    ],
)
def test_anonymous_callers_get_no_data_over_rest_either(
    http: TestClient, method: str, path: str
) -> None:
    response = http.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 401, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert CHINESE.search(error["message"])
