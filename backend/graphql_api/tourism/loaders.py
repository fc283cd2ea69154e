"""Per-request loaders of the tourism domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.graphql_api.loaders import LoaderSet, by_ids, by_keys
from backend.tourism import attractions, events, itineraries
from backend.tourism.repository.events import PartsPage
from backend.tourism.repository.rows import AttractionRow, EventRow, ItineraryRow, StopRow


class TourismLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)
        self.attraction_by_id: DataLoader[uuid.UUID, AttractionRow | None] = by_ids(
            reads, attractions.attractions_by_ids
        )
        self.event_by_id: DataLoader[uuid.UUID, EventRow | None] = by_ids(
            reads, events.events_by_ids
        )
        self.itinerary_by_id: DataLoader[uuid.UUID, ItineraryRow | None] = by_ids(
            reads, itineraries.itineraries_by_ids
        )
        self.stops_by_itinerary_id: DataLoader[uuid.UUID, list[StopRow]] = by_keys(
            reads, itineraries.stops_of, list
        )
        # Every event of a list asks the same page of its parts: one statement for all.
        self.parts_page: DataLoader[PartsPage, list[EventRow]] = by_keys(
            reads, events.parts_pages, list
        )
