"""Attractions: by id, near a point, by relevance to a search, by name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, spatial, text_search
from backend.db.types import in_language
from backend.tourism.models import Attraction, AttractionCategory
from backend.tourism.repository import rows, words
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
    if order is AttractionOrder.RELEVANCE:
        assert search is not None
        return await _by_relevance(session, search, category=category, after=after, limit=limit)
    key: ColumnElement[Any]
    if order is AttractionOrder.DISTANCE:
        assert near is not None
        key = spatial.distance_meters(Attraction.location, near)
    else:
        key = in_language(Attraction.name, "vi")
    if search is not None:
        filters.append(text_search.matches(Attraction.search_text, search))
    statement = select(*rows.ATTRACTION, key.label("sort_key")).where(*filters)
    statement = keyset.page(statement, key=key, row_id=Attraction.id, after=after, limit=limit)
    found = (await session.execute(statement)).all()
    return [(AttractionRow.of(row[:-1]), row[-1]) for row in found]


async def _by_relevance(
    session: AsyncSession,
    search: str,
    *,
    category: AttractionCategory | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[tuple[AttractionRow, Any]]:
    """A page cut by (distance, id) from the best matches' window (`words.best_matches`), the
    same window on every page."""
    best = await words.best_matches(session, "attraction", search, category=category)
    page = [(i, d) for i, d in best if after is None or (d, i) > after][:limit]
    found = {row.id: row for row in await attractions_by_ids(session, [i for i, _ in page])}
    return [(found[row_id], distance) for row_id, distance in page if row_id in found]
