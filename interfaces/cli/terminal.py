"""What a command prints of text it did not write (a file's cells, an operator's arguments):
no console markup, no control codes — and a refusal as its message and code, exit code 2."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

REFUSED = 2


def shown(text: str) -> str:
    return escape("".join(c if c.isprintable() else "?" for c in text))


def refuse(console: Console, code: str, message: str, then: str = "") -> NoReturn:
    console.print(f"[red]{shown(message)} {escape(f'[{code}]')}[/red]{then}")
    raise typer.Exit(REFUSED)
