"""Ingestion of environment readings into PostgreSQL: the HTTP batch endpoint and the MQTT
subscriber against a raw asyncpg COPY of as many rows, in one run on one fresh database.

    python -m bench.environment_ingest --rows 100000 [--clients 16] [--api-workers 1]

HTTP: `citizen serve` with `--api-workers` processes (one by default); `--clients` (16) concurrent
clients, each on a kept-alive connection of plain sockets, post batches of 1,000 readings of one
station with its key, the stations posting at once as real ones do (each station's batches in
order), then again with one station's batches back to back (which queue on its latest-value rows).
Bodies are serialised before the clock starts (a station's own work); the API process's CPU per
1,000 readings is read from /proc, and so is PostgreSQL's (its processes serving the bench's
database, from `pg_stat_activity`; the COPY's own backend).

MQTT: one `citizen mqtt` process on a Mosquitto of the bench's own; one SensorThings
Observation per message, then arrays of 100 (QoS 1, `mosquitto_pub -l` per datastream), and
the clock stops when the last row is in the table. COPY:
`copy_records_to_table` into the partitioned table (no conflict check, no latest-value upkeep,
no rules: the floor). Rows of each path are new (distinct times).

The bulk write alone, in the same run and process: batches of 1,000, each in its own unit of
work, through a bare INSERT … SELECT FROM unnest (no latest values: a reference kept here) and
through `observations.store` (COPY when every reading is new, as here, then the latest values);
and the parse of a 1,000-row body with `json` and with `orjson`."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.unit_of_work import UnitOfWork
from backend.environment import keys
from backend.environment.models import Quality
from backend.environment.repository import observations
from backend.seed.environment import seed_environment
from backend.seed.environment_data import THINGS
from backend.settings import Settings
from bench import raw_http
from bench.proc import cpu_seconds
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.processes import free_port, healthy

# A Mosquitto of the bench's own: the shared one keeps Mosquitto's default queue of 1,000
# messages per client, and drops what a burst puts beyond it (see docs/environment.md).
BROKER_PORT = free_port()
BROKER_CONFIG = f"""listener {BROKER_PORT} 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
"""
INGEST = "/sta/v1.1/ingest"
STREAMS = {s.id: t.code for t in THINGS for s in t.streams}
# Values inside every stream's range and below every rule's threshold.
VALUE = 1.0


def readings(count: int, start: datetime) -> list[tuple[int, datetime, float]]:
    """`count` readings spread over every datastream, one second apart per stream."""
    ids = sorted(STREAMS)
    return [
        (ids[i % len(ids)], start + timedelta(seconds=i // len(ids)), VALUE) for i in range(count)
    ]


async def prepare(settings: Settings) -> dict[str, str]:
    engine = create_engine(settings)
    try:
        sessions = create_session_factory(engine)
        async with UnitOfWork(sessions) as uow:
            await seed_environment(uow.session)
        issued = {}
        async with UnitOfWork(sessions) as uow:
            for thing in THINGS:
                key = await keys.issue(
                    uow.session,
                    pepper=settings.station_key_pepper,
                    station_code=thing.code,
                    now=datetime.now(UTC),
                    overlap=timedelta(0),
                )
                issued[thing.code] = key.key
        return issued
    finally:
        await engine.dispose()


async def count_rows(dsn: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM env_observations"))
    finally:
        await connection.close()


# Whether the newest reading of each datastream of a path's rows is stored: one subscriber
# stores each topic's messages in the order they were published, so every reading before it is
# in by then. A cheap poll (an index lookup per datastream on one open connection): counting the
# observations every 50 ms cost PostgreSQL a connection and a scan of the whole table each time,
# CPU the subscriber then lacked.
CAUGHT_UP = """
SELECT count(*) FROM env_observations AS stored
JOIN unnest($1::integer[], $2::timestamptz[]) AS newest(datastream_id, phenomenon_time)
  ON stored.datastream_id = newest.datastream_id
 AND stored.phenomenon_time = newest.phenomenon_time
"""


async def backends(dsn: str) -> dict[int, float]:
    """CPU seconds so far of the PostgreSQL processes serving the bench's database (but the one
    asking)."""
    connection = await asyncpg.connect(dsn)
    try:
        pids = await connection.fetch(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return {row["pid"]: cpu_seconds(row["pid"]) for row in pids}


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "backend.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=open(f"/tmp/bench-{args[0]}.log", "wb"),  # noqa: S108
    )


async def http_path(
    port: int,
    rows: list[tuple[int, datetime, float]],
    issued: dict[str, str],
    *,
    interleave: bool = True,
    clients: int = 16,
    server: int | None = None,
    dsn: str | None = None,
) -> float:
    batches: list[tuple[str, list[dict[str, Any]]]] = []
    by_station: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for stream, moment, value in rows:
        by_station[STREAMS[stream]].append(
            {"datastream": stream, "phenomenonTime": moment.isoformat(), "result": value}
        )
    for code, station_rows in by_station.items():
        for i in range(0, len(station_rows), 1000):
            batches.append((issued[code], station_rows[i : i + 1000]))
    if interleave:
        # Stations take turns, as many stations posting at once do (each its own batches in
        # order); otherwise one station's batches come back to back.
        turns: dict[str, list[tuple[str, list[dict[str, Any]]]]] = defaultdict(list)
        for key, body in batches:
            turns[key].append((key, body))
        batches = [b for round_ in itertools.zip_longest(*turns.values()) for b in round_ if b]
    queue: asyncio.Queue[tuple[bytes, int]] = asyncio.Queue()
    for key, body in batches:
        queue.put_nowait((raw_http.post(INGEST, json.dumps(body).encode(), key), len(body)))

    async def client() -> None:
        """One station's connection (kept alive), posting batches one after the other."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                request, size = queue.get_nowait()
                writer.write(request)
                status, body = await raw_http.read_answer(reader)
                assert status == 200, body
                assert orjson.loads(body)["accepted"] == size, body
        finally:
            writer.close()

    cpu = cpu_seconds(server, descendants=True) if server else 0.0
    own = cpu_seconds(os.getpid())
    database = await backends(dsn) if dsn else {}
    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    if server and dsn:
        used = cpu_seconds(server, descendants=True) - cpu
        clients_cpu = cpu_seconds(os.getpid()) - own
        after = await backends(dsn)
        db = sum(seconds - database.get(pid, 0.0) for pid, seconds in after.items())
        thousands = len(rows) / 1000
        print(
            f"  HTTP ({'stations at once' if interleave else 'one station at a time'}), "
            f"CPU per 1,000 readings: API {used * 1000 / thousands:.1f} ms "
            f"({used / elapsed:.0%} of a core), PostgreSQL {db * 1000 / thousands:.1f} ms "
            f"({db / elapsed:.0%}), the clients {clients_cpu * 1000 / thousands:.1f} ms "
            f"({clients_cpu / elapsed:.0%})"
        )
    return len(rows) / elapsed


def message_lines(
    rows: list[tuple[int, datetime, float]], per_message: int
) -> dict[int, list[str]]:
    """Each datastream's messages, a line each: `per_message` Observations per message (one: the
    object itself, more: an array)."""
    lines: dict[int, list[str]] = defaultdict(list)
    by_stream: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for stream, moment, value in rows:
        by_stream[stream].append({"phenomenonTime": moment.isoformat(), "result": value})
    for stream, own in by_stream.items():
        for i in range(0, len(own), per_message):
            chunk = own[i : i + per_message]
            lines[stream].append(json.dumps(chunk[0] if per_message == 1 else chunk))
    return lines


def publish_lines(prefix: str, rows: list[tuple[int, datetime, float]], per_message: int) -> None:
    """`message_lines` from `mosquitto_pub -l` (C, one process per datastream's topic, a line a
    message): a Python publisher would be slower than the subscriber."""
    lines = message_lines(rows, per_message)
    publishers = []
    for stream, own in lines.items():
        topic = f"{prefix}v1.1/Datastreams({stream})/Observations"
        publisher = subprocess.Popen(
            [
                "mosquitto_pub",
                "-h",
                "127.0.0.1",
                "-p",
                str(BROKER_PORT),
                "-q",
                "1",
                "-l",
                "-t",
                topic,
            ],
            stdin=subprocess.PIPE,
        )
        publishers.append((publisher, "\n".join(own) + "\n"))
    for publisher, text in publishers:
        assert publisher.stdin is not None
        publisher.stdin.write(text.encode())
        publisher.stdin.close()
    for publisher, _ in publishers:
        publisher.wait(timeout=120)


async def mqtt_path(
    dsn: str, prefix: str, rows: list[tuple[int, datetime, float]], per_message: int
) -> float:
    """Readings stored per second, from the first publish to the last reading in; the count of
    the table is checked after the clock stops."""
    newest: dict[int, datetime] = {}
    for stream, moment, _ in rows:
        newest[stream] = max(moment, newest.get(stream, moment))
    streams, times = list(newest), [newest[stream] for stream in newest]
    before = await count_rows(dsn)
    connection = await asyncpg.connect(dsn)
    try:
        began = time.perf_counter()
        await asyncio.to_thread(publish_lines, prefix, rows, per_message)
        published = time.perf_counter() - began
        deadline = time.perf_counter() + 60
        while await connection.fetchval(CAUGHT_UP, streams, times) < len(streams):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"not stored within 60 s ({published:.1f}s to publish)")
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - began
    finally:
        await connection.close()
    stored = await count_rows(dsn) - before
    assert stored == len(rows), f"{stored} of {len(rows)} stored"
    print(f"  MQTT, {per_message}/message: published in {published:.1f}s, stored in {elapsed:.1f}s")
    return len(rows) / elapsed


def mqtt_floor(rows: list[tuple[int, datetime, float]], per_message: int) -> float:
    """The same messages from the same publishers through the same broker to `mosquitto_sub`
    (C, QoS 1, discarding them): what MQTT delivers here before any reading is parsed or
    stored, the ceiling of the MQTT path."""
    prefix = f"floor-{uuid.uuid4().hex[:8]}/"
    messages = sum(len(own) for own in message_lines(rows, per_message).values())
    command = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(BROKER_PORT), "-q", "1"]
    subscriber = subprocess.Popen(
        [*command, "-t", f"{prefix}#", "-C", str(messages)], stdout=subprocess.DEVNULL
    )
    time.sleep(0.5)  # subscribed before the first publish
    began = time.perf_counter()
    publish_lines(prefix, rows, per_message)
    subscriber.wait(60)
    return len(rows) / (time.perf_counter() - began)


async def copy_path(dsn: str, rows: list[tuple[int, datetime, float]]) -> float:
    connection = await asyncpg.connect(dsn)
    now = datetime.now(UTC)
    records = [(stream, moment, value, "ok", now) for stream, moment, value in rows]
    try:
        backend = connection.get_server_pid()
        cpu = cpu_seconds(backend)
        own = cpu_seconds(os.getpid())
        began = time.perf_counter()
        await connection.copy_records_to_table(
            "env_observations",
            records=records,
            columns=["datastream_id", "phenomenon_time", "result", "quality", "received_at"],
        )
        elapsed = time.perf_counter() - began
        thousands = len(rows) / 1000
        print(
            f"  COPY, CPU per 1,000 readings: PostgreSQL "
            f"{(cpu_seconds(backend) - cpu) * 1000 / thousands:.1f} ms, "
            f"the client {(cpu_seconds(os.getpid()) - own) * 1000 / thousands:.1f} ms"
        )
        return len(rows) / elapsed
    finally:
        await connection.close()


# A bare insert of a batch (no latest values), as a reference for `observations.store`.
UNNEST_INSERT = sql(
    "INSERT INTO env_observations "
    "(datastream_id, phenomenon_time, result, quality, received_at) "
    "SELECT d, t, r, q, :received FROM unnest("
    "CAST(:d AS INTEGER[]), CAST(:t AS TIMESTAMPTZ[]), CAST(:r AS FLOAT8[]), "
    "CAST(:q AS VARCHAR[])) AS u(d, t, r, q) "
    "ON CONFLICT DO NOTHING"
)


async def write_paths(
    settings: Settings,
    before: list[tuple[int, datetime, float]],
    after: list[tuple[int, datetime, float]],
) -> dict[str, float]:
    """Readings/s of the bulk write alone, in batches of 1,000: a bare insert, then `store`."""
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    rates = {}
    try:
        for name, rows in (
            ("write: bare unnest insert", before),
            ("write: observations.store", after),
        ):
            checked = [observations.Checked(d, t, r, Quality.OK) for d, t, r in rows]
            began = time.perf_counter()
            for i in range(0, len(checked), 1000):
                batch = checked[i : i + 1000]
                async with UnitOfWork(sessions) as uow:
                    if name.endswith("insert"):
                        arrays = {
                            "d": [c.datastream_id for c in batch],
                            "t": [c.phenomenon_time for c in batch],
                            "r": [c.result for c in batch],
                            "q": [c.quality.value for c in batch],
                        }
                        now = datetime.now(UTC)
                        await uow.session.execute(UNNEST_INSERT, {**arrays, "received": now})
                    else:
                        await observations.store(uow.session, batch, datetime.now(UTC))
            rates[name] = len(rows) / (time.perf_counter() - began)
    finally:
        await engine.dispose()
    return rates


def parse_rates(rows: list[tuple[int, datetime, float]]) -> dict[str, float]:
    """Readings/s of parsing a 1,000-row body, json against orjson."""
    body = json.dumps(
        [{"datastream": d, "phenomenonTime": t.isoformat(), "result": r} for d, t, r in rows[:1000]]
    ).encode()
    rates = {}
    for name, loads in (
        ("parse: json", json.loads),
        ("parse: orjson", orjson.loads),
    ):
        began = time.perf_counter()
        for _ in range(200):
            loads(body)
        rates[name] = 200_000 / (time.perf_counter() - began)
    return rates


async def run(
    rows: int,
    settings: Settings,
    port: int,
    issued: dict[str, str],
    *,
    clients: int,
    server: int,
) -> None:
    url = make_url(settings.database_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    # Half-second times never meet the seeded o'clock readings.
    now = datetime.now(UTC).replace(microsecond=500_000)
    span = timedelta(seconds=rows // len(STREAMS) + 1)
    windows = [readings(rows, now - k * span - timedelta(minutes=1)) for k in (1, 2, 3, 4, 5, 6, 7)]
    prefix = os.environ["MQTT_TOPIC_PREFIX"]
    results = {
        "COPY (asyncpg)": await copy_path(dsn, windows[0]),
        "HTTP, stations at once": await http_path(
            port, windows[1], issued, clients=clients, server=server, dsn=dsn
        ),
        "HTTP, one station at a time": await http_path(
            port,
            windows[6],
            issued,
            interleave=False,
            clients=clients,
            server=server,
            dsn=dsn,
        ),
        "MQTT, 1 observation/message": await mqtt_path(dsn, prefix, windows[2], 1),
        "MQTT, 100 observations/message": await mqtt_path(dsn, prefix, windows[3], 100),
        "MQTT floor, 1/message": mqtt_floor(windows[2], 1),
        "MQTT floor, 100/message": mqtt_floor(windows[3], 100),
        **await write_paths(settings, windows[4], windows[5]),
    }
    print(f"rows per path: {rows:,}; load average {' '.join(map(str, os.getloadavg()))}")
    copy = results["COPY (asyncpg)"]
    for name, rate in results.items():
        print(f"{name:32} {rate:10,.0f} readings/s  {rate / copy:.2f}x COPY")
    for name, rate in parse_rates(windows[0]).items():
        print(f"{name:32} {rate:10,.0f} readings/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--api-workers", type=int, default=1, help="`citizen serve --workers`")
    args = parser.parse_args()
    url = create_postgres_database()
    var = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    prefix = f"bench-{uuid.uuid4().hex[:8]}/"
    env = {
        "DATABASE_URL": url,
        "CITIZEN_VAR_DIR": str(var),
        "CITIZEN_ENV": "development",
        "MQTT_URL": f"mqtt://127.0.0.1:{BROKER_PORT}",
        "MQTT_TOPIC_PREFIX": prefix,
    }
    os.environ.update(env)
    settings = Settings()
    processes: list[subprocess.Popen[bytes]] = []
    config = var / "mosquitto.conf"
    config.write_text(BROKER_CONFIG)
    processes.append(subprocess.Popen(["mosquitto", "-c", str(config)]))
    try:
        migrate.upgrade(settings)
        issued = asyncio.run(prepare(settings))
        port = free_port()
        api = start(["serve", "--port", str(port), "--workers", str(args.api_workers)], env)
        processes.append(api)
        processes.append(start(["mqtt"], env))
        deadline = time.monotonic() + 30
        while not healthy(port):
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not start")
            time.sleep(0.2)
        time.sleep(1)  # the subscriber connects
        asyncio.run(run(args.rows, settings, port, issued, clients=args.clients, server=api.pid))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        drop_postgres_database(url)


if __name__ == "__main__":
    main()
