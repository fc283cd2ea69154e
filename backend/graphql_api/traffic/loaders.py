"""Per-request loaders of the traffic domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.graphql_api.loaders import LoaderSet, by_ids
from backend.traffic import incidents, network, vehicles
from backend.traffic.repository.rows import IncidentRow, RoadRow, StationRow, VehicleRow


class TrafficLoaders(LoaderSet):
    def __init__(self, reads_: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads_, now)
        self.incident_by_id: DataLoader[uuid.UUID, IncidentRow | None] = by_ids(
            reads_, incidents.incidents_by_ids
        )
        self.road_by_id: DataLoader[uuid.UUID, RoadRow | None] = by_ids(
            reads_, incidents.roads_by_ids
        )
        self.station_by_id: DataLoader[uuid.UUID, StationRow | None] = by_ids(
            reads_, network.stations_by_ids
        )

        async def summaries(keys: list[VehicleRow]) -> list[tuple[int, int]]:
            async with reads_.session() as session:
                found = await vehicles.summaries_of(session, keys)
            return [found.get(key.id, (0, 0)) for key in keys]

        # Callers pass vehicles reached through the owner's own links.
        self.summary_by_vehicle: DataLoader[VehicleRow, tuple[int, int]] = DataLoader(
            load_fn=summaries
        )
