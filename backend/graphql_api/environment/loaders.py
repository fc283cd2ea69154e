"""Per-request loaders of the environment domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.environment import reads
from backend.environment.repository.rows import LatestRow, ThingRow
from backend.graphql_api.loaders import LoaderSet, by_ids, by_keys


class EnvironmentLoaders(LoaderSet):
    def __init__(self, reads_: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads_, now)
        self.station_by_id: DataLoader[uuid.UUID, ThingRow | None] = by_ids(
            reads_, reads.stations_by_ids
        )
        self.latest_by_station_id: DataLoader[uuid.UUID, list[LatestRow]] = by_keys(
            reads_, reads.latest_by_station, list
        )
