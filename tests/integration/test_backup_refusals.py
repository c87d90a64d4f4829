"""What backup and restore refuse, each with its code, and that a refused restore writes
nothing: a deployment that is not empty, an archive truncated or altered (its members or its
files' hashes), a member whose path would land outside the target, a key on its way into an
archive. A file in the store whose bytes do not match its name is reported, not archived."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import psycopg
import pytest

from application.backup import blob_path
from tests.integration.test_backup import deployment, schemas  # noqa: F401 (fixture)
from tests.support.backup import PG, Deployment, Keys, archive_members, write_archive

ARCHIVE_REFUSED = 2
DEPLOYMENT_REFUSED = 1


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Deployment, Path]:
    """A small SQLite deployment with two files, and its archive."""
    folder = tmp_path_factory.mktemp("made")
    (folder / "keys").mkdir()
    source = Deployment(
        f"sqlite:///{folder}/yishiting.db", folder / "attachments", Keys(folder / "keys")
    )
    source.seed_demo()
    source.put_blob(b"%PDF-1.7 minutes")
    source.put_blob(b"\x89PNG photo")
    archive = folder / "backup.tar"
    done = source.run("backup", "--output", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    return source, archive


@pytest.fixture
def empty(tmp_path: Path, made: tuple[Deployment, Path]) -> Deployment:
    source, _ = made
    (tmp_path / "empty").mkdir()
    return Deployment(
        f"sqlite:///{tmp_path}/empty/yishiting.db", tmp_path / "empty" / "attachments", source.keys
    )


def nothing_written(target: Deployment) -> None:
    assert target.events() == []
    assert target.blobs() == {}
    assert not Path(target.database.path).exists()
    leftovers = [p for p in target.store.rglob("*") if p.is_file()] if target.store.exists() else []
    assert leftovers == []


def refused(target: Deployment, archive: Path, code: str, status: int = ARCHIVE_REFUSED) -> None:
    done = target.run("restore", str(archive))
    assert done.returncode == status, done.stdout + done.stderr
    assert code in done.stdout, done.stdout


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_restore_into_a_deployment_with_events_is_refused(
    backend: str,
    tmp_path: Path,
    made: tuple[Deployment, Path],
    schemas: list[str],  # noqa: F811
) -> None:
    _, archive = made
    other = deployment(backend, tmp_path, "busy", made[0].keys, schemas)
    other.seed_demo()
    if backend == "postgres":  # an archive of this backend
        archive = tmp_path / "pg.tar"
        assert other.run("backup", "--output", str(archive)).returncode == 0
    before = other.events()
    refused(other, archive, "RESTORE_TARGET_NOT_EMPTY", DEPLOYMENT_REFUSED)
    assert other.events() == before


def test_restore_into_a_store_that_holds_files_is_refused(
    empty: Deployment, made: tuple[Deployment, Path]
) -> None:
    digest = empty.put_blob(b"already here")
    refused(empty, made[1], "RESTORE_TARGET_NOT_EMPTY", DEPLOYMENT_REFUSED)
    assert list(empty.blobs()) == [digest]
    assert empty.events() == []


def _rewritten(archive: Path, into: Path, change: dict[str, bytes]) -> Path:
    members = archive_members(archive)
    members.update(change)
    write_archive(into, members)
    return into


def test_an_altered_file_is_refused_and_nothing_is_restored(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path
) -> None:
    members = archive_members(made[1])
    name = next(n for n in members if n.startswith("attachments/"))
    flipped = bytearray(members[name])
    flipped[0] ^= 1
    altered = _rewritten(made[1], tmp_path / "altered.tar", {name: bytes(flipped)})
    refused(empty, altered, "RESTORE_ARCHIVE_TAMPERED")
    nothing_written(empty)


def test_an_altered_log_is_refused_and_nothing_is_restored(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path
) -> None:
    members = archive_members(made[1])
    log = bytearray(members["database/log.sqlite3"])
    log[len(log) // 2] ^= 0xFF
    altered = _rewritten(made[1], tmp_path / "log.tar", {"database/log.sqlite3": bytes(log)})
    refused(empty, altered, "RESTORE_ARCHIVE_TAMPERED")
    nothing_written(empty)


def test_a_file_that_does_not_hash_to_its_name_is_refused_even_when_the_manifest_agrees(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path
) -> None:
    members = archive_members(made[1])
    name = next(n for n in members if n.startswith("attachments/"))
    swapped = b"another file altogether"
    manifest = json.loads(members["MANIFEST.json"])
    for entry in manifest["members"]:
        if entry["path"] == name:
            entry.update(sha256=hashlib.sha256(swapped).hexdigest(), size=len(swapped))
    forged = _rewritten(
        made[1],
        tmp_path / "forged.tar",
        {name: swapped, "MANIFEST.json": json.dumps(manifest).encode()},
    )
    refused(empty, forged, "RESTORE_ARCHIVE_TAMPERED")
    nothing_written(empty)


def test_a_member_missing_from_the_manifest_or_the_archive_is_refused(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path
) -> None:
    members = archive_members(made[1])
    del members["database/views.sqlite3"]
    write_archive(tmp_path / "short.tar", members)
    refused(empty, tmp_path / "short.tar", "RESTORE_ARCHIVE_TAMPERED")
    members = archive_members(made[1])
    del members["MANIFEST.json"]
    write_archive(tmp_path / "bare.tar", members)
    refused(empty, tmp_path / "bare.tar", "RESTORE_ARCHIVE_TAMPERED")
    nothing_written(empty)


def test_a_manifest_after_the_members_or_a_member_larger_than_listed_is_refused(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path
) -> None:
    members = archive_members(made[1])
    manifest = members.pop("MANIFEST.json")
    write_archive(tmp_path / "late.tar", {**members, "MANIFEST.json": manifest})
    refused(empty, tmp_path / "late.tar", "RESTORE_ARCHIVE_TAMPERED")
    name = next(n for n in members if n.startswith("attachments/"))
    grown = {"MANIFEST.json": manifest, **members, name: members[name] + b"more"}
    write_archive(tmp_path / "grown.tar", grown)
    refused(empty, tmp_path / "grown.tar", "RESTORE_ARCHIVE_TAMPERED")
    nothing_written(empty)


@pytest.mark.parametrize("compressed", [False, True])
def test_a_truncated_archive_is_refused_and_nothing_is_restored(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path, compressed: bool
) -> None:
    whole = made[1]
    if compressed:
        whole = tmp_path / "whole.tar.gz"
        write_archive(whole, archive_members(made[1]))
    data = whole.read_bytes()
    cut = tmp_path / ("cut.tar.gz" if compressed else "cut.tar")
    cut.write_bytes(data[: len(data) // 3 + 100])  # inside a member's bytes
    refused(empty, cut, "RESTORE_ARCHIVE_UNREADABLE")
    nothing_written(empty)


def _header(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.size = 1 if kind == tarfile.REGTYPE else 0
    return info


@pytest.mark.parametrize(
    "header",
    [
        _header("../x"),
        _header("attachments/../../x"),
        _header("/tmp/yishiting-restore-absolute-x"),
        _header("attachments/ab/../../../x"),
        _header("database/log.sqlite3", tarfile.SYMTYPE, "/etc/passwd"),
        _header("attachments/aa/" + "a" * 64, tarfile.LNKTYPE, "../../x"),
        _header("unknown.txt"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "deep-dotdot", "symlink", "hardlink", "unknown"],
)
def test_a_member_that_would_land_outside_or_is_not_a_plain_file_is_refused(
    empty: Deployment, made: tuple[Deployment, Path], tmp_path: Path, header: tarfile.TarInfo
) -> None:
    hostile = tmp_path / "hostile.tar"
    write_archive(hostile, {}, (header,))
    with tarfile.open(hostile, "a") as tar:  # the real members after the hostile one
        for name, data in archive_members(made[1]).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    refused(empty, hostile, "RESTORE_UNSAFE_MEMBER")
    nothing_written(empty)
    assert not (tmp_path / "x").exists()
    assert not (tmp_path.parent / "x").exists()
    assert not Path("/tmp/yishiting-restore-absolute-x").exists()


def test_a_file_holding_a_key_is_never_archived(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    source = Deployment(
        f"sqlite:///{tmp_path}/yishiting.db", tmp_path / "attachments", Keys(tmp_path / "keys")
    )
    source.seed_demo()
    source.put_blob(b"a photo, then the secret: " + source.keys.token_secret.encode())
    output = tmp_path / "out.tar"
    done = source.run("backup", "--output", str(output))
    assert done.returncode == DEPLOYMENT_REFUSED, done.stdout + done.stderr
    assert "BACKUP_KEY_REFUSED" in done.stdout
    assert not output.exists()
    assert [p.name for p in tmp_path.glob(".backup-*")] == []


def test_a_key_file_in_the_store_is_refused_by_its_path(tmp_path: Path) -> None:
    """The event key kept (carelessly) inside the store's layout, under its own hash."""
    (tmp_path / "keys").mkdir()
    source = Deployment(
        f"sqlite:///{tmp_path}/yishiting.db", tmp_path / "attachments", Keys(tmp_path / "keys")
    )
    source.seed_demo()
    digest = source.put_blob(source.keys.event_key_file.read_bytes())
    inside = blob_path(source.store, digest)
    output = tmp_path / "out.tar"
    done = source.run(
        "backup", "--output", str(output), env={"YISHITING_EVENT_KEY_FILE": str(inside)}
    )
    assert done.returncode == DEPLOYMENT_REFUSED, done.stdout + done.stderr
    assert "BACKUP_KEY_REFUSED" in done.stdout
    assert "a key file is never archived" in done.stdout
    assert not output.exists()


def test_a_file_whose_bytes_do_not_match_its_name_is_reported_and_not_archived(
    tmp_path: Path,
) -> None:
    (tmp_path / "keys").mkdir()
    source = Deployment(
        f"sqlite:///{tmp_path}/yishiting.db", tmp_path / "attachments", Keys(tmp_path / "keys")
    )
    source.seed_demo()
    good = source.put_blob(b"good minutes")
    bad = source.put_blob(b"original photo")
    (source.store / bad[:2] / bad).write_bytes(b"altered photo")
    output = tmp_path / "out.tar"
    done = source.run("backup", "--output", str(output))
    assert done.returncode == DEPLOYMENT_REFUSED, done.stdout + done.stderr
    assert bad in done.stdout
    members = archive_members(output)
    manifest = json.loads(members["MANIFEST.json"])
    assert manifest["attachments"]["damaged_not_archived"] == [f"{bad[:2]}/{bad}"]
    assert f"attachments/{good[:2]}/{good}" in members
    assert f"attachments/{bad[:2]}/{bad}" not in members


def test_an_existing_output_is_not_overwritten(made: tuple[Deployment, Path]) -> None:
    source, archive = made
    before = archive.read_bytes()
    done = source.run("backup", "--output", str(archive))
    assert done.returncode == DEPLOYMENT_REFUSED
    assert "BACKUP_OUTPUT_EXISTS" in done.stdout
    assert archive.read_bytes() == before


@pytest.mark.postgres
def test_a_postgres_restore_that_fails_is_rolled_back_and_its_files_removed(
    tmp_path: Path,
    made: tuple[Deployment, Path],
    schemas: list[str],  # noqa: F811
) -> None:
    """The target schema holds a table that is not the deployment's: dropping the schema
    fails, the one transaction is rolled back, the files already placed are taken away."""
    keys = made[0].keys
    source = deployment("postgres", tmp_path, "pgsrc", keys, schemas)
    source.seed_demo()
    source.put_blob(b"minutes")
    archive = tmp_path / "pg.tar"
    assert source.run("backup", "--output", str(archive)).returncode == 0
    source.drop_database()
    target = deployment("postgres", tmp_path, "pgdst", keys, schemas)
    schema = target.database.schema
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".someone_elses (note text)')
        conn.execute(f"INSERT INTO \"{schema}\".someone_elses VALUES ('kept')")

    refused(target, made[1], "RESTORE_WRONG_ENGINE")  # a SQLite archive
    refused(target, archive, "RESTORE_FAILED", DEPLOYMENT_REFUSED)
    assert target.events() == []
    assert target.blobs() == {}
    with psycopg.connect(PG) as conn:
        assert conn.execute(f'SELECT note FROM "{schema}".someone_elses').fetchall() == [("kept",)]
        assert not conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (source.database.schema,)
        ).fetchone()


def test_a_restore_without_the_kept_keys_says_so_and_makes_no_new_key(
    tmp_path: Path, made: tuple[Deployment, Path]
) -> None:
    (tmp_path / "no-keys").mkdir()
    target = Deployment(
        f"sqlite:///{tmp_path}/yishiting.db", tmp_path / "attachments", Keys(tmp_path / "no-keys")
    )
    done = target.run("restore", str(made[1]))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "key files are missing" in done.stdout
    assert not target.keys.event_key_file.exists()
    assert not target.keys.ledger_key_file.exists()
    assert target.events() == made[0].events()
