"""Curated itineraries: stops in order, the straight-line legs between them and, for a planned
start, when each stop is reached and whether it is open then."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import spatial
from backend.errors import BadUserInput
from backend.tourism import hours
from backend.tourism.models import TravelMode
from backend.tourism.repository import itineraries as repository
from backend.tourism.repository.rows import AttractionRow, ItineraryRow, StopRow

# Average speeds in town, for planning only (straight lines understate real routes).
SPEED_M_PER_MINUTE = {
    TravelMode.WALK: 4_500 / 60,
    TravelMode.BICYCLE: 12_000 / 60,
    TravelMode.CAR: 25_000 / 60,
    TravelMode.BOAT: 8_000 / 60,
}


@dataclass(frozen=True, slots=True)
class PlannedStop:
    stop: StopRow
    attraction: AttractionRow
    # Straight-line metres from the previous stop (None for the first).
    leg_meters: float | None
    arrives_at: datetime | None
    # Whether the attraction is open on arrival; None without a start or known hours.
    open_on_arrival: bool | None


def plan(
    stops: Sequence[StopRow],
    attractions: Mapping[uuid.UUID, AttractionRow],
    mode: TravelMode,
    start: datetime | None,
) -> list[PlannedStop]:
    """The stops with their legs and, from `start`, arrival times: each stop's suggested
    duration plus the leg at the mode's average speed."""
    if start is not None and start.tzinfo is None:
        raise BadUserInput("tourism.time_needs_offset", field="start")
    planned: list[PlannedStop] = []
    clock = start
    previous: AttractionRow | None = None
    for stop in stops:
        attraction = attractions.get(stop.attraction_id)
        if attraction is None:  # unpublished since the itinerary was made
            continue
        leg = None
        if previous is not None:
            leg = spatial.haversine_m(
                spatial.point(previous.latitude, previous.longitude),
                spatial.point(attraction.latitude, attraction.longitude),
            )
            if clock is not None:
                clock += timedelta(minutes=leg / SPEED_M_PER_MINUTE[mode])
        is_open = None
        if clock is not None and attraction.opening_hours is not None:
            is_open = hours.is_open(attraction.opening_hours, clock)
        planned.append(PlannedStop(stop, attraction, leg, clock, is_open))
        if clock is not None:
            clock += timedelta(minutes=stop.suggested_minutes)
        previous = attraction
    return planned


async def list_itineraries(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> list[ItineraryRow]:
    return await repository.itineraries_page(session, after=after, limit=limit)


async def itineraries_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ItineraryRow]:
    return await repository.itineraries_by_ids(session, ids)


async def stops_of(
    session: AsyncSession, itinerary_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[StopRow]]:
    return await repository.stops_of(session, itinerary_ids)
