"""Fixed-window counters in the database, shared by every API process: how many SMS one phone
number, one device installation and one client address may cause per window."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.dialect import insert_ignoring_conflicts
from backend.errors import RateLimited
from backend.identity.models import RateCounter


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    key: str
    allowed: int


async def spend(
    session: AsyncSession,
    limits: Sequence[Limit],
    window: timedelta,
    now: datetime,
    *,
    message_key: str = "verification.too_many",
) -> None:
    """Count one event on every counter, or refuse it (counting nothing) when one is spent;
    other domains name their own refusal text."""
    if not limits:
        return
    for limit in limits:
        await insert_ignoring_conflicts(
            session,
            RateCounter,
            {
                "id": uuid.uuid4(),
                "scope": limit.scope,
                "key": limit.key,
                "count": 0,
                "window_started_at": now,
            },
        )
    statement = (
        select(RateCounter)
        .where(or_(*(and_(RateCounter.scope == x.scope, RateCounter.key == x.key) for x in limits)))
        .with_for_update()
    )
    counters = {(c.scope, c.key): c for c in (await session.scalars(statement)).all()}
    for counter in counters.values():
        if now - counter.window_started_at >= window:
            counter.count, counter.window_started_at = 0, now
    for limit in limits:
        counter = counters[(limit.scope, limit.key)]
        if counter.count >= limit.allowed:
            wait = counter.window_started_at + window - now
            raise RateLimited(
                message_key,
                retry_after_seconds=max(1, math.ceil(wait.total_seconds())),
            )
    for counter in counters.values():
        counter.count += 1
    await session.flush()
