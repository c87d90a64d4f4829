"""Turns YISHITING_DATABASE_URL into the eventsourcing persistence environment, and bounds how
long anything waits for a database that has gone away."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from psycopg import sql
from psycopg.conninfo import make_conninfo

from application.fences.eventsourcing_internals import bound_pool_wait
from domain.errors import InvalidInput

# The database cannot be reached (down, restarting, refusing or dropping connections, no pooled
# connection in time): the caller should retry later. PoolTimeout is a psycopg OperationalError.
STORAGE_UNAVAILABLE: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    StoreOperationalError,
    StoreInterfaceError,
)
# How long one request waits for a pooled connection to the views or the subject keys.
CONNECTION_WAIT = 3.0
# eventsourcing retries a failed storage call 10 times, 0.2 s apart, each attempt waiting for a
# pooled connection as long as its pool allows (POSTGRES_CONNECT_TIMEOUT, 5 s here): with the
# database away one call hung for about a minute. This wait per attempt makes the whole call
# give up in about 4.5 s (a pool busier than that for so long is overloaded: 503 as well).
RECORDER_ATTEMPT_WAIT = 0.25
CONNECT_TIMEOUT = 5  # seconds for a new connection (libpq connect_timeout)
SETUP_LOCK_TIMEOUT = "60s"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def bound_waits(recorder: object) -> None:
    """Makes eventsourcing's PostgreSQL recorder give up quickly on an unreachable database."""
    bound_pool_wait(recorder, RECORDER_ATTEMPT_WAIT)


@dataclass(frozen=True)
class Database:
    """Where the log lives. `schema` keeps PostgreSQL deployments (and test runs) apart."""

    engine: str
    path: str = ""
    host: str = ""
    port: str = "5432"
    name: str = ""
    user: str = ""
    password: str = ""
    schema: str = ""

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        if parts.scheme == "memory":
            return cls("memory")
        if parts.scheme == "sqlite":
            return cls("sqlite", path=unquote(url[len("sqlite:///") :]))
        if parts.scheme in ("postgresql", "postgres"):
            return cls(
                "postgresql",
                host=parts.hostname or "127.0.0.1",
                port=str(parts.port or 5432),
                name=parts.path.lstrip("/") or "postgres",
                user=unquote(parts.username or "postgres"),
                password=unquote(parts.password or ""),
                schema=parse_qs(parts.query).get("schema", [""])[0],
            )
        raise InvalidInput(f"不支持的数据库地址:{url}", f"unsupported database URL {url!r}")

    def views_path(self) -> str:
        """SQLite keeps views in a file beside the log so projecting never blocks writers."""
        stem = Path(self.path)
        return str(stem.with_name(stem.stem + ".views" + stem.suffix))

    def persistence_env(self, pool_size: int = 5, pre_ping: bool = False) -> dict[str, str]:
        if self.engine == "memory":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        if self.engine == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.path,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.name,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": self.port,
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": self.schema,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # Without a ping per checkout a connection the server dropped fails on use, and the
            # recorder's retry takes another (tests/e2e/test_database_restart.py).
            "POSTGRES_PRE_PING": "y" if pre_ping else "n",
        }

    def prepare(self) -> None:
        """Creates what the log needs before the recorder opens it: a folder, a schema."""
        if self.engine == "sqlite":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if self.engine == "postgresql" and self.schema:
            with psycopg.connect(self.conninfo(with_schema=False), autocommit=True) as conn:
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
                )

    def conninfo(self, *, with_schema: bool = True) -> str:
        """psycopg connection string (PostgreSQL only)."""
        search_path = self.schema if with_schema else ""
        options = {"options": f"-c search_path={search_path}"} if search_path else {}
        # make_conninfo quotes and escapes each value: a password with ' or a space stays whole.
        return make_conninfo(
            host=self.host,
            port=self.port,
            dbname=self.name,
            user=self.user,
            password=self.password,
            connect_timeout=CONNECT_TIMEOUT,
            **options,
        )

    @contextlib.contextmanager
    def setup_lock(self) -> Iterator[None]:
        """Serialises creating the schema and its tables among processes starting together
        (two APIs and two projectors on a fresh database): PostgreSQL's CREATE … IF NOT EXISTS
        is not safe against a concurrent twin. Elsewhere there is nothing to serialise."""
        if self.engine != "postgresql":
            yield
            return
        key = advisory_key(f"yishiting-setup:{self.name}:{self.schema or 'public'}")
        with psycopg.connect(self.conninfo(with_schema=False), autocommit=True) as conn:
            conn.execute(f"SET lock_timeout = '{SETUP_LOCK_TIMEOUT}'")
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                with contextlib.suppress(psycopg.Error):  # the session's end releases it anyway
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
