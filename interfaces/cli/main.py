"""The `yishiting` command."""

import typer

app = typer.Typer(help="议事厅 yishiting — records system for consultation halls")
