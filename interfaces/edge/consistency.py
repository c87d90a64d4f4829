"""Read-your-writes: a command's answer waits until the views have applied what it recorded,
so the caller's next read shows it (within a bound; past it the answer goes anyway)."""

from __future__ import annotations

from interfaces.bootstrap import System
from interfaces.edge.blocking import blocking

READ_YOUR_WRITES_TIMEOUT = 5.0


async def views_reach_the_command(system: System, position: int | None) -> None:
    """Waits for the views to reach `position` (the command's last event; the log's head when
    a repeated command id gives none)."""
    reached = position or await blocking(system.app.position)
    await blocking(system.projector.wait_for, reached, READ_YOUR_WRITES_TIMEOUT)
