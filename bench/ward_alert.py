"""How soon a public alert reaches FCM: the first topic request after the alert commits.

    python -m bench.ward_alert --alerts 10

Two idle Celery workers (prefork, Redis), the fast FCM fake (bench/fast_fcm.py) recording when
each topic was first sent to, PostgreSQL. Each alert goes to its own ward (six language topics);
latency = the fake's first request for that ward minus the moment before the commit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from bench import fast_fcm
from bench.fanout import ALERT, REDIS_URL, start_workers, stop_workers, wait_until_idle, worker_env
from notifications.broadcasts import notify_area
from tests.support.databases import create_postgres_database, drop_postgres_database


async def raise_alerts(settings: Settings, count: int) -> dict[str, float]:
    engine = create_engine(settings)
    sessions, celery = create_session_factory(engine), create_celery(settings)
    committed: dict[str, float] = {}
    for number in range(count):
        ward = f"bench-{number}"
        async with UnitOfWork(sessions, celery) as uow:
            await notify_area(uow, ward=ward, message=ALERT, now=utcnow())
            committed[ward] = time.time()  # just before the commit: errs on the slow side
        await asyncio.sleep(1.0)
    await engine.dispose()
    return committed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=10)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake, fcm = fast_fcm.start(scratch)
    env = worker_env(url, scratch, fcm)
    settings = Settings(**env)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(settings)
        workers = start_workers(env, 2, 1)
        wait_until_idle(workers)
        committed = asyncio.run(raise_alerts(settings, args.alerts))
        time.sleep(2)
    finally:
        stop_workers(workers)
        counted = fast_fcm.stop(fake)
        drop_postgres_database(url)
    first = counted["first_topic_send"]
    latencies = [
        min(at for topic, at in first.items() if topic.startswith(f"ward-{ward}-")) - start
        for ward, start in committed.items()
        if any(topic.startswith(f"ward-{ward}-") for topic in first)
    ]
    print(
        json.dumps(
            {
                "alerts": args.alerts,
                "reached_fcm": len(latencies),
                "topic_requests": counted["messages"],
                "first_request_after_commit_s": {
                    "median": round(statistics.median(latencies), 3),
                    "max": round(max(latencies), 3),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
