"""A checkpoint or proof read from JSON as either side writes it: snake_case as the CLI and
files keep it, camelCase as GraphQL answers it. Anything else is refused in words, never a
TypeError: an auditor's file is someone else's input."""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, fields
from typing import Any, TypeVar, get_origin, get_type_hints

T = TypeVar("T")
CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


class NotThisShape(ValueError):
    """The JSON is not a checkpoint (or proof) of this system."""


def snake_case(name: str) -> str:
    return CAMEL_HUMP.sub(r"_\1", name).lower()


def from_json(cls: type[T], text: str, what: str) -> T:
    try:
        given = json.loads(text)
    except json.JSONDecodeError as bad:
        raise NotThisShape(f"{what}不是 JSON ({what} is not JSON: {bad})") from None
    if not isinstance(given, dict):
        raise NotThisShape(f"{what}应为 JSON 对象 ({what} must be a JSON object)")
    return cls(**_checked(cls, given, what))


def _checked(cls: type[Any], given: dict[str, Any], what: str) -> dict[str, Any]:
    hints = get_type_hints(cls)
    values = {snake_case(key): value for key, value in given.items()}
    unknown = sorted(set(values) - set(hints))
    if unknown:
        raise NotThisShape(f"{what}含未知字段 {unknown} ({what} has unknown fields {unknown})")
    missing = [f.name for f in fields(cls) if f.default is MISSING and f.name not in values]
    if missing:
        raise NotThisShape(f"{what}缺少字段 {missing} ({what} lacks fields {missing})")
    for name, value in values.items():
        expected = get_origin(hints[name]) or hints[name]
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise NotThisShape(
                f"{what}字段 {name} 类型不对 ({what}: {name} must be {expected.__name__})"
            )
    return values
