"""Fan-out benchmark: one notification to N devices through Celery (Redis), our sender (or
firebase-admin's send_each) and the fast FCM fake (bench/fast_fcm.py, in its own process), which
counts what arrived: none may be missing, none twice.

    python -m bench.fanout --devices 100000 --workers 2 --concurrency 1
    python -m bench.fanout --devices 20000 --gateway send_each   # the previous sender
    python -m bench.fanout --devices 30000 --rate 8000           # the throttle holds the rate
    python -m bench.fanout --devices 100000 --kill-at 0.4         # SIGKILL a worker mid-fan-out

Needs PostgreSQL+PostGIS and Redis (CITIZEN_TEST_POSTGRES_URL, CITIZEN_TEST_REDIS_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import redis
from sqlalchemy import text

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from bench import fast_fcm
from bench.proc import children_of, cpu_seconds
from notifications.messages import PushMessage, Text
from notifications.models import Category
from notifications.service import notify
from tests.support.databases import asyncpg_dsn as _asyncpg_dsn
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.services import POSTGRES_ADMIN_URL, redis_url

REDIS_URL = redis_url()

ROOT = Path(__file__).resolve().parents[1]
ALERT = PushMessage(
    category=Category.ENVIRONMENT,
    type="flood.warning",
    title=Text.of("Cảnh báo ngập lụt", "Flood warning"),
    body=Text.of("Mực nước sông Hương đang lên.", "The Perfume River is rising."),
    deep_link="citizenhub://alerts/flood-1",
    data={"alertId": "flood-1"},
    urgent=True,
)


async def load_people(url: str, count: int) -> list[uuid.UUID]:
    users = [uuid.uuid4() for _ in range(count)]
    now = utcnow()
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.copy_records_to_table(
            "users",
            records=[
                (u, f"+8490{n:07d}", None, "x", "Bench", "vi", True, None, now)
                for n, u in enumerate(users)
            ],
            columns=[
                "id",
                "phone",
                "email",
                "password_hash",
                "display_name",
                "locale",
                "is_active",
                "last_login_at",
                "created_at",
            ],
        )
        await connection.copy_records_to_table(
            "devices",
            records=[
                (
                    uuid.uuid4(),
                    u,
                    f"bench-token-{n}",
                    "token",
                    "android",
                    "vi",
                    "1.0.0",
                    True,
                    now,
                    None,
                    now,
                )
                for n, u in enumerate(users)
            ],
            columns=[
                "id",
                "user_id",
                "target",
                "target_kind",
                "platform",
                "locale",
                "app_version",
                "active",
                "last_seen_at",
                "deactivated_reason",
                "created_at",
            ],
        )
    finally:
        await connection.close()
    return users


class _Held:
    """Holds the dispatch tasks of a commit until the new rows are analysed."""

    def __init__(self) -> None:
        self.tasks: list[tuple[str, Any]] = []

    def send_task(self, name: str, args: Any = None) -> object:
        self.tasks.append((name, args))
        return None


async def enqueue(settings: Settings, users: list[uuid.UUID], *, analyze: bool = True) -> float:
    """Notify everyone; publish the tasks once PostgreSQL has statistics on the new rows, or
    (`analyze=False`) at once, as a city-wide alert does before autovacuum has looked at them.
    """
    engine = create_engine(settings)
    held = _Held()
    started = time.perf_counter()
    async with UnitOfWork(create_session_factory(engine), held) as uow:
        await notify(uow, user_ids=users, message=ALERT, now=utcnow())
    if analyze:
        async with engine.begin() as connection:  # committed: a rolled-back ANALYZE keeps nothing
            await connection.execute(text("ANALYZE"))
    celery = create_celery(settings)
    for name, args in held.tasks:
        celery.send_task(name, args=args)
    await engine.dispose()
    return time.perf_counter() - started


def worker_env(url: str, scratch: Path, fcm: dict[str, str]) -> dict[str, str]:
    """What the benchmark's workers (and its own settings) are configured with."""
    return {
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": REDIS_URL,
        "CITIZEN_VAR_DIR": str(scratch),
        "FCM_CREDENTIALS_FILE": fcm["credentials"],
        "FCM_ENDPOINT": fcm["fcm_url"],
    }


def start_workers(
    env: dict[str, str], count: int, concurrency: int, first: int = 0, pool: str = "prefork"
) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend.worker.main",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench{number}@%h",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stderr=None if os.environ.get("BENCH_WORKER_LOGS") else subprocess.DEVNULL,
        )
        for number in range(first, first + count)
    ]


def kill_one(
    workers: list[subprocess.Popen[bytes]], env: dict[str, str], count: int, pool: str
) -> None:
    """SIGKILL the first worker and its pool child (no acknowledgement, no clean-up), then start
    a replacement: the dead worker's task comes back when its visibility timeout ends."""
    victim = workers.pop(0)
    for pid in [victim.pid, *children_of(victim.pid)]:
        os.kill(pid, signal.SIGKILL)
    victim.wait()
    workers += start_workers(env, 1, count, first=len(workers) + 1, pool=pool)


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def wait_until_idle(workers: list[subprocess.Popen[bytes]]) -> float:
    """Wait until the workers have started (their CPU stops growing); return that CPU."""
    before = -1.0
    while True:
        time.sleep(1.0)
        now = cpu_seconds(*(w.pid for w in workers), descendants=True)
        if now - before < 0.05:
            return now
        before = now


async def backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database (the workers' pooled ones)."""
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row["pid"] for row in rows]
    finally:
        await connection.close()


async def sent(url: str) -> int:
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM deliveries WHERE status='sent'"))
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=1, help="pool size of each worker")
    parser.add_argument(
        "--pool", choices=["prefork", "threads"], default="prefork", help="each worker's pool"
    )
    parser.add_argument("--rate", type=int, default=None, help="PUSH_RATE_PER_SECOND")
    parser.add_argument("--gateway", choices=["http", "send_each"], default="http")
    parser.add_argument(
        "--kill-at", type=float, default=None, help="SIGKILL a worker when this share is sent"
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="dispatch before the statistics know the new rows, as in a sudden burst",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake, fcm = fast_fcm.start(scratch)
    env = worker_env(url, scratch, fcm)
    env |= {"PUSH_RATE_PER_SECOND": str(args.rate or 1_000_000), "PUSH_GATEWAY": args.gateway}
    if args.kill_at is not None:
        # Far above a task's run (well under a second) and its wait behind one prefetched task,
        # so only the killed worker's tasks come back, and soon.
        env["CELERY_VISIBILITY_TIMEOUT"] = "20"
    settings = Settings(**env)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(settings)
        users = asyncio.run(load_people(url, args.devices))
        workers = start_workers(env, args.workers, args.concurrency, pool=args.pool)
        worker_cpu = wait_until_idle(workers)  # started, imports done: not counted
        enqueue_seconds = asyncio.run(enqueue(settings, users, analyze=not args.no_analyze))
        started = time.perf_counter()
        done = 0
        killed_at = None
        while done < args.devices:
            time.sleep(0.2)
            done = asyncio.run(sent(url))
            if (
                args.kill_at is not None
                and killed_at is None
                and done >= args.kill_at * args.devices
            ):
                # the victim's CPU is lost with it
                worker_cpu -= cpu_seconds(workers[0].pid, descendants=True)
                kill_one(workers, env, args.concurrency, args.pool)
                killed_at = done
            if time.perf_counter() - started > 1800:
                raise TimeoutError(f"only {done} sent after 30 minutes")
        elapsed = time.perf_counter() - started
        worker_cpu = cpu_seconds(*(w.pid for w in workers), descendants=True) - worker_cpu
        # Backends live as long as the workers' pools, so their CPU since start is this run's.
        postgres_cpu = cpu_seconds(*asyncio.run(backend_pids(url)))
        fake_cpu = cpu_seconds(fake.pid)
        result = {
            "devices": args.devices,
            "workers": f"{args.workers} x {args.pool}({args.concurrency})",
            "gateway": args.gateway,
            "rate_limit_per_s": args.rate,
            "notify_and_enqueue_s": round(enqueue_seconds, 2),
            "wall_after_commit_s": round(elapsed, 2),
            "messages_per_s": round(args.devices / elapsed, 1),
            "worker_cpu_ms_per_message": round(1000 * worker_cpu / args.devices, 3),
            "worker_killed_when_sent": killed_at,
            "postgres_cpu_ms_per_message": round(1000 * postgres_cpu / args.devices, 3),
            "fake_fcm_cpu_ms_per_message": round(1000 * fake_cpu / args.devices, 3),
        }
    finally:
        stop_workers(workers)
        counted = fast_fcm.stop(fake)
        drop_postgres_database(url)
    result["fake_fcm"] = counted
    span = counted["last_message_at"] - counted["first_message_at"]
    result["messages_per_s_first_to_last"] = round(args.devices / span, 1) if span else None
    result["none_lost_none_twice"] = (
        counted.get("distinct_targets") == args.devices and counted.get("sent_twice") == 0
    )
    result["postgres"] = POSTGRES_ADMIN_URL.rsplit("@", 1)[-1]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
