"""The programs docs/API.md shows, taken out of it exactly as they are written there."""

from __future__ import annotations

import re
import types

from interfaces.contract import API_DOC


def snippet(name: str) -> str:
    """The fenced python block right after `<!-- snippet: NAME -->` in docs/API.md, as is."""
    text = API_DOC.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- snippet: {re.escape(name)} -->\n```python\n(.*?)\n```\n", text, re.DOTALL
    )
    assert found, f"docs/API.md has no python block after <!-- snippet: {name} -->"
    return found.group(1) + "\n"


def example(name: str) -> types.ModuleType:
    """The program loaded as a module (its `if __name__ == "__main__"` part not run)."""
    module = types.ModuleType(name.removesuffix(".py"))
    exec(compile(snippet(name), name, "exec"), module.__dict__)
    return module
