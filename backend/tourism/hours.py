"""Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in Huế's time zone.

Expressions are parsed by `opening-hours-py` (a maintained parser of the OSM specification).
Public holidays (`PH`) come from the `holidays` package's calendar of Vietnam: before parsing,
`PH` is replaced by the dates of the holidays of the years around the moment asked about, so
the calendar is one maintained package whatever the parser ships. `PH` may therefore stand
where a date may (`PH off`, `PH 08:00-12:00`), not inside a list of weekdays (`Mo-Fr,PH`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import opening_hours
from opening_hours import OpeningHours, State

from backend.errors import BadUserInput

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_EXPRESSION_LENGTH = 500
# How far `next_opening` looks ahead.
LOOKAHEAD = timedelta(days=31)

# The parser raises `ParserError`, which its type stubs do not declare.
_PARSE_ERRORS: tuple[type[Exception], ...] = (
    getattr(opening_hours, "ParserError", SyntaxError),
    SyntaxError,
    ValueError,
)
_PH = re.compile(r"\bPH\b")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=16)
def public_holidays(year: int) -> tuple[date, ...]:
    """Vietnam's public holidays in `year`, as the `holidays` package lists them."""
    return tuple(sorted(holidays.country_holidays("VN", years=year)))


def _osm_date(day: date) -> str:
    return f"{day.year}{_MONTHS[day.month - 1]}{day.day:02d}"


@lru_cache(maxsize=1024)
def _parsed(expression: str, year: int) -> OpeningHours:
    days = [day for y in (year - 1, year, year + 1) for day in public_holidays(y)]
    expanded = _PH.sub(",".join(_osm_date(day) for day in days), expression)
    return OpeningHours(expanded, timezone=ZONE, auto_country=False, auto_timezone=False)


def checked(expression: str, *, field: str = "openingHours") -> str:
    """The expression, stripped, if it parses; BAD_USER_INPUT otherwise."""
    expression = expression.strip()
    if not expression or len(expression) > MAX_EXPRESSION_LENGTH:
        raise BadUserInput("tourism.opening_hours_invalid", field=field)
    try:
        _parsed(expression, datetime.now(ZONE).year)
    except _PARSE_ERRORS as exc:
        raise BadUserInput("tourism.opening_hours_invalid", field=field) from exc
    return expression


def is_open(expression: str, moment: datetime) -> bool:
    local = moment.astimezone(ZONE)
    return bool(_parsed(expression, local.year).is_open(local))


def next_opening(expression: str, moment: datetime) -> datetime | None:
    """When it next opens after `moment` (after the current opening, if open now); None when it
    does not open within a month."""
    local = moment.astimezone(ZONE)
    for start, _end, state, _comment in _parsed(expression, local.year).intervals(
        local, local + LOOKAHEAD
    ):
        if state == State.OPEN and start > local:
            return start
    return None
