"""Writing observations: one statement for a batch, duplicates ignored, and the latest value of
each datastream moved forward only by a newer reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment.models import LatestObservation, Observation, Quality


@dataclass(frozen=True, slots=True)
class Checked:
    """A reading ready to store."""

    datastream_id: int
    phenomenon_time: datetime
    result: float
    quality: Quality


# unnest of one array per column: the same statement for any batch size, prepared once.
_INSERT_PG = text(
    "INSERT INTO env_observations "
    "(datastream_id, phenomenon_time, result, quality, received_at) "
    "SELECT d, t, r, q, :received FROM unnest("
    "CAST(:d AS INTEGER[]), CAST(:t AS TIMESTAMPTZ[]), CAST(:r AS FLOAT8[]), "
    "CAST(:q AS VARCHAR[])) AS u(d, t, r, q) "
    "ON CONFLICT DO NOTHING"
)
_LATEST_PG = text(
    "INSERT INTO env_latest_observations (datastream_id, phenomenon_time, result, quality) "
    "SELECT * FROM unnest(CAST(:d AS INTEGER[]), CAST(:t AS TIMESTAMPTZ[]), "
    "CAST(:r AS FLOAT8[]), CAST(:q AS VARCHAR[])) "
    "ON CONFLICT (datastream_id) DO UPDATE SET phenomenon_time = excluded.phenomenon_time, "
    "result = excluded.result, quality = excluded.quality "
    "WHERE env_latest_observations.phenomenon_time < excluded.phenomenon_time"
)


def _arrays(rows: Sequence[Checked]) -> dict[str, list[object]]:
    return {
        "d": [row.datastream_id for row in rows],
        "t": [row.phenomenon_time for row in rows],
        "r": [row.result for row in rows],
        "q": [row.quality.value for row in rows],
    }


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
    latest = newest_per_datastream(rows)
    if session.get_bind().dialect.name == "postgresql":
        result = await session.execute(_INSERT_PG, {**_arrays(rows), "received": received_at})
        await session.execute(_LATEST_PG, _arrays(latest))
        return int(getattr(result, "rowcount", 0))
    inserted = 0
    # SQLite caps bound parameters per statement: chunks of 1,000 rows (5 columns each).
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        statement = (
            sqlite.insert(Observation)
            .values(
                [
                    {
                        "datastream_id": row.datastream_id,
                        "phenomenon_time": row.phenomenon_time,
                        "result": row.result,
                        "quality": row.quality,
                        "received_at": received_at,
                    }
                    for row in chunk
                ]
            )
            .on_conflict_do_nothing()
        )
        result = await session.execute(statement)
        inserted += int(getattr(result, "rowcount", 0))
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
