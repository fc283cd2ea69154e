"""The whole pipeline with a real Celery worker on Redis and firebase-admin to the FCM fake:
nothing sent for a rolled-back change, nothing lost when Redis blinks, and nothing sent twice
when a worker dies mid-task beyond the one chunk it had in flight."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import func, select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from notifications import firebase_private
from notifications.broadcasts import notify_area
from notifications.models import Delivery, DeliveryStatus, Device, Notification
from notifications.service import notify
from notifications.tasks import sweep
from tests.fakes.fcm import FakeFCM
from tests.notifications.conftest import add_device, booked, notify_now, user_id

RESIDENT = "+84905000001"
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def pipeline(
    settings: Settings, redis_url: str, fcm: FakeFCM, tmp_path: Path
) -> Iterator[Settings]:
    """Settings of workers that take tasks from Redis and push to the fake."""
    previous = firebase_private.fcm_url()
    yield settings.model_copy(
        update={
            "broker_url": redis_url,
            "fcm_credentials_file": fcm.service_account_file(tmp_path),
            "fcm_endpoint": fcm.fcm_url,
        }
    )
    firebase_private.set_fcm_url(previous)


async def wait_for(condition: Callable[[], Awaitable[bool]], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def sent_devices(api: Any) -> set[Any]:
    async with api.sessions() as session:
        statement = select(Delivery.device_id).where(Delivery.status == DeliveryStatus.SENT)
        return set((await session.scalars(statement)).all())


async def test_rolled_back_changes_send_nothing_and_committed_ones_arrive(
    seeded: Any, pipeline: Settings, fcm: FakeFCM
) -> None:
    celery = create_celery(pipeline)
    await add_device(seeded, RESIDENT, "phone")
    recipient = await user_id(seeded, RESIDENT)

    with pytest.raises(RuntimeError):
        async with UnitOfWork(seeded.sessions, celery) as uow:
            await notify(uow, user_ids=[recipient], message=booked("gone"), now=utcnow())
            raise RuntimeError("the booking failed after its notification was written")
    await notify_now(seeded, [RESIDENT], booked("kept"), tasks=celery)

    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        await wait_for(lambda: _has_sent(seeded))
        await asyncio.sleep(0.5)  # room for a wrong second message to show up

    assert [m["data"]["appointmentId"] for m in fcm.sent_to("phone")] == ["kept"]
    async with seeded.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 1


async def _has_sent(api: Any) -> bool:
    return bool(await sent_devices(api))


async def test_the_sweep_sends_what_the_broker_never_received(
    seeded: Any, pipeline: Settings, fcm: FakeFCM
) -> None:
    await add_device(seeded, RESIDENT, "phone")
    redis_down = create_celery(pipeline.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"}))
    redis_down.conf.task_publish_retry = False
    [lost] = await notify_now(seeded, [RESIDENT], booked("lost"), tasks=redis_down)

    celery = create_celery(pipeline)
    assert await sweep(seeded.sessions, celery, utcnow()) == 0  # still young: may be in flight
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert await sweep(seeded.sessions, celery, utcnow() + timedelta(minutes=1)) == 1
        await wait_for(lambda: _has_sent(seeded))

    assert [m["data"]["appointmentId"] for m in fcm.sent_to("phone")] == ["lost"]
    async with seeded.sessions() as session:
        notification = await session.get(Notification, lost)
        assert notification is not None
        assert notification.dispatched_at is not None


@contextmanager
def worker_process(
    settings: Settings, *options: str, **env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker in its own process, so that it can be killed like a crashed machine."""
    environment = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "CELERY_BROKER_URL": str(settings.broker_url),
        "CITIZEN_VAR_DIR": str(settings.var_dir),
        "FCM_CREDENTIALS_FILE": str(settings.fcm_credentials_file),
        "FCM_ENDPOINT": str(settings.fcm_endpoint),
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend.worker.main",
            "worker",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(options or ("--pool=solo",)),
        ],
        env=environment,
        cwd=REPOSITORY,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


async def test_a_worker_killed_mid_task_repeats_at_most_its_chunk_in_flight(
    seeded: Any, pipeline: Settings, fcm: FakeFCM
) -> None:
    chunk = 5
    for number in range(30):
        await add_device(seeded, RESIDENT, f"phone-{number:02d}")
    fcm.latency_seconds = 0.3  # each chunk takes a moment in flight
    env = {"PUSH_CHUNK_SIZE": str(chunk), "CELERY_VISIBILITY_TIMEOUT": "2"}
    await notify_now(seeded, [RESIDENT], booked("many"), tasks=create_celery(pipeline))

    with worker_process(pipeline, **env) as first:
        await wait_for(lambda: _at_least(seeded, 2 * chunk))
        first.kill()  # SIGKILL: no acknowledgement, no clean-up
        first.wait()
    committed_before_kill = await sent_devices(seeded)
    with worker_process(pipeline, **env):
        await wait_for(lambda: _at_least(seeded, 30), seconds=60)

    received = Counter(attempt.target for attempt in fcm.attempts if attempt.status == 200)
    assert set(received) == {f"phone-{number:02d}" for number in range(30)}  # nobody missed
    twice = [target for target, times in received.items() if times > 1]
    assert len(twice) <= chunk  # only the chunk in flight when the worker died
    async with seeded.sessions() as session:
        targets = {d.id: d.target for d in (await session.scalars(select(Device))).all()}
    assert not {targets[device] for device in committed_before_kill} & set(twice)


async def test_a_threads_worker_sends_the_tasks_its_threads_start_at_once(
    seeded: Any, pipeline: Settings, fcm: FakeFCM
) -> None:
    """Four queued tasks start together on four threads: each must find the one gateway of the
    process (firebase-admin refuses a second app of the same name), none may fail."""
    await add_device(seeded, RESIDENT, "phone")
    celery = create_celery(pipeline)
    for number in range(4):
        await notify_now(seeded, [RESIDENT], booked(f"t{number}"), tasks=celery)

    with worker_process(pipeline, "--pool=threads", "--concurrency=4"):
        await wait_for(lambda: _at_least_deliveries(seeded, 4), seconds=60)

    sent = sorted(m["data"]["appointmentId"] for m in fcm.sent_to("phone"))
    assert sent == ["t0", "t1", "t2", "t3"]


async def _at_least_deliveries(api: Any, count: int) -> bool:
    async with api.sessions() as session:
        sent = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.SENT)
        )
    return (sent or 0) >= count


async def _at_least(api: Any, count: int) -> bool:
    return len(await sent_devices(api)) >= count


async def test_a_ward_alert_goes_before_a_backlog_of_personal_pushes(
    seeded: Any, pipeline: Settings, fcm: FakeFCM
) -> None:
    """Forty personal dispatch tasks are queued, then one ward alert: a worker takes the alert
    from the urgent queue first, however long the backlog."""
    celery = create_celery(pipeline)
    await add_device(seeded, RESIDENT, "phone")
    for number in range(40):
        await notify_now(seeded, [RESIDENT], booked(f"b{number}"), tasks=celery)
    async with UnitOfWork(seeded.sessions, celery) as uow:
        await notify_area(uow, ward="phu-hoi", message=booked("flood", urgent=True), now=utcnow())

    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        await wait_for(lambda: _deliveries_sent(seeded, 40), seconds=60)
        await wait_for(lambda: _topics_sent(fcm))

    order = [attempt.target_field for attempt in fcm.attempts if not attempt.validate_only]
    first_topic = order.index("topic")
    # The solo worker may already hold one personal task when the alert is queued behind it.
    assert first_topic <= 1, order[:5]
    assert order.count("token") == 40


async def _deliveries_sent(api: Any, count: int) -> bool:
    async with api.sessions() as session:
        sent = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.SENT)
        )
    return (sent or 0) >= count


async def _topics_sent(fcm: FakeFCM) -> bool:
    return sum(1 for attempt in fcm.attempts if attempt.target_field == "topic") >= 6
