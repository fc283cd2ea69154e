"""FCM's failures through the lean sender, over real HTTP to the fake: nothing is re-posted
when FCM may already have delivered it, and a 429/503 makes every worker back off together."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import redis
from firebase_admin import App
from sqlalchemy import select

from notifications.dispatch import MAX_INLINE_WAIT, Dispatcher
from notifications.fcm_http import HttpGateway
from notifications.models import Delivery, DeliveryStatus
from notifications.rate_limiter import RedisRateLimiter
from tests.fakes.fcm import FakeFCM
from tests.notifications.conftest import add_device, booked, notify_now

RESIDENT = "+84905000001"


async def deliveries(api: Any) -> dict[str, tuple[DeliveryStatus, int, str | None]]:
    async with api.sessions() as session:
        rows = (await session.scalars(select(Delivery))).all()
    return {str(row.device_id): (row.status, row.attempts, row.error) for row in rows}


async def test_a_500_is_sent_once_more_by_the_retry_never_at_once(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "flaky")
    fcm.fail("flaky", "INTERNAL")
    ids = await notify_now(seeded, [RESIDENT], booked(urgent=True))
    sending = Dispatcher(seeded.sessions, gateway)

    first = await sending.dispatch(ids, owner="task-1")

    assert fcm.attempts_for("flaky") == 1  # no retry inside the sender
    assert (first.unknown, first.retry_in, first.finished) == (1, 0.0, [])
    [(status, attempts, error)] = (await deliveries(seeded)).values()
    assert (status, attempts, error) == (DeliveryStatus.RETRYING, 1, "INTERNAL")

    second = await sending.dispatch(ids, owner="task-1")  # the task's retry
    third = await sending.dispatch(ids, owner="task-1")

    assert fcm.attempts_for("flaky") == 2
    assert (second.unknown, second.failed, second.retry_in, second.finished) == (1, 1, None, ids)
    assert third.finished == []  # already dispatched: nothing claimed
    [(status, attempts, error)] = (await deliveries(seeded)).values()
    assert (status, attempts, error) == (DeliveryStatus.FAILED, 2, "INTERNAL")


async def test_a_read_timeout_is_an_unknown_outcome_not_a_resend(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "slow")
    await add_device(seeded, RESIDENT, "quick")
    fcm.delay("slow", 1.0)  # longer than the sender's 0.5 s read timeout
    ids = await notify_now(seeded, [RESIDENT], booked())

    report = await Dispatcher(seeded.sessions, gateway).dispatch(ids, owner="task-1")

    assert (report.sent, report.unknown) == (1, 1)
    await asyncio.sleep(0.7)  # the fake finishes its slow answer
    assert fcm.attempts_for("slow") == 1
    assert len(fcm.sent_to("slow")) == 1  # FCM did deliver it, which is why we must not repeat
    assert sorted(v[2] or "" for v in (await deliveries(seeded)).values()) == ["", "NO_ANSWER"]


async def test_a_429_pushes_every_workers_timeline_and_becomes_a_task_retry(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway, redis_url: str
) -> None:
    await add_device(seeded, RESIDENT, "first")
    await add_device(seeded, RESIDENT, "second")
    fcm.fail("first", "QUOTA_EXCEEDED", retry_after=30)
    ids = await notify_now(seeded, [RESIDENT], booked())
    limiter = RedisRateLimiter(redis.Redis.from_url(redis_url), 1000, key="test:push-rate")
    other_worker = RedisRateLimiter(redis.Redis.from_url(redis_url), 1000, key="test:push-rate")

    report = await Dispatcher(seeded.sessions, gateway, limiter, chunk=1).dispatch(
        ids, owner="task-1"
    )

    assert report.retry_in is not None
    assert report.retry_in > MAX_INLINE_WAIT  # no sleeping worker: the task retries later
    assert fcm.attempts_for("first") == 1
    assert fcm.attempts_for("second") == 0  # held back, not sent into the quota wall
    assert other_worker.reserve(1) == pytest.approx(30, abs=1)
    assert report.finished == []
    [(status, attempts, error)] = (await deliveries(seeded)).values()
    assert (status, attempts, error) == (DeliveryStatus.RETRYING, 1, "QUOTA_EXCEEDED")


async def test_an_expired_access_token_is_refreshed_and_the_message_sent_once(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "phone")
    sending = Dispatcher(seeded.sessions, gateway)
    await sending.dispatch(await notify_now(seeded, [RESIDENT], booked("a1")), owner="t1")
    fcm.revoke_tokens()  # FCM no longer accepts the token the sender holds

    report = await sending.dispatch(await notify_now(seeded, [RESIDENT], booked("a2")), owner="t2")

    assert report.sent == 1
    assert fcm.token_requests == 2
    assert [m["data"]["appointmentId"] for m in fcm.sent_to("phone")] == ["a1", "a2"]


async def test_connections_are_kept_alive_and_bounded(
    seeded: Any, fcm: FakeFCM, fcm_app: App
) -> None:
    for n in range(60):
        await add_device(seeded, RESIDENT, f"phone-{n}")
    sender = HttpGateway(fcm_app, pool_size=8)
    sending = Dispatcher(seeded.sessions, sender)

    for number in ("a1", "a2"):
        report = await sending.dispatch(
            await notify_now(seeded, [RESIDENT], booked(number)), owner=number
        )
        assert report.sent == 60

    assert fcm.connections_opened <= 8 + 1  # + the access-token request's
    await sender.close()
