"""Background work leaves only after the commit, through a real broker and a real worker."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import RefreshToken, User
from backend.identity.tasks import purge_expired_refresh_tokens
from backend.settings import Settings
from backend.worker.celery_app import create_celery


@pytest.fixture(params=["filesystem", "redis"])
def broker(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        return settings.model_copy(update={"broker_url": url})
    return settings


def queued(settings: Settings) -> int:
    if settings.broker_url:
        client = redis.Redis.from_url(settings.broker_url)
        try:
            return int(client.llen("celery"))
        finally:
            client.close()
    return len(list(Path(settings.broker_folder, "queue").glob("*")))


async def _tokens(sessions: Any) -> list[str]:
    async with sessions() as session:
        return sorted((await session.scalars(select(RefreshToken.token_hash))).all())


async def _add_tokens(sessions: Any) -> None:
    now = utcnow()
    async with sessions() as session:
        user = User(id=uuid.uuid4(), phone="+84905123456", password_hash="x", display_name="An")
        session.add(user)
        await session.flush()
        for name, expires in (("old", now - timedelta(days=8)), ("live", now + timedelta(days=1))):
            session.add(
                RefreshToken(
                    family_id=uuid.uuid4(), user_id=user.id, token_hash=name, expires_at=expires
                )
            )
        await session.commit()


async def test_rolled_back_work_is_never_sent_and_committed_work_runs(
    api: Any, broker: Settings
) -> None:
    celery = create_celery(broker)
    sessions = api.sessions
    await _add_tokens(sessions)

    def enqueue() -> None:
        celery.send_task(purge_expired_refresh_tokens.name)

    with pytest.raises(RuntimeError):
        async with UnitOfWork(sessions) as uow:
            uow.session.add(User(phone="+84905999999", password_hash="x", display_name="Ghost"))
            uow.after_commit(enqueue)
            raise RuntimeError("the request failed")

    assert queued(broker) == 0
    async with sessions() as session:
        assert await session.scalar(select(User).where(User.phone == "+84905999999")) is None

    async with UnitOfWork(sessions) as uow:
        uow.session.add(User(phone="+84905888888", password_hash="x", display_name="Real"))
        uow.after_commit(enqueue)
    assert queued(broker) == 1

    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + 60  # a generous wait on a loaded machine
        while await _tokens(sessions) != ["live"] and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    assert await _tokens(sessions) == ["live"]
    assert queued(broker) == 0
