"""Typed rows the read paths return: plain values straight from SQL (coordinates as numbers)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from backend.db.rows import Row, columns, coordinates
from backend.i18n import Translated
from backend.tourism.models import (
    Attraction,
    AttractionCategory,
    Event,
    EventCategory,
    EventStatus,
    Favourite,
    Itinerary,
    ItineraryStop,
    Offer,
    TravelMode,
)


@dataclass(frozen=True, slots=True)
class AttractionRow(Row):
    id: uuid.UUID
    slug: str
    category: AttractionCategory
    name: Translated
    alternate_names: list[str]
    description: Translated
    address: str
    latitude: float
    longitude: float
    opening_hours: str | None
    is_accessible_for_free: bool
    available_languages: list[str]
    accessibility: Translated | None
    photos: list[dict[str, str]]
    audio_guides: dict[str, str]
    machine_translated: list[str]
    parent_id: uuid.UUID | None
    place_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class EventRow(Row):
    id: uuid.UUID
    slug: str
    category: EventCategory
    status: EventStatus
    name: Translated
    description: Translated
    organizer: str
    starts_at: datetime
    ends_at: datetime
    venue_id: uuid.UUID | None
    latitude: float | None
    longitude: float | None
    super_event_id: uuid.UUID | None
    is_accessible_for_free: bool
    machine_translated: list[str]


@dataclass(frozen=True, slots=True)
class OfferRow(Row):
    id: uuid.UUID
    slug: str
    name: Translated
    prices: dict[str, int]
    citizens_only: bool
    on_dates: list[str]
    valid_from: date
    valid_through: date | None
    valid_days: int
    unconfirmed: bool


@dataclass(frozen=True, slots=True)
class ItineraryRow(Row):
    id: uuid.UUID
    slug: str
    name: Translated
    description: Translated
    travel_mode: TravelMode
    machine_translated: list[str]


@dataclass(frozen=True, slots=True)
class StopRow(Row):
    itinerary_id: uuid.UUID
    position: int
    attraction_id: uuid.UUID
    suggested_minutes: int


ATTRACTION = columns(AttractionRow, Attraction, coordinates(Attraction.location))
EVENT = columns(EventRow, Event, coordinates(Event.location))
OFFER = columns(OfferRow, Offer, {})
ITINERARY = columns(ItineraryRow, Itinerary, {})
STOP = columns(StopRow, ItineraryStop, {})


@dataclass(frozen=True, slots=True)
class FavouriteRow(Row):
    id: uuid.UUID
    user_id: uuid.UUID
    attraction_id: uuid.UUID | None
    event_id: uuid.UUID | None
    created_at: datetime


FAVOURITE = columns(FavouriteRow, Favourite, {})
