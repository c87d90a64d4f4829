"""Turns YISHITING_DATABASE_URL into the eventsourcing persistence environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg import sql

from domain.errors import InvalidInput


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

    def persistence_env(self, pool_size: int = 5) -> dict[str, str]:
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
            "POSTGRES_PRE_PING": "y",
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
        options = f" options='-c search_path={self.schema}'" if self.schema and with_schema else ""
        return (
            f"host={self.host} port={self.port} dbname={self.name} user={self.user}"
            f" password='{self.password}'{options}"
        )
