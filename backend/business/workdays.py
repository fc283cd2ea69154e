"""Statutory deadlines: processing times are counted in working days, skipping weekends and
Vietnam's public holidays as the `holidays` package lists them (one maintained calendar, the
one tourism's opening hours read too).

The clock starts on the working day after the dossier is received complete (a dossier received
on a Friday with 3 days due is due on Wednesday) and ends with the last working day, at local
midnight after it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@cache
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def due_at(received: datetime, days: int) -> datetime:
    """The end (local midnight) of the last working day the agency has, in UTC."""
    last = add_working_days(local_day(received), days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(UTC)
