"""The ledger under the 国密 suite (YISHITING_CRYPTO_SUITE=gm): the tamper matrix caught exactly
as under the international suite (an SM3 tree, SM2-signed checkpoints); and a deployment
switched from international to gm mid-log, whose new epoch's checkpoints name the old epoch's
last root: `verify` passes across the boundary, a proof from before the switch still verifies
offline with the old public key, a tampered event before the switch is still caught.
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from application.ledger.merkle import SM3, MemoryTree
from application.ledger.signing import Checkpoint, public_pem
from application.ledger.suites import GM
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from tests.integration.test_ledger import (
    BACKENDS,
    NOWHERE,
    STORY_EVENTS,
    Ledgered,
    Raw,
    assert_diverges,
    cli,
    cli_output,
    forge_return,
    write_units,
)
from tests.support.district import District


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def settings_for(url: str, tmp: Path, suite: str) -> Settings:
    return Settings(
        database_url=url,
        crypto_suite=suite,
        ledger_key_file=str(tmp / "ledger-ed25519.pem"),
        ledger_sm2_key_file=str(tmp / "ledger-sm2.pem"),
        event_key_file=str(tmp / "event-hmac.key"),
    )


def env_for(settings: Settings) -> dict[str, str]:
    return {
        "YISHITING_DATABASE_URL": settings.database_url,
        "YISHITING_CRYPTO_SUITE": settings.crypto_suite,
        "YISHITING_LEDGER_KEY_FILE": settings.ledger_key_file,
        "YISHITING_LEDGER_SM2_KEY_FILE": settings.ledger_sm2_key_file,
        "YISHITING_EVENT_KEY_FILE": settings.event_key_file,
    }


@pytest.fixture
def gm_ledgered(url: str, tmp_path: Path) -> Iterator[Ledgered]:
    settings = settings_for(url, tmp_path, "gm")
    system = bootstrap(settings)
    try:
        district = District.build(system.app)
        district.assigned_item()
        assert system.projector.catch_up() == STORY_EVENTS
        checkpoint = system.ledger.issue_checkpoint()
        assert (checkpoint.suite, checkpoint.epoch, checkpoint.tree_size) == ("gm", 0, 14)
        raw = Raw(system.app.database)
        kept = tmp_path / "kept-checkpoint.json"
        kept.write_text(checkpoint.to_json())
        public_key = tmp_path / "ledger-public.pem"
        assert system.ledger.signer is not None
        public_key.write_text(public_pem(system.ledger.signer.public))
        assert "BEGIN PUBLIC KEY" in public_key.read_text()
        approval = raw.position_of("TopicApproved")
        yield Ledgered(
            system=system,
            raw=raw,
            district=district,
            topic_id=UUID(str(raw.row(approval)[0])),
            approval=approval,
            checkpoint=checkpoint,
            kept=kept,
            public_key=public_key,
            env=env_for(settings),
            tmp=tmp_path,
        )
    finally:
        system.close()


# ------------------------------------------------------------------ the tamper matrix under gm


def test_an_untouched_gm_log_verifies_with_sm3_leaves(gm_ledgered: Ledgered) -> None:
    ledger = gm_ledgered.system.ledger
    tree = MemoryTree(SM3)
    for entry, leaf in zip(ledger.entries(), ledger.leaves(), strict=True):
        assert leaf.hash == entry.leaf(SM3)
        tree.append(leaf.hash)
    assert gm_ledgered.checkpoint.root_hash == ledger.root(STORY_EVENTS, ledger.epochs()[0]).hex()
    report = ledger.verify(gm_ledgered.public)
    assert report.ok, report.divergences
    assert (report.events_checked, report.checkpoints_checked) == (STORY_EVENTS, 1)
    status, said = gm_ledgered.verify()
    assert status == 0, said


def test_an_altered_event_is_named_under_gm(gm_ledgered: Ledgered) -> None:
    gm_ledgered.raw.alter(gm_ledgered.approval, "王主任", "赵副主任")
    approval = gm_ledgered.approval
    assert_diverges(gm_ledgered, approval - 1, approval, "content or order was altered")


def test_a_deleted_event_is_named_under_gm(gm_ledgered: Ledgered) -> None:
    raw, approval = gm_ledgered.raw, gm_ledgered.approval
    raw.log("DELETE FROM {events} WHERE {position} = ?", approval)
    assert_diverges(gm_ledgered, approval - 1, approval, "missing (deleted?)")


def test_a_forged_event_is_named_under_gm(gm_ledgered: Ledgered) -> None:
    forge_return(gm_ledgered, 0)
    assert_diverges(gm_ledgered, 0, 0, "an event the ledger never saw (inserted?")


def test_swapped_events_are_named_under_gm(gm_ledgered: Ledgered) -> None:
    raw, approval = gm_ledgered.raw, gm_ledgered.approval
    scheduled = raw.position_of("ConsultationScheduled")
    raw.move(approval, -1)
    raw.move(scheduled, approval)
    raw.move(-1, scheduled)
    assert_diverges(gm_ledgered, approval - 1, approval, "content or order was altered")


def test_a_rewritten_gm_ledger_is_caught_by_the_sm2_signed_checkpoint(
    gm_ledgered: Ledgered,
) -> None:
    system, raw, approval = gm_ledgered.system, gm_ledgered.raw, gm_ledgered.approval
    raw.alter(approval, "王主任", "赵副主任")
    tree = MemoryTree(SM3)
    for entry in system.ledger.entries():
        tree.append(entry.leaf(SM3))
    for index in range(tree.size):
        raw.ledger(
            "UPDATE ledger_leaves SET leaf_hash = ? WHERE leaf_index = ?",
            tree.node(0, index).hex(),
            index,
        )
    raw.ledger("DELETE FROM ledger_nodes")
    for level, row in enumerate(tree.levels):
        for index, value in enumerate(row):
            raw.ledger("INSERT INTO ledger_nodes VALUES (?, ?, ?)", level, index, value.hex())
    report = system.ledger.verify(gm_ledgered.public)
    assert [(d.leaf_index, d.position) for d in report.divergences] == [
        (approval - 1, approval),
        (STORY_EVENTS - 1, None),
    ]
    assert "root differs from the recomputed root" in report.divergences[1].reason_en
    # Relabelled as an international ledger: the SM3 leaves no longer match at all.
    raw.ledger("DELETE FROM ledger_epochs")
    report = system.ledger.verify(gm_ledgered.public)
    assert not report.ok
    assert report.divergence is not None
    assert report.divergence.position == 1


# --------------------------------------------------------------- switching a running deployment


def test_a_deployment_switched_to_gm_mid_log_verifies_across_the_epochs(
    url: str, tmp_path: Path
) -> None:
    international = settings_for(url, tmp_path, "international")
    system = bootstrap(international)
    try:
        district = District.build(system.app)
        district.assigned_item()
        system.projector.catch_up()
        old = system.ledger.issue_checkpoint()
        approval = Raw(system.app.database).position_of("TopicApproved")
        old_proof = system.ledger.prove(approval)
        assert system.ledger.signer is not None
        old_public = public_pem(system.ledger.signer.public)
    finally:
        system.close()
    assert (old.suite, old.epoch, old.tree_size) == ("international", 0, STORY_EVENTS)

    gm = settings_for(url, tmp_path, "gm")
    system = bootstrap(gm)
    try:
        write_units(system, 5)
        system.projector.catch_up()
        new = system.ledger.issue_checkpoint()
        # The new epoch: its own SM3 tree from leaf 14, its checkpoint naming the old root.
        assert (new.suite, new.epoch, new.first_leaf, new.tree_size) == ("gm", 1, 14, 19)
        assert new.previous_root == old.root_hash
        report = system.ledger.verify(system.ledger.public_keys())
        assert report.ok, report.divergences
        assert (report.events_checked, report.checkpoints_checked) == (19, 2)
        new_proof = system.ledger.prove(STORY_EVENTS + 2)
        assert (new_proof.suite, new_proof.leaf_index, new_proof.tree_size) == ("gm", 15, 19)
        # An event of the old epoch is still proven in the old tree, by default.
        assert system.ledger.prove(approval) == old_proof
        assert system.ledger.signer is not None
        new_public = public_pem(system.ledger.signer.public)
        raw = Raw(system.app.database)
        env = env_for(gm)
        status, said = cli("verify", env=env, cwd=tmp_path)
        assert status == 0, said
        assert "2 个检查点 checkpoints" in said

        # Offline, in an empty folder: each proof with its own epoch's checkpoint and key.
        files = tmp_path / "auditor"
        files.mkdir()
        for name, text in [
            ("old.json", old.to_json()),
            ("old-proof.json", old_proof.to_json()),
            ("old.pem", old_public),
            ("new.json", new.to_json()),
            ("new-proof.json", new_proof.to_json()),
            ("new.pem", new_public),
            ("exported.pem", cli_output("ledger", "public-key", env=env, cwd=tmp_path)),
        ]:
            (files / name).write_text(text)
        assert (files / "exported.pem").read_text() == new_public
        offline = tmp_path / "offline"
        offline.mkdir()
        nowhere = {"YISHITING_DATABASE_URL": NOWHERE}
        for proof, checkpoint, key, expected in [
            ("old-proof", "old", "old", 0),
            ("new-proof", "new", "new", 0),
            ("new-proof", "new", "old", 1),  # the wrong epoch's key
            ("old-proof", "new", "new", 1),  # the wrong epoch's checkpoint
        ]:
            status, said = cli(
                "ledger",
                "verify-proof",
                "--proof",
                str(files / f"{proof}.json"),
                "--checkpoint",
                str(files / f"{checkpoint}.json"),
                "--public-key",
                str(files / f"{key}.pem"),
                env=nowhere,
                cwd=offline,
            )
            assert status == expected, (proof, checkpoint, key, said)

        # A tampered event from before the switch is still caught, in the old epoch.
        raw.alter(approval, "王主任", "赵副主任")
        report = system.ledger.verify(system.ledger.public_keys())
        assert report.divergence is not None
        assert (report.divergence.leaf_index, report.divergence.position) == (
            approval - 1,
            approval,
        )
        assert "content or order was altered" in report.divergence.reason_en
        # And a checkpoint of the new epoch whose previous root is forged does not verify.
        forged = Checkpoint(**{**new.__dict__, "previous_root": "00" * 32})
        assert not system.ledger.verify(system.ledger.public_keys(), [forged]).ok
    finally:
        system.close()
    assert GM.name == gm.crypto_suite
