"""JSON Schema (2020-12) for the data of every published event, generated from the event
classes' annotations, so that the schema and the payload cannot drift apart."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any
from uuid import UUID

from application.permissions import RESTRICTED_TEXT
from application.publishing.catalogue import CATALOGUE, Published
from application.publishing.payload import ENVELOPE_FIELDS, camel
from domain.attachment import Attachment
from domain.base import Actor
from domain.hotline import HotlineOrder
from domain.people import Participant, Proposer
from domain.topic import Topic
from domain.vocabulary import ParticipantKind, Role, Vocabulary

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_VERSION = "v1"
SCHEMA_PATH = f"/schemas/events/{SCHEMA_VERSION}"
NULLABLE_TEXT = {"type": ["string", "null"]}
RESTRICTED = {
    "type": "object",
    "description": f"仅当内容受限时出现:各文本字段为“{RESTRICTED_TEXT}” Present only when the "
    "matter's content is restricted (excluded as confidential, a real-name report or under "
    "discipline investigation): its text fields then hold the placeholder",
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
    "required": ["zh", "en"],
    "additionalProperties": False,
}


def schema_url(base_url: str, cloud_type: str) -> str:
    return f"{base_url.rstrip('/')}{SCHEMA_PATH}/{cloud_type}.json"


def data_schema(published: Published, base_url: str) -> dict[str, Any]:
    body = _object(published.event_class, skip=ENVELOPE_FIELDS)
    if published.aggregate is Topic:
        body["properties"]["restricted"] = RESTRICTED
    if published.aggregate is Attachment:
        body["properties"].update(_attachment_properties(body["properties"]))
    return {
        "$schema": DIALECT,
        "$id": schema_url(base_url, published.cloud_type),
        "title": published.cloud_type,
        "description": published.description,
        **body,
    }


def _attachment_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """An attached file's event: its links (never its bytes), its data subject only for
    readers cleared for it, its name withheld with its matter's texts."""
    link = {"type": "string", "format": "uri"}
    added: dict[str, Any] = {"restricted": RESTRICTED}
    if "sha256" in properties:
        added["downloadUrl"] = {**link, "description": "下载地址 Where the file is downloaded"}
        added["thumbnailUrl"] = {
            "anyOf": [link, {"type": "null"}],
            "description": "缩略图地址(仅图片) The thumbnail's address (images only)",
        }
        added["dataSubjectId"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    else:
        added["downloadUrl"] = link
        added["thumbnailUrl"] = {"anyOf": [link, {"type": "null"}]}
    return added


def schema_index(base_url: str) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "specversion": "1.0",
        "datacontenttype": "application/json",
        "types": [
            {
                "type": p.cloud_type,
                "aggregate": p.aggregate.__name__,
                "event": p.name,
                "description": p.description,
                "schema": schema_url(base_url, p.cloud_type),
            }
            for p in CATALOGUE.values()
        ],
    }


def _object(cls: type, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    return {
        "type": "object",
        "properties": {camel(n): schema_of(hints[n]) for n in names},
        "required": [camel(n) for n in names],
        "additionalProperties": False,
    }


def schema_of(hint: Any) -> dict[str, Any]:
    special = _SPECIAL.get(hint)
    if special is not None:
        return special()
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [schema_of(a) for a in args]}
    if origin is list:
        return {"type": "array", "items": schema_of(args[0])}
    if isinstance(hint, type) and issubclass(hint, Vocabulary):
        return _vocabulary(hint)
    if dataclasses.is_dataclass(hint):
        return _object(hint)  # type: ignore[arg-type]
    raise TypeError(f"no JSON Schema for {hint!r}")


def _vocabulary(cls: type[Vocabulary]) -> dict[str, Any]:
    labels = ";".join(f"{m.code}={m.label}" for m in cls)
    return {"type": "string", "enum": [m.code for m in cls], "description": labels}


def _actor() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "经办人 The person (or system) who acted",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "role": _vocabulary(Role),
            "scope": {"type": "string"},
        },
        "required": ["id", "name", "role", "scope"],
        "additionalProperties": False,
    }


def _personal(description: str, extra: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    properties = {**extra, **dict.fromkeys(fields, NULLABLE_TEXT), "subjectId": NULLABLE_TEXT}
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _proposer() -> dict[str, Any]:
    return _personal(
        "提出人(个人信息:仅授权角色可见,否则为 null;已删除者显示“已删除”) Proposer: personal "
        "data, null for callers not cleared for it",
        {},
        ["name", "phone", "idNumber", "organisation"],
    )


def _participant() -> dict[str, Any]:
    return _personal(
        "参加人员(姓名与单位为个人信息) Participant: name and organisation are personal data",
        {"id": {"type": "string"}, "kind": _vocabulary(ParticipantKind)},
        ["name", "organisation"],
    )


def _hotline_order() -> dict[str, Any]:
    text = {"type": "string"}
    return _personal(
        "12345工单(地址为个人信息) A 12345 work order: its address is personal data",
        {
            "ticket": text,
            "category": text,
            "street": text,
            "receivedAt": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
            "agency": text,
        },
        ["address"],
    )


_SPECIAL: dict[Any, typing.Callable[[], dict[str, Any]]] = {
    str: lambda: {"type": "string"},
    int: lambda: {"type": "integer"},
    float: lambda: {"type": "number"},
    bool: lambda: {"type": "boolean"},
    type(None): lambda: {"type": "null"},
    UUID: lambda: {"type": "string", "format": "uuid"},
    datetime: lambda: {"type": "string", "format": "date-time"},
    date: lambda: {"type": "string", "format": "date"},
    Actor: _actor,
    Proposer: _proposer,
    Participant: _participant,
    HotlineOrder: _hotline_order,
}
