"""Writing observations: one statement for a batch, duplicates ignored, and the latest value of
each datastream moved forward only by a newer reading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment.models import LatestObservation, Quality


class Checked(NamedTuple):
    """A reading ready to store (a named tuple: made a thousand times per batch)."""

    datastream_id: int
    phenomenon_time: datetime
    result: float
    quality: Quality


# PostgreSQL: one statement for any number of batches (a group commit's), the rows as one array per
# column (asyncpg encodes them in C; the statement is prepared once per connection), each row's
# batch by its index into the batches' reception times. It inserts what is new and moves each
# datastream's latest value forward from its newest row, locking the latest rows in id order so
# that concurrent groups lock alike, and counts the new rows of each batch by its reception time
# (distinct within a call). One round trip: COPY into a staging table took three (create, copy,
# insert), and measured slower on this machine (bench/README.md).
_STORE_PG = text(
    "WITH batch AS (SELECT * FROM unnest(CAST(:d AS INTEGER[]), CAST(:t AS TIMESTAMPTZ[]), "
    "CAST(:r AS FLOAT8[]), CAST(:q AS VARCHAR[]), CAST(:b AS INTEGER[])) AS b(datastream_id, "
    "phenomenon_time, result, quality, batch)), "
    "inserted AS (INSERT INTO env_observations "
    "(datastream_id, phenomenon_time, result, quality, received_at) "
    "SELECT datastream_id, phenomenon_time, result, quality, "
    "(CAST(:received AS TIMESTAMPTZ[]))[batch] FROM batch "
    "ON CONFLICT DO NOTHING RETURNING received_at), "
    "latest AS (INSERT INTO env_latest_observations "
    "(datastream_id, phenomenon_time, result, quality) "
    "SELECT DISTINCT ON (datastream_id) datastream_id, phenomenon_time, result, quality "
    "FROM batch ORDER BY datastream_id, phenomenon_time DESC "
    "ON CONFLICT (datastream_id) DO UPDATE SET phenomenon_time = excluded.phenomenon_time, "
    "result = excluded.result, quality = excluded.quality "
    "WHERE env_latest_observations.phenomenon_time < excluded.phenomenon_time) "
    "SELECT received_at, count(*) FROM inserted GROUP BY received_at"
)


_INSERT_SQLITE = text(
    "INSERT INTO env_observations "
    "(datastream_id, phenomenon_time, result, quality, received_at) "
    "VALUES (:d, :t, :r, :q, :received) ON CONFLICT DO NOTHING"
)


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_LATEST_PG = text(
    "INSERT INTO env_latest_observations (datastream_id, phenomenon_time, result, quality) "
    "SELECT * FROM unnest(CAST(:d AS INTEGER[]), CAST(:t AS TIMESTAMPTZ[]), "
    "CAST(:r AS FLOAT8[]), CAST(:q AS VARCHAR[])) "
    "ON CONFLICT (datastream_id) DO UPDATE SET phenomenon_time = excluded.phenomenon_time, "
    "result = excluded.result, quality = excluded.quality "
    "WHERE env_latest_observations.phenomenon_time < excluded.phenomenon_time"
)
_COLUMNS = ["datastream_id", "phenomenon_time", "result", "quality", "received_at"]


async def _copy_pg(
    session: AsyncSession, batches: Sequence[tuple[Sequence[Checked], datetime]]
) -> list[int] | None:
    """The common case, every reading new: COPY them (a third of the database's work of an
    INSERT … ON CONFLICT, measured), then move the latest values. None, with nothing written,
    if one was already stored (or is twice in the batches): the caller inserts instead."""
    records = [(*row, at) for rows, at in batches for row in rows]
    # A savepoint (which also opens the transaction): a refused COPY leaves the rest intact.
    savepoint = await session.begin_nested()
    connection = await (await session.connection()).get_raw_connection()
    try:
        await connection.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            "env_observations", records=records, columns=_COLUMNS
        )
    except asyncpg.UniqueViolationError:
        await savepoint.rollback()
        return None
    await savepoint.commit()
    latest = newest_per_datastream([row for rows, _ in batches for row in rows])
    columns = list(zip(*latest, strict=False))
    await session.execute(
        _LATEST_PG, {"d": columns[0], "t": columns[1], "r": columns[2], "q": columns[3]}
    )
    return [len(rows) for rows, _ in batches]


async def _store_pg(
    session: AsyncSession, batches: Sequence[tuple[Sequence[Checked], datetime]]
) -> list[int]:
    copied = await _copy_pg(session, batches)
    if copied is not None:
        return copied
    received: list[datetime] = []
    for _, at in batches:
        # Reception times identify the batches: made distinct by a microsecond if need be.
        while at in received:
            at += timedelta(microseconds=1)
        received.append(at)
    d: list[int] = []
    t: list[datetime] = []
    r: list[float] = []
    q: list[str] = []
    b: list[int] = []
    for index, (rows, _) in enumerate(batches, start=1):
        if rows:
            # One pass per column in C; qualities are str (StrEnum), sent as their text.
            columns = list(zip(*rows, strict=False))
            d += columns[0]
            t += columns[1]
            r += columns[2]
            q += columns[3]
            b += [index] * len(rows)
    found = await session.execute(
        _STORE_PG, {"d": d, "t": t, "r": r, "q": q, "b": b, "received": received}
    )
    counts = {at: int(n) for at, n in found}
    return [counts.get(at, 0) for at in received]


def newest_per_datastream(rows: Sequence[Checked]) -> list[Checked]:
    newest: dict[int, Checked] = {}
    for row in rows:
        kept = newest.get(row.datastream_id)
        if kept is None or row.phenomenon_time > kept.phenomenon_time:
            newest[row.datastream_id] = row
    # In id order, so that concurrent batches lock latest rows in the same order.
    return [newest[key] for key in sorted(newest)]


async def store_batches(
    session: AsyncSession, batches: Sequence[tuple[Sequence[Checked], datetime]]
) -> list[int]:
    """Insert the readings of batches (rows, reception time) not already stored; returns how
    many of each batch were new (a reading in two batches counts for the first)."""
    if not any(rows for rows, _ in batches):
        return [0] * len(batches)
    if session.get_bind().dialect.name == "postgresql":
        return await _store_pg(session, batches)
    return [await _store_sqlite(session, rows, at) for rows, at in batches]


async def store(session: AsyncSession, rows: Sequence[Checked], received_at: datetime) -> int:
    """Insert the readings not already stored; returns how many were new."""
    return (await store_batches(session, [(rows, received_at)]))[0]


async def _store_sqlite(
    session: AsyncSession, rows: Sequence[Checked], received_at: datetime
) -> int:
    if not rows:
        return 0
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
