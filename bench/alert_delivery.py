"""An alert over a large polygon, matched against the homes of 1,000,000 phones: how soon after
issue its wards are resolved and the first FCM topic request leaves.

    python -m bench.alert_delivery --devices 1000000 --wards 2500

PostgreSQL+PostGIS, Redis, two idle Celery workers (prefork), the fast FCM fake
(bench/fast_fcm.py). The data are generated in SQL: a grid of `--wards` square wards of about
1.1 km around Huế, `--devices` phones (one account per 20 phones) whose home wards are spread
over the grid. The alert is a 360-vertex polygon of about 17 km radius (subdivided by
`ST_Subdivide` when matched). Reported: the wards matched and when (the alert's `delivered_at`,
written with the wards' pushes), the first topic request at the fake, and the residents' inbox
step (distinct accounts among the phones whose home ward is inside).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import func, select, text

from backend.alerts.areas import Area
from backend.alerts.content import AlertContent
from backend.alerts.lifecycle import create, issue
from backend.alerts.models import (
    Alert,
    AlertWard,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Status,
    Urgency,
)
from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from bench import fast_fcm
from bench.fanout import ALERT, REDIS_URL, start_workers, stop_workers, wait_until_idle, worker_env
from notifications.broadcasts import notify_area
from notifications.models import Broadcast, Notification
from tests.support.databases import create_postgres_database, drop_postgres_database

CENTRE = (16.46, 107.59)  # lat, lon
CELL = 0.01  # degrees: about 1.1 km
RADIUS_DEG = 0.155  # about 17 km

WARDS_SQL = """
INSERT INTO wards (id, slug, name, boundary, created_at)
SELECT gen_random_uuid(), 'g-' || i, json_build_object('vi', 'Ô ' || i, 'en', 'Cell ' || i),
       ST_MakeEnvelope(CAST(:west AS float8) + (i % :side) * CAST(:cell AS float8),
                       CAST(:south AS float8) + (i / :side) * CAST(:cell AS float8),
                       CAST(:west AS float8) + (i % :side + 1) * CAST(:cell AS float8),
                       CAST(:south AS float8) + (i / :side + 1) * CAST(:cell AS float8),
                       4326)::geography,
       now()
FROM generate_series(0, :count - 1) AS i
"""
USERS_SQL = """
INSERT INTO users (id, phone, email, password_hash, display_name, locale, is_active, created_at)
SELECT gen_random_uuid(), NULL, NULL, 'x', 'Bench ' || i, 'vi', true, now()
FROM generate_series(1, :count) AS i
"""
DEVICES_SQL = """
WITH people AS (SELECT id, row_number() OVER () - 1 AS n FROM users WHERE password_hash = 'x')
INSERT INTO devices (id, user_id, target, target_kind, platform, locale, app_version, active,
                     last_seen_at, home_ward, created_at)
SELECT gen_random_uuid(), people.id, 'bench-' || i, 'token', 'android', 'vi', '1.0.0', true,
       now(), 'g-' || ((i::bigint * 7919) % :wards), now()
FROM generate_series(0, :count - 1) AS i JOIN people ON people.n = i % :people
"""


def alert_content() -> AlertContent:
    lat0, lon0 = CENTRE
    ring = [
        (
            round(lat0 + RADIUS_DEG * math.sin(2 * math.pi * k / 360), 6),
            round(lon0 + RADIUS_DEG * math.cos(2 * math.pi * k / 360), 6),
        )
        for k in range(360)
    ]
    ring.append(ring[0])
    text_ = Translated.of("Lũ lớn", "Major flood")
    return AlertContent(
        status=Status.ACTUAL,
        scope=Scope.PUBLIC,
        category=Category.MET,
        event=text_,
        urgency=Urgency.IMMEDIATE,
        severity=Severity.EXTREME,
        certainty=Certainty.OBSERVED,
        response_type=ResponseType.EVACUATE,
        headline=text_,
        description=text_,
        instruction=text_,
        areas=[Area(text_, polygons=(tuple(ring),))],
    )


async def generate(settings: Settings, wards: int, devices: int) -> None:
    engine = create_engine(settings)
    side = math.isqrt(wards)
    west, south = CENTRE[1] - side * CELL / 2, CENTRE[0] - side * CELL / 2
    async with engine.begin() as connection:
        await connection.execute(
            text(WARDS_SQL),
            {"west": west, "south": south, "side": side, "cell": CELL, "count": side * side},
        )
        await connection.execute(text(USERS_SQL), {"count": devices // 20})
        await connection.execute(
            text(DEVICES_SQL),
            {"count": devices, "wards": side * side, "people": devices // 20},
        )
        await connection.execute(text("ANALYZE"))
    await engine.dispose()


async def warm_up(settings: Settings) -> None:
    """One push to a ward nobody lives in, so the workers hold their FCM token and connection
    as running workers do."""
    engine = create_engine(settings)
    sessions, celery = create_session_factory(engine), create_celery(settings)
    for _ in range(2):  # one for each worker, most likely
        async with UnitOfWork(sessions, celery) as uow:
            await notify_area(uow, ward="warm-up", message=ALERT, now=utcnow())
    await engine.dispose()


async def raise_alert(settings: Settings) -> tuple[uuid.UUID, float]:
    engine = create_engine(settings)
    sessions, celery = create_session_factory(engine), create_celery(settings)
    async with UnitOfWork(sessions, celery) as uow:
        alert = await create(
            uow,
            alert_content(),
            msg_type=MsgType.ALERT,
            references=None,
            actor=None,
            rule=None,
            now=utcnow(),
        )
        await issue(uow, alert, actor=None, alone=True, now=utcnow())
        started = time.time()  # just before the commit: errs on the slow side
    await engine.dispose()
    return alert.id, started


async def outcome(settings: Settings, alert_id: uuid.UUID) -> dict[str, object]:
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        alert = await session.get(Alert, alert_id)
        wards = await session.scalar(
            select(func.count()).select_from(AlertWard).where(AlertWard.alert_id == alert_id)
        )
        inbox = await session.scalar(select(func.count()).select_from(Notification))
        dispatched = await session.scalar(
            select(func.count())
            .select_from(Broadcast)
            .where(Broadcast.dispatched_at.is_not(None), Broadcast.ward != "warm-up")
        )
    await engine.dispose()
    assert alert is not None
    assert alert.sent is not None
    return {
        "wards_matched": wards,
        "delivery_task_started_after_issue_s": _since(alert.delivered_at, alert.sent),
        "inbox_done": alert.inbox_delivered_at is not None,
        "inbox_entries": inbox,
        "wards_fully_sent": dispatched,
    }


def _since(later: object, earlier: object) -> float | None:
    if later is None:
        return None
    return round((later - earlier).total_seconds(), 3)  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--wards", type=int, default=2500)
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for delivery")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake, fcm = fast_fcm.start(scratch)
    env = worker_env(url, scratch, fcm)
    settings = Settings(**env)  # type: ignore[arg-type]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(settings)
        began = time.monotonic()
        asyncio.run(generate(settings, args.wards, args.devices))
        generated_s = time.monotonic() - began
        workers = start_workers(env, 2, 1)
        wait_until_idle(workers)
        asyncio.run(warm_up(settings))
        time.sleep(3.0)
        alert_id, started = asyncio.run(raise_alert(settings))
        deadline = time.monotonic() + args.wait
        result: dict[str, object] = {}
        seen: dict[str, float] = {}
        while time.monotonic() < deadline:
            time.sleep(0.2)
            result = asyncio.run(outcome(settings, alert_id))
            if result["inbox_done"] and "inbox" not in seen:
                seen["inbox"] = time.time() - started
            if result["wards_matched"] and result["wards_fully_sent"] == result["wards_matched"]:
                seen["all_topics"] = time.time() - started
                break
        result.update({f"{k}_seen_after_issue_s": round(v, 1) for k, v in seen.items()})
    finally:
        stop_workers(workers)
        counted = fast_fcm.stop(fake)
        drop_postgres_database(url)
    first = {
        topic: at
        for topic, at in counted["first_topic_send"].items()  # type: ignore[attr-defined]
        if not topic.startswith("ward-warm-up-")
    }
    print(
        json.dumps(
            {
                "devices": args.devices,
                "wards": args.wards,
                "generated_s": round(generated_s, 1),
                **result,
                "topic_requests": len(first),
                "first_topic_request_after_issue_s": round(min(first.values()) - started, 3)
                if first
                else None,
                "last_topic_request_after_issue_s": round(max(first.values()) - started, 3)
                if first
                else None,
                "messages_at_fake": counted["messages"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
