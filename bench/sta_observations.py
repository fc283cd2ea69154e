"""SensorThings `/Observations` over a realistic history: the plans and times of the pages the
REST subset asks for, with and without the time index, in one run on one fresh database.

    python -m bench.sta_observations --streams 24 --days 120 --minutes 5

Rows: every datastream one reading each `--minutes` over `--days` (24 × 120 days × 5 min
≈ 830,000), inserted by `generate_series` into the monthly partitions, then ANALYZE. Each query
is the statement `backend.environment.repository.sta` builds for the request, run with
`EXPLAIN (ANALYZE, BUFFERS)`; "without" drops `ix_env_observations_time` first, "with" puts it
back as the migration creates it. Times are medians of `--repeat` runs."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db import migrate
from backend.db.engine import create_engine
from backend.environment import partitions
from backend.environment.repository.sta import observations_statement
from backend.settings import Settings
from tests.support.databases import create_postgres_database, drop_postgres_database

INDEX = "ix_env_observations_time"
CREATE_INDEX = f"CREATE INDEX {INDEX} ON env_observations (phenomenon_time, datastream_id)"


def queries(end: datetime) -> dict[str, dict[str, Any]]:
    day = end - timedelta(days=1)
    return {
        "all, newest first ($orderby=phenomenonTime desc&$top=100)": {
            "datastream_id": None,
            "time_filters": [],
            "descending": True,
        },
        "all, oldest first, page 50 ($skip=5000)": {
            "datastream_id": None,
            "time_filters": [],
            "descending": False,
            "skip": 5000,
        },
        "all, last day ($filter=phenomenonTime ge …)": {
            "datastream_id": None,
            "time_filters": [("ge", day)],
            "descending": False,
        },
        "all, one hour a month ago (ge … and lt …)": {
            "datastream_id": None,
            "time_filters": [
                ("ge", end - timedelta(days=30)),
                ("lt", end - timedelta(days=30, hours=-1)),
            ],
            "descending": False,
        },
        "one datastream, newest first": {
            "datastream_id": 7,
            "time_filters": [],
            "descending": True,
        },
        "one datastream, last day": {
            "datastream_id": 7,
            "time_filters": [("ge", day)],
            "descending": False,
        },
    }


def sql_of(params: dict[str, Any]) -> str:
    statement = observations_statement(
        skip=params.get("skip", 0), top=100, **{k: v for k, v in params.items() if k != "skip"}
    )
    return str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )


async def fill(
    connection: AsyncConnection, streams: int, days: int, minutes: int, end: datetime
) -> int:
    start = end - timedelta(days=days)
    await connection.execute(
        text(
            "INSERT INTO env_observations "
            "(datastream_id, phenomenon_time, result, quality, received_at) "
            "SELECT s, t, random() * 100, 'ok', t FROM generate_series(1, :streams) s, "
            "generate_series(CAST(:start AS timestamptz), CAST(:end AS timestamptz), "
            "make_interval(mins => :minutes)) t"
        ),
        {"streams": streams, "start": start, "end": end, "minutes": minutes},
    )
    await connection.execute(text("ANALYZE env_observations"))
    return int(await connection.scalar(text("SELECT count(*) FROM env_observations")) or 0)


async def measure(connection: AsyncConnection, sql: str, repeat: int) -> tuple[float, str]:
    times = []
    plan: list[str] = []
    for _ in range(repeat):
        began = time.perf_counter()
        plan = list(await connection.scalars(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")))
        times.append((time.perf_counter() - began) * 1000)
    nodes = [line.strip().removeprefix("->  ").split("  (")[0] for line in plan if "(cost=" in line]
    return statistics.median(times), " / ".join(
        dict.fromkeys(n.split(" on ")[0] for n in nodes[:4])
    )


async def run(url: str, args: argparse.Namespace) -> None:
    engine = create_engine(Settings(DATABASE_URL=url))
    end = datetime(2026, 11, 29, tzinfo=UTC)
    months = {partitions.month_of(end - timedelta(days=d)) for d in range(args.days + 1)}
    await partitions.Partitions().ensure(engine, months)
    async with engine.connect() as connection:
        rows = await fill(connection, args.streams, args.days, args.minutes, end)
        await connection.commit()
        print(f"{rows:,} observations over {len(months)} monthly partitions\n")
        print("| query | without the time index | with it |\n| --- | --- | --- |")
        results: dict[str, list[tuple[float, str]]] = {name: [] for name in queries(end)}
        for present in (False, True):
            await connection.execute(text(f"DROP INDEX IF EXISTS {INDEX}"))
            if present:
                await connection.execute(text(CREATE_INDEX))
            await connection.execute(text("ANALYZE env_observations"))
            await connection.commit()
            for name, params in queries(end).items():
                results[name].append(await measure(connection, sql_of(params), args.repeat))
        for name, ((before, plan_before), (after, plan_after)) in results.items():
            print(f"| {name} | {before:.1f} ms ({plan_before}) | {after:.1f} ms ({plan_after}) |")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=24)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = create_postgres_database()
    try:
        migrate.upgrade(Settings(DATABASE_URL=url))
        asyncio.run(run(url, args))
    finally:
        drop_postgres_database(url)


if __name__ == "__main__":
    main()
