"""Roads and counting stations: writes, slug checks, and stations by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.traffic.models import Road, Station
from backend.traffic.repository import rows
from backend.traffic.repository.rows import StationRow


async def add(session: AsyncSession, entity: Road | Station) -> None:
    session.add(entity)
    await session.flush()


async def road_for_update(session: AsyncSession, road_id: uuid.UUID) -> Road | None:
    return await session.get(Road, road_id)


async def station_for_update(session: AsyncSession, station_id: uuid.UUID) -> Station | None:
    return await session.get(Station, station_id)


async def road_slug_taken(session: AsyncSession, slug: str, own: uuid.UUID | None) -> bool:
    statement = select(Road.id).where(Road.slug == slug)
    if own is not None:
        statement = statement.where(Road.id != own)
    return await session.scalar(statement.limit(1)) is not None


async def station_slug_taken(session: AsyncSession, slug: str, own: uuid.UUID | None) -> bool:
    statement = select(Station.id).where(Station.slug == slug)
    if own is not None:
        statement = statement.where(Station.id != own)
    return await session.scalar(statement.limit(1)) is not None


async def stations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[StationRow]:
    statement = select(*rows.STATION).where(Station.id.in_(ids))
    return [StationRow.of(row) for row in (await session.execute(statement)).all()]
