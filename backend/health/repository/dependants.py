"""Dependants, and the per-account lock that serialises bookings and new dependants."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.dialect import insert_ignoring_conflicts
from backend.health.models import BookingLock, Dependant


async def dependants_of(session: AsyncSession, account_id: uuid.UUID) -> Sequence[Dependant]:
    statement = (
        select(Dependant)
        .where(Dependant.account_id == account_id)
        .order_by(Dependant.created_at, Dependant.id)
    )
    return (await session.scalars(statement)).all()


async def dependants_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Dependant]:
    return (await session.scalars(select(Dependant).where(Dependant.id.in_(ids)))).all()


async def lock_account(session: AsyncSession, account_id: uuid.UUID) -> None:
    """Serialise one account's bookings: create its lock row if missing, then lock it."""
    await insert_ignoring_conflicts(session, BookingLock, {"account_id": account_id})
    await session.execute(
        select(BookingLock.account_id).where(BookingLock.account_id == account_id).with_for_update()
    )
