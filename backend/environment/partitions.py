"""Monthly partitions of `env_observations` on PostgreSQL (declarative range partitioning).

The migration creates the months around its run; a periodic task keeps `AHEAD` months ready,
and ingest creates the month of a late or early reading on first sight, so no reading is refused
for want of a partition. SQLite keeps one plain table: none of this runs there."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

PARENT = "env_observations"
AHEAD = 3
NAME = re.compile(r"^env_observations_y\d{4}m\d{2}$")


def month_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date().replace(day=1)


def months_of(moments: Iterable[datetime]) -> set[date]:
    """The months of many readings (most in UTC already: read without converting each)."""
    utc: set[tuple[int, int]] = set()
    found: set[date] = set()
    for moment in moments:
        if moment.tzinfo is UTC:
            utc.add((moment.year, moment.month))
        else:
            found.add(month_of(moment))
    return found | {date(year, month, 1) for year, month in utc}


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_around(today: date, *, before: int, ahead: int) -> list[date]:
    month = today.replace(day=1)
    for _ in range(before):
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    found = []
    for _ in range(before + ahead + 1):
        found.append(month)
        month = next_month(month)
    return found


def partition_name(month: date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def create_sql(month: date) -> str:
    """DDL of one month's partition (UTC bounds); idempotent."""
    start, end = month, next_month(month)
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF {PARENT} "
        f"FOR VALUES FROM ('{start.isoformat()} 00:00:00+00') TO ('{end.isoformat()} 00:00:00+00')"
    )


class Partitions:
    """The months known to exist, per process; asks the catalogue once, creates what is missing
    in a transaction of its own (DDL must not hold locks for the length of an ingest)."""

    def __init__(self) -> None:
        self._known: set[date] | None = None

    async def ensure(self, engine: AsyncEngine, months: Iterable[date]) -> int:
        if engine.dialect.name != "postgresql":
            return 0
        if self._known is None:
            self._known = await _existing(engine)
        missing = sorted(set(months) - self._known)
        for month in missing:
            try:
                async with engine.begin() as connection:
                    await connection.execute(text(create_sql(month)))
            except DBAPIError:
                # Another process created it between our look and our create.
                pass
            self._known.add(month)
        return len(missing)


async def _existing(engine: AsyncEngine) -> set[date]:
    async with engine.connect() as connection:
        names = await connection.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :parent"
            ),
            {"parent": PARENT},
        )
        found = set()
        for name in names:
            if NAME.match(name):
                found.add(date(int(name[-7:-3]), int(name[-2:]), 1))
        return found


async def create_ahead(engine: AsyncEngine, today: date) -> int:
    """The periodic task's work: this month and the next `AHEAD`."""
    return await Partitions().ensure(engine, months_around(today, before=0, ahead=AHEAD))
