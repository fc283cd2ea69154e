"""Notices to businesses: who matches, deliveries, read receipts, the pages members read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business.models import (
    Business,
    BusinessStatus,
    Membership,
    MembershipStatus,
    Notice,
    NoticeDelivery,
    NoticeRead,
)
from backend.business.repository.rows import NOTICE, NoticeRow
from backend.db import keyset


async def matching_businesses(
    session: AsyncSession, vsic_prefixes: Sequence[str], ward_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Active businesses whose main industry starts with one of the prefixes (any, if none) and
    which lie in one of the wards (any, if none)."""
    statement = select(Business.id).where(Business.status == BusinessStatus.ACTIVE)
    if vsic_prefixes:
        statement = statement.where(
            or_(*(Business.vsic_main.startswith(p, autoescape=True) for p in vsic_prefixes))
        )
    if ward_ids:
        statement = statement.where(Business.ward_id.in_(ward_ids))
    return list(await session.scalars(statement.order_by(Business.id)))


async def add_notice(
    session: AsyncSession, notice: Notice, business_ids: Sequence[uuid.UUID]
) -> None:
    session.add(notice)
    await session.flush()
    if business_ids:
        await session.execute(
            insert(NoticeDelivery),
            [{"notice_id": notice.id, "business_id": business} for business in business_ids],
        )


def _with_read(user_id: uuid.UUID) -> Select[Any]:
    return select(*NOTICE).outerjoin(
        NoticeRead, and_(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == user_id)
    )


def _rows(found: Sequence[Any]) -> list[NoticeRow]:
    return [NoticeRow.of(row) for row in found]


async def notices_of_business(
    session: AsyncSession,
    business_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[NoticeRow]:
    """Notices a business received, newest first, with the reader's receipt."""
    statement = _with_read(user_id).where(
        exists(
            select(NoticeDelivery.notice_id).where(
                NoticeDelivery.notice_id == Notice.id, NoticeDelivery.business_id == business_id
            )
        )
    )
    statement = keyset.page(
        statement,
        key=Notice.published_at,
        row_id=Notice.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return _rows((await session.execute(statement)).all())


async def notices_for_member(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[NoticeRow]:
    """Notices among `ids` that reached a business the user actively acts for."""
    statement = _with_read(user_id).where(
        Notice.id.in_(ids),
        exists(
            select(NoticeDelivery.notice_id)
            .join(Membership, Membership.business_id == NoticeDelivery.business_id)
            .where(
                NoticeDelivery.notice_id == Notice.id,
                Membership.user_id == user_id,
                Membership.status == MembershipStatus.ACTIVE,
            )
        ),
    )
    return _rows((await session.execute(statement)).all())


async def mark_read(
    session: AsyncSession, notice_id: uuid.UUID, user_id: uuid.UUID, now: datetime
) -> None:
    """A receipt, once: the first reading counts."""
    found = await session.get(NoticeRead, (notice_id, user_id))
    if found is None:
        session.add(NoticeRead(notice_id=notice_id, user_id=user_id, read_at=now))
        await session.flush()
