"""Saving attractions and events: idempotent, one person's own, published content only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, NotFound
from backend.tourism.models import Favourite
from backend.tourism.repository import attractions as attraction_rows
from backend.tourism.repository import events as event_rows
from backend.tourism.repository import favourites as repository
from backend.tourism.repository.rows import FavouriteRow

MAX_FAVOURITES = 500


@dataclass(frozen=True, slots=True)
class Target:
    """What is saved: exactly one of an attraction and an event; `field` names the input."""

    attraction_id: uuid.UUID | None
    event_id: uuid.UUID | None
    field: str

    def __post_init__(self) -> None:
        if (self.attraction_id is None) == (self.event_id is None):
            raise BadUserInput("tourism.favourite_target", field=self.field)


async def add(uow: UnitOfWork, *, user_id: uuid.UUID, target: Target, now: datetime) -> Favourite:
    """Save the target; saving it again returns the same favourite."""
    session = uow.session
    await _require_published(session, target)
    found = await _existing(session, user_id, target)
    if found is not None:
        return found
    if await repository.count_of(session, user_id) >= MAX_FAVOURITES:
        raise BadUserInput("tourism.too_many_favourites", field=target.field, max=MAX_FAVOURITES)
    favourite = Favourite(
        id=uuid.uuid4(),
        user_id=user_id,
        attraction_id=target.attraction_id,
        event_id=target.event_id,
        reminded_for=None,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(favourite)
    except IntegrityError:
        # Saved at the same moment by another request of the same person.
        again = await _existing(session, user_id, target)
        if again is None:
            raise
        return again
    return favourite


async def remove(uow: UnitOfWork, *, user_id: uuid.UUID, target: Target) -> bool:
    """Unsave the target; whether it was saved (removing twice is not an error)."""
    found = await _existing(uow.session, user_id, target)
    if found is None:
        return False
    await repository.remove(uow.session, found.id)
    return True


async def favourites_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[FavouriteRow]:
    return await repository.favourites_page(session, user_id, after=after, limit=limit)


async def favourites_by_ids(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[FavouriteRow]:
    return await repository.favourites_by_ids(session, user_id, ids)


async def _existing(session: AsyncSession, user_id: uuid.UUID, target: Target) -> Favourite | None:
    return await repository.favourite_of(
        session, user_id, attraction_id=target.attraction_id, event_id=target.event_id
    )


async def _require_published(session: AsyncSession, target: Target) -> None:
    if target.attraction_id is not None:
        found = await attraction_rows.attractions_by_ids(session, [target.attraction_id])
        what = "attraction"
    else:
        assert target.event_id is not None
        found = await event_rows.events_by_ids(session, [target.event_id])  # type: ignore[assignment]
        what = "event"
    if not found:
        raise NotFound("not_found", field=target.field, what=what)
