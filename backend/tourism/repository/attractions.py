"""Attractions: by id, near a point, by relevance to a search, by name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from backend.db import keyset, spatial, text_search
from backend.db.types import in_language
from backend.tourism.models import Attraction, AttractionCategory
from backend.tourism.repository import rows
from backend.tourism.repository.rows import AttractionRow


class AttractionOrder(StrEnum):
    DISTANCE = "distance"
    RELEVANCE = "relevance"
    NAME = "name"


async def attractions_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[AttractionRow]:
    statement = select(*rows.ATTRACTION).where(
        Attraction.id.in_(ids), Attraction.published.is_(True)
    )
    return [AttractionRow.of(row) for row in (await session.execute(statement)).all()]


async def attractions_page(
    session: AsyncSession,
    *,
    order: AttractionOrder,
    near: Point | None,
    radius_m: float | None,
    category: AttractionCategory | None,
    search: str | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[tuple[AttractionRow, Any]]:
    """Published attractions matching every filter given, each with its sort key: metres from
    `near`, distance from `search` (best match first, within the best matches' window) or the
    Vietnamese name."""
    filters: list[ColumnElement[bool]] = [Attraction.published.is_(True)]
    if near is not None and radius_m is not None:
        filters.append(spatial.within_meters(Attraction.location, near, radius_m))
    if category is not None:
        filters.append(Attraction.category == category)
    key: ColumnElement[Any]
    row_id: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID] = Attraction.id
    if order is AttractionOrder.RELEVANCE:
        assert search is not None
        best = text_search.best_matches(Attraction.id, Attraction.search_text, search, *filters)
        key, row_id = best.c.distance, best.c.id
        statement: Select[Any] = select(*rows.ATTRACTION, key).join(best, row_id == Attraction.id)
    else:
        if order is AttractionOrder.DISTANCE:
            assert near is not None
            key = spatial.distance_meters(Attraction.location, near)
        else:
            key = in_language(Attraction.name, "vi")
        if search is not None:
            filters.append(text_search.matches(Attraction.search_text, search))
        statement = select(*rows.ATTRACTION, key.label("sort_key")).where(*filters)
    statement = keyset.page(statement, key=key, row_id=row_id, after=after, limit=limit)
    found = (await session.execute(statement)).all()
    return [(AttractionRow.of(row[:-1]), row[-1]) for row in found]
