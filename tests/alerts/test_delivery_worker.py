"""An issued alert through the real pipeline: the Celery worker resolves its wards, pushes each
ward's language topics to the FCM fake once, and residents get an inbox entry (not a second
push); an exercise over the same wards sends nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from backend.alerts import operators
from backend.alerts.areas import Area
from backend.alerts.models import Severity, Status, Urgency
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale
from backend.seed.demo import stable_id
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from notifications import firebase_private
from notifications.models import Notification
from tests.alerts.conftest import home_device
from tests.alerts.test_matching import ACROSS_TWO, HERE, _content
from tests.fakes.fcm import FakeFCM

OPERATOR = stable_id("user", "+84905000003")
SECOND = stable_id("user", "+84905000021")


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


@pytest.fixture
def fcm() -> Iterator[FakeFCM]:
    with FakeFCM() as fake:
        yield fake


async def wait_for(condition: Callable[[], Awaitable[bool] | bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if await found if isinstance(found, Awaitable) else found:
            return
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def _inbox(api: Any) -> list[Notification]:
    async with api.sessions() as session:
        return list((await session.scalars(select(Notification))).all())


async def test_an_issued_alert_reaches_its_wards_topics_and_residents_once(
    seeded: Any, pipeline: Settings, fcm: FakeFCM
) -> None:
    celery = create_celery(pipeline)
    await home_device(seeded, "+84905000001", "phone-kim-long", "kim-long")
    polygon = Area(HERE, polygons=(ACROSS_TWO + ACROSS_TWO[:1],))
    now = utcnow()
    async with UnitOfWork(seeded.sessions, celery) as uow:
        alert = await operators.draft(uow, OPERATOR, _content(polygon), now)
        drill = await operators.draft(
            uow,
            OPERATOR,
            _content(
                polygon, Status.EXERCISE, severity=Severity.EXTREME, urgency=Urgency.IMMEDIATE
            ),
            now,
        )
    async with UnitOfWork(seeded.sessions, celery) as uow:
        await operators.approve(uow, SECOND, alert.id, now)
        await operators.issue(uow, OPERATOR, alert.id, now)
        await operators.issue(uow, OPERATOR, drill.id, now)  # alone: Extreme + Immediate

    topics = [f"ward-{w}-{lo.value}" for w in ("kim-long", "thuan-hoa") for lo in Locale]
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        await wait_for(lambda: all(fcm.sent_to(t) for t in topics))
        await wait_for(lambda: _inbox(seeded))
        await asyncio.sleep(0.5)  # room for a wrong second message to show up
        celery.send_task("alerts.deliver", args=[str(alert.id)])  # a repeated delivery
        await asyncio.sleep(1.0)

    assert {t: len(fcm.sent_to(t)) for t in topics} == dict.fromkeys(topics, 1)
    pushed = fcm.sent_to("ward-thuan-hoa-en")[0]
    assert pushed["notification"]["title"] == "Kim Long above alarm II"
    assert pushed["data"]["deep_link"] == f"citizenhub://alerts/{alert.id}"
    assert pushed["data"]["alertId"] == str(alert.id)
    # The resident's phone had it through its ward's topic: the inbox entry is not pushed again.
    assert fcm.sent_to("phone-kim-long") == []
    [entry] = await _inbox(seeded)
    assert (entry.type, entry.deep_link) == ("alert.issued", f"citizenhub://alerts/{alert.id}")
    assert entry.dispatched_at is not None
    sent_ids = {m["data"].get("alertId") for m in fcm.messages}
    assert sent_ids == {str(alert.id)}  # the exercise reached no one
