"""An event's public identity and kind (application/events.py): the id written straight from
uuid5's hash is uuid5's own, and the names read from an event's class are its aggregate's and
its own, the command receipts marked internal."""

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from application.events import (
    aggregate_type,
    event_id,
    event_id_text,
    event_type,
    is_internal,
)
from application.receipts import CommandReceipt
from domain.supervision import SupervisionItem
from domain.topic import Topic


@given(st.uuids(), st.integers(min_value=1, max_value=2**63))
def test_the_text_of_an_event_id_is_uuid5_s_own(originator: UUID, version: int) -> None:
    text = event_id_text(originator, version)
    assert text == str(event_id(originator, version))
    assert UUID(text).version == 5


@given(st.text(), st.integers())
def test_any_originator_s_text_gives_uuid5_s_id(originator: str, version: int) -> None:
    assert event_id_text(originator, version) == str(event_id(originator, version))


def test_the_id_is_stable_across_processes() -> None:
    originator = UUID("12345678-1234-5678-1234-567812345678")
    # The id published in every CloudEvent and audit row so far: it must never change.
    assert event_id_text(originator, 3) == "27ae7ec7-1c66-5ebb-9e58-6930c579b705"


def test_an_event_s_kind_is_read_from_its_class() -> None:
    proposed = object.__new__(Topic.TopicProposed)
    resolved = object.__new__(SupervisionItem.ItemResolved)
    assert (aggregate_type(proposed), event_type(proposed)) == ("Topic", "TopicProposed")
    assert (aggregate_type(resolved), event_type(resolved)) == ("SupervisionItem", "ItemResolved")
    assert not is_internal(proposed)
    assert not is_internal(resolved)


def test_a_command_receipt_is_internal() -> None:
    for cls in (CommandReceipt.CommandReceived, CommandReceipt.Created):
        assert is_internal(object.__new__(cls))
