"""Local time of the province: schedules are written in it, the database stores UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MINUTES_PER_DAY = 1440


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def local_minute(moment: datetime) -> tuple[int, int]:
    """(weekday, minutes after local midnight) of a UTC moment."""
    local = moment.astimezone(LOCAL_TZ)
    return local.weekday(), local.hour * 60 + local.minute


def at_local_minute(day: date, minute: int) -> datetime:
    """The UTC moment `minute` minutes after local midnight of `day` (1440 = next midnight)."""
    midnight = datetime.combine(day, time(0), tzinfo=LOCAL_TZ)
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)


def local_days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(count)]


def minute_of(value: time) -> int:
    return value.hour * 60 + value.minute


def time_of(minute: int) -> time:
    """Minutes after midnight as a time of day; 1440 (end of day) reads as 00:00."""
    return time(minute // 60 % 24, minute % 60)


def local_clock(moment: datetime) -> str:
    """`08:30 28/11/2026`, the way the Vietnamese write an appointment time."""
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
