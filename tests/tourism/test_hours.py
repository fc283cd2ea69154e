"""Opening hours in OSM syntax, in Huế's time zone, with Vietnam's public holidays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.errors import BadUserInput
from backend.seed.tourism_data import IMPERIAL_HOURS
from backend.tourism import hours

HUE = hours.ZONE
NIGHT_MARKET = "Fr-Su 18:00-02:00"


def test_open_across_midnight_belongs_to_the_evening_before() -> None:
    saturday_1am = datetime(2026, 9, 5, 1, 0, tzinfo=HUE)  # Friday night's opening
    monday_1am = datetime(2026, 9, 7, 1, 0, tzinfo=HUE)  # Sunday night's opening
    tuesday_1am = datetime(2026, 9, 8, 1, 0, tzinfo=HUE)
    assert hours.is_open(NIGHT_MARKET, saturday_1am)
    assert hours.is_open(NIGHT_MARKET, monday_1am)
    assert not hours.is_open(NIGHT_MARKET, tuesday_1am)
    assert hours.next_opening(NIGHT_MARKET, tuesday_1am) == datetime(2026, 9, 11, 18, tzinfo=HUE)


def test_times_are_read_in_hue_whatever_the_zone_asked_in() -> None:
    # 11:00 UTC is 18:00 in Huế.
    assert hours.is_open(NIGHT_MARKET, datetime(2026, 9, 4, 11, 0, tzinfo=UTC))
    assert not hours.is_open(NIGHT_MARKET, datetime(2026, 9, 4, 10, 59, tzinfo=UTC))


def test_public_holidays_come_from_the_holidays_calendar() -> None:
    assert hours.public_holidays(2026)[0].isoformat() == "2026-01-01"
    national_day_evening = datetime(2026, 9, 2, 19, 0, tzinfo=HUE)
    next_evening = datetime(2026, 9, 3, 19, 0, tzinfo=HUE)
    assert hours.is_open(IMPERIAL_HOURS, national_day_evening)
    assert not hours.is_open(IMPERIAL_HOURS, next_evening)
    assert hours.is_open("Mo-Su 08:00-17:00; PH off", datetime(2026, 9, 3, 9, tzinfo=HUE))
    assert not hours.is_open("Mo-Su 08:00-17:00; PH off", datetime(2026, 9, 2, 9, tzinfo=HUE))
    assert hours.next_opening(
        "Mo-Su 08:00-17:00; PH off", datetime(2026, 9, 2, 9, tzinfo=HUE)
    ) == datetime(2026, 9, 3, 8, tzinfo=HUE)


def test_a_festival_night_opens_the_imperial_city_in_the_evening() -> None:
    assert hours.is_open(IMPERIAL_HOURS, datetime(2026, 6, 13, 20, 0, tzinfo=HUE))
    assert not hours.is_open(IMPERIAL_HOURS, datetime(2026, 6, 18, 20, 0, tzinfo=HUE))
    assert not hours.is_open(IMPERIAL_HOURS, datetime(2026, 6, 13, 17, 45, tzinfo=HUE))


@pytest.mark.parametrize("expression", ["", "bogus", "Mo-Fr 25:00-26:00 blah", "x" * 501])
def test_bad_hours_are_refused_with_a_code(expression: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        hours.checked(expression)
    assert refused.value.code.value == "BAD_USER_INPUT"
