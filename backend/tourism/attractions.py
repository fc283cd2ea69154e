"""Finding attractions: near a point, by what a visitor types, open now."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.text_search import MAX_QUERY_LENGTH
from backend.errors import BadUserInput
from backend.free_text import check_printable
from backend.tourism import hours
from backend.tourism.models import AttractionCategory
from backend.tourism.repository import attractions as repository
from backend.tourism.repository.attractions import AttractionOrder
from backend.tourism.repository.rows import AttractionRow

MAX_RADIUS_M = 50_000
# Rows read per statement while filtering by opening hours, which SQL cannot evaluate.
OPEN_NOW_BATCH = 100


@dataclass(frozen=True, slots=True)
class AttractionHit:
    row: AttractionRow
    # The sort key: metres from `near`, distance from the search, or the Vietnamese name.
    key: Any


def order_of(*, near: Point | None, search: str | None) -> AttractionOrder:
    """Nearest first when a position is given, else best match, else by name."""
    if near is not None:
        return AttractionOrder.DISTANCE
    return AttractionOrder.NAME if search is None else AttractionOrder.RELEVANCE


def checked_search(text: str | None, *, field: str) -> str | None:
    """What a visitor typed, trimmed; None when absent. Blank or over-long text is refused."""
    if text is None:
        return None
    text = check_printable(text, field=field).strip()
    if not text:
        raise BadUserInput("tourism.search_blank", field=field)
    if len(text) > MAX_QUERY_LENGTH:
        raise BadUserInput("input.too_long", field=field, max=MAX_QUERY_LENGTH)
    return text


def checked_radius(radius_m: float | None) -> float:
    radius = MAX_RADIUS_M if radius_m is None else radius_m
    if not 1 <= radius <= MAX_RADIUS_M:
        raise BadUserInput("input.radius", field="radiusMeters", max=MAX_RADIUS_M)
    return radius


async def list_attractions(
    session: AsyncSession,
    *,
    near: Point | None,
    radius_m: float | None,
    category: AttractionCategory | None,
    search: str | None,
    open_at: datetime | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[AttractionHit]:
    """Published attractions in `order_of(...)` order; with `open_at`, only those open then
    (read in batches, filtered by their opening hours, until the page is full)."""
    radius = checked_radius(radius_m) if near is not None else None
    order = order_of(near=near, search=search)
    found: list[AttractionHit] = []
    batch = limit if open_at is None else max(limit, OPEN_NOW_BATCH)
    while True:
        rows = await repository.attractions_page(
            session,
            order=order,
            near=near,
            radius_m=radius,
            category=category,
            search=search,
            after=after,
            limit=batch,
        )
        for row, key in rows:
            if open_at is None or (
                row.opening_hours is not None and hours.is_open(row.opening_hours, open_at)
            ):
                found.append(AttractionHit(row, key))
        if open_at is None or len(found) >= limit or len(rows) < batch:
            return found[:limit]
        last_row, last_key = rows[-1]
        after = (last_key, last_row.id)


async def attractions_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[AttractionRow]:
    return await repository.attractions_by_ids(session, ids)
