"""Read-your-writes: a command's answer waits until the views have applied what it recorded,
so the caller's next read shows it (within a bound; past it the answer goes anyway). A command
may instead be answered at once (`readYourWrites: false`): its log position is then the
caller's consistency token, and a later request carrying it (`X-Read-After`) waits for the
views to reach it before it reads."""

from __future__ import annotations

from interfaces.bootstrap import System
from interfaces.edge.blocking import blocking

READ_YOUR_WRITES_TIMEOUT = 5.0
READ_AFTER = "x-read-after"  # the request header carrying a consistency token
TOKEN_DIGITS = 18  # below 2**63: a log position is a PostgreSQL bigint


async def views_reach_the_command(system: System, position: int | None) -> None:
    """Waits for the views to reach `position` (the command's last event; the log's head when
    a repeated command id gives none)."""
    reached = position or await blocking(system.app.position)
    await blocking(system.projector.wait_for, reached, READ_YOUR_WRITES_TIMEOUT)


def token_of(header: str | None) -> int | None:
    """The consistency token a request carries, or None; ValueError when it is not a log
    position."""
    if header is None:
        return None
    text = header.strip()
    if not text.isascii() or not text.isdigit() or len(text) > TOKEN_DIGITS:
        raise ValueError(header)
    return int(text)


async def views_reach_the_token(system: System, token: int) -> None:
    """Waits for the views to reach a client's token, no further than the log holds: a
    position not yet written (a made-up token) does not hold the request for the timeout."""
    if token <= 0:
        return
    head = await blocking(system.app.position)
    if head:
        await blocking(system.projector.wait_for, min(token, head), READ_YOUR_WRITES_TIMEOUT)
