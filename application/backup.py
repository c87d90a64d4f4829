"""One consistent archive of a deployment (its database and its attachment store), and its
restore into an empty deployment. docs/BACKUP.md gives the format and why it is consistent.

Order is what makes it consistent. An attachment's file is renamed into the store before the
event naming it is saved, and the store is append-only and content-addressed; so the database
is copied first (one snapshot), then the files present afterwards: every event in the copy
has its file. On SQLite the views' file is copied before the log's, so the views are at most
behind the log (the projector catches them up), never ahead of it. Restoring goes the same
way round: the files first, the database last.

Keys are never archived: the files holding them are refused by path, and every byte archived
is scanned for their values."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any

import psycopg
from psycopg import sql

from application.settings import Settings
from application.storage import Database

FORMAT = "yishiting-backup/1"
MANIFEST = "MANIFEST.json"
LOG_MEMBER = "database/log.sqlite3"
VIEWS_MEMBER = "database/views.sqlite3"
DUMP_MEMBER = "database/postgresql.sql"
BLOBS = "attachments"
BLOB_NAME = re.compile(r"^[0-9a-f]{64}$")
SHARD = re.compile(r"^[0-9a-f]{2}$")
CHUNK = 1 << 20
MANIFEST_LIMIT = 64 * 1024 * 1024
MIN_SECRET = 16  # shorter settings values would match by chance; keys are longer
SQLITE_LOG_TABLE = "stored_events"
POSTGRES_LOG_TABLE = "yishiting_events"
TOOL_DEADLINE = 3600


class BackupRefused(Exception):
    """A backup or restore refused: `code` is stable, the messages say why (中文, English)."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} ({message_en})")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def _refuse(code: str, zh: str, en: str) -> BackupRefused:
    return BackupRefused(code, zh, en)


# ---------------------------------------------------------------- the attachment store


def blob_path(store: Path, digest: str) -> Path:
    """Where the store keeps the file whose SHA-256 is `digest`: `<store>/<hh>/<digest>`."""
    return store / digest[:2] / digest


def stored_blobs(store: Path) -> Iterator[tuple[str, Path]]:
    """Every file in the store's layout (`<hh>/<64 hex>`, hh its first two characters), in
    name order; anything else there (`tmp/`, stray files) is not a blob."""
    if not store.is_dir():
        return
    for shard in sorted(store.iterdir()):
        if not (SHARD.match(shard.name) and shard.is_dir() and not shard.is_symlink()):
            continue
        for entry in sorted(shard.iterdir()):
            if (
                BLOB_NAME.match(entry.name)
                and entry.name[:2] == shard.name
                and entry.is_file()
                and not entry.is_symlink()
            ):
                yield entry.name, entry


# ---------------------------------------------------------------- keys kept out


@dataclass
class Secrets:
    """The key files a deployment has and the key values it was given: none may be archived."""

    paths: set[Path] = field(default_factory=set)
    values: list[bytes] = field(default_factory=list)

    @classmethod
    def of(cls, settings: Settings, extra_files: Iterable[Path] = ()) -> Secrets:
        found = cls()
        files = [
            settings.ledger_key_file,
            settings.ledger_sm2_key_file,
            settings.event_key_file,
            *(str(p) for p in extra_files),
        ]
        for name in files:
            if not name:
                continue
            path = Path(name).resolve()
            found.paths.add(path)
            with contextlib.suppress(OSError):
                found._value(path.read_bytes().strip())
        for value in (settings.personal_data_key, settings.token_secret):
            found._value(value.strip().encode())
        return found

    def _value(self, value: bytes) -> None:
        if len(value) >= MIN_SECRET and value not in self.values:
            self.values.append(value)

    def refuse_path(self, path: Path) -> None:
        if path.resolve() in self.paths:
            raise _refuse(
                "BACKUP_KEY_REFUSED",
                f"密钥文件不得写入备份:{path}",
                f"a key file is never archived: {path}",
            )

    def scanner(self, what: str) -> SecretScanner:
        return SecretScanner(self.values, what)


class SecretScanner:
    """Looks for any key value in bytes fed in chunks (a value may straddle two chunks)."""

    def __init__(self, values: Sequence[bytes], what: str) -> None:
        self.values = values
        self.what = what
        self.keep = max((len(v) for v in values), default=1) - 1
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        if not self.values:
            return
        window = self.tail + chunk
        if any(value in window for value in self.values):
            raise _refuse(
                "BACKUP_KEY_REFUSED",
                f"{self.what} 含有密钥,拒绝备份",
                f"{self.what} holds a key's value: not archived",
            )
        self.tail = window[-self.keep :] if self.keep else b""


# ---------------------------------------------------------------- backup


@dataclass
class Member:
    path: str
    sha256: str
    size: int

    def entry(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}


@dataclass
class BackupReport:
    output: Path
    engine: str
    last_notification_id: int
    blobs: int
    blob_bytes: int
    damaged: list[str]


def software_version() -> str:
    try:
        return version("yishiting")
    except PackageNotFoundError:  # pragma: no cover - run from a plain checkout
        return "unknown"


def backup(
    settings: Settings,
    output: Path,
    *,
    key_files: Iterable[Path] = (),
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackupReport:
    """Writes the archive to `output` (tar; gzip when it ends in .gz or .tgz): the database's
    snapshot is taken first, then the attachments present afterwards are listed and hashed;
    MANIFEST.json leads the archive, the members follow, each hashed again as it goes in."""
    database = Database.from_url(settings.database_url)
    if database.engine == "memory":
        raise _refuse(
            "BACKUP_MEMORY_DATABASE",
            "内存数据库无法备份",
            "a log held in memory cannot be backed up",
        )
    if output.exists():
        raise _refuse(
            "BACKUP_OUTPUT_EXISTS",
            f"备份文件已存在,不覆盖:{output}",
            f"the output exists and is not overwritten: {output}",
        )
    secrets = Secrets.of(settings, key_files)
    store = Path(settings.attachment_store)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as work:
        staging = Path(work)
        if database.engine == "sqlite":
            dumped, last = _sqlite_snapshot(database, staging)
        else:
            dumped, last = _postgres_snapshot(database, staging)
        sources: list[tuple[Member, Path]] = []
        for name, path in dumped:
            secrets.refuse_path(path)
            digest, size = _hash_file(path, secrets.scanner(name))
            sources.append((Member(name, digest, size), path))
        # Only now, after the database's snapshot, the files: each of its events has its file.
        damaged: list[str] = []
        for name, path in stored_blobs(store):
            secrets.refuse_path(path)
            digest, size = _hash_file(path, secrets.scanner(f"附件 attachment {name}"))
            if digest != name:
                damaged.append(f"{name[:2]}/{name}")
                continue
            sources.append((Member(f"{BLOBS}/{name[:2]}/{name}", digest, size), path))
        blobs = [m for m, _ in sources if m.path.startswith(f"{BLOBS}/")]
        manifest = {
            "format": FORMAT,
            "software": {"name": "yishiting", "version": software_version()},
            "created_at": now().isoformat(timespec="seconds"),
            "database": {
                "engine": database.engine,
                "schema": (database.schema or "public") if database.engine == "postgresql" else "",
                "last_notification_id": last,
                "objects": _objects_of(database, staging),
            },
            "attachments": {
                "count": len(blobs),
                "bytes": sum(m.size for m in blobs),
                "damaged_not_archived": damaged,
            },
            "keys": "never archived: ledger signing keys, event key, personal-data master "
            "key, token secret (docs/BACKUP.md)",
            "members": [m.entry() for m, _ in sources],
        }
        partial = staging / "archive.part"
        mode = "w:gz" if output.name.endswith((".gz", ".tgz")) else "w"
        with tarfile.open(partial, mode, format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(time.time())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            for member, path in sources:
                _add_file(tar, member, path, secrets)
        partial.chmod(0o600)  # as confidential as the database: its owner only
        _fsync(partial)
        os.replace(partial, output)
    return BackupReport(
        output, database.engine, last, len(blobs), sum(m.size for m in blobs), damaged
    )


def _add_file(tar: tarfile.TarFile, member: Member, path: Path, secrets: Secrets) -> None:
    """Adds the file, hashing (and scanning for keys) the very bytes the archive receives:
    they must be the bytes the manifest lists."""
    digest = hashlib.sha256()
    scanner = secrets.scanner(member.path)
    with path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size

        class Hashing(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer: Any) -> int:
                chunk = source.read(len(buffer))
                digest.update(chunk)
                scanner.feed(chunk)
                buffer[: len(chunk)] = chunk
                return len(chunk)

        if size == member.size:
            info = tarfile.TarInfo(member.path)
            info.size = size
            info.mtime = int(path.stat().st_mtime)
            info.mode = 0o600
            tar.addfile(info, io.BufferedReader(Hashing(), CHUNK))
    if size != member.size or digest.hexdigest() != member.sha256:
        raise _refuse(
            "BACKUP_STORE_CHANGED",
            f"文件在备份过程中被改动:{member.path}",
            f"a file changed while being archived: {member.path}",
        )


def _hash_file(path: Path, scanner: SecretScanner | None = None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if scanner is not None:
                scanner.feed(chunk)
    return digest.hexdigest(), size


def _fsync(path: Path) -> None:
    with path.open("rb") as written:
        os.fsync(written.fileno())


def _sqlite_snapshot(database: Database, staging: Path) -> tuple[list[tuple[str, Path]], int]:
    """The views' file first, then the log's, each by SQLite's online backup API in one step
    (a consistent state of each): the views are never ahead of the log."""
    log_path = Path(database.path)
    if not log_path.exists():
        raise _refuse(
            "BACKUP_NO_DATABASE",
            f"数据库文件不存在:{log_path}",
            f"the database file does not exist: {log_path}",
        )
    files: list[tuple[str, Path]] = []
    views = Path(database.views_path())
    if views.exists():
        files.append((VIEWS_MEMBER, _sqlite_copy(views, staging / "views.sqlite3")))
    log_copy = _sqlite_copy(log_path, staging / "log.sqlite3")
    files.insert(0, (LOG_MEMBER, log_copy))
    with contextlib.closing(sqlite3.connect(log_copy)) as conn:
        last = _sqlite_last_position(conn)
    return files, last


def _sqlite_copy(source: Path, target: Path) -> Path:
    with (
        contextlib.closing(sqlite3.connect(_read_only(source), uri=True, timeout=30)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


def _read_only(path: Path) -> str:
    """A read-only SQLite URI for the path, whatever characters it holds (? and # included)."""
    return f"{path.resolve().as_uri()}?mode=ro"


def _sqlite_last_position(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute(f"SELECT MAX(rowid) FROM {SQLITE_LOG_TABLE}").fetchone()
    except sqlite3.OperationalError:  # no log table yet
        return 0
    return int(row[0] or 0)


def pg_tool(name: str) -> str:
    """`pg_dump` or `psql`: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(re.sub(r"\D", "", p.split("/")[4]) or 0),
    )
    if candidates:
        return candidates[-1]
    raise _refuse(
        "BACKUP_TOOL_MISSING",
        f"找不到 PostgreSQL 工具 {name}",
        f"the PostgreSQL tool {name} is not installed (or not on PATH)",
    )


def _pg_env(database: Database) -> dict[str, str]:
    env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    if database.password:
        env["PGPASSWORD"] = database.password
    return env


def _pg_target(database: Database) -> list[str]:
    return ["-h", database.host, "-p", database.port, "-U", database.user, "-d", database.name]


def _postgres_snapshot(database: Database, staging: Path) -> tuple[list[tuple[str, Path]], int]:
    """pg_dump of the deployment's schema inside a repeatable-read snapshot this process
    exported and holds open; the log's last position is read in the same snapshot."""
    schema = database.schema or "public"
    dump = staging / "postgresql.sql"
    tool = pg_tool("pg_dump")
    with psycopg.connect(database.conninfo(with_schema=False)) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        snapshot = str(row[0])
        last = _postgres_last_position(conn, schema)
        done = subprocess.run(
            [
                tool,
                *_pg_target(database),
                "--snapshot",
                snapshot,
                "--schema",
                schema,
                "--no-owner",
                "--no-privileges",
                "--quote-all-identifiers",
                "--format",
                "plain",
                "--file",
                str(dump),
            ],
            env=_pg_env(database),
            capture_output=True,
            text=True,
            timeout=TOOL_DEADLINE,
            check=False,
        )
        conn.rollback()
    if done.returncode != 0:
        raise _refuse(
            "BACKUP_DUMP_FAILED",
            "pg_dump 失败",
            f"pg_dump failed: {done.stderr.strip()[-500:]}",
        )
    return [(DUMP_MEMBER, dump)], last


def _postgres_last_position(conn: psycopg.Connection[Any], schema: str) -> int:
    return _postgres_log_figure(conn, schema, "MAX(notification_id)")


def _postgres_log_figure(conn: psycopg.Connection[Any], schema: str, figure: str) -> int:
    """`figure` (an aggregate) of the schema's log table; 0 when there is no log table yet."""
    exists = conn.execute(
        "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
        (schema, POSTGRES_LOG_TABLE),
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute(
        sql.SQL("SELECT {} FROM {}.{}").format(
            sql.SQL(figure), sql.Identifier(schema), sql.Identifier(POSTGRES_LOG_TABLE)
        )
    ).fetchone()
    return int(row[0] or 0) if row else 0


DROPPED_IN_ORDER = ("FUNCTION", "VIEW", "TABLE", "SEQUENCE", "TYPE")


def _objects_of(database: Database, staging: Path) -> dict[str, list[str]]:
    """What the archive's database creates, by kind (restore drops the empty twins first)."""
    if database.engine == "postgresql":
        schema = re.escape(_quoted(database.schema or "public"))
        kinds = "|".join(DROPPED_IN_ORDER)
        made = re.compile(rf'^CREATE ({kinds}) {schema}\."((?:[^"]|"")+)"')
        found: dict[str, set[str]] = {kind: set() for kind in DROPPED_IN_ORDER}
        with (staging / "postgresql.sql").open(encoding="utf-8") as dump:
            for line in dump:  # line by line: the dump may be larger than memory
                if match := made.match(line):
                    found[match.group(1)].add(match.group(2).replace('""', '"'))
        return {kind.lower(): sorted(names) for kind, names in found.items() if names}
    with contextlib.closing(sqlite3.connect(staging / "log.sqlite3")) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {"table": sorted(str(r[0]) for r in rows)}


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# ---------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    engine: str
    last_notification_id: int
    blobs: int
    created_at: str
    software_version: str


def restore(settings: Settings, archive: Path) -> RestoreReport:
    """Restores the archive into this deployment, which must be empty (no events, no
    attachments). Every member is read and checked against the manifest before anything is
    written where the deployment keeps its data; then the files, then the database."""
    database = Database.from_url(settings.database_url)
    if database.engine == "memory":
        raise _refuse(
            "RESTORE_MEMORY_DATABASE",
            "不能恢复到内存数据库",
            "cannot restore into a log held in memory",
        )
    store = Path(settings.attachment_store)
    _require_empty(database, store)
    staging_root = store / "tmp"
    staging_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=staging_root) as work:
        staging = Path(work)
        manifest = _unpack_checked(archive, staging)
        source = manifest["database"]
        if source.get("engine") != database.engine:
            raise _refuse(
                "RESTORE_WRONG_ENGINE",
                f"备份来自 {source.get('engine')},不能恢复到 {database.engine}",
                f"the archive holds a {source.get('engine')} database; this deployment's "
                f"is {database.engine}",
            )
        _require_empty(database, store)  # again: nothing may have started meanwhile
        if database.engine == "postgresql":
            _check_postgres_target(database, str(source.get("schema") or "public"))
        placed = _place_blobs(staging, store)
        try:
            if database.engine == "sqlite":
                _place_sqlite(database, staging)
            else:
                _restore_postgres(database, staging, source)
        except BaseException:
            for path in placed:  # the database refused: the store is left as it was found
                path.unlink(missing_ok=True)
            raise
    return RestoreReport(
        database.engine,
        int(source.get("last_notification_id") or 0),
        len(placed),
        str(manifest.get("created_at", "")),
        str(manifest.get("software", {}).get("version", "")),
    )


def _require_empty(database: Database, store: Path) -> None:
    events = _events_in(database)
    if events:
        raise _refuse(
            "RESTORE_TARGET_NOT_EMPTY",
            f"目标部署已有 {events} 个事件,只能恢复到空部署",
            f"the target deployment already holds {events} events: restore only into an empty one",
        )
    if next(stored_blobs(store), None) is not None:
        raise _refuse(
            "RESTORE_TARGET_NOT_EMPTY",
            f"附件目录已有文件:{store},只能恢复到空部署",
            f"the attachment store {store} already holds files: restore only into an empty "
            "deployment",
        )


def _events_in(database: Database) -> int:
    if database.engine == "sqlite":
        path = Path(database.path)
        if not path.exists():
            return 0
        with contextlib.closing(sqlite3.connect(_read_only(path), uri=True, timeout=30)) as conn:
            try:
                row = conn.execute(f"SELECT COUNT(*) FROM {SQLITE_LOG_TABLE}").fetchone()
            except sqlite3.OperationalError:
                return 0
            return int(row[0])
    schema = database.schema or "public"
    with psycopg.connect(database.conninfo(with_schema=False)) as conn:
        return _postgres_log_figure(conn, schema, "COUNT(*)")


def member_path(name: str) -> PurePosixPath:
    """A member's name, checked: relative, no `..`, no empty or odd parts, one of the names
    an archive holds. Anything else is refused before a byte is written."""
    path = PurePosixPath(name)
    unsafe = (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    )
    known = name in (MANIFEST, LOG_MEMBER, VIEWS_MEMBER, DUMP_MEMBER) or (
        len(path.parts) == 3
        and path.parts[0] == BLOBS
        and SHARD.match(path.parts[1]) is not None
        and BLOB_NAME.match(path.parts[2]) is not None
        and path.parts[2][:2] == path.parts[1]
    )
    if unsafe or not known:
        raise _refuse(
            "RESTORE_UNSAFE_MEMBER",
            f"备份中有不安全或未知的成员:{name!r},拒绝恢复",
            f"the archive has an unsafe or unknown member {name!r}: nothing restored",
        )
    return path


def _unpack_checked(archive: Path, staging: Path) -> dict[str, Any]:
    """Every member into `staging` (by this code, never tarfile's extract). MANIFEST.json
    comes first; each member after it must be listed there, is written no larger than listed
    and hashed as it is written; at the end every listed member must have come."""
    manifest: dict[str, Any] | None = None
    listed: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            for info in tar:
                name = str(member_path(info.name))
                if not info.isreg():
                    raise _refuse(
                        "RESTORE_UNSAFE_MEMBER",
                        f"备份成员不是普通文件:{name}",
                        f"the archive's member {name} is not a regular file: nothing restored",
                    )
                source = tar.extractfile(info)
                assert source is not None
                if manifest is None:
                    if name != MANIFEST or info.size > MANIFEST_LIMIT:
                        raise _tampered(f"{MANIFEST} 不在首位", f"{MANIFEST} does not come first")
                    manifest = _manifest(source.read(MANIFEST_LIMIT))
                    listed = _listed(manifest)
                    continue
                entry = listed.get(name)
                if entry is None or name in seen:
                    raise _tampered(
                        f"成员 {name} 不在清单中或重复", f"{name} is not listed, or comes twice"
                    )
                if info.size != entry.get("size"):
                    raise _tampered(f"{name} 的大小与清单不符", f"{name} has another size")
                written = _write_member(source, staging / name)
                if written.sha256 != entry.get("sha256") or written.size != entry.get("size"):
                    raise _tampered(f"{name} 的哈希与清单不符", f"{name} has another hash")
                if name.startswith(f"{BLOBS}/") and PurePosixPath(name).name != written.sha256:
                    raise _tampered(
                        f"附件 {name} 的内容与其名称(哈希)不符",
                        f"the attachment {name} does not hash to its name",
                    )
                seen.add(name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as broken:
        raise _refuse(
            "RESTORE_ARCHIVE_UNREADABLE",
            "备份文件无法读取(截断或损坏)",
            f"the archive cannot be read (truncated or damaged): {type(broken).__name__}: {broken}",
        ) from None
    if manifest is None:
        raise _tampered(f"备份中没有 {MANIFEST}", f"the archive has no {MANIFEST}")
    missing = sorted(set(listed) - seen)
    if missing:
        raise _tampered(f"缺少成员 {missing[:5]}", f"members missing: {missing[:5]}")
    return manifest


def _tampered(zh: str, en: str) -> BackupRefused:
    return _refuse(
        "RESTORE_ARCHIVE_TAMPERED",
        f"备份与其清单不符:{zh},未恢复任何内容",
        f"the archive does not match its manifest: {en}; nothing restored",
    )


def _listed(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest's members by path; each path must be one an archive may hold."""
    listed: dict[str, dict[str, Any]] = {}
    for entry in manifest["members"]:
        path = str(member_path(str(entry["path"])))
        if path in listed or path == MANIFEST:
            raise _tampered(f"清单重复列出 {path}", f"the manifest lists {path} twice")
        listed[path] = entry
    return listed


def _write_member(source: IO[bytes], target: Path) -> Member:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return Member(str(target), digest.hexdigest(), size)


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data[:MANIFEST_LIMIT])
        ok = (
            isinstance(manifest, dict)
            and manifest.get("format") == FORMAT
            and isinstance(manifest.get("members"), list)
            and all(isinstance(e, dict) and "path" in e for e in manifest["members"])
            and isinstance(manifest.get("database"), dict)
        )
    except ValueError:
        ok = False
    if not ok or len(data) > MANIFEST_LIMIT:
        raise _refuse(
            "RESTORE_ARCHIVE_TAMPERED",
            "备份清单无法识别",
            f"the archive's MANIFEST.json is not a {FORMAT} manifest: nothing restored",
        )
    result: dict[str, Any] = manifest
    return result


def _place_blobs(staging: Path, store: Path) -> list[Path]:
    """Each checked file renamed into the store (same file system: atomic, whole or absent)."""
    placed: list[Path] = []
    folder = staging / BLOBS
    if not folder.is_dir():
        return placed
    for shard in sorted(folder.iterdir()):
        for blob in sorted(shard.iterdir()):
            target = blob_path(store, blob.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(blob, target)
            placed.append(target)
    return placed


def _place_sqlite(database: Database, staging: Path) -> None:
    """The views' file, then the log's, renamed into place; a stale journal beside either is
    removed first (it would be replayed into the restored file)."""
    log_path = Path(database.path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    pairs = [(staging / LOG_MEMBER, log_path)]
    views = staging / VIEWS_MEMBER
    views_target = Path(database.views_path())
    if views.exists():
        pairs.insert(0, (views, views_target))
    else:
        _remove_sqlite(views_target)
    for source, target in pairs:
        moved = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source, moved)
        _fsync(moved)
        _remove_sqlite(target)
        os.replace(moved, target)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _check_postgres_target(database: Database, source_schema: str) -> None:
    target = database.schema or "public"
    if source_schema == target:
        return
    with psycopg.connect(database.conninfo(with_schema=False)) as conn:
        taken = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (source_schema,)
        ).fetchone()
    if taken:
        raise _refuse(
            "RESTORE_SCHEMA_TAKEN",
            f"备份的模式 {source_schema} 在目标数据库中已存在,无法改名恢复到 {target}",
            f"the archive's schema {source_schema} exists in the target database: it cannot "
            f"be restored there under the name {target} (restore into another database)",
        )


def _restore_postgres(database: Database, staging: Path, source: dict[str, Any]) -> None:
    """One psql transaction: the deployment's empty tables and schema dropped, the dump
    replayed (it creates the archive's schema), renamed to this deployment's schema."""
    target = database.schema or "public"
    origin = str(source.get("schema") or "public")
    objects = source.get("objects", {})
    before, after = staging / "before.sql", staging / "after.sql"
    dump = staging / DUMP_MEMBER
    lines = [
        f"DROP {kind} IF EXISTS {_quoted(target)}.{_quoted(str(name))} CASCADE;"
        for kind in DROPPED_IN_ORDER
        for name in objects.get(kind.lower(), [])
    ]
    # RESTRICT: anything else in the schema stops the restore, and nothing is changed.
    lines.append(f"DROP SCHEMA IF EXISTS {_quoted(target)};")
    before.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["SELECT pg_catalog.set_config('search_path', '', false);"]
    if origin != target:
        lines.append(f"ALTER SCHEMA {_quoted(origin)} RENAME TO {_quoted(target)};")
    after.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # psql runs the three files in order inside the one transaction --single-transaction opens.
    done = subprocess.run(
        [
            pg_tool("psql"),
            *_pg_target(database),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            *("-f", str(before), "-f", str(dump), "-f", str(after)),
        ],
        env=_pg_env(database),
        capture_output=True,
        text=True,
        timeout=TOOL_DEADLINE,
        check=False,
    )
    if done.returncode != 0:
        raise _refuse(
            "RESTORE_FAILED",
            "数据库恢复失败,已回滚(未写入任何内容)",
            f"the database restore failed and was rolled back: {done.stderr.strip()[-500:]}",
        )
