"""Subscriptions benchmark: hold N idle `notificationReceived` subscriptions (one socket and one
account each, as phones do) on one API process, then measure

- the API process's memory (RSS) before and with them open: per process and per subscription;
- the delay from a commit to the event reaching the subscribed client: one notification at a
  time to random accounts (p50/p99), then one commit notifying every account at once (the
  delay until each of the N clients has it, p50/p99).

    python -m bench.subscriptions --subscriptions 1000 --events 200

The commits run in this process through `notify()` (as a Celery worker or another API process
would), so every event crosses Redis pub/sub. SQLite under a temporary folder; Redis from
CITIZEN_TEST_REDIS_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import redis

from backend.app import create_app
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import Role, RoleAssignment, User
from backend.settings import Settings
from notifications.messages import PushMessage, Text
from notifications.models import Category
from notifications.service import notify
from tests.support.live import LiveClient, api_processes
from tests.support.services import redis_url
from tests.support.sessions import mint_tokens

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIPTION = (ROOT / "mobile_contract/operations/live/NotificationReceived.graphql").read_text()
MESSAGE = PushMessage(
    category=Category.HEALTH,
    type="appointment.reminder",
    title=Text.of("Nhắc lịch khám", "Appointment reminder"),
    body=Text.of("Lịch khám của bạn vào sáng mai.", "Your appointment is tomorrow morning."),
    deep_link="citizenhub://appointments/bench",
    data={"appointmentId": "bench"},
)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Shim:
    """What `mint_tokens` needs of the test suite's `Api`."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sessions = app.state.services.sessions


async def add_people(sessions: Any, count: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    now = utcnow()
    async with UnitOfWork(sessions) as uow:
        uow.session.add_all(
            User(
                id=user_id,
                phone=f"+8490{8000000 + number}",
                email=None,
                password_hash="!",  # noqa: S106 (no password: the benchmark mints tokens)
                display_name=f"Bench {number}",
                is_active=True,
                phone_verified_at=now,
                created_at=now,
            )
            for number, user_id in enumerate(ids)
        )
        await uow.session.flush()
        uow.session.add_all(
            RoleAssignment(id=uuid.uuid4(), user_id=u, role=Role.RESIDENT, created_at=now)
            for u in ids
        )
    return ids


async def open_sockets(url: str, tokens: list[str], batch: int = 50) -> list[LiveClient]:
    async def one(token: str) -> LiveClient:
        client = await LiveClient.open(url)
        acked = await client.init(token)
        assert acked["type"] == "connection_ack", acked
        await client.subscribe("inbox", SUBSCRIPTION)
        return client

    clients: list[LiveClient] = []
    for start in range(0, len(tokens), batch):
        clients += await asyncio.gather(*(one(t) for t in tokens[start : start + batch]))
    return clients


async def commit_notification(sessions: Any, celery: Any, user_ids: list[uuid.UUID]) -> float:
    """Commit one notification to each of `user_ids`; the moment the commit was asked for."""
    async with UnitOfWork(sessions, celery) as uow:
        await notify(uow, user_ids=user_ids, message=MESSAGE, now=utcnow())
        started = time.perf_counter()
    return started


async def run(count: int, events: int) -> None:
    live_redis = redis_url()
    redis.Redis.from_url(live_redis).flushdb()
    folder = Path(tempfile.mkdtemp(prefix="bench-subscriptions-"))
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'citizen.db'}",
        "CITIZEN_VAR_DIR": str(folder / "var"),
        "CITIZEN_ENV": "development",
        "LIVE_REDIS_URL": live_redis,
        "PYTHONPATH": str(ROOT),
        "DATABASE_POOL_SIZE": "10",
    }
    migrate = [sys.executable, "-m", "backend.cli", "migrate"]
    await asyncio.to_thread(subprocess.run, migrate, env={**os.environ, **env}, check=True)
    settings = Settings(**env)  # type: ignore[arg-type]
    app = create_app(settings)
    services = app.state.services
    people = await add_people(services.sessions, count)
    tokens = await mint_tokens(Shim(app), people)

    with api_processes(env, 1, folder) as (server,):
        pid = server.process.pid
        warm = await open_sockets(server.ws_url, tokens[:10])  # imports and caches warmed
        for client in warm:
            await client.close()
        await asyncio.sleep(1)
        before = rss_mib(pid)
        opened = time.perf_counter()
        clients = await open_sockets(server.ws_url, tokens)
        opening = time.perf_counter() - opened
        await asyncio.sleep(3)  # every subscription listening, idle
        held = rss_mib(pid)
        print(f"API process RSS: {before:.1f} MiB idle, {held:.1f} MiB with {count} subscriptions")
        print(f"  per subscription: {(held - before) * 1024 / count:.1f} KiB")
        print(f"  opening {count} sockets (init + subscribe): {opening:.1f} s")

        delays: list[float] = []
        for _ in range(events):
            target = random.randrange(count)
            target_ids = [people[target]]
            started = await commit_notification(services.sessions, services.celery, target_ids)
            message = await clients[target].receive(within=10)
            delays.append((time.perf_counter() - started) * 1000)
            assert message["type"] == "next", message
        print(
            f"one event at a time ({events}): p50 {statistics.median(delays):.1f} ms, "
            f"p99 {percentile(delays, 0.99):.1f} ms, max {max(delays):.1f} ms"
        )

        async def arrival(client: LiveClient) -> float:
            await client.receive(within=30)
            return time.perf_counter()

        waiting = [asyncio.create_task(arrival(c)) for c in clients]
        await asyncio.sleep(0)
        started = await commit_notification(services.sessions, services.celery, people)
        arrived = [(t - started) * 1000 for t in await asyncio.gather(*waiting)]
        print(
            f"one commit to all {count}: p50 {statistics.median(arrived):.0f} ms, "
            f"p99 {percentile(arrived, 0.99):.0f} ms, last {max(arrived):.0f} ms"
        )
        print(f"API process RSS after: {rss_mib(pid):.1f} MiB")
        for client in clients:
            await client.close()
    await services.live.close()
    await services.close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.subscriptions, args.events))


if __name__ == "__main__":
    main()
