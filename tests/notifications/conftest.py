"""Fixtures for the push pipeline: the FCM fake, a firebase-admin app pointed at it, people with
phones."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from firebase_admin import App
from sqlalchemy import select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale
from backend.identity.models import User
from notifications.fcm_http import HttpGateway
from notifications.messages import PushMessage, Text
from notifications.models import Category, Platform, TargetKind
from notifications.service import DeviceRegistration, notify, register_device
from tests.fakes.fcm import NO_BACKOFF_RETRY, FakeFCM, firebase_app


@pytest.fixture
def fcm() -> Iterator[FakeFCM]:
    with FakeFCM() as fake:
        yield fake


@pytest.fixture
def fcm_app(fcm: FakeFCM, tmp_path: Path) -> Iterator[App]:
    with firebase_app(fcm, tmp_path, retry=NO_BACKOFF_RETRY) as app:
        yield app


@pytest.fixture
async def gateway(fcm_app: App) -> AsyncIterator[HttpGateway]:
    """The lean sender on the fake, with a short read timeout for the timeout tests."""
    sender = HttpGateway(fcm_app, read_timeout=0.5)
    yield sender
    await sender.close()


async def user_id(api: Any, phone: str) -> uuid.UUID:
    async with api.sessions() as session:
        found = await session.scalar(select(User.id).where(User.phone == phone))
    assert found is not None
    return found


async def add_device(
    api: Any,
    phone: str,
    target: str,
    *,
    locale: Locale = Locale.VI,
    kind: TargetKind = TargetKind.TOKEN,
) -> None:
    owner = await user_id(api, phone)
    async with UnitOfWork(api.sessions) as uow:
        await register_device(
            uow,
            owner,
            DeviceRegistration(
                target=target,
                target_kind=kind,
                platform=Platform.ANDROID,
                locale=locale,
                app_version="1.0.0",
            ),
            utcnow(),
        )


def booked(number: str = "a1", *, urgent: bool = False) -> PushMessage:
    return PushMessage(
        category=Category.TRAFFIC if urgent else Category.HEALTH,
        type="flood.warning" if urgent else "appointment.booked",
        title=Text.of(vi="Đặt lịch thành công", en="Appointment booked"),
        body=Text.of(vi="Xem chi tiết trong ứng dụng.", en="See the details in the app."),
        deep_link=f"citizenhub://appointments/{number}",
        data={"appointmentId": number},
        urgent=urgent,
    )


async def notify_now(
    api: Any, phones: list[str], message: PushMessage, tasks: Any = None
) -> list[uuid.UUID]:
    recipients = [await user_id(api, phone) for phone in phones]
    async with UnitOfWork(api.sessions, tasks or api.app.state.services.celery) as uow:
        return await notify(uow, user_ids=recipients, message=message, now=utcnow())
