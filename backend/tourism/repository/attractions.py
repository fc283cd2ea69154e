"""Attractions: by id, near a point, by relevance to a search, by name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

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
    `near`, relevance to `search` (best first) or the Vietnamese name."""
    key: ColumnElement[Any]
    if order is AttractionOrder.DISTANCE:
        assert near is not None
        key = spatial.distance_meters(Attraction.location, near)
    elif order is AttractionOrder.RELEVANCE:
        assert search is not None
        key = text_search.match_score(Attraction.search_text, search)
    else:
        key = in_language(Attraction.name, "vi")
    statement: Select[Any] = select(*rows.ATTRACTION, key.label("sort_key")).where(
        Attraction.published.is_(True)
    )
    if near is not None and radius_m is not None:
        statement = statement.where(spatial.within_meters(Attraction.location, near, radius_m))
    if category is not None:
        statement = statement.where(Attraction.category == category)
    if search is not None:
        statement = statement.where(text_search.matches(Attraction.search_text, search))
    statement = keyset.page(
        statement,
        key=key,
        row_id=Attraction.id,
        after=after,
        limit=limit,
        descending=order is AttractionOrder.RELEVANCE,
    )
    found = (await session.execute(statement)).all()
    return [(AttractionRow.of(row[:-1]), row[-1]) for row in found]
