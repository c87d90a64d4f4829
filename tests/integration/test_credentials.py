"""The credentials table beside the log: a password hash per account (argon2id), replaced in
place; a run of sign-in failures counted atomically (two processes counting at once count
both) and begun anew once its window has passed. In memory, SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from application.credentials import (
    CredentialTable,
    SecondFactor,
    credentials_for,
    hash_password,
    needs_rehash,
    password_matches,
)
from application.storage import Database

WINDOW = 900.0


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def table(request: pytest.FixtureRequest) -> CredentialTable:
    engine = request.param
    url = "memory://" if engine == "memory" else request.getfixturevalue(f"{engine}_url")
    database = Database.from_url(str(url))
    database.prepare()
    return credentials_for(database)


def test_a_password_hash_is_kept_and_replaced(table: CredentialTable) -> None:
    assert table.password_hash("a-1") is None
    first = hash_password("Yongshun#2026-hall")
    table.set_password_hash("a-1", first, 1.0)
    assert table.password_hash("a-1") == first
    second = hash_password("Xinhua@Street-07")
    table.set_password_hash("a-1", second, 2.0)
    assert table.password_hash("a-1") == second
    assert password_matches(table.password_hash("a-1"), "Xinhua@Street-07")
    assert not password_matches(table.password_hash("a-1"), "Yongshun#2026-hall")
    assert not needs_rehash(second)


def test_failures_are_counted_in_runs_within_their_window(table: CredentialTable) -> None:
    assert table.record_failure("a-1", 100.0, WINDOW).count == 1
    assert table.record_failure("a-1", 200.0, WINDOW).count == 2
    run = table.record_failure("a-1", 100.0 + WINDOW, WINDOW)
    assert (run.count, run.since) == (3, 100.0)
    fresh = table.record_failure("a-1", 101.0 + WINDOW, WINDOW)
    assert (fresh.count, fresh.since) == (1, 101.0 + WINDOW)
    table.clear_failures("a-1")
    assert table.record_failure("a-1", 2000.0, WINDOW).count == 1


def test_failures_do_not_touch_the_password(table: CredentialTable) -> None:
    hashed = hash_password("Yongshun#2026-hall")
    table.set_password_hash("a-1", hashed, 1.0)
    table.record_failure("a-1", 5.0, WINDOW)
    table.clear_failures("a-1")
    assert table.password_hash("a-1") == hashed
    table.record_failure("a-2", 5.0, WINDOW)  # an account with no password yet
    assert table.password_hash("a-2") is None


def test_failures_counted_at_once_are_all_counted(table: CredentialTable) -> None:
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: table.record_failure("a-1", 10.0, WINDOW), range(40)))
    counts = [run.count for run in runs]
    assert sorted(counts) == list(range(1, 41))


def test_a_wrong_or_missing_hash_never_matches() -> None:
    assert not password_matches(None, "yishiting: no such account")
    assert not password_matches("not a hash", "anything")
    assert not password_matches(hash_password("Yongshun#2026-hall"), "")


def test_a_second_factor_is_pending_then_active_then_cleared(table: CredentialTable) -> None:
    hashed = hash_password("Yongshun#2026-hall")
    table.set_password_hash("a-1", hashed, 1.0)
    assert table.second_factor("a-1") == SecondFactor()
    table.set_pending_second_factor("a-1", "v1:sealed", 2.0)
    assert table.second_factor("a-1") == SecondFactor(pending="v1:sealed")
    table.activate_second_factor("a-1", ["h1", "h2"])
    assert table.second_factor("a-1") == SecondFactor("v1:sealed", None, None, ("h1", "h2"))
    assert table.password_hash("a-1") == hashed
    table.clear_second_factor("a-1")
    assert table.second_factor("a-1") == SecondFactor()
    assert table.password_hash("a-1") == hashed


def test_a_time_step_and_a_recovery_code_are_taken_once(table: CredentialTable) -> None:
    table.set_pending_second_factor("a-1", "v1:sealed", 2.0)
    table.activate_second_factor("a-1", [f"h{n}" for n in range(10)])
    assert table.accept_step("a-1", 100)
    assert not table.accept_step("a-1", 100)
    assert not table.accept_step("a-1", 99)
    assert table.accept_step("a-1", 101)
    with ThreadPoolExecutor(4) as pool:
        taken = list(pool.map(lambda _: table.accept_step("a-1", 105), range(8)))
    assert taken.count(True) == 1
    with ThreadPoolExecutor(4) as pool:
        struck = list(pool.map(lambda n: table.use_recovery("a-1", f"h{n % 5}"), range(10)))
    assert struck.count(True) == 5
    assert table.second_factor("a-1").recovery == ("h5", "h6", "h7", "h8", "h9")
    assert not table.use_recovery("a-1", "h0")
    assert not table.use_recovery("a-2", "h5")


def test_sealed_secrets_are_listed_and_resealed_only_if_unchanged(table: CredentialTable) -> None:
    table.set_pending_second_factor("a-1", "v1:one", 1.0)
    table.activate_second_factor("a-1", ["h1"])
    table.set_pending_second_factor("a-2", "v1:two", 1.0)  # still being enrolled
    table.set_password_hash("a-3", hash_password("Yongshun#2026-hall"), 1.0)  # no factor
    assert sorted(table.sealed_second_factors()) == [
        ("a-1", "v1:one", None),
        ("a-2", None, "v1:two"),
    ]
    assert table.reseal_second_factor("a-1", False, "v1:one", "sm4:one")
    assert table.reseal_second_factor("a-2", True, "v1:two", "sm4:two")
    assert not table.reseal_second_factor("a-1", False, "v1:one", "sm4:again")  # moved already
    assert not table.reseal_second_factor("a-1", True, "v1:one", "sm4:one")  # not its pending
    assert table.second_factor("a-1") == SecondFactor("sm4:one", None, None, ("h1",))
    assert table.second_factor("a-2") == SecondFactor(pending="sm4:two")
    table.clear_second_factor("a-2")
    assert not table.reseal_second_factor("a-2", True, "sm4:two", "sm4:three")  # reset meanwhile
    assert table.sealed_second_factors() == [("a-1", "sm4:one", None)]
