"""The CRUD peer of `proposeTopic`, for `python -m bench.write_path`: what a team would build
instead of an event-sourced command — a FastAPI endpoint that validates the same fields with
pydantic, INSERTs the matter as one row with psycopg (an async connection pool) and answers it
as JSON. Served by uvicorn with the settings `yishiting serve` uses (h11 with the request-head
deadline and the head size limit, the keep-alive timeout, warnings only).

What it does not do, and `proposeTopic` does: no bearer token is checked, no idempotency
receipt, no expected version, no actor recorded, no log, no views, no personal data sealed.

    .venv/bin/python -m bench.crud_peer --port N --database-url URL"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Literal
from uuid import UUID, uuid4

import uvicorn
from fastapi import FastAPI
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from application.settings import Settings
from application.storage import Database
from domain.base import LONG_TEXT, SHORT_TEXT
from domain.hotline import TICKET_LIMIT
from domain.vocabulary import Category, Channel
from interfaces.cli.main import HEAD_LIMIT_BYTES
from interfaces.edge.limits import head_deadline

TABLE = (
    "CREATE TABLE IF NOT EXISTS crud_matters (id uuid PRIMARY KEY, command_id text,"
    " title text NOT NULL, content text NOT NULL, channel text NOT NULL,"
    " category text NOT NULL, platform_id uuid NOT NULL, proposer_name text NOT NULL,"
    " proposer_phone text NOT NULL, proposer_id_number text NOT NULL,"
    " proposer_organisation text NOT NULL, hotline_tickets text[] NOT NULL,"
    " proposed_by text NOT NULL, proposed_at timestamptz NOT NULL DEFAULT now())"
)
INSERT = (
    "INSERT INTO crud_matters (id, command_id, title, content, channel, category, platform_id,"
    " proposer_name, proposer_phone, proposer_id_number, proposer_organisation,"
    " hotline_tickets, proposed_by)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *"
)


def _text(limit: int, required: bool = True) -> object:
    """Trimmed text within its limit, as the domain's `text` and `optional_text` take it."""
    return StringConstraints(strip_whitespace=True, min_length=int(required), max_length=limit)


Short = Annotated[str, _text(SHORT_TEXT)]
Long = Annotated[str, _text(LONG_TEXT)]
Optional = Annotated[str, _text(SHORT_TEXT, required=False)]
Ticket = Annotated[str, _text(TICKET_LIMIT)]


class Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ProposerIn(Camel):
    name: Annotated[str, _text(100)]
    phone: Annotated[str, _text(30, required=False)] = ""
    id_number: Annotated[str, _text(30, required=False)] = ""
    organisation: Optional = ""


class ProposeMatter(Camel):
    """The fields of `ProposeTopicInput`."""

    command_id: str | None = None
    expected_version: int | None = None
    title: Short
    content: Long
    channel: Literal[tuple(c.name for c in Channel)]  # type: ignore[valid-type]
    category: Literal[tuple(c.name for c in Category)]  # type: ignore[valid-type]
    platform_id: UUID
    proposer: ProposerIn
    hotline_tickets: list[Ticket] = Field(default_factory=list)


def create(url: str) -> FastAPI:
    pool = AsyncConnectionPool(
        Database.from_url(url).conninfo(), min_size=4, max_size=16, open=False
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.open()
        async with pool.connection() as conn:
            await conn.execute(TABLE)
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/matters", status_code=201)
    async def propose(matter: ProposeMatter) -> dict[str, object]:
        p = matter.proposer
        async with pool.connection() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(
                INSERT,
                (
                    uuid4(),
                    matter.command_id,
                    matter.title,
                    matter.content,
                    matter.channel,
                    matter.category,
                    matter.platform_id,
                    p.name,
                    p.phone,
                    p.id_number,
                    p.organisation,
                    matter.hotline_tickets,
                    "staff",
                ),
            )
            row = await cursor.fetchone()
        assert row is not None
        row["proposed_at"] = row["proposed_at"].isoformat()
        row["platform_id"] = str(row["platform_id"])
        row["id"] = str(row["id"])
        return row

    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crud_peer")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    settings = Settings(database_url=args.database_url)
    uvicorn.run(
        create(args.database_url),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        log_config=None,
        timeout_graceful_shutdown=10,
        http=head_deadline(settings.request_head_seconds),
        h11_max_incomplete_event_size=HEAD_LIMIT_BYTES,
        timeout_keep_alive=settings.keep_alive_seconds,
    )


if __name__ == "__main__":
    main()
