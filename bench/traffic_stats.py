"""Planner statistics for one road over a month on PostgreSQL: one reading per station per minute
(counts by class, and one speed sample), 43,200 rows per station and table over 30 days. The
`TrafficStatistics` operation (volume by hour and class, mean and 85th-percentile speed,
incidents per km) is timed through GraphQL against a uvicorn process, one planner at a time and
a few at once; the statements' EXPLAIN plans are printed.

    python -m bench.traffic_stats [--stations 50] [--road-stations 50] [--days 30]
                                  [--queries 40] [--keep URL [--load]]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from strawberry import relay

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.seed.demo import seed_demo, stable_id
from backend.seed.hue import DEMO_PASSWORD
from backend.settings import Settings
from bench.dataset import OPERATIONS, serve
from tests.support.databases import asyncpg_dsn, create_postgres_database, drop_postgres_database

ROAD = "le-loi"
OTHER_ROADS = ("hung-vuong", "tran-hung-dao", "dien-bien-phu")
END = datetime(2026, 11, 1, tzinfo=UTC)
PORT = 8114

STATIONS = """
INSERT INTO traffic_stations (id, slug, name, kind, road_id, ward_id, location, created_at)
SELECT gen_random_uuid(), 'bench-' || i,
  json_build_object('vi', 'Trạm ' || i, 'en', 'Station ' || i),
  'camera', (CASE WHEN i <= $1 THEN $2::uuid ELSE ($3::uuid[])[1 + i % 3] END), NULL,
  ST_SetSRID(ST_MakePoint(107.58 + i * 0.0002, 16.46), 4326)::geography, now()
FROM generate_series(1, $4) AS i
"""
# Counts follow a daily shape (quiet nights, two peaks) with noise; speeds fall as traffic grows.
COUNTS = """
INSERT INTO traffic_counts (station_id, starts_at, seconds, motorbike, car, bus, truck, bicycle)
SELECT s.id, t, 60,
  (f * 60 * (0.8 + random() * 0.4))::int, (f * 10 * (0.8 + random() * 0.4))::int,
  (f * random() * 2)::int, (f * random() * 3)::int, (f * random() * 4)::int
FROM traffic_stations s,
     generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') t,
     LATERAL (SELECT 0.15 + 0.85 * greatest(0, sin(pi() * (extract(hour FROM t) + 7 - 5) / 14))
              AS f) shape
WHERE s.slug LIKE 'bench-%'
"""
# What the ingestion keeps beside the raw counts (`repository.statistics.rebuild_hours`).
HOURLY = """
INSERT INTO traffic_counts_hourly (station_id, hour, motorbike, car, bus, truck, bicycle)
SELECT station_id, date_trunc('hour', starts_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
  sum(motorbike), sum(car), sum(bus), sum(truck), sum(bicycle)
FROM traffic_counts
WHERE station_id IN (SELECT id FROM traffic_stations WHERE slug LIKE 'bench-%')
GROUP BY 1, 2
"""
# What the ingestion keeps beside the raw speeds (`repository.statistics.rebuild_speed_days`).
SPEED_DAYS = """
INSERT INTO traffic_speed_days (station_id, day, bin_kmh, samples, total_kmh, min_kmh, max_kmh)
SELECT station_id,
  (date_trunc('day', measured_at AT TIME ZONE 'UTC' + interval '7 hours') - interval '7 hours')
    AT TIME ZONE 'UTC',
  floor(speed_kmh)::int, count(*), sum(speed_kmh), min(speed_kmh), max(speed_kmh)
FROM traffic_speeds
WHERE station_id IN (SELECT id FROM traffic_stations WHERE slug LIKE 'bench-%')
GROUP BY 1, 2, 3
"""
# The exact figures, sorting every sample, to measure what the bins give away.
EXACT = """
SELECT avg(speed_kmh), percentile_cont(0.85) WITHIN GROUP (ORDER BY speed_kmh)
FROM traffic_speeds
WHERE station_id IN (SELECT id FROM traffic_stations WHERE road_id = $1)
  AND measured_at >= $2 AND measured_at < $3
"""
SPEEDS = """
INSERT INTO traffic_speeds (station_id, measured_at, vehicle_class, speed_kmh)
SELECT s.id, t, 'motorbike', round((45 - 20 * f + random() * 10)::numeric, 1)::float
FROM traffic_stations s,
     generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') t,
     LATERAL (SELECT 0.15 + 0.85 * greatest(0, sin(pi() * (extract(hour FROM t) + 7 - 5) / 14))
              AS f) shape
WHERE s.slug LIKE 'bench-%'
"""


async def load(url: str, stations: int, road_stations: int, days: int) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    start = END - timedelta(days=days)
    try:
        started = time.perf_counter()
        await connection.execute(
            STATIONS,
            road_stations,
            stable_id("road", ROAD),
            [stable_id("road", slug) for slug in OTHER_ROADS],
            stations,
        )
        await connection.execute(COUNTS, start, END)
        await connection.execute(SPEEDS, start, END)
        await connection.execute(HOURLY)
        await connection.execute(SPEED_DAYS)
        await connection.execute("VACUUM ANALYZE traffic_counts_hourly")
        await connection.execute("VACUUM ANALYZE traffic_speed_days")
        await connection.execute("VACUUM ANALYZE traffic_counts")
        await connection.execute("VACUUM ANALYZE traffic_speeds")
        counts = await connection.fetchval("SELECT count(*) FROM traffic_counts")
        print(
            f"loaded {counts:,} counts and as many speeds in {time.perf_counter() - started:.0f} s"
        )
    finally:
        await connection.close()


async def explain(url: str, road_stations: int, days: int) -> dict[str, str]:
    """EXPLAIN ANALYZE of the volume and speed statements as the repository writes them."""
    from sqlalchemy.dialects import postgresql

    from backend.traffic.repository import statistics as repository
    from backend.traffic.repository.statistics import Scope
    from backend.traffic.statistics import Period, whole_days

    captured: list[Any] = []

    class Capture:
        async def execute(self, statement: Any) -> Any:
            captured.append(statement)
            raise _Stop

    scope = Scope(road_id=stable_id("road", ROAD))
    start = END - timedelta(days=days)
    with contextlib.suppress(_Stop):
        await repository.volume_by_hour(Capture(), scope, start, END)  # type: ignore[arg-type]
    with contextlib.suppress(_Stop):
        days = whole_days(Period(start, END))
        await repository.speed(Capture(), scope, start, END, days)  # type: ignore[arg-type]
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    plans = {}
    try:
        for name, statement in zip(("volume", "speed"), captured, strict=True):
            sql = str(
                statement.compile(
                    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                )
            )
            rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans[name] = "\n".join(row[0] for row in rows)
        mean, p85 = await connection.fetchrow(EXACT, scope.road_id, start, END)
        plans["exact (sorting every sample)"] = f"mean {mean:.4f} km/h, p85 {p85:.4f} km/h"
    finally:
        await connection.close()
    return plans


class _Stop(Exception):
    pass


def percentiles(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "n": len(ordered),
        "p50_ms": round(at(0.50), 1),
        "p95_ms": round(at(0.95), 1),
        "max_ms": round(ordered[-1], 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


async def through_graphql(queries: int, days: int, clients: int) -> dict[str, Any]:
    body = OPERATIONS["TrafficStatistics"]["body"]
    variables = {
        "from": (END - timedelta(days=days)).isoformat(),
        "to": END.isoformat(),
        "roadId": str(relay.GlobalID("Road", str(stable_id("road", ROAD)))),
    }
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=60) as client:
        login = await client.post(
            "/graphql",
            json={
                "query": OPERATIONS["Login"]["body"],
                "variables": {"identifier": "0905000003", "password": DEMO_PASSWORD},
            },
        )
        token = login.json()["data"]["login"]["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        latencies: list[float] = []
        seen: list[dict[str, Any]] = []

        async def one() -> None:
            started = time.perf_counter()
            answer = (
                await client.post(
                    "/graphql", json={"query": body, "variables": variables}, headers=headers
                )
            ).json()
            latencies.append(1000 * (time.perf_counter() - started))
            assert "errors" not in answer, answer
            speed = answer["data"]["trafficStatistics"]["speed"]
            assert speed["samples"] > 0
            seen.append(speed)

        async def client_loop(count: int) -> None:
            for _ in range(count):
                await one()

        await client_loop(3)  # warm: caches, the plan, the pool
        latencies.clear()
        await asyncio.gather(*(client_loop(queries // clients) for _ in range(clients)))
        return {**percentiles(latencies), "speed": seen[-1]}


async def _seed(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        await seed_demo(create_session_factory(engine))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--road-stations", type=int, default=50)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--keep", help="reuse this loaded database (a URL) and keep it")
    parser.add_argument("--load", action="store_true", help="migrate and load --keep first")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-traffic-bench-"))
    url = args.keep or create_postgres_database()
    settings = Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch)
    server = None
    try:
        if not args.keep or args.load:
            migrate.upgrade(settings)
            asyncio.run(_seed(settings))
            asyncio.run(load(url, args.stations, args.road_stations, args.days))
        print("database:", url)
        for name, plan in asyncio.run(explain(url, args.road_stations, args.days)).items():
            print(f"--- EXPLAIN {name}\n{plan}")
        env = {"DATABASE_URL": url, "CITIZEN_VAR_DIR": str(scratch)}
        server = serve("backend.app:create_app", env, PORT)
        report: dict[str, Any] = {
            "stations": args.stations,
            "on_the_road": args.road_stations,
            "days": args.days,
            "rows_per_station": args.days * 24 * 60,
        }
        report["one_planner"] = asyncio.run(through_graphql(args.queries, args.days, 1))
        report["four_planners"] = asyncio.run(through_graphql(args.queries, args.days, 4))
        print(json.dumps(report, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep:
            drop_postgres_database(url)


if __name__ == "__main__":
    main()
