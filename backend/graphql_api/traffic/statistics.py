"""The planners' statistics and the operations-centre summary, as GraphQL. Each table of
`TrafficStatistics` is one aggregate statement, run only when selected."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id, node_from
from backend.graphql_api.traffic.loaders import TrafficLoaders
from backend.graphql_api.traffic.types import RoadNode
from backend.traffic import statistics
from backend.traffic.models import IncidentType, VehicleClass
from backend.traffic.repository.statistics import Scope

strawberry.enum(VehicleClass, name="TrafficVehicleClass")


@strawberry.type(description="Vehicles counted in one hour (UTC start) of one class.")
class HourlyVolume:
    hour: datetime
    vehicle_class: VehicleClass
    vehicles: int


@strawberry.type(description="Speed samples of the period.")
class SpeedStatistics:
    samples: int
    mean_kmh: float | None
    p85_kmh: float | None = strawberry.field(
        description=(
            "The 85th percentile (continuous, interpolated between samples), read from the "
            "samples by whole km/h: less than 1 km/h from the exact value, exact when no "
            "1 km/h bin holds more than two distinct speeds."
        )
    )


@strawberry.type(description="Incidents that started in the period.")
class IncidentStatistics:
    count: int
    per_km: float | None = strawberry.field(description="Per kilometre of the scope's roads.")
    total_duration_minutes: float
    mean_duration_minutes: float | None = strawberry.field(
        description="From start to close (else to the expected end, else to now)."
    )


@strawberry.type(description="Statistics of a road, a ward or the city over a period.")
class TrafficStatistics:
    stats: strawberry.Private[statistics.Statistics]
    road_length_meters: int

    @strawberry.field(
        description="Hours starting within the period that have counts, each with every class; "
        "oldest first."
    )
    async def volume_by_hour(self, info: Info) -> list[HourlyVolume]:
        async with info.context.read() as session:
            rows = await statistics.volume(session, self.stats)
        return [HourlyVolume(hour=h, vehicle_class=k, vehicles=n) for h, k, n in rows]

    @strawberry.field
    async def speed(self, info: Info) -> SpeedStatistics:
        async with info.context.read() as session:
            row = await statistics.speed(session, self.stats)
        return SpeedStatistics(
            samples=row.samples,
            mean_kmh=None if row.mean_kmh is None else round(row.mean_kmh, 2),
            p85_kmh=None if row.p85_kmh is None else round(row.p85_kmh, 2),
        )

    @strawberry.field
    async def incidents(self, info: Info) -> IncidentStatistics:
        async with info.context.read() as session:
            row = await statistics.incidents(session, self.stats, info.context.now())
        return IncidentStatistics(
            count=row.count,
            per_km=statistics.per_km(row.count, self.stats.road_length_m),
            total_duration_minutes=round(row.total_seconds / 60, 1),
            mean_duration_minutes=None
            if row.mean_seconds is None
            else round(row.mean_seconds / 60, 1),
        )


@strawberry.type
class IncidentTypeCount:
    type: IncidentType
    count: int


@strawberry.type
class OffenceCount:
    offence: str
    count: int


@strawberry.type
class RoadVolume:
    road_id: strawberry.Private[object]
    vehicles: int

    @strawberry.field
    async def road(self, info: Info) -> RoadNode | None:
        loader = TrafficLoaders.of(info).road_by_id
        return await node_from(loader, self.road_id, RoadNode.from_row)  # type: ignore[arg-type]


@strawberry.type(description="The operations centre's screen: now and today (local day).")
class TrafficOperationsSummary:
    active_incidents: list[IncidentTypeCount]
    violations_today: list[OffenceCount] = strawberry.field(
        description="By offence, most frequent first (top 10)."
    )
    busiest_roads: list[RoadVolume] = strawberry.field(
        description="By vehicles counted today, busiest first (top 10)."
    )


@strawberry.type
class TrafficStatisticsQuery:
    @strawberry.field(
        description="Planners: statistics of a road (`roadId`), a ward (`wardId`) or the city "
        "(neither) from `from` to `to` (at most 92 days)."
    )
    async def traffic_statistics(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        road_id: relay.GlobalID | None = None,
        ward_id: relay.GlobalID | None = None,
    ) -> TrafficStatistics:
        viewer = await info.context.require_viewer()
        scope = checked_scope(road_id, ward_id)
        period = statistics.checked_period(from_, to)
        async with info.context.read() as session:
            stats = await statistics.statistics(session, viewer.id, scope, period)
        return TrafficStatistics(stats=stats, road_length_meters=stats.road_length_m)

    @strawberry.field(description="Operators and planners: the operations centre's summary.")
    async def traffic_operations_summary(self, info: Info) -> TrafficOperationsSummary:
        viewer = await info.context.require_viewer()
        async with info.context.read() as session:
            summary = await statistics.operations_summary(session, viewer.id, info.context.now())
        return TrafficOperationsSummary(
            active_incidents=[IncidentTypeCount(type=k, count=n) for k, n in summary.active],
            violations_today=[
                OffenceCount(offence=o, count=n) for o, n in summary.violations_today
            ],
            busiest_roads=[RoadVolume(road_id=r, vehicles=n) for r, n in summary.busiest_roads],
        )


def checked_scope(road_id: relay.GlobalID | None, ward_id: relay.GlobalID | None) -> Scope:
    if road_id is not None and ward_id is not None:
        raise BadUserInput("traffic.scope_twice", field="wardId")
    return Scope(
        road_id=None if road_id is None else decode_id(road_id, "Road", field="roadId"),
        ward_id=None if ward_id is None else decode_id(ward_id, "Ward", field="wardId"),
    )
