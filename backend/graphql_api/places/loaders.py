"""Per-request loaders of the places domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.graphql_api.loaders import LoaderSet, by_ids
from backend.places import service
from backend.places.models import Ward
from backend.places.repository import PlaceRow


class PlacesLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)
        self.place_by_id: DataLoader[uuid.UUID, PlaceRow | None] = by_ids(
            reads, service.places_by_ids
        )
        self.ward_by_id: DataLoader[uuid.UUID, Ward | None] = by_ids(reads, service.wards_by_ids)
