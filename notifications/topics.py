"""FCM topics for public alerts: one per ward and language (`ward-<slug>-<language>`).

A device belongs to the topic of its home ward in its language. What it should belong to is
written in the caller's transaction (pending rows); `sync` then tells FCM in batches of up to
1,000 tokens (firebase-admin's topic management) and keeps a batch's failures pending, so the
next sync (a task retry, or the periodic one) tries them again.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import firebase_admin
from firebase_admin import exceptions, messaging
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale
from notifications import topics_repository as repository
from notifications.models import TopicState

SYNC_TOPICS_TASK = "notifications.sync_topics"
TOPIC_BATCH = 1000  # the most firebase-admin takes in one (un)subscription call
MAX_ATTEMPTS = 8
WARD_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # FCM topics allow [a-zA-Z0-9-_.~%]


def topic_for(ward: str, locale: Locale) -> str:
    return f"ward-{ward}-{locale.value}"


async def want(
    session: AsyncSession, device_id: uuid.UUID, topic: str | None, now: datetime
) -> bool:
    """Make `topic` (or none) the device's only wanted topic; True when FCM must be told."""
    current = await repository.subscriptions_of(session, device_id)
    changes = [
        (name, TopicState.UNSUBSCRIBE)
        for name, state in current.items()
        if name != topic and state is not TopicState.UNSUBSCRIBE
    ]
    if topic is not None and current.get(topic, TopicState.UNSUBSCRIBE) is TopicState.UNSUBSCRIBE:
        changes.append((topic, TopicState.SUBSCRIBE))
    await repository.set_states(session, device_id, changes, now)
    return bool(changes)


class TopicManager(Protocol):
    async def change(self, topic: str, tokens: Sequence[str], subscribe: bool) -> list[str | None]:
        """(Un)subscribe tokens; return each token's error code, None where it worked."""
        ...


class FirebaseTopics:
    """firebase-admin's topic management (FCM v1 registrations API, one request per token,
    from its own pool of threads); run off the event loop."""

    def __init__(self, app: firebase_admin.App) -> None:
        self.app = app

    async def change(self, topic: str, tokens: Sequence[str], subscribe: bool) -> list[str | None]:
        call = messaging.subscribe_to_topic if subscribe else messaging.unsubscribe_from_topic
        try:
            response = await asyncio.to_thread(call, list(tokens), topic, self.app)
        except (exceptions.FirebaseError, ValueError) as error:
            return [str(getattr(error, "code", None) or "invalid")[:64]] * len(tokens)
        errors: list[str | None] = [None] * len(tokens)
        for info in response.errors:
            errors[info.index] = str(info.reason)[:64]
        return errors


class LogTopics:
    """Without FCM credentials there are no topics to keep; every change is accepted."""

    async def change(self, topic: str, tokens: Sequence[str], subscribe: bool) -> list[str | None]:
        return [None] * len(tokens)


async def sync(
    sessions: async_sessionmaker[AsyncSession], manager: TopicManager, now: datetime
) -> int:
    """Tell FCM the pending (un)subscriptions; return how many are still pending after errors."""
    async with UnitOfWork(sessions) as uow:
        pending = await repository.pending(uow.session, MAX_ATTEMPTS, limit=20 * TOPIC_BATCH)
    batches: dict[tuple[str, TopicState], list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for row in pending:
        batches[(row.topic, row.state)].append((row.device_id, row.target))
    failed = 0
    for (topic, state), members in batches.items():
        for start in range(0, len(members), TOPIC_BATCH):
            batch = members[start : start + TOPIC_BATCH]
            subscribe = state is TopicState.SUBSCRIBE
            errors = await manager.change(topic, [target for _, target in batch], subscribe)
            done = [device for (device, _), error in zip(batch, errors, strict=True) if not error]
            refused = [
                (device, error) for (device, _), error in zip(batch, errors, strict=True) if error
            ]
            async with UnitOfWork(sessions) as uow:
                await repository.confirm(uow.session, topic, done, subscribe, now)
                await repository.refused(uow.session, topic, refused, now)
            failed += len(refused)
    return failed
