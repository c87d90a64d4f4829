"""For the backup stories: a deployment (database, attachment store, keys kept apart) built in
a test's folder, attachment files written by the store's layout, the `yishiting` command run
against it as a process of its own, and the log and views read back for comparison."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg

from application.backup import blob_path
from application.settings import Settings
from application.storage import Database
from domain.attachment import Attachment
from domain.vocabulary import AttachmentOwner
from interfaces.bootstrap import bootstrap
from interfaces.cli.demo import seed_demo
from tests.support import files
from tests.support.district import District
from tests.support.erasure import COMMAND_DEADLINE, ROOT
from tests.support.views import dump_views

PG = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class Keys:
    """The keys an operator keeps apart from the archive (the same on both deployments)."""

    folder: Path
    personal_data_key: str = field(
        default_factory=lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )
    token_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def ledger_key_file(self) -> Path:
        return self.folder / "ledger-ed25519.pem"

    @property
    def event_key_file(self) -> Path:
        return self.folder / "event-hmac.key"

    def values(self) -> dict[str, bytes]:
        """Every key's value as it could appear in bytes: files as stored, settings as given."""
        found = {
            "personal_data_key": self.personal_data_key.encode(),
            "personal_data_key_raw": base64.urlsafe_b64decode(self.personal_data_key),
            "token_secret": self.token_secret.encode(),
        }
        for path in (self.ledger_key_file, self.event_key_file):
            text = path.read_bytes().strip()
            found[path.name] = text
            for line in text.splitlines():  # each line of a PEM body on its own
                if len(line) >= 32 and not line.startswith(b"-----"):
                    found[f"{path.name}:{line[:8]!r}"] = line
        return found


@dataclass
class Deployment:
    url: str
    store: Path
    keys: Keys

    @property
    def database(self) -> Database:
        return Database.from_url(self.url)

    def settings(self) -> Settings:
        return Settings(
            database_url=self.url,
            attachment_store=str(self.store),
            ledger_key_file=str(self.keys.ledger_key_file),
            event_key_file=str(self.keys.event_key_file),
            personal_data_key=self.keys.personal_data_key,
            token_secret=self.keys.token_secret,
        )

    def env(self) -> dict[str, str]:
        settings = self.settings()
        names = (
            "database_url",
            "attachment_store",
            "ledger_key_file",
            "event_key_file",
            "personal_data_key",
            "token_secret",
        )
        return {f"YISHITING_{n.upper()}": str(getattr(settings, n)) for n in names}

    def run(
        self, *arguments: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`yishiting ARGUMENTS` in a process of its own, on this deployment (`env` adds)."""
        return subprocess.run(
            [sys.executable, "-m", "interfaces.cli.main", *arguments],
            cwd=ROOT,
            env={**os.environ, **self.env(), "COLUMNS": "200", **(env or {})},
            capture_output=True,
            text=True,
            timeout=COMMAND_DEADLINE,
            check=False,
        )

    def attach_files(self) -> list[str]:
        """Files attached as staff attach them (uploaded, checked, stored, recorded), one of
        them personal data (sealed): the SHA-256s the AttachmentAdded events recorded (the
        image's thumbnail too)."""
        system = bootstrap(self.settings())
        try:
            district = District.build(system.app)
            matter = district.propose_hotline_matter()
            given = [("协商纪要.pdf", files.pdf(), False), ("签到表.png", files.png(), True)]
            recorded = []
            for name, data, personal in given:
                with system.app.receive(district.staff.actor, name) as intake:
                    intake.write(data)
                    upload_id = intake.finish().id
                outcome = system.app.add_attachment(
                    district.staff,
                    owner_kind=AttachmentOwner.MATTER,
                    owner_id=matter,
                    upload_id=upload_id,
                    personal_data=personal,
                )
                attachment = system.app.load(Attachment, outcome.id)
                recorded += [attachment.sha256, attachment.thumbnail_sha256]
            system.projector.catch_up()
            return [sha256 for sha256 in recorded if sha256]
        finally:
            system.close()

    def seed_demo(self) -> None:
        """The demo district's story, projected and sealed by a checkpoint."""
        system = bootstrap(self.settings())
        try:
            seed_demo(system.app)
            system.projector.catch_up()
            system.ledger.issue_checkpoint()
        finally:
            system.close()

    def put_blob(self, data: bytes) -> str:
        """A file into the store as the attachments feature writes it: temp file, fsync,
        rename to `<store>/<hh>/<sha256>`."""
        digest = hashlib.sha256(data).hexdigest()
        temp = self.store / "tmp" / f"{uuid4().hex}.part"
        temp.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        target = blob_path(self.store, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
        return digest

    def blobs(self) -> dict[str, bytes]:
        found = {}
        for shard in self.store.glob("[0-9a-f][0-9a-f]"):
            for blob in shard.iterdir():
                found[blob.name] = blob.read_bytes()
        return found

    def log_rows(self) -> list[tuple[Any, ...]]:
        """Every stored event with its position, then every event's tag, as stored."""
        return [*self.events(), *self.tags()]

    def events(self) -> list[tuple[Any, ...]]:
        """(position, originator id, version, topic, state) of every stored event, in order."""
        if self.database.engine == "sqlite":
            return self._sqlite(
                "SELECT rowid, originator_id, originator_version, topic, state"
                " FROM stored_events ORDER BY rowid"
            )
        return self._postgres(
            "SELECT notification_id, originator_id::text, originator_version, topic, state"
            " FROM yishiting_events ORDER BY notification_id"
        )

    def tags(self) -> list[tuple[Any, ...]]:
        query = "SELECT * FROM yishiting_event_tags ORDER BY 1, 2"
        if self.database.engine == "sqlite":
            return self._sqlite(query)
        return self._postgres(query)

    def _sqlite(self, query: str) -> list[tuple[Any, ...]]:
        path = Path(self.database.path)
        if not path.exists():
            return []
        with closing(sqlite3.connect(path)) as conn:
            try:
                return [tuple(row) for row in conn.execute(query)]
            except sqlite3.OperationalError:  # no such table: an empty deployment
                return []

    def _postgres(self, query: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database.conninfo()) as conn:
            try:
                rows = conn.execute(query).fetchall()
            except psycopg.errors.UndefinedTable:
                return []
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]

    def views(self, *, rebuild: bool = False) -> str:
        """The views as they stand after catching up (or after a rebuild from the log)."""
        system = bootstrap(self.settings())
        try:
            if rebuild:
                system.projector.rebuild()
            else:
                system.projector.catch_up()
            return dump_views(system.store)
        finally:
            system.close()

    def drop_database(self) -> None:
        database = self.database
        if database.engine == "sqlite":
            for path in Path(database.path).parent.glob(Path(database.path).stem + "*"):
                path.unlink()
            return
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{database.schema}" CASCADE')


def archive_members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:*") as tar:
        return {
            info.name: tar.extractfile(info).read()  # type: ignore[union-attr]
            for info in tar
            if info.isreg()
        }


def write_archive(
    path: Path, members: dict[str, bytes], extra: tuple[tarfile.TarInfo, ...] = ()
) -> None:
    """An archive with these members (and any hand-made headers), as a forger would write it."""
    with tarfile.open(path, "w:gz" if path.name.endswith(".gz") else "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)
