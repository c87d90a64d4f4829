"""`yishiting set-aside list|retry|acknowledge`: the events the projector could not apply."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from domain.base import required_reason
from domain.errors import DomainError
from interfaces.bootstrap import System, bootstrap
from projections import set_aside

set_aside_app = typer.Typer(
    help="搁置的事件 Events the projector set aside (could not apply)", no_args_is_help=True
)
console = Console()
NOT_FOUND = 2


@set_aside_app.command("list")
def list_events(
    everything: bool = typer.Option(
        False, "--all", help="含已确认和已补投的 also acknowledged and applied ones"
    ),
) -> None:
    """列出搁置的事件 List the events set aside (not yet acknowledged)."""
    with _system() as system, system.store.reading() as tx:
        events = set_aside.listing(tx, everything=everything)
    if not events:
        console.print("没有搁置的事件 (no events set aside)")
    for event in events:
        console.print(escape(_line(event)), soft_wrap=True)


@set_aside_app.command()
def retry(position: int = typer.Argument(..., help="日志位置 position in the log")) -> None:
    """重新投影一个搁置的事件 Apply a set-aside event again (exit 1 if it still fails)."""
    with _system() as system:
        outcome = system.projector.retry(position)
    if outcome is None:
        _not_set_aside(position)
    if outcome.status == set_aside.APPLIED:
        console.print(f"已补投 applied: position {position}")
        return
    console.print(escape(f"仍未能投影 still set aside: {_line(outcome)}"), soft_wrap=True)
    raise typer.Exit(1)


@set_aside_app.command()
def acknowledge(
    position: int = typer.Argument(..., help="日志位置 position in the log"),
    reason: str = typer.Option(..., help="理由 why the views may go without it"),
    by: str = typer.Option("", help="确认人 who acknowledges (default: this account)"),
) -> None:
    """确认一个搁置的事件(告警解除) Acknowledge a set-aside event, with a reason."""
    try:
        cleaned = required_reason(reason, "确认搁置的事件", "acknowledging a set-aside event")
    except DomainError as refusal:
        console.print(f"[red]{escape(refusal.message)}[/red] {refusal.code}")
        raise typer.Exit(NOT_FOUND) from None
    with _system() as system, system.store.transaction() as tx:
        done = set_aside.acknowledge(tx, position, cleaned, by or getpass.getuser())
    if not done:
        _not_set_aside(position)
    console.print(f"已确认 acknowledged: position {position}")


def _line(event: set_aside.SetAsideEvent) -> str:
    views = ",".join(event.views)
    return (
        f"{event.position}  {event.status}  {event.event_type}  {event.originator_id}"
        f" v{event.originator_version}  {views}  {event.set_aside_at}  {event.error}"
    )


def _not_set_aside(position: int) -> NoReturn:
    console.print(
        f"[red]位置 {position} 没有搁置的事件 (no event set aside at position {position})[/red]"
        " NOT_SET_ASIDE"
    )
    raise typer.Exit(NOT_FOUND)


@contextmanager
def _system() -> Iterator[System]:
    system = bootstrap()
    try:
        yield system
    finally:
        system.close()
