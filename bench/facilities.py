"""`healthFacilities(near:…)` with `nextAvailableSlot`, 2,000 facilities and 200,000 slots on
PostgreSQL+PostGIS: the full GraphQL stack against a floor that runs the same SQL statements
through asyncpg behind a bare Starlette endpoint. Both are served by one uvicorn process and
loaded by wrk with 32 connections.

    python -m bench.facilities [--facilities 2000] [--slots-per-facility 100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import pickle
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from backend.app import create_app
from backend.db import migrate
from backend.db.types import utcnow
from backend.settings import Settings
from tests.support.databases import asyncpg_dsn as _asyncpg_dsn
from tests.support.databases import create_postgres_database, drop_postgres_database

ROOT = Path(__file__).resolve().parents[1]
HUE = (16.4637, 107.5909)
QUERY = """
query Nearby($near: GeoPointInput!) {
  healthFacilities(near: $near, radiusMeters: 5000, first: 20) {
    edges { node { id name distanceMeters acceptsInsurance nextAvailableSlot { id start } } }
  }
}
"""
VARIABLES = {"near": {"latitude": HUE[0], "longitude": HUE[1]}}


def _offset(lat: float, lng: float, meters: float, bearing: float) -> tuple[float, float]:
    dlat = meters * math.cos(bearing) / 111_320
    dlng = meters * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


async def load(url: str, facilities: int, slots_per_facility: int) -> None:
    """Facilities spread within 30 km of Huế, each with one desk and its slots."""
    random.seed(7)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    specialty = uuid.uuid4()
    places, rows, schedules, slots = [], [], [], []
    for number in range(facilities):
        place = uuid.uuid4()
        lat, lng = _offset(*HUE, random.uniform(0, 30_000), random.uniform(0, 2 * math.pi))
        places.append(
            (
                place,
                f"bench-{number}",
                "clinic",
                "Huế",
                f"SRID=4326;POINT({lng} {lat})",
                None,
                now,
                json.dumps({"vi": f"Phòng khám {number}", "en": f"Clinic {number}"}),
            )
        )
        rows.append((place, "private", "0234 3822 000", number % 2 == 0, now))
        schedule = uuid.uuid4()
        schedules.append((schedule, place, None, specialty, 0, 420, 1020, 30, 3, True, now))
        first = now + timedelta(hours=random.randint(1, 72))
        for index in range(slots_per_facility):
            start = first + timedelta(minutes=30 * index)
            booked = 3 if index < 2 else 0  # the first two are full: "next available" must skip
            slots.append(
                (
                    uuid.uuid4(),
                    place,
                    schedule,
                    None,
                    specialty,
                    start,
                    start + timedelta(minutes=30),
                    3,
                    booked,
                    False,
                )
            )
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(
            "INSERT INTO health_specialties (id, code, name) "
            """VALUES ($1, 'general', '{"vi": "Đa khoa", "en": "General medicine"}')""",
            specialty,
        )
        await connection.execute("CREATE TEMP TABLE staged_places (LIKE places INCLUDING DEFAULTS)")
        await connection.execute("ALTER TABLE staged_places ALTER location TYPE text")
        await connection.copy_records_to_table(
            "staged_places",
            records=places,
            columns=["id", "slug", "kind", "address", "location", "ward_id", "created_at", "name"],
        )
        await connection.execute(
            "INSERT INTO places (id, slug, kind, address, location, ward_id, created_at, name) "
            "SELECT id, slug, kind, address, ST_GeogFromText(location), ward_id, created_at, "
            "name FROM staged_places"
        )
        await connection.copy_records_to_table(
            "health_facilities",
            records=rows,
            columns=["id", "level", "phone", "accepts_insurance", "created_at"],
        )
        await connection.copy_records_to_table(
            "health_schedules",
            records=schedules,
            columns=[
                "id",
                "facility_id",
                "practitioner_id",
                "specialty_id",
                "weekday",
                "start_minute",
                "end_minute",
                "slot_minutes",
                "capacity",
                "active",
                "created_at",
            ],
        )
        await connection.copy_records_to_table(
            "health_slots",
            records=slots,
            columns=[
                "id",
                "facility_id",
                "schedule_id",
                "practitioner_id",
                "specialty_id",
                "start_at",
                "end_at",
                "capacity",
                "booked",
                "blocked",
            ],
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def capture_statements(
    settings: Settings,
    payload: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[list[tuple[str, tuple[Any, ...]]], Any]:
    """The SQL the API runs for one request, with its parameters, as asyncpg receives them."""
    payload = payload or {"query": QUERY, "variables": VARIABLES}
    app = create_app(settings)
    captured: list[tuple[str, tuple[Any, ...]]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, tuple(parameters or ())))

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        warm = await client.post("/graphql", json=payload, headers=headers)
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
        body = (await client.post("/graphql", json=payload, headers=headers)).json()
    await app.state.engine.dispose()
    assert "errors" not in warm.json(), warm.text
    assert "errors" not in body, body
    return [(re.sub(r"\s+", " ", s), p) for s, p in captured], body


def wrk(
    url: str,
    body: str,
    seconds: int,
    script_dir: Path,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    script = script_dir / "post.lua"
    extra = "".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in (headers or {}).items()
    )
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"{extra}wrk.body = {json.dumps(body)}\n"
    )
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", "32", "-d", f"{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def grab(pattern: str) -> str:
        found = re.search(pattern, output)
        assert found, output
        return found.group(1)

    if "Latency Distribution" not in output or "-nan" in output:
        raise RuntimeError(f"wrk got no answers:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(grab(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": _milliseconds(grab(r"50%\s+(\S+)")),
        "p99_ms": _milliseconds(grab(r"99%\s+(\S+)")),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def _milliseconds(value: str) -> float:
    """wrk prints latencies as 850.00us, 12.34ms or 1.02s."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def serve(module: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module,
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{module} did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--slots-per-facility", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    settings = Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch)
    try:
        migrate.upgrade(settings)
        asyncio.run(load(url, args.facilities, args.slots_per_facility))
        statements, sample = asyncio.run(capture_statements(settings))
        (scratch / "statements.pickle").write_bytes(pickle.dumps(statements))
        env = {"DATABASE_URL": url, "CITIZEN_VAR_DIR": str(scratch)}
        results = {}
        graphql_body = json.dumps({"query": QUERY, "variables": VARIABLES})
        for name, module, path, body in (
            ("graphql", "backend.app:create_app", "/graphql", graphql_body),
            ("asyncpg_floor", "bench.floor:create_floor", "/floor", "{}"),
        ):
            server = serve(
                module, {**env, "BENCH_STATEMENTS": str(scratch / "statements.pickle")}, 8765
            )
            try:
                wrk(f"http://127.0.0.1:8765{path}", body, 3, scratch)  # warm-up
                results[name] = wrk(f"http://127.0.0.1:8765{path}", body, args.seconds, scratch)
            finally:
                server.terminate()
                server.wait(timeout=30)
        results["ratio_graphql_to_floor_rps"] = round(
            results["graphql"]["requests_per_s"] / results["asyncpg_floor"]["requests_per_s"], 3
        )
        results["statements_per_request"] = len(statements)
        results["facilities_returned"] = len(sample["data"]["healthFacilities"]["edges"])
        results["dataset"] = {
            "facilities": args.facilities,
            "slots": args.facilities * args.slots_per_facility,
        }
        print(json.dumps(results, indent=2))
    finally:
        drop_postgres_database(url)


if __name__ == "__main__":
    main()
