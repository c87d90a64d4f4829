"""A clock a test holds in its hand: the same moment until the test moves it on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Monday 9 March 2026, 09:00 in the district (UTC+8): a working week with no holiday in it.
MONDAY_MORNING = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, moment: datetime = MONDAY_MORNING) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, by: timedelta) -> datetime:
        self.moment += by
        return self.moment
