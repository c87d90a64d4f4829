"""The settings table of the README, made from the settings themselves so it cannot drift."""

from __future__ import annotations

from pydantic_core import PydanticUndefined

from application.settings import Settings

START, END = "<!-- settings:start -->", "<!-- settings:end -->"


def settings_table() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "[]" if field.default is PydanticUndefined else repr(field.default)
        if isinstance(field.default, str):
            default = field.default or "(empty)"
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `YISHITING_{name.upper()}` | `{default}` | {meaning} |")
    return "\n".join(rows)


def with_table(readme: str) -> str:
    """The README with its settings table replaced by the current one."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{settings_table()}\n{END}{tail}"
