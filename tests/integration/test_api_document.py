"""What docs/API.md shows an integrator works, as it is written there: its ledger verifier
accepts real inclusion and consistency proofs under a real signed checkpoint and refuses
tampered ones; its webhook receiver accepts the signatures the deliverer makes and refuses
forged, altered and stale ones; and the roles × mutations table is what the server enforces."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import HTTPServer
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from application.ledger.signing import Signer, public_pem
from application.settings import Settings
from domain.base import Actor
from domain.reference import Unit
from domain.vocabulary import Role, UnitKind
from interfaces.bootstrap import bootstrap
from interfaces.contract import CALLER_ROLES, SCOPED, permissions
from interfaces.server import create_app
from projections.outbound.webhooks.signing import SCHEMES, SIGNATURE_HEADER, signature
from tests.support.api_document import example, snippet
from tests.support.district import ADMIN, District
from tests.support.graphql import GraphQLClient, credentials_of

# ---------------------------------------------------------------------------- the ledger


@dataclass
class Proofs:
    """Files an auditor keeps: the public key, two checkpoints, proofs between them."""

    folder: Path
    verifier: Path

    def run(self, *files: str) -> tuple[int, str]:
        done = subprocess.run(
            [sys.executable, str(self.verifier), *(str(self.folder / f) for f in files)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=self.folder,
        )
        return done.returncode, (done.stdout + done.stderr).strip()

    def write(self, name: str, value: Any) -> None:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        (self.folder / name).write_text(text, encoding="utf-8")

    def read(self, name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.folder / name).read_text(encoding="utf-8"))
        return loaded


def camel(document: dict[str, Any]) -> dict[str, Any]:
    """As GraphQL answers a checkpoint: treeSize, rootHash, …"""
    return {re.sub(r"_([a-z])", lambda m: m[1].upper(), k): v for k, v in document.items()}


@pytest.fixture
def proofs(tmp_path: Path, sqlite_url: str) -> Iterator[Proofs]:
    settings = Settings(
        database_url=sqlite_url,
        ledger_key_file=str(tmp_path / "ledger-key.pem"),
        event_key_file=str(tmp_path / "event-hmac.key"),
    )
    folder = tmp_path / "auditor"
    folder.mkdir()
    verifier = tmp_path / "verify_ledger.py"
    verifier.write_text(snippet("verify_ledger.py"), encoding="utf-8")
    kept = Proofs(folder, verifier)
    system = bootstrap(settings)
    try:
        district = District.build(system.app)
        district.assigned_item()
        system.projector.catch_up()
        old = system.ledger.issue_checkpoint()
        assert system.ledger.signer is not None
        kept.write("public.pem", public_pem(system.ledger.signer.public))
        kept.write("old.json", old.to_json())
        approval = _position_of(system, "TopicApproved")
        kept.write("proof.json", system.ledger.prove(approval).to_json())
        # More history, a later checkpoint, and the proof that it extends the first.
        system.app.save(
            *(
                Unit.register(name=f"第{n}号社区", kind=UnitKind.VILLAGE_OR_COMMUNITY, actor=ADMIN)
                for n in range(5)
            )
        )
        system.projector.catch_up()
        new = system.ledger.issue_checkpoint()
        assert new.tree_size > old.tree_size
        kept.write("new.json", new.to_json())
        kept.write(
            "consistency.json",
            system.ledger.prove_consistency(old.tree_size, new.tree_size).to_json(),
        )
        kept.write("latest.json", system.ledger.prove(system.app.position()).to_json())
        yield kept
    finally:
        system.close()


def _position_of(system: Any, event_name: str) -> int:
    for notification in system.app.recorder.select_notifications(start=1, limit=1000):
        if notification.topic.endswith(f".{event_name}"):
            return int(notification.id)
    raise LookupError(event_name)


def test_the_docs_verifier_accepts_real_proofs(proofs: Proofs) -> None:
    proof = proofs.read("proof.json")
    status, said = proofs.run("public.pem", "old.json", "proof.json")
    assert (status, said) == (
        0,
        f"OK: the event at position {proof['position']} is in the signed tree of"
        f" {proof['tree_size']}",
    )
    # The checkpoint as GraphQL answers it, and an event of the later tree under the later one.
    proofs.write("old-graphql.json", camel(proofs.read("old.json")))
    assert proofs.run("public.pem", "old-graphql.json", "proof.json")[0] == 0
    assert proofs.run("public.pem", "new.json", "latest.json")[0] == 0
    old, new = proofs.read("old.json"), proofs.read("new.json")
    status, said = proofs.run("public.pem", "old.json", "new.json", "consistency.json")
    assert (status, said) == (
        0,
        f"OK: the tree of {new['tree_size']} extends the tree of {old['tree_size']}",
    )


def test_the_docs_verifier_refuses_a_tampered_proof(proofs: Proofs) -> None:
    proof = proofs.read("proof.json")
    state = bytearray(base64.b64decode(proof["state"]))
    state[len(state) // 2] ^= 1  # one bit of the stored event
    proofs.write("altered.json", {**proof, "state": base64.b64encode(state).decode()})
    status, said = proofs.run("public.pem", "old.json", "altered.json")
    assert (status, said) == (1, "FAILED: the event is not in the tree the checkpoint signs")

    proofs.write("moved.json", {**proof, "position": proof["position"] + 1})
    assert proofs.run("public.pem", "old.json", "moved.json")[0] == 1
    path = list(proof["path"])
    path[0] = hashlib.sha256(bytes.fromhex(path[0])).hexdigest()
    proofs.write("bad-path.json", {**proof, "path": path})
    assert proofs.run("public.pem", "old.json", "bad-path.json")[0] == 1
    # A proof for the old tree does not pass under the new checkpoint.
    status, said = proofs.run("public.pem", "new.json", "proof.json")
    assert (status, said) == (1, "FAILED: the proof is for another tree size")


def test_the_docs_verifier_refuses_a_tampered_checkpoint(proofs: Proofs) -> None:
    old = proofs.read("old.json")
    signature_bytes = bytearray(base64.b64decode(old["signature"]))
    signature_bytes[0] ^= 1
    proofs.write("forged.json", {**old, "signature": base64.b64encode(signature_bytes).decode()})
    status, said = proofs.run("public.pem", "forged.json", "proof.json")
    assert (status, said) == (1, "FAILED: the checkpoint's signature does not verify")
    # A root someone else vouches for; a field changed under the signature.
    impostor = Signer(Ed25519PrivateKey.generate()).sign(
        old["tree_size"], bytes.fromhex(old["root_hash"]), old["issued_at"]
    )
    proofs.write("impostor.json", impostor.to_json())
    assert proofs.run("public.pem", "impostor.json", "proof.json")[0] == 1
    proofs.write("later.json", {**old, "issued_at": "2099-01-01T00:00:00+00:00"})
    assert proofs.run("public.pem", "later.json", "proof.json")[0] == 1


def test_the_docs_verifier_refuses_rewritten_history(proofs: Proofs) -> None:
    consistency = proofs.read("consistency.json")
    forged = [hashlib.sha256(bytes.fromhex(p)).hexdigest() for p in consistency["path"]]
    proofs.write("rewritten.json", {**consistency, "path": forged})
    status, said = proofs.run("public.pem", "old.json", "new.json", "rewritten.json")
    assert (status, said) == (
        1,
        "FAILED: the new tree does not extend the old one (history rewritten?)",
    )
    # Two trees in the wrong order, or a checkpoint whose root was replaced.
    assert proofs.run("public.pem", "new.json", "old.json", "consistency.json")[0] == 1
    new = proofs.read("new.json")
    proofs.write("new-root.json", {**new, "root_hash": "00" * 32})
    assert proofs.run("public.pem", "old.json", "new-root.json", "consistency.json")[0] == 1


def test_the_docs_verifier_is_stdlib_and_cryptography_only() -> None:
    code = snippet("verify_ledger.py")
    imported = set(re.findall(r"^(?:from|import) (\w+)", code, re.MULTILINE))
    assert imported <= set(sys.stdlib_module_names) | {"cryptography"}, imported


# --------------------------------------------------------------------------- webhooks

SECRET = "receiver-secret-0123456789"


def receiver_module() -> types.ModuleType:
    return example("webhook_receiver.py")


BODY = json.dumps(
    {
        "specversion": "1.0",
        "id": "e1",
        "type": "cn.gov.cppcc.yishiting.topic.excluded",
        "subject": str(uuid4()),
        "sequence": "00000000000000000042",
        "data": {"标题": "路灯"},
    },
    ensure_ascii=False,
    separators=(",", ":"),
).encode()


@pytest.mark.parametrize("suite", sorted(SCHEMES))
def test_the_docs_receiver_checks_the_deliverers_signature(suite: str) -> None:
    verify = receiver_module().verify_signature
    now = int(time.time())
    header = signature(SECRET, now, BODY, suite)  # as the deliverer signs each delivery
    assert header.startswith(f"t={now},{SCHEMES[suite][0]}=")
    assert verify(SECRET, header, BODY)
    assert not verify(SECRET, header, BODY.replace("路灯".encode(), "路面".encode()))
    assert not verify("another-secret-0123456789", header, BODY)
    stale = signature(SECRET, now - 3600, BODY, suite)
    assert not verify(SECRET, stale, BODY)
    assert verify(SECRET, stale, BODY, now=now - 3600)
    assert not verify(SECRET, header.replace(f"t={now}", f"t={now + 1}"), BODY)
    assert not verify(SECRET, "", BODY)
    assert not verify(SECRET, f"t={now},v0=00", BODY)


def test_the_docs_receiver_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver as written, over HTTP: 204 for a signed delivery, 401 for a forged one."""
    monkeypatch.setenv("YST_WEBHOOK_SECRET", SECRET)
    module = receiver_module()
    module.Receiver.log_message = lambda *args: None  # quiet in the test's output
    server = HTTPServer(("127.0.0.1", 0), module.Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"

    def deliver(body: bytes, header: str) -> int:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/cloudevents+json", SIGNATURE_HEADER: header},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    try:
        header = signature(SECRET, int(time.time()), BODY)
        assert deliver(BODY, header) == 204
        assert deliver(BODY + b" ", header) == 401
        assert deliver(BODY, signature("not-the-secret-0123456789", int(time.time()), BODY)) == 401
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------- roles × mutations

VIEWER = "{ viewer { mayPerform } }"
GUARDED = {
    "issueCheckpoint": "mutation { issueCheckpoint { treeSize } }",
    "resumeWebhook": f'mutation {{ resumeWebhook(webhookId: "{uuid4()}") {{ id }} }}',
}


def test_the_roles_table_is_what_the_server_enforces(tmp_path: Path, sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url,
        token_secret="api-document-test-secret-0123456789abcdef",
        ledger_key_file=str(tmp_path / "ledger-key.pem"),
        event_key_file=str(tmp_path / "event-hmac.key"),
    )
    table = permissions()
    with TestClient(create_app(settings)) as http:
        api = GraphQLClient(http, credentials=credentials_of(http.app))
        for role in CALLER_ROLES:
            scope = str(uuid4()) if role in SCOPED else ""
            caller = api.acting_as(Actor(f"{role.code}-1", role.label, role, scope))
            offered = caller.query(VIEWER)["viewer"]["mayPerform"]
            documented = sorted(
                p.mutation
                for p in table
                if role in p.roles and not p.own_account and not p.mutation.startswith("`")
            )
            assert offered == documented, role
            for mutation, document in GUARDED.items():
                allowed = role in next(p.roles for p in table if p.mutation == mutation)
                body = caller.execute(document)
                reasons = [e["extensions"].get("reason") for e in body.get("errors") or []]
                assert ("NOT_PERMITTED" not in reasons) == allowed, (role, mutation, body)
    assert Role.SYSTEM not in CALLER_ROLES
    assert Role.PUBLIC not in CALLER_ROLES
