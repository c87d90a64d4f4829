"""The views' text forms of moments and ids: the fast ways write exactly what the standard
library would (the rows of a rebuild must not change by a byte)."""

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from projections.views.base import id_text, iso

OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
AWARE = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9998, 12, 30),
    timezones=OFFSETS | st.just(UTC),
)


def standard(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@given(AWARE)
def test_iso_writes_what_isoformat_writes(moment: datetime) -> None:
    assert iso(moment) == standard(moment)


@given(AWARE)
def test_a_whole_second_keeps_its_microseconds(moment: datetime) -> None:
    whole = moment.replace(microsecond=0)
    assert iso(whole) == standard(whole)
    assert iso(whole).endswith(".000000+00:00")  # type: ignore[union-attr]


def test_a_moment_elsewhere_is_written_in_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 27, 9, 30, 0, 250, tzinfo=beijing)
    assert iso(moment) == "2026-11-27T01:30:00.000250+00:00"


def test_no_moment_is_none() -> None:
    assert iso(None) is None


def test_a_subclass_of_datetime_is_written_the_standard_way() -> None:
    class Moment(datetime):
        pass

    moment = Moment(2026, 11, 27, 3, 0, 0, 7, tzinfo=UTC)
    assert iso(moment) == "2026-11-27T03:00:00.000007+00:00"


@given(st.uuids())
def test_ident_writes_what_str_writes(value: UUID) -> None:
    assert id_text(value) == str(value)


def test_ident_of_a_text_id_is_the_text() -> None:
    assert id_text("platform-7") == "platform-7"  # type: ignore[arg-type]
