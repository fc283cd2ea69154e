"""Public alerts through ward topics: phones join their home ward's topic in their language
(firebase-admin's topic management against the fake, over HTTP), refused batches are retried,
and an alert is one request per language topic, sent again only where FCM may have missed it."""

from __future__ import annotations

from typing import Any

import pytest
from firebase_admin import App
from sqlalchemy import select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale
from notifications import topics
from notifications.broadcasts import notify_area, send_broadcast
from notifications.fcm_http import HttpGateway
from notifications.messages import InvalidPayload
from notifications.models import Broadcast, TopicState, TopicSubscription
from notifications.rate_limiter import NoLimit
from notifications.service import DeviceRegistration, register_device, unregister_device
from notifications.topics import FirebaseTopics
from tests.fakes.fcm import FakeFCM
from tests.notifications.conftest import booked, user_id
from tests.support.graphql import data, login, only_error

RESIDENT = "+84905000001"
REGISTER_DEVICE = """
mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { id locale } }
"""


class _Tasks:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_task(self, name: str, args: Any = None) -> object:
        self.sent.append(name)
        return None


async def register(api: Any, token: str, ward: str | None, locale: Locale = Locale.VI) -> list[str]:
    tasks = _Tasks()
    async with UnitOfWork(api.sessions, tasks) as uow:
        await register_device(
            uow,
            await user_id(api, RESIDENT),
            DeviceRegistration(token, "token", "android", locale, "1.0.0", home_ward=ward),  # type: ignore[arg-type]
            utcnow(),
        )
    return tasks.sent


async def states(api: Any) -> dict[str, TopicState]:
    async with api.sessions() as session:
        rows = (await session.scalars(select(TopicSubscription))).all()
    return {row.topic: row.state for row in rows}


async def test_phones_follow_their_home_ward_and_language(
    seeded: Any, fcm: FakeFCM, fcm_app: App
) -> None:
    manager = FirebaseTopics(fcm_app)
    assert await register(seeded, "phone-1", "phu-hoi") == [topics.SYNC_TOPICS_TASK]
    assert await register(seeded, "phone-2", "phu-hoi") == [topics.SYNC_TOPICS_TASK]
    assert await register(seeded, "phone-1", "phu-hoi") == []  # nothing changed: no task

    assert await topics.sync(seeded.sessions, manager, utcnow()) == 0
    assert fcm.subscribers("ward-phu-hoi-vi") == {"phone-1", "phone-2"}
    assert await states(seeded) == {"ward-phu-hoi-vi": TopicState.SUBSCRIBED}

    await register(seeded, "phone-1", "phu-hoi", Locale.EN)  # the language changed
    await register(seeded, "phone-2", "dong-ba")  # moved house
    assert await topics.sync(seeded.sessions, manager, utcnow()) == 0

    assert fcm.subscribers("ward-phu-hoi-vi") == set()
    assert fcm.subscribers("ward-phu-hoi-en") == {"phone-1"}
    assert fcm.subscribers("ward-dong-ba-vi") == {"phone-2"}
    async with UnitOfWork(seeded.sessions, _Tasks()) as uow:
        assert await unregister_device(uow, await user_id(seeded, RESIDENT), "phone-2")
    await topics.sync(seeded.sessions, manager, utcnow())
    assert fcm.subscribers("ward-dong-ba-vi") == set()
    assert await states(seeded) == {"ward-phu-hoi-en": TopicState.SUBSCRIBED}


async def test_a_refused_batch_stays_pending_and_is_retried(
    seeded: Any, fcm: FakeFCM, fcm_app: App
) -> None:
    manager = FirebaseTopics(fcm_app)
    for token in ("a", "b", "c"):
        await register(seeded, token, "kim-long")
    fcm.fail_topic_management(times=2)

    assert await topics.sync(seeded.sessions, manager, utcnow()) == 2
    assert len(fcm.subscribers("ward-kim-long-vi")) == 1
    async with seeded.sessions() as session:
        errors = sorted(str(r.error) for r in (await session.scalars(select(TopicSubscription))))
    assert errors == ["None", "RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED"]

    assert await topics.sync(seeded.sessions, manager, utcnow()) == 0  # the retry
    assert fcm.subscribers("ward-kim-long-vi") == {"a", "b", "c"}


async def test_the_app_names_a_ward_that_exists(seeded: Any) -> None:
    token = (await login(seeded))["accessToken"]
    variables = {
        "input": {"token": "t1", "platform": "ANDROID", "locale": "VI", "appVersion": "1.0"}
    }

    unknown = {"input": {**variables["input"], "homeWard": "atlantis"}}
    error = only_error(await seeded(REGISTER_DEVICE, unknown, token=token))
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "input.homeWard"
    assert await states(seeded) == {}

    known = {"input": {**variables["input"], "homeWard": "vinh-ninh"}}
    assert data(await seeded(REGISTER_DEVICE, known, token=token))["registerDevice"]["locale"]
    assert await states(seeded) == {"ward-vinh-ninh-vi": TopicState.SUBSCRIBE}


async def test_a_ward_alert_is_one_request_per_language_topic(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    async with UnitOfWork(seeded.sessions, _Tasks()) as uow:
        alert = await notify_area(
            uow, ward="phu-hoi", message=booked("f1", urgent=True), now=utcnow()
        )
    fcm.fail("ward-phu-hoi-en", "INTERNAL", times=1)  # FCM may or may not have sent it

    first = await send_broadcast(seeded.sessions, gateway, NoLimit(), alert, "task-1")

    assert first == 0.0  # the unknown topic is retried by the task
    assert len(fcm.attempts) == 6
    vi = fcm.sent_to("ward-phu-hoi-vi")[0]
    assert vi["notification"]["title"] == "Đặt lịch thành công"
    assert vi["android"] == {"collapse_key": str(alert), "priority": "high", "ttl": "86400s"}
    assert fcm.sent_to("ward-phu-hoi-fr")[0]["notification"]["title"] == "Appointment booked"

    assert await send_broadcast(seeded.sessions, gateway, NoLimit(), alert, "task-1") is None
    assert await send_broadcast(seeded.sessions, gateway, NoLimit(), alert, "task-1") is None
    assert len(fcm.attempts) == 7  # only the English topic, once
    async with seeded.sessions() as session:
        stored = await session.get(Broadcast, alert)
    assert stored is not None
    assert stored.dispatched_at is not None
    assert set(stored.topic_outcomes.values()) == {"sent"}


async def test_alerts_need_a_ward_slug(seeded: Any) -> None:
    with pytest.raises(InvalidPayload):
        async with UnitOfWork(seeded.sessions, _Tasks()) as uow:
            await notify_area(uow, ward="Phú Hội", message=booked(), now=utcnow())
