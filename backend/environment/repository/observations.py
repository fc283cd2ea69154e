"""Writing observations: one statement for a batch, duplicates ignored, and the latest value of
each datastream moved forward only by a newer reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.prepared import driver_of
from backend.environment.models import LatestObservation, Quality


@dataclass(frozen=True, slots=True)
class Checked:
    """A reading ready to store."""

    datastream_id: int
    phenomenon_time: datetime
    result: float
    quality: Quality


# PostgreSQL: the batch goes by COPY (binary, no per-value statement parameters) into a
# temporary table of the connection, then one INSERT … SELECT keeps what is new. The table lives
# as long as the pooled connection, and is emptied at every commit.
STAGING = "env_observations_staging"
STAGING_COLUMNS = ("datastream_id", "phenomenon_time", "result", "quality")
# Run before every batch: it also opens the transaction that COPY must join (a rolled-back
# creation leaves no table behind, so no flag is kept). A second batch in one transaction finds
# the first still staged; its rows are then stored already, so they are not counted again.
_CREATE_STAGING = text(
    "CREATE TEMPORARY TABLE IF NOT EXISTS env_observations_staging (datastream_id INTEGER, "
    "phenomenon_time TIMESTAMPTZ, result FLOAT8, quality VARCHAR) ON COMMIT DELETE ROWS"
)
# One statement stores what is new and moves each datastream's latest value forward (from the
# newest staged row per datastream, locked in id order so concurrent batches lock alike); a
# round trip fewer than two statements, and no per-row work in Python for the latest values.
_FROM_STAGING = text(
    "WITH inserted AS (INSERT INTO env_observations "
    "(datastream_id, phenomenon_time, result, quality, received_at) "
    "SELECT datastream_id, phenomenon_time, result, quality, :received "
    "FROM env_observations_staging ON CONFLICT DO NOTHING RETURNING 1), "
    "latest AS (INSERT INTO env_latest_observations "
    "(datastream_id, phenomenon_time, result, quality) "
    "SELECT DISTINCT ON (datastream_id) datastream_id, phenomenon_time, result, quality "
    "FROM env_observations_staging ORDER BY datastream_id, phenomenon_time DESC "
    "ON CONFLICT (datastream_id) DO UPDATE SET phenomenon_time = excluded.phenomenon_time, "
    "result = excluded.result, quality = excluded.quality "
    "WHERE env_latest_observations.phenomenon_time < excluded.phenomenon_time) "
    "SELECT count(*) FROM inserted"
)


_INSERT_SQLITE = text(
    "INSERT INTO env_observations "
    "(datastream_id, phenomenon_time, result, quality, received_at) "
    "VALUES (:d, :t, :r, :q, :received) ON CONFLICT DO NOTHING"
)


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def _copy_in(session: AsyncSession, rows: Sequence[Checked], received_at: datetime) -> int:
    await session.execute(_CREATE_STAGING)
    driver = await driver_of(await session.connection())
    await driver.copy_records_to_table(
        STAGING,
        records=[
            (row.datastream_id, row.phenomenon_time, row.result, row.quality.value) for row in rows
        ],
        columns=STAGING_COLUMNS,
    )
    return int(await session.scalar(_FROM_STAGING, {"received": received_at}) or 0)


def newest_per_datastream(rows: Sequence[Checked]) -> list[Checked]:
    newest: dict[int, Checked] = {}
    for row in rows:
        kept = newest.get(row.datastream_id)
        if kept is None or row.phenomenon_time > kept.phenomenon_time:
            newest[row.datastream_id] = row
    # In id order, so that concurrent batches lock latest rows in the same order.
    return [newest[key] for key in sorted(newest)]


async def store(session: AsyncSession, rows: Sequence[Checked], received_at: datetime) -> int:
    """Insert the readings not already stored; returns how many were new."""
    if not rows:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        return await _copy_in(session, rows, received_at)
    latest = newest_per_datastream(rows)
    # One prepared statement run for every row (executemany): SQLAlchemy's per-value
    # processing of a multi-row VALUES cost more than the insert. Times in the exact text
    # UTCDateTime stores on SQLite, so equal instants compare equal.
    result = await session.execute(
        _INSERT_SQLITE,
        [
            {
                "d": row.datastream_id,
                "t": _sqlite_time(row.phenomenon_time),
                "r": row.result,
                "q": row.quality.value,
                "received": _sqlite_time(received_at),
            }
            for row in rows
        ],
    )
    inserted = int(getattr(result, "rowcount", 0))
    upsert = sqlite.insert(LatestObservation).values(
        [
            {
                "datastream_id": row.datastream_id,
                "phenomenon_time": row.phenomenon_time,
                "result": row.result,
                "quality": row.quality,
            }
            for row in latest
        ]
    )
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["datastream_id"],
            set_={
                "phenomenon_time": upsert.excluded.phenomenon_time,
                "result": upsert.excluded.result,
                "quality": upsert.excluded.quality,
            },
            where=LatestObservation.phenomenon_time < upsert.excluded.phenomenon_time,
        )
    )
    return inserted
