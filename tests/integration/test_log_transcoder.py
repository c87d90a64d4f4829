"""Reading the log with orjson (application/transcodings.py `LogTranscoder`) gives exactly what
eventsourcing's own JSON transcoder gives, for every kind of stored value, and recurring ids and
actors are made once and shared."""

from __future__ import annotations

import json
import math
from datetime import UTC, date
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, Mapper
from hypothesis import given, settings
from hypothesis import strategies as st

from application.settings import Settings
from application.transcodings import (
    ActorAsFields,
    DateAsISO,
    LogTranscoder,
    Recurring,
    UUIDAsHex,
)
from domain.base import Actor
from domain.vocabulary import Role
from interfaces.bootstrap import application_for
from tests.support.district import District
from tests.support.scenarios import excluded


def _pair() -> tuple[JSONTranscoder, LogTranscoder]:
    standard, ours = JSONTranscoder(), LogTranscoder()
    for transcoder in (standard, ours):
        for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr(), DateAsISO()):
            transcoder.register(transcoding)
        transcoder.register(ActorAsFields())
    return standard, ours


STANDARD, OURS = _pair()
TYPED = st.one_of(
    st.uuids(),
    st.datetimes(timezones=st.just(UTC)),
    st.dates(),
    st.builds(
        Actor,
        st.text(max_size=8),
        st.text(max_size=8),
        st.sampled_from(list(Role)),
        st.text(max_size=4),
    ),
)
PLAIN = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too: orjson would read those as floats
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
VALUES = st.recursive(
    st.one_of(PLAIN, TYPED),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=10), VALUES, max_size=6))
def test_any_stored_state_reads_back_as_the_standard_transcoder_reads_it(state: Any) -> None:
    stored = STANDARD.encode(state)
    assert OURS.decode(stored) == STANDARD.decode(stored) == state


def test_what_orjson_declines_is_read_the_standard_way() -> None:
    huge = (
        b'{"n":123456789012345678901234567890,"x":NaN,'
        b'"y":[{"_type_":"date_iso","_data_":"2026-11-27"}]}'
    )
    read = OURS.decode(huge)
    assert read["n"] == 123456789012345678901234567890
    assert math.isnan(read["x"])
    assert read["y"] == [date(2026, 11, 27)]


@pytest.mark.parametrize(
    "stored",
    [
        b'{"n":-9223372036854775809}',
        b'{"n":18446744073709551616}',
        b'{"l":[1,-99999999999999999999]}',
        b'{"w":{"d":[123456789012345678901234567890]}}',
        b"99999999999999999999",
    ],
)
def test_an_integer_beyond_64_bits_is_not_read_as_a_float(stored: bytes) -> None:
    # orjson reads it as a float without complaint; the standard way keeps every digit.
    assert OURS.decode(stored) == STANDARD.decode(stored) == json.loads(stored)
    assert repr(OURS.decode(stored)) == repr(json.loads(stored))


def test_integers_at_the_edges_of_64_bits_are_read_exactly() -> None:
    stored = b'{"low":-9223372036854775808,"high":18446744073709551615,"f":1.5e300}'
    assert OURS.decode(stored) == {"low": -(2**63), "high": 2**64 - 1, "f": 1.5e300}


def test_a_mapping_with_more_than_the_two_marker_keys_stays_a_mapping() -> None:
    stored = b'{"a":{"_type_":"uuid_hex","_data_":"00000000000000000000000000000001","b":1}}'
    assert OURS.decode(stored) == STANDARD.decode(stored)
    assert isinstance(OURS.decode(stored)["a"], dict)


def test_recurring_ids_and_actors_are_made_once() -> None:
    ident = uuid4()
    actor = Actor("staff-1", "李专员", Role.PLATFORM_STAFF, "p-1")
    stored = STANDARD.encode({"a": ident, "b": ident, "who": actor, "again": actor})
    first, second = OURS.decode(stored), OURS.decode(stored)
    assert first["a"] == ident
    assert first["a"] is first["b"] is second["a"]
    assert first["who"] == actor
    assert first["who"] is second["again"]


def test_the_recurring_cache_starts_again_when_full() -> None:
    recurring = Recurring(limit=2)
    made = [recurring.get(str(n), lambda key: [key]) for n in range(3)]
    assert recurring.get("2", lambda key: ["new"]) is made[2]
    assert recurring.get("0", lambda key: ["new"]) == ["new"]  # forgotten when the cache filled


def test_a_district_log_reads_back_the_same_either_way(database_url: str) -> None:
    app = application_for(Settings(database_url=database_url))
    try:
        assert isinstance(app.mapper.transcoder, LogTranscoder)
        district = District.build(app)
        district.propose_hotline_matter()  # a sealed proposer
        district.held_consultation()  # participants, a report
        district.assigned_item()  # a supervision item
        excluded(district)
        standard = JSONTranscoder()
        app.register_transcodings(standard)  # the same transcodings, the standard decoding
        standard_mapper = Mapper(transcoder=standard)
        notifications = app.recorder.select_notifications(start=1, limit=10_000)
        assert len(notifications) > 20
        for notification in notifications:
            ours = app.mapper.to_domain_event(notification)
            theirs = standard_mapper.to_domain_event(notification)
            assert type(ours) is type(theirs)
            assert ours.__dict__ == theirs.__dict__
    finally:
        app.close()
