"""Favourites: what someone saved, and the saved events whose reminder is due."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.tourism.models import Attraction, Event, EventStatus, Favourite
from backend.tourism.repository import rows
from backend.tourism.repository.rows import EventRow, FavouriteRow

# Events that still take place on their dates: the ones worth a reminder.
REMINDED_STATUSES = (EventStatus.SCHEDULED, EventStatus.RESCHEDULED)


async def favourite_of(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    attraction_id: uuid.UUID | None,
    event_id: uuid.UUID | None,
) -> Favourite | None:
    statement = select(Favourite).where(
        Favourite.user_id == user_id,
        Favourite.attraction_id == attraction_id
        if attraction_id is not None
        else Favourite.event_id == event_id,
    )
    return (await session.scalars(statement)).one_or_none()


async def count_of(session: AsyncSession, user_id: uuid.UUID) -> int:
    statement = select(func.count()).where(Favourite.user_id == user_id)
    return int((await session.execute(statement)).scalar_one())


async def remove(session: AsyncSession, favourite_id: uuid.UUID) -> None:
    await session.execute(delete(Favourite).where(Favourite.id == favourite_id))


def _visible() -> ColumnElement[bool]:
    """Favourites whose attraction or event is published: unpublished content is not shown."""
    return or_(
        and_(Favourite.attraction_id.is_not(None), Attraction.published.is_(True)),
        and_(Favourite.event_id.is_not(None), Event.published.is_(True)),
    )


async def favourites_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[FavouriteRow]:
    """A person's favourites of published content, latest first."""
    statement = (
        select(*rows.FAVOURITE)
        .outerjoin(Attraction, Attraction.id == Favourite.attraction_id)
        .outerjoin(Event, Event.id == Favourite.event_id)
        .where(Favourite.user_id == user_id, _visible())
    )
    statement = keyset.page(
        statement,
        key=Favourite.created_at,
        row_id=Favourite.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return [FavouriteRow.of(row) for row in (await session.execute(statement)).all()]


async def favourites_by_ids(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[FavouriteRow]:
    statement = select(*rows.FAVOURITE).where(Favourite.id.in_(ids), Favourite.user_id == user_id)
    return [FavouriteRow.of(row) for row in (await session.execute(statement)).all()]


async def savers_of(session: AsyncSession, event_id: uuid.UUID) -> list[uuid.UUID]:
    statement = select(Favourite.user_id).where(Favourite.event_id == event_id)
    return list((await session.scalars(statement)).all())


async def due_reminders(
    session: AsyncSession, *, now: datetime, until: datetime, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID, EventRow]]:
    """(favourite, person, event) for saved published events starting in (now, until] that
    were not reminded for their current start."""
    statement = (
        select(Favourite.id, Favourite.user_id, *rows.EVENT)
        .join(Event, Event.id == Favourite.event_id)
        .where(
            Event.published.is_(True),
            Event.status.in_(REMINDED_STATUSES),
            Event.starts_at > now,
            Event.starts_at <= until,
            or_(Favourite.reminded_for.is_(None), Favourite.reminded_for != Event.starts_at),
        )
        .order_by(Event.starts_at, Favourite.id)
        .limit(limit)
    )
    return [
        (row[0], row[1], EventRow.of(row[2:])) for row in (await session.execute(statement)).all()
    ]


async def claim_reminders(
    session: AsyncSession, claims: Sequence[tuple[uuid.UUID, datetime]]
) -> set[uuid.UUID]:
    """Record that each favourite was reminded for that start; only the favourites this call
    changed are returned, so two workers never push the same reminder."""
    claimed: set[uuid.UUID] = set()
    for favourite_id, starts_at in claims:
        statement = (
            update(Favourite)
            .where(
                Favourite.id == favourite_id,
                or_(Favourite.reminded_for.is_(None), Favourite.reminded_for != starts_at),
            )
            .values(reminded_for=starts_at)
            .returning(Favourite.id)
            .execution_options(synchronize_session=False)
        )
        claimed.update((await session.scalars(statement)).all())
    return claimed
