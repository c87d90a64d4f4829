"""The public event envelope (CloudEvents 1.0, JSON format) and the cursor shared by the event
feed, the GraphQL subscription and the webhooks: an event's zero-padded log position."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from application.events import event_id_text
from application.publishing.catalogue import BY_CLASS
from application.publishing.payload import Disclosure, event_data
from application.publishing.schemas import schema_url
from domain.attachment import Attachment
from domain.errors import InvalidInput

SPEC_VERSION = "1.0"
SEQUENCE_DIGITS = 20
CONTENT_TYPE = "application/json"
BATCH_MEDIA_TYPE = "application/cloudevents-batch+json"
EVENT_MEDIA_TYPE = "application/cloudevents+json"


class InvalidEventCursor(InvalidInput):
    code = "INVALID_CURSOR"

    def __init__(self, cursor: str) -> None:
        super().__init__(
            f"无效的事件游标:{cursor[:40]}",
            "an event cursor is the `sequence` of the last event received",
            field="after",
        )


def sequence(position: int) -> str:
    """Text that sorts as the log does (CloudEvents `sequence`); it is also the cursor."""
    return f"{position:0{SEQUENCE_DIGITS}d}"


def position_of(cursor: str | None) -> int:
    """The log position a cursor names: resume after it. No cursor: from the beginning."""
    if cursor is None or cursor == "":
        return 0
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > SEQUENCE_DIGITS:
        raise InvalidEventCursor(cursor)
    return int(cursor)


def cloud_event(
    event: Any, position: int, disclosure: Disclosure, *, source: str, base_url: str
) -> dict[str, Any]:
    published = BY_CLASS[type(event)]
    data = event_data(event, disclosure)
    if published.aggregate is Attachment:
        data.update(attachment_links(base_url, event))
    return {
        "specversion": SPEC_VERSION,
        "id": event_id_text(event.originator_id, event.originator_version),
        "source": source,
        "type": published.cloud_type,
        "subject": str(event.originator_id),
        "time": event.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
        "sequence": sequence(position),
        "datacontenttype": CONTENT_TYPE,
        "dataschema": schema_url(base_url, published.cloud_type),
        "yishitingversion": event.originator_version,
        "data": data,
    }


def attachment_links(base_url: str, event: Any) -> dict[str, str | None]:
    """Where an attached file is downloaded (by a reader allowed to): never its bytes."""
    base = f"{base_url.rstrip('/')}/attachments/{event.originator_id}"
    thumbnail = getattr(event, "thumbnail_sha256", "")
    return {
        "downloadUrl": f"{base}/content",
        "thumbnailUrl": f"{base}/thumbnail" if thumbnail else None,
    }
