"""A token verified once is not verified again on every request of a keep-alive client, yet it
still stops being accepted when it expires, and a forged or altered token is never taken for
the one that was verified."""

from __future__ import annotations

import pytest

import interfaces.auth
from application.settings import Settings
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.auth import LEEWAY_SECONDS, Authenticator, TokenExpired, Unauthenticated

STAFF = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e2f")


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator.from_settings(Settings(token_secret="s" * 32))


def test_a_verified_token_is_checked_once_then_only_for_expiry(
    authenticator: Authenticator, monkeypatch: pytest.MonkeyPatch
):
    token = authenticator.issue(STAFF, ttl_seconds=60)
    first = authenticator.session(f"Bearer {token}")
    assert first[0] == STAFF

    def never(*_: object, **__: object) -> None:
        raise AssertionError("verified again")

    monkeypatch.setattr(interfaces.auth.jwt, "decode", never)
    assert authenticator.session(f"Bearer {token}") == first
    now = interfaces.auth.time.time()
    monkeypatch.setattr(interfaces.auth.time, "time", lambda: now + 60 + LEEWAY_SECONDS + 1)
    with pytest.raises(TokenExpired):
        authenticator.session(f"Bearer {token}")


def test_an_altered_token_is_verified_afresh_and_refused(authenticator: Authenticator):
    token = authenticator.issue(STAFF)
    authenticator.session(f"Bearer {token}")
    head, payload, signature = token.split(".")
    altered = f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    with pytest.raises(Unauthenticated):
        authenticator.session(f"Bearer {altered}")
    other = Authenticator.from_settings(Settings(token_secret="t" * 32))
    with pytest.raises(Unauthenticated):
        other.session(f"Bearer {token}")
