"""Dispatch through the real firebase-admin client to the FCM fake."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from typing import Any

import pytest
from firebase_admin import App
from sqlalchemy import select, update

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale, Translated
from notifications.dispatch import Dispatcher, retry_delay
from notifications.fcm_http import HttpGateway
from notifications.gateways import FcmGateway, PushGateway
from notifications.models import Category, Delivery, DeliveryStatus, Device, Notification
from notifications.service import prune_stale_devices, update_preferences
from tests.fakes.fcm import FakeFCM
from tests.notifications.conftest import add_device, booked, notify_now, user_id

RESIDENT = "+84905000001"


def dispatcher(api: Any, gateway: PushGateway, **options: Any) -> Dispatcher:
    return Dispatcher(api.sessions, gateway, **options)


async def rows(api: Any, model: Any) -> list[Any]:
    async with api.sessions() as session:
        return list((await session.scalars(select(model))).all())


@pytest.mark.parametrize("kind", ["http", "send_each"])
async def test_each_device_gets_its_language_and_only_ids(
    seeded: Any, fcm: FakeFCM, fcm_app: App, gateway: HttpGateway, kind: str
) -> None:
    await add_device(seeded, RESIDENT, "token-vi")
    await add_device(seeded, RESIDENT, "token-en", locale=Locale.EN)
    [notification_id] = await notify_now(seeded, [RESIDENT], booked("a1"))

    sender = gateway if kind == "http" else FcmGateway(fcm_app)
    report = await dispatcher(seeded, sender).dispatch([notification_id], owner="task-1")

    assert report.sent == 2
    vi, en = fcm.sent_to("token-vi")[0], fcm.sent_to("token-en")[0]
    assert vi["notification"] == {
        "title": "Đặt lịch thành công",
        "body": "Xem chi tiết trong ứng dụng.",
    }
    assert en["notification"] == {
        "title": "Appointment booked",
        "body": "See the details in the app.",
    }
    assert vi["data"] == {
        "type": "appointment.booked",
        "notification_id": str(notification_id),
        "deep_link": "citizenhub://appointments/a1",
        "appointmentId": "a1",
    }
    assert vi["android"]["priority"] == "normal"
    assert vi["android"]["collapse_key"] == str(notification_id)
    assert vi["apns"]["headers"]["apns-priority"] == "5"
    [notification] = await rows(seeded, Notification)
    assert notification.dispatched_at is not None
    assert {d.status for d in await rows(seeded, Delivery)} == {DeliveryStatus.SENT}


async def test_pushes_from_the_catalogue_speak_each_devices_language(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    for token, locale in (("t-vi", Locale.VI), ("t-fr", Locale.FR), ("t-ja", Locale.JA)):
        await add_device(seeded, RESIDENT, token, locale=locale)
    message = replace(
        booked("a2"),
        title=Translated.from_catalogue("health.push.booked.title"),
        body=Translated.from_catalogue("health.push.booked.body", when="08:30", number=4),
    )
    [notification_id] = await notify_now(seeded, [RESIDENT], message)

    report = await dispatcher(seeded, gateway).dispatch([notification_id], owner="task-1")

    assert report.sent == 3
    assert fcm.sent_to("t-vi")[0]["notification"] == {
        "title": "Đã đặt lịch khám",
        "body": "Lịch hẹn lúc 08:30, số thứ tự 4.",
    }
    # French has the title; the body falls back to English.
    assert fcm.sent_to("t-fr")[0]["notification"] == {
        "title": "Rendez-vous réservé",
        "body": "Your appointment is at 08:30, queue number 4.",
    }
    assert fcm.sent_to("t-ja")[0]["notification"]["title"] == "予約が完了しました"
    [stored] = await rows(seeded, Notification)
    assert stored.title.get(Locale.KO) == "예약 완료"


async def test_dead_tokens_deactivate_their_devices(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    for token in ("gone", "garbage", "fine"):
        await add_device(seeded, RESIDENT, token)
    fcm.fail("gone", "UNREGISTERED")
    fcm.fail("garbage", "INVALID_ARGUMENT")
    ids = await notify_now(seeded, [RESIDENT], booked())

    report = await dispatcher(seeded, gateway).dispatch(ids, owner="task-1")

    assert (report.sent, report.dead_targets, report.retry_in) == (1, 2, None)
    active = {d.target: d.active for d in await rows(seeded, Device)}
    assert active == {"gone": False, "garbage": False, "fine": True}
    # The next notification goes to the live phone only.
    more = await notify_now(seeded, [RESIDENT], booked("a2"))
    await dispatcher(seeded, gateway).dispatch(more, owner="task-2")
    assert fcm.attempts_for("gone") == 1
    assert len(fcm.sent_to("fine")) == 2


async def test_transient_errors_are_retried_then_given_up(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "busy")
    await add_device(seeded, RESIDENT, "fine")
    fcm.fail("busy", "QUOTA_EXCEEDED")
    ids = await notify_now(seeded, [RESIDENT], booked())
    sending = dispatcher(seeded, gateway, max_attempts=3)

    reports = [await sending.dispatch(ids, owner="task-1") for _ in range(4)]

    assert [r.retry_in is not None for r in reports] == [True, True, False, False]
    assert fcm.attempts_for("busy") == 3  # bounded
    assert len(fcm.sent_to("fine")) == 1  # a device already reached is never sent again
    statuses = {d.error: d.status for d in await rows(seeded, Delivery)}
    assert statuses == {"QUOTA_EXCEEDED": DeliveryStatus.FAILED, None: DeliveryStatus.SENT}
    [notification] = await rows(seeded, Notification)
    assert notification.dispatched_at is not None


async def test_retry_after_is_honoured(seeded: Any, fcm: FakeFCM, gateway: HttpGateway) -> None:
    await add_device(seeded, RESIDENT, "slow-down")
    fcm.fail("slow-down", "UNAVAILABLE", retry_after=1)
    ids = await notify_now(seeded, [RESIDENT], booked())

    report = await dispatcher(seeded, gateway).dispatch(ids, owner="task-1")

    assert report.retry_in == 1.0
    assert all(retry_delay(attempt, report.retry_in) >= 1.0 for attempt in range(1, 6))
    assert retry_delay(1, None) <= 2.0  # the first backoff stays short


async def test_apns_credential_problems_are_not_retried(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "iphone")
    fcm.fail("iphone", "THIRD_PARTY_AUTH_ERROR")
    ids = await notify_now(seeded, [RESIDENT], booked())

    report = await dispatcher(seeded, gateway).dispatch(ids, owner="task-1")

    assert (report.failed, report.retry_in) == (1, None)
    [device] = await rows(seeded, Device)
    assert device.active  # the phone is fine; our APNs credentials are not


async def test_a_redelivered_task_skips_devices_already_sent(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "one")
    await add_device(seeded, RESIDENT, "two")
    ids = await notify_now(seeded, [RESIDENT], booked())
    await dispatcher(seeded, gateway).dispatch(ids, owner="task-1")
    # The worker died after sending but before marking the notification dispatched.
    async with seeded.sessions() as session:
        await session.execute(update(Notification).values(dispatched_at=None))
        await session.commit()

    report = await dispatcher(seeded, gateway).dispatch(ids, owner="task-1")

    assert report.sent == 0
    assert (len(fcm.sent_to("one")), len(fcm.sent_to("two"))) == (1, 1)
    [notification] = await rows(seeded, Notification)
    assert notification.dispatched_at is not None


async def test_another_dispatcher_cannot_take_a_claimed_notification(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "one")
    ids = await notify_now(seeded, [RESIDENT], booked())
    async with seeded.sessions() as session:
        await session.execute(
            update(Notification).values(
                lease_owner="task-1", lease_until=utcnow() + timedelta(minutes=5)
            )
        )
        await session.commit()

    report = await dispatcher(seeded, gateway).dispatch(ids, owner="sweep")

    assert report.sent == 0
    assert fcm.sent_to("one") == []


async def test_switched_off_categories_and_quiet_hours(
    seeded: Any, fcm: FakeFCM, gateway: HttpGateway
) -> None:
    await add_device(seeded, RESIDENT, "phone")
    owner = await user_id(seeded, RESIDENT)
    now = utcnow()
    local_hour = (now.hour + 7) % 24  # Asia/Ho_Chi_Minh is UTC+7 all year
    async with UnitOfWork(seeded.sessions) as uow:
        await update_preferences(
            uow,
            owner,
            categories={Category.HEALTH: False},
            quiet_hours=(time((local_hour - 1) % 24), time((local_hour + 2) % 24)),
            clear_quiet_hours=False,
        )
    health = await notify_now(seeded, [RESIDENT], booked("h1"))
    flood = await notify_now(seeded, [RESIDENT], booked("f1", urgent=True))
    incident = replace(
        booked("t1"),
        category=Category.TRAFFIC,
        type="traffic.incident",
        deep_link="citizenhub://traffic/t1",
        data={"incidentId": "t1"},
    )
    traffic = await notify_now(seeded, [RESIDENT], incident)

    report = await dispatcher(seeded, gateway).dispatch(health + flood + traffic, owner="task-1")

    sent = [message["data"]["type"] for message in fcm.sent_to("phone")]
    assert sent == ["flood.warning"]  # urgent public safety bypasses quiet hours
    assert report.deferred == 1  # the traffic notice waits for the end of quiet hours
    by_id = {n.id: n for n in await rows(seeded, Notification)}
    assert by_id[health[0]].dispatched_at is not None  # in the inbox, never pushed
    assert by_id[traffic[0]].dispatched_at is None
    deferred_until = by_id[traffic[0]].send_after
    assert deferred_until is not None
    assert deferred_until > now


async def test_devices_silent_for_two_months_are_pruned(seeded: Any) -> None:
    await add_device(seeded, RESIDENT, "old-phone")
    await add_device(seeded, RESIDENT, "new-phone")
    async with seeded.sessions() as session:
        await session.execute(
            update(Device)
            .where(Device.target == "old-phone")
            .values(last_seen_at=utcnow() - timedelta(days=61))
        )
        await session.commit()

    async with UnitOfWork(seeded.sessions) as uow:
        pruned = await prune_stale_devices(uow.session, utcnow())

    assert pruned == 1
    active = {d.target: d.active for d in await rows(seeded, Device)}
    assert active == {"old-phone": False, "new-phone": True}
