"""Reads by id (issue 25): every role × asOf and history × a record of every kind — the plan's
records in and out of the caller's scope, reference data, an erasure, and the system's own
records (a webhook with its signing secret, a 12345 ticket's link, a command receipt, all at
ids anyone can compute or has seen). Out of reach answers exactly as a missing id does, and
no read ever returns a secret. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.receipts import Command, CommandReceipt
from application.webhooks import new_secret
from application.work_orders import HotlineTicket, WorkOrder
from domain.erasure import Erasure
from domain.topic import Topic
from tests.support.district import ADMIN
from tests.support.world import World, postgres_schema, running

SIGNED_IN = ("platform_staff", "committee", "unit", "supervisor", "leader", "auditor")
SIGNED_IN += ("integration", "admin")
EVERYONE = frozenset(SIGNED_IN)
HOME_BOARD = frozenset({"platform_staff", "committee", "leader", "auditor", "admin"})
WHOLE_DISTRICT = frozenset({"leader", "auditor", "admin"})
# Who reads each record by id (asOf): written out by hand, not read from the application.
READS: dict[str, frozenset[str]] = {
    "topic in scope": HOME_BOARD,
    "topic elsewhere": WHOLE_DISTRICT,
    "consultation in scope": HOME_BOARD,
    "item in scope": HOME_BOARD | {"unit", "supervisor"},
    "committee": EVERYONE,
    "unit": EVERYONE,
    "person": EVERYONE,
    "platform": EVERYONE,
    "erasure": WHOLE_DISTRICT,
    "webhook": frozenset({"admin"}),
    "hotline ticket": frozenset({"admin"}),
    "command receipt": frozenset({"admin"}),
}
# Receipts record idempotency, not decisions: they are never in the trail, so have no history.
IN_THE_TRAIL = set(READS) - {"command receipt"}
HOOK = "http://127.0.0.1:9/need-to-know-hook"  # the discard port: deliveries fail at once
AS_OF = (
    "query($id: ID!, $at: DateTime!) { asOf(aggregateId: $id, at: $at) { aggregateType state } }"
)
HISTORY = (
    "query($id: ID!) { history(aggregateId: $id, first: 50)"
    " { totalCount edges { node { eventType summary reason actorName } } } }"
)


@dataclass
class Records:
    world: World
    ids: dict[str, UUID]
    secret: str


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def records(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Records]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('by_id')}/yishiting.db"
        with running(url) as world:
            yield _make(world)
    else:
        with postgres_schema() as url, running(url) as world:
            yield _make(world)


def _make(world: World) -> Records:
    home, away, app = world.home, world.away, world.system.app
    admin = Command(ADMIN)
    secret = new_secret()
    ticket = f"GD{uuid4().hex[:10]}"
    app.take_hotline_order(
        home.staff, platform_id=home.platform_id, order=WorkOrder(ticket=ticket, content="来电")
    )
    command_id = f"cmd-{uuid4().hex[:8]}"
    with_receipt = Command(home.staff.actor, command_id=command_id)
    topic_id = home.propose_hotline_matter()
    app.verify_topic(with_receipt, topic_id, basic_situation="已核实。")
    subject = app.load(Topic, topic_id).proposer.subject_id
    app.erase_subject(admin, subject_id=subject, reason="本人申请删除")
    ids = {
        "topic in scope": topic_id,
        "topic elsewhere": away.propose_hotline_matter(),
        "consultation in scope": home.scheduled_consultation(),
        "item in scope": home.assigned_item(),
        "committee": home.committee_id,
        "unit": home.unit_id,
        "person": home.supervisor_id,
        "platform": home.platform_id,
        "erasure": Erasure.create_id(subject),
        "webhook": app.register_webhook(
            admin, url=HOOK, event_types=[], secret=secret, description="对接"
        ).id,
        "hotline ticket": HotlineTicket.create_id(ticket),
        "command receipt": CommandReceipt.create_id(home.staff.actor.id, command_id),
    }
    assert world.system.projector.wait_for(world.position(), timeout=30)
    return Records(world, ids, secret)


def _at() -> str:
    return (datetime.now(UTC) + timedelta(minutes=1)).isoformat()


def _ask(records: Records, role: str, document: str, identifier: UUID) -> dict[str, Any]:
    body = records.world.execute(role, document, {"id": str(identifier), "at": _at()})
    assert "errors" not in body, body
    return body


@pytest.mark.parametrize("role", SIGNED_IN)
def test_a_record_out_of_reach_reads_exactly_as_a_missing_one(records: Records, role: str) -> None:
    missing = uuid4()
    nothing_as_of = _ask(records, role, AS_OF, missing)
    nothing_in_history = _ask(records, role, HISTORY, missing)
    assert nothing_as_of == {"data": {"asOf": None}}
    for kind, identifier in records.ids.items():
        as_of = _ask(records, role, AS_OF, identifier)
        history = _ask(records, role, HISTORY, identifier)
        if role in READS[kind]:
            assert as_of["data"]["asOf"] is not None, (kind, role)
            if role in WHOLE_DISTRICT and kind in IN_THE_TRAIL:
                assert history["data"]["history"]["totalCount"] >= 1, (kind, role)
        else:
            assert as_of == nothing_as_of, (kind, role)
            assert history == nothing_in_history, (kind, role)


@pytest.mark.parametrize("role", SIGNED_IN)
def test_no_read_by_id_ever_returns_a_secret(records: Records, role: str) -> None:
    for identifier in records.ids.values():
        for document in (AS_OF, HISTORY):
            answer = str(_ask(records, role, document, identifier))
            assert records.secret not in answer
            assert "secret" not in answer.lower()


def test_the_administrator_reads_the_webhook_without_its_secret(records: Records) -> None:
    past = _ask(records, "admin", AS_OF, records.ids["webhook"])["data"]["asOf"]
    assert past["aggregateType"] == "Webhook"
    assert past["state"]["url"] == HOOK
    assert records.secret not in str(past)


def test_time_travel_does_not_serve_a_rewritten_snapshot(records: Records) -> None:
    """A snapshot rewritten in the database is never read by asOf: it rebuilds from events."""
    app = records.world.system.app
    item_id = records.ids["item in scope"]
    item = app.repository.get(item_id)
    snapshot = getattr(type(item), "Snapshot", type(app).snapshot_class).take(item)
    forged = dataclasses.replace(snapshot, state={**snapshot.state, "suggestion": "伪造的建议"})
    assert app.snapshots is not None
    app.snapshots.put([forged])
    assert app.repository.get(item_id).suggestion == "伪造的建议"  # a load would serve it
    past = _ask(records, "leader", AS_OF, item_id)["data"]["asOf"]
    assert "伪造的建议" not in str(past)
    assert past["state"]["suggestion"] == item.suggestion


PROOF = "query($p: Int!) { ledger { proof(position: $p) { position } } }"
LEDGER_READERS = ("leader", "auditor", "admin")


@pytest.mark.parametrize("role", LEDGER_READERS)
def test_a_ledger_proof_keeps_the_reach_of_the_record_it_carries(
    records: Records, role: str
) -> None:
    signed = records.world.execute("auditor", "mutation { issueCheckpoint { treeSize } }")
    assert signed["data"]["issueCheckpoint"]["treeSize"] >= records.world.position() - 1
    log = records.world.system.app.recorder.select_notifications(0, 10_000)
    for kind, identifier in records.ids.items():
        first = next(n.id for n in log if n.originator_id == identifier)
        body = records.world.execute(role, PROOF, {"p": first})
        proof = body["data"]["ledger"]["proof"]
        if role in READS[kind]:
            assert proof == {"position": first}, (kind, role)
        else:
            assert proof is None, (kind, role)
