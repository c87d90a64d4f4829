"""A citizen asks to be forgotten: after erasure no dump of the database holds their personal
data in clear, while everyone else's still reads in clear and the log itself is untouched.
Under either crypto suite (gm: SM4-GCM sealing and wrapping under a master key, an SM3 ledger
with SM2 checkpoints), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from application.app import Yishiting
from application.erasure import AlreadyErased
from application.permissions import NotPermitted
from application.receipts import Command
from application.settings import Settings
from domain.base import Actor
from domain.people import ERASED, Participant, Proposer
from domain.topic import Topic
from domain.vocabulary import ParticipantKind, Role
from interfaces.bootstrap import System, application_for, bootstrap
from projections.reads.queries import TopicFilter
from tests.support.district import District
from tests.support.erasure import database_dump as dump_of

ADMIN = Command(Actor("admin-9", "数据保护管理员", Role.ADMIN))
SECRET_NAME, SECRET_PHONE, SECRET_ID = "欧阳遗忘", "13912345678", "110101199001011234"
KEPT_NAME, KEPT_PHONE = "诸葛保留", "13787654321"
PARTICIPANT = "司马参与"


@pytest.fixture(params=["sqlite", "postgres", "sqlite-gm", "postgres-gm"])
def system(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[System]:
    backend, _, suite = str(request.param).partition("-")
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    settings = Settings(database_url=url)
    if suite == "gm":
        settings = Settings(
            database_url=url,
            crypto_suite="gm",
            personal_data_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            ledger_key_file=str(tmp_path / "ledger-ed25519.pem"),
            ledger_sm2_key_file=str(tmp_path / "ledger-sm2.pem"),
            event_key_file=str(tmp_path / "event-hmac.key"),
        )
    built = bootstrap(settings)
    yield built
    built.close()


def propose(district: District, name: str, phone: str, id_number: str = "") -> Proposer:
    proposer = Proposer.checked(name, phone, id_number)
    district.propose_from(proposer)
    return proposer


def database_dump(system: System) -> str:
    return dump_of(system.app.database)


def test_an_erased_subject_leaves_nothing_in_clear_and_others_stay_readable(system: System):
    district = District.build(system.app)
    forgotten = propose(district, SECRET_NAME, SECRET_PHONE, SECRET_ID)
    kept = propose(district, KEPT_NAME, KEPT_PHONE)
    consultation_id = district.scheduled_consultation()
    participant = Participant.checked(
        ParticipantKind.MASSES_OR_ENTERPRISE, PARTICIPANT, subject_id=forgotten.subject_id
    )
    system.app.identify_participants(district.staff, consultation_id, participants=[participant])
    system.projector.catch_up()
    topic_id = next(
        r["id"]
        for r in system.queries.topics(TopicFilter(), 50).rows
        if r["proposer_name"] == SECRET_NAME
    )
    system.app.take_snapshot(UUID(topic_id))
    assert SECRET_NAME in database_dump(system)  # the views hold it in clear until erasure

    system.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除个人信息")
    system.projector.catch_up()

    dump = database_dump(system)
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_ID, PARTICIPANT):
        assert secret not in dump
    assert KEPT_NAME in dump
    topic = system.app.repository.get(UUID(topic_id))
    assert isinstance(topic, Topic)
    assert topic.proposer.name == ERASED
    assert topic.proposer.phone == ""
    names = {r["proposer_name"] for r in system.queries.topics(TopicFilter(), 50).rows}
    assert ERASED in names
    assert KEPT_NAME in names
    assert kept.subject_id != forgotten.subject_id


def full_dump(system: System) -> bytes:
    """Everything the database holds, as an operator would take it: the SQLite files' bytes,
    or `pg_dump` of the deployment's schema (bytea columns come out in hex)."""
    database = system.app.database
    if database.engine == "sqlite":
        folder = Path(database.path).parent
        return b"\n".join(p.read_bytes() for p in sorted(folder.glob("*.db*")))
    done = subprocess.run(
        ["pg_dump", "--no-owner", "-n", database.schema, "-d", database.conninfo()],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def in_dump(secret: str, dump: bytes) -> bool:
    """The secret in the dump as UTF-8, or as the hex of its UTF-8 (a bytea in pg_dump)."""
    raw = secret.encode()
    return raw in dump or raw.hex().encode() in dump.lower()


def test_a_full_dump_holds_no_personal_data_after_erasure_and_verify_passes(
    system: System,
) -> None:
    district = District.build(system.app)
    forgotten = propose(district, SECRET_NAME, SECRET_PHONE, SECRET_ID)
    propose(district, KEPT_NAME, KEPT_PHONE)
    system.projector.catch_up()
    assert in_dump(SECRET_NAME, full_dump(system))  # in the views, in clear, until erasure
    system.ledger.issue_checkpoint()

    system.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请删除个人信息")
    system.projector.catch_up()
    checkpoint = system.ledger.issue_checkpoint()

    dump = full_dump(system)
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_ID):
        assert not in_dump(secret, dump), secret
    assert in_dump(KEPT_NAME, dump)
    assert checkpoint.suite == system.settings.crypto_suite
    report = system.ledger.verify(system.ledger.public_keys())
    assert report.ok, report


def test_erasure_is_recorded_with_who_and_why_and_cannot_be_repeated(system: System):
    district = District.build(system.app)
    forgotten = propose(district, SECRET_NAME, SECRET_PHONE)
    outcome = system.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请")
    erasure = system.app.repository.get(outcome.id)
    assert erasure.subject_id == forgotten.subject_id
    events = list(system.app.events.get(outcome.id))
    assert [type(e).__name__ for e in events] == ["PersonalDataErased"]
    assert events[0].actor == ADMIN.actor
    assert events[0].reason == "本人申请"
    with pytest.raises(AlreadyErased) as refused:
        system.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="再次申请")
    assert refused.value.code == "ALREADY_ERASED"


def test_a_reopened_application_still_reads_erased_data_as_erased(system: System):
    district = District.build(system.app)
    forgotten = propose(district, SECRET_NAME, SECRET_PHONE)
    system.app.erase_subject(ADMIN, subject_id=forgotten.subject_id, reason="本人申请")
    reopened = application_for(system.settings)
    try:
        proposals = [e for e in _all_events(reopened) if type(e).__name__ == "TopicProposed"]
        assert [e.proposer.name for e in proposals] == [ERASED]
    finally:
        reopened.close()


def test_only_an_administrator_erases(system: System):
    district = District.build(system.app)
    forgotten = propose(district, SECRET_NAME, SECRET_PHONE)
    with pytest.raises(NotPermitted) as refused:
        system.app.erase_subject(district.staff, subject_id=forgotten.subject_id, reason="想删")
    assert refused.value.kind == "FORBIDDEN"


def _all_events(app: Yishiting) -> list[object]:
    notifications = app.recorder.select_notifications(start=None, limit=10_000)
    return [app.mapper.to_domain_event(n) for n in notifications]
