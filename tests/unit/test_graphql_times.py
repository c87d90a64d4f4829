"""Moments and days as GraphQL answers them: a `DateTime` is written exactly as the views write
a moment (UTC, to the microsecond), whatever zone it was built in; a view's text read back and
answered comes out unchanged; the scalar still takes what it took and refuses what it refused."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from graphql import GraphQLError, GraphQLScalarType
from hypothesis import given
from hypothesis import strategies as st

from interfaces.graphql.schema import build_schema
from interfaces.graphql.times import day, moment, moment_of_epoch
from projections.views.base import iso

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
AWARE = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9998, 12, 30),
    timezones=OFFSETS | st.just(UTC),
)
BEIJING = timezone(timedelta(hours=8))


def scalar(name: str) -> GraphQLScalarType:
    found = build_schema()._schema.type_map[name]
    assert isinstance(found, GraphQLScalarType)
    return found


@given(AWARE)
def test_a_datetime_is_answered_as_the_views_write_it(value: datetime) -> None:
    assert scalar("DateTime").serialize(value) == iso(value)


@given(AWARE)
def test_a_views_moment_read_back_is_answered_unchanged(value: datetime) -> None:
    text = iso(value)
    assert text is not None
    assert scalar("DateTime").serialize(moment(text)) == text


def test_whole_seconds_and_other_zones_are_written_in_the_one_form() -> None:
    answered = scalar("DateTime").serialize(datetime(2026, 3, 1, 9, 40, tzinfo=BEIJING))
    assert answered == "2026-03-01T01:40:00.000000+00:00"
    assert scalar("DateTime").serialize(moment_of_epoch(0.5)) == (
        "1970-01-01T00:00:00.500000+00:00"
    )


def test_a_moment_without_a_zone_is_never_answered() -> None:
    with pytest.raises(ValueError, match="without a zone"):
        scalar("DateTime").serialize(datetime(2026, 3, 1, 1, 40))


def test_a_day_is_answered_as_a_date() -> None:
    assert scalar("Date").serialize(day("2026-03-01")) == "2026-03-01"
    assert day(None) is None
    assert day("") is None
    assert moment(None) is None
    assert moment_of_epoch(None) is None


def test_the_scalar_takes_what_it_took_and_refuses_the_rest() -> None:
    parsed = scalar("DateTime").parse_value("2026-03-01T09:40:00+08:00")
    assert parsed == datetime(2026, 3, 1, 1, 40, tzinfo=UTC)
    assert scalar("DateTime").parse_value("2026-03-01T09:40") == datetime(2026, 3, 1, 9, 40)
    with pytest.raises((GraphQLError, ValueError), match="cannot represent"):
        scalar("DateTime").parse_value("not a time")
    assert isinstance(scalar("Date").parse_value("2026-03-01"), date)
