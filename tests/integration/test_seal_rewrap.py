"""`yishiting seal rewrap`: a deployment switched to the gm suite moves its existing subject
keys to SM4-GCM wrapping, and its second factors' TOTP secrets to SM4-GCM sealing. Data sealed
before still opens after, an enrolled authenticator still signs in, the log's rows are the same
bytes, an erased subject stays erased, and a second run moves nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from application.key_tables import KEYS_TABLE
from application.sealing import SM4_WRAPPED
from application.settings import Settings
from domain.people import ERASED, Proposer
from interfaces.bootstrap import application_for, bootstrap
from tests.application.test_accounts import (
    FIRST,
    HERE,
    enrolled_by,
    holder,
    next_code,
    open_account,
)
from tests.integration.test_erasure import ADMIN
from tests.integration.test_ledger import BACKENDS, Raw, cli
from tests.support.district import District


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


def settings_for(url: str, tmp: Path, suite: str, master: str) -> Settings:
    return Settings(
        database_url=url,
        crypto_suite=suite,
        personal_data_key=master,
        ledger_key_file=str(tmp / "ledger-ed25519.pem"),
        ledger_sm2_key_file=str(tmp / "ledger-sm2.pem"),
        event_key_file=str(tmp / "event-hmac.key"),
    )


def env_for(settings: Settings) -> dict[str, str]:
    return {
        "YISHITING_DATABASE_URL": settings.database_url,
        "YISHITING_CRYPTO_SUITE": settings.crypto_suite,
        "YISHITING_PERSONAL_DATA_KEY": settings.personal_data_key,
        "YISHITING_LEDGER_KEY_FILE": settings.ledger_key_file,
        "YISHITING_LEDGER_SM2_KEY_FILE": settings.ledger_sm2_key_file,
        "YISHITING_EVENT_KEY_FILE": settings.event_key_file,
    }


def test_rewrap_moves_keys_to_sm4_and_leaves_the_log_and_the_data_as_they_were(
    url: str, tmp_path: Path
) -> None:
    master = base64.urlsafe_b64encode(os.urandom(32)).decode()
    international = settings_for(url, tmp_path, "international", master)
    system = bootstrap(international)
    try:
        district = District.build(system.app)
        kept = Proposer.checked("诸葛保留", "13787654321", "")
        gone = Proposer.checked("欧阳遗忘", "13912345678", "")
        district.propose_from(kept)
        district.propose_from(gone)
        system.app.erase_subject(ADMIN, subject_id=gone.subject_id, reason="本人申请")
        open_account(system.app)
        _, totp_secret, _, _ = enrolled_by(system.app)
        open_account(system.app, "li.na")
        system.app.begin_second_factor(  # being enrolled when the suite changes
            holder(system.app.sign_in(username="li.na", password=FIRST, address=HERE))
        )
        raw = Raw(system.app.database)
        log_before = raw.log("SELECT * FROM {events} ORDER BY {position}")
        keys_before = dict(raw.log(f"SELECT subject_id, wrapped_key FROM {KEYS_TABLE}"))
    finally:
        system.close()
    live = {s for s, w in keys_before.items() if w is not None}
    assert kept.subject_id in live
    assert all(len(bytes(keys_before[s])) == 60 for s in live)  # AES-GCM wrapped, as always

    gm = settings_for(url, tmp_path, "gm", master)
    status, said = cli("seal", "rewrap", env=env_for(gm), cwd=tmp_path)
    assert status == 0, said
    assert f"rewrapped with SM4-GCM: {len(live)};" in said
    assert "already SM4: 0;" in said
    assert "erased (left as tombstones): 1" in said
    assert "second-factor secrets: 已改用 SM4-GCM 封装 resealed with SM4-GCM: 2;" in said
    status, said = cli("seal", "rewrap", env=env_for(gm), cwd=tmp_path)
    assert status == 0, said
    assert f"rewrapped with SM4-GCM: 0; 原已是 SM4 already SM4: {len(live)};" in said
    assert "resealed with SM4-GCM: 0; 原已是 SM4 already SM4: 2" in said

    app = application_for(gm)
    try:
        raw = Raw(app.database)
        assert raw.log("SELECT * FROM {events} ORDER BY {position}") == log_before
        keys_after = dict(raw.log(f"SELECT subject_id, wrapped_key FROM {KEYS_TABLE}"))
        assert keys_after.keys() == keys_before.keys()
        assert keys_after[gone.subject_id] is None
        assert all(bytes(keys_after[s]).startswith(SM4_WRAPPED) for s in live)
        proposals = [
            event
            for notification in app.recorder.select_notifications(start=None, limit=10_000)
            if "TopicProposed" in notification.topic
            for event in [app.mapper.to_domain_event(notification)]
        ]
        names = sorted(e.proposer.name for e in proposals)  # type: ignore[attr-defined]
        assert names == sorted(["诸葛保留", ERASED])
        sealed = {a: (s, p) for a, s, p in app.credentials.sealed_second_factors()}
        assert all(v is None or v.startswith("sm4:") for pair in sealed.values() for v in pair)
        assert totp_secret not in str(sealed)
        # The holder's authenticator app goes on working: the secret itself did not change.
        signed_in = app.sign_in(
            username="zhang.wei", password=FIRST, address=HERE, code=next_code(totp_secret)
        )
        assert signed_in.actor(signed_in.grants[0]).name == "张伟"
    finally:
        app.close()


def test_rewrap_runs_only_under_gm_and_with_a_master_key(url: str, tmp_path: Path) -> None:
    master = base64.urlsafe_b64encode(os.urandom(32)).decode()
    status, said = cli(
        "seal",
        "rewrap",
        env=env_for(settings_for(url, tmp_path, "international", master)),
        cwd=tmp_path,
    )
    assert status == 2
    assert "YISHITING_CRYPTO_SUITE=gm" in said
    status, said = cli(
        "seal", "rewrap", env=env_for(settings_for(url, tmp_path, "gm", "")), cwd=tmp_path
    )
    assert status == 2
    assert "nothing to rewrap" in said
