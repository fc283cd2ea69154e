"""Fan-out benchmark: one notification to N devices through Celery (Redis), the real
firebase-admin client and the FCM fake (in its own process).

    python -m bench.fanout --devices 100000 --workers 2 --concurrency 1
    python -m bench.fanout --devices 3000 --rate 500        # the throttle holds the rate

Needs PostgreSQL+PostGIS and Redis (CITIZEN_TEST_POSTGRES_URL, CITIZEN_TEST_REDIS_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import redis

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.settings import Settings
from backend.worker.celery_app import create_celery
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


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and all its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pending += [int(child) for child in children]
        except FileNotFoundError:
            continue
    return total


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


async def enqueue(settings: Settings, users: list[uuid.UUID]) -> float:
    engine = create_engine(settings)
    started = time.perf_counter()
    async with UnitOfWork(create_session_factory(engine), create_celery(settings)) as uow:
        await notify(uow, user_ids=users, message=ALERT, now=utcnow())
    await engine.dispose()
    return time.perf_counter() - started


async def peak_per_second(url: str) -> int:
    """The most deliveries recorded within one calendar second."""
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return int(
            await connection.fetchval(
                "SELECT max(n) FROM (SELECT count(*) AS n FROM deliveries"
                " GROUP BY date_trunc('second', updated_at)) AS per_second"
            )
        )
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
    parser.add_argument("--concurrency", type=int, default=1, help="prefork children each")
    parser.add_argument("--rate", type=int, default=None, help="PUSH_RATE_PER_SECOND")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_fcm_server", str(scratch)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    fcm = json.loads(fake.stdout.readline())
    settings = Settings(
        DATABASE_URL=url,
        CELERY_BROKER_URL=REDIS_URL,
        CITIZEN_VAR_DIR=scratch,
        FCM_CREDENTIALS_FILE=fcm["credentials"],
        FCM_ENDPOINT=fcm["fcm_url"],
    )
    workers: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(settings)
        users = asyncio.run(load_people(url, args.devices))
        enqueue_seconds = asyncio.run(enqueue(settings, users))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": REDIS_URL,
            "CITIZEN_VAR_DIR": str(scratch),
            "FCM_CREDENTIALS_FILE": fcm["credentials"],
            "FCM_ENDPOINT": fcm["fcm_url"],
            "PUSH_RATE_PER_SECOND": str(args.rate or 1_000_000),
        }
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "backend.worker.main",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={args.concurrency}",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"bench{number}@%h",
                ],
                cwd=ROOT,
                env=env,
            )
            for number in range(args.workers)
        ]
        done = 0
        while done < args.devices:
            time.sleep(0.2)
            done = asyncio.run(sent(url))
            if time.perf_counter() - started > 1800:
                raise TimeoutError(f"only {done} sent after 30 minutes")
        elapsed = time.perf_counter() - started
        worker_cpu = sum(cpu_seconds(w.pid) for w in workers)
        result = {
            "devices": args.devices,
            "workers": f"{args.workers} x prefork({args.concurrency})",
            "rate_limit_per_s": args.rate,
            "notify_and_enqueue_s": round(enqueue_seconds, 2),
            "wall_s": round(elapsed, 2),
            "messages_per_s": round(args.devices / elapsed, 1),
            "peak_messages_in_one_second": asyncio.run(peak_per_second(url)),
            "worker_cpu_ms_per_message": round(1000 * worker_cpu / args.devices, 3),
        }
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        fake.terminate()
        tail = fake.communicate(timeout=60)[0].strip().splitlines()
        drop_postgres_database(url)
    result["fake_fcm"] = json.loads(tail[-1]) if tail else None
    result["postgres"] = POSTGRES_ADMIN_URL.rsplit("@", 1)[-1]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
