"""Who lives where: the signed-in people whose phones name a ward as their home ward."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.models import Device


async def users_at_home_in(session: AsyncSession, wards: Sequence[str]) -> list[uuid.UUID]:
    """Accounts with an active device whose home ward is one of `wards` (indexed on the ward)."""
    if not wards:
        return []
    found = await session.scalars(
        select(Device.user_id)
        .where(Device.home_ward.in_(list(wards)), Device.active.is_(True))
        .distinct()
    )
    return list(found)
