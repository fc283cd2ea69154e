"""Attractions: by id, near a point, by relevance to a search, by name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, Float, Integer, String, Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from backend.db import keyset, nearest, spatial, text_search
from backend.db.prepared import Prepared, one_of
from backend.db.types import in_language
from backend.tourism.models import Attraction, AttractionCategory
from backend.tourism.repository import rows, words
from backend.tourism.repository.rows import AttractionRow


class AttractionOrder(StrEnum):
    DISTANCE = "distance"
    RELEVANCE = "relevance"
    NAME = "name"


def _by_ids_statement(_: None, dialect: str) -> Select[*tuple[Any, ...]]:
    return select(*rows.ATTRACTION).where(
        one_of(Attraction.id, "ids", Uuid(), dialect), Attraction.published.is_(True)
    )


_BY_IDS: Prepared[None] = Prepared(_by_ids_statement)


async def attractions_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[AttractionRow]:
    found = await _BY_IDS.rows(session, None, {"ids": list(ids)})
    return [AttractionRow.of(row) for row in found]


# A page's shape: its order, which of radius, category, search and cursor it has, and whether
# it reads the nearest candidates in index order (`nearest.read_nearest`).
PageShape = tuple[AttractionOrder, bool, bool, bool, bool, bool]


def _page_statement(shape: PageShape, dialect: str) -> Select[*tuple[Any, ...]]:
    """Nearest first (from the GiST index, `nearest.nearest_page`) or by Vietnamese name,
    after the cursor; every value a bind parameter."""
    order, by_radius, by_category, by_search, after, candidates = shape
    near = bindparam("near", type_=String())
    distance = nearest.index_distance(Attraction.location, near)
    by_distance = order is AttractionOrder.DISTANCE
    key: ColumnElement[Any] = distance if by_distance else in_language(Attraction.name, "vi")
    statement = select(*rows.ATTRACTION, key.label("sort_key")).where(
        Attraction.published.is_(True)
    )
    if by_radius:
        statement = statement.where(
            spatial.within_meters(Attraction.location, near, bindparam("radius_m", type_=Float()))
        )
    if by_category:
        statement = statement.where(
            Attraction.category == bindparam("category", type_=Attraction.category.type)
        )
    if by_search:
        statement = statement.where(
            text_search.Matches(Attraction.search_text, bindparam("search", type_=String()))
        )
    last = (
        (bindparam("last_key", type_=key.type), bindparam("last_id", type_=Uuid()))
        if after
        else None
    )
    limit = bindparam("limit", type_=Integer())
    if by_distance:
        return nearest.nearest_page(
            statement,
            location=Attraction.location,
            near=near,
            distance=distance,
            row_id=Attraction.id,
            after=last,
            limit=limit,
            dialect=dialect,
            candidates=candidates,
        )
    return keyset.page(statement, key=key, row_id=Attraction.id, after=last, limit=limit)


_PAGE = Prepared(_page_statement)


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
    if order is AttractionOrder.RELEVANCE:
        assert search is not None
        return await _by_relevance(session, search, category=category, after=after, limit=limit)
    if order is AttractionOrder.DISTANCE:
        assert near is not None
    by_radius = near is not None and radius_m is not None
    values: dict[str, Any] = {"limit": limit}
    if near is not None:
        values["near"] = spatial.ewkt(near)
    if by_radius:
        values["radius_m"] = float(radius_m)  # type: ignore[arg-type]
    if category is not None:
        values["category"] = category
    if search is not None:
        values["search"] = search
    if after is not None:
        values["last_key"], values["last_id"] = after
    shape = (order, by_radius, category is not None, search is not None, after is not None)
    found: Sequence[Sequence[Any]]
    if order is AttractionOrder.DISTANCE:

        async def fetch(candidates: bool, rows: int) -> Sequence[Sequence[Any]]:
            return await _PAGE.rows(session, (*shape, candidates), {**values, "limit": rows})

        found = await nearest.read_nearest(fetch, limit, distance_at=-1, id_at=0)
    else:
        found = await _PAGE.rows(session, (*shape, False), values)
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
