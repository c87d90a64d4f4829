"""The published event types are stable names, every record's events are published or
deliberately kept internal, each type has a JSON Schema its rendered events satisfy (with and
without personal data), and the cursor is the zero-padded log position."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from application.publishing.catalogue import AGGREGATES, BY_TOPIC, CATALOGUE, UNPUBLISHED_NAMED
from application.publishing.envelope import InvalidEventCursor, cloud_event, position_of, sequence
from application.publishing.payload import Disclosure
from application.publishing.schemas import data_schema
from application.receipts import CommandReceipt
from application.settings import Settings
from application.webhooks import Webhook
from application.work_orders import HotlineTicket
from domain.base import Record
from interfaces.bootstrap import application_for
from tests.support.district import District

# Bookkeeping (idempotency proofs) and webhook registrations, which carry a sealed secret; and
# accounts, named in the audit trail but no consumer's business.
INTERNAL = {CommandReceipt, HotlineTicket, Webhook, *UNPUBLISHED_NAMED}


def every_record_class() -> set[type]:
    found, pending = set(), list(Record.__subclasses__())
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_the_types_that_consumers_depend_on_keep_their_names() -> None:
    for name in (
        "topic.proposed",
        "topic.excluded",
        "topic.exclusion_reversed",
        "consultation.held",
        "consultation.participants_identified",
        "supervision_item.opened",
        "supervision_item.assigned",
        "supervision_item.resolved",
        "platform.responsible_person_changed",
        "erasure.personal_data_erased",
    ):
        assert f"cn.gov.cppcc.yishiting.{name}" in CATALOGUE


def test_every_record_is_published_or_deliberately_internal() -> None:
    assert every_record_class() - set(AGGREGATES) - INTERNAL == set()
    assert not [p for p in CATALOGUE.values() if p.aggregate in INTERNAL]


@pytest.fixture
def told() -> list[tuple[int, Any]]:
    app = application_for(Settings(database_url="memory://"))
    district = District.build(app)
    district.assigned_item()
    notifications = app.recorder.select_notifications(start=0, limit=1000)
    return [(n.id, app.mapper.to_domain_event(n)) for n in notifications if n.topic in BY_TOPIC]


@pytest.mark.parametrize(
    "disclosure", [Disclosure(), Disclosure(True, True), Disclosure(False, True)]
)
def test_each_rendered_event_satisfies_the_schema_of_its_type(
    told: list[tuple[int, Any]], disclosure: Disclosure
) -> None:
    for position, event in told:
        envelope = cloud_event(event, position, disclosure, source="urn:test", base_url="http://x")
        schema = data_schema(CATALOGUE[envelope["type"]], "http://x")
        assert schema["$id"] == envelope["dataschema"]
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(envelope["data"])
        assert envelope["sequence"] == sequence(position)


def test_personal_data_is_shown_only_as_disclosed(told: list[tuple[int, Any]]) -> None:
    (proposed,) = [e for _, e in told if type(e).__name__ == "TopicProposed"]
    hidden = cloud_event(proposed, 1, Disclosure(), source="s", base_url="b")
    assert set(hidden["data"]["proposer"].values()) == {None}
    clear = cloud_event(proposed, 1, Disclosure(True, True), source="s", base_url="b")
    assert clear["data"]["proposer"]["name"] == "陈群众"


def test_a_cursor_is_the_sequence_of_the_last_event_received() -> None:
    assert sequence(42) == "00000000000000000042"
    assert position_of(sequence(42)) == 42
    assert position_of(None) == position_of("") == 0
    for bad in ("-1", "abc", "1" * 21, "٣"):
        with pytest.raises(InvalidEventCursor):
            position_of(bad)
