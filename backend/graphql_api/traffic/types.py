"""GraphQL types of the traffic domain, written by hand over typed rows.

Incidents are public. Vehicles and their violations hang off `viewer` only, and a vehicle shows
nothing until its ownership is verified."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Self

import strawberry
from shapely.geometry import LineString, Point
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.environment.types import StationNode
from backend.graphql_api.nodes import RowNode, node_from, nodes_from, visible_nodes
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPoint
from backend.graphql_api.traffic.loaders import TrafficLoaders
from backend.traffic import incidents, vehicles
from backend.traffic.models import (
    IncidentCause,
    IncidentEffect,
    IncidentSeverity,
    IncidentSource,
    IncidentType,
    PlateColour,
    StationKind,
    VehicleStatus,
    VehicleType,
    ViolationStatus,
)
from backend.traffic.repository.rows import (
    IncidentRow,
    RoadRow,
    StationRow,
    VehicleRow,
    ViolationRow,
)

strawberry.enum(IncidentType, name="TrafficIncidentType")
strawberry.enum(
    IncidentCause, name="TrafficIncidentCause", description="GTFS-Realtime `Alert.Cause`."
)
strawberry.enum(
    IncidentEffect, name="TrafficIncidentEffect", description="GTFS-Realtime `Alert.Effect`."
)
strawberry.enum(
    IncidentSeverity,
    name="TrafficIncidentSeverity",
    description="GTFS-Realtime `Alert.SeverityLevel`.",
)
strawberry.enum(
    IncidentSource,
    name="TrafficIncidentSource",
    description="CITIZEN_REPORT: a citizen's report an operator confirmed.",
)


def _geo(point: Point) -> GeoPoint:
    return GeoPoint(latitude=point.y, longitude=point.x)


@strawberry.type(name="Road", description="A road of the city, as a line.")
class RoadNode(RowNode):
    row: strawberry.Private[RoadRow]
    slug: str
    length_meters: int

    @classmethod
    def from_row(cls, row: RoadRow) -> Self:
        return cls(row=row, slug=row.slug, length_meters=row.length_m)

    @strawberry.field
    def name(self, info: Info) -> str:
        return self.row.name.get(info.context.locale)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(TrafficLoaders.of(info).road_by_id, ids, cls.from_row)


strawberry.enum(StationKind, name="CountingStationKind")


@strawberry.type(
    name="CountingStation",
    description="A camera or an inductive loop counting the vehicles of a road.",
)
class CountingStationNode(RowNode):
    row: strawberry.Private[StationRow]
    slug: str = strawberry.field(description="The station's key in counting feeds.")
    kind: StationKind
    location: GeoPoint

    @classmethod
    def from_row(cls, row: StationRow) -> Self:
        assert isinstance(row.location, Point)
        return cls(row=row, slug=row.slug, kind=row.kind, location=_geo(row.location))

    @strawberry.field
    def name(self, info: Info) -> str:
        return self.row.name.get(info.context.locale)

    @strawberry.field
    async def road(self, info: Info) -> RoadNode | None:
        loader = TrafficLoaders.of(info).road_by_id
        return await node_from(loader, self.row.road_id, RoadNode.from_row)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(TrafficLoaders.of(info).station_by_id, ids, cls.from_row)


@strawberry.type(
    name="TrafficIncident",
    description="An accident, congestion, roadworks, a closure, a flooded road or an event; "
    "public.",
)
class IncidentNode(RowNode):
    row: strawberry.Private[IncidentRow]
    type: IncidentType
    cause: IncidentCause
    effect: IncidentEffect
    severity: IncidentSeverity
    source: IncidentSource
    location: GeoPoint = strawberry.field(
        description="Where it is: the point, or the middle of `path`."
    )
    path: list[GeoPoint] | None = strawberry.field(
        description="The stretch of road it covers, when it is a line (null for a point)."
    )
    camera_urls: list[str] = strawberry.field(description="Public camera images or streams.")
    starts_at: datetime
    expected_end_at: datetime | None = strawberry.field(
        description="When it is expected to end; once closed, when it ended."
    )
    closed_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: IncidentRow) -> Self:
        path = None
        if isinstance(row.location, LineString):
            path = [GeoPoint(latitude=y, longitude=x) for x, y in row.location.coords]
        return cls(
            row=row,
            type=row.type,
            cause=row.cause,
            effect=row.effect,
            severity=row.severity,
            source=row.source,
            location=_geo(incidents.anchor(row.location)),
            path=path,
            camera_urls=list(row.camera_urls),
            starts_at=row.starts_at,
            expected_end_at=row.ends_at,
            closed_at=row.closed_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="In the viewer's language (Vietnamese, English).")
    def description(self, info: Info) -> str:
        return self.row.description.get(info.context.locale)

    @strawberry.field(description="Started, not closed and not past its expected end.")
    def active(self, info: Info) -> bool:
        return incidents.is_active(self.row, info.context.now())

    @strawberry.field
    async def road(self, info: Info) -> RoadNode | None:
        loader = TrafficLoaders.of(info).road_by_id
        return await node_from(loader, self.row.road_id, RoadNode.from_row)

    @strawberry.field(
        description="A flooded road: the flood point that reports it; its `latest` readings "
        "hold the current depth (`water_level`)."
    )
    async def flood_point(self, info: Info) -> StationNode | None:
        if self.row.flood_point_id is None:
            return None
        # The environment's own node: the same batched loaders as `node(id:)` on a Station.
        (found,) = await StationNode.fetch(info, [self.row.flood_point_id])
        return found

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(TrafficLoaders.of(info).incident_by_id, ids, cls.from_row)


@strawberry.type(description="An incident in a list; the distance belongs to the search.")
class IncidentEdge(relay.Edge[IncidentNode]):
    distance_meters: float | None = strawberry.field(
        default=None, description="Metres from `near`, when the list was searched by distance."
    )


@strawberry.type(name="TrafficIncidentConnection")
class IncidentConnection(relay.Connection[IncidentNode]):
    edges: list[IncidentEdge]  # type: ignore[assignment]  # a Connection of richer edges


# --- vehicles and violations -----------------------------------------------------------------

strawberry.enum(
    PlateColour,
    name="PlateColour",
    description="WHITE private, YELLOW commercial, BLUE state agencies, RED military.",
)
strawberry.enum(VehicleType, name="VehicleType")
strawberry.enum(
    VehicleStatus,
    name="VehicleStatus",
    description="PENDING until traffic police checked the registration certificate; ENDED once "
    "ownership passed to someone else.",
)
strawberry.enum(
    ViolationStatus,
    name="ViolationStatus",
    description="UNHANDLED: chưa xử phạt; HANDLED: đã xử phạt.",
)

VIOLATIONS_BY_TIME = Keyset("traffic.violations.occurred", datetime)


@strawberry.type(
    name="TrafficViolation",
    description="A violation a camera recorded, as the police system reports it (phạt nguội). "
    "Only the vehicle's verified owner sees it.",
)
class ViolationNode(RowNode):
    row: strawberry.Private[ViolationRow]
    occurred_at: datetime
    place: str
    offence: str
    status: ViolationStatus
    detecting_unit: str = strawberry.field(description="The unit whose camera recorded it.")
    resolution_place: str = strawberry.field(description="Where to go to resolve it.")
    fine_min_vnd: int = strawberry.field(description="The fine's lower bound, in đồng.")
    fine_max_vnd: int = strawberry.field(description="The fine's upper bound, in đồng.")
    vehicle_type: VehicleType

    @classmethod
    def from_row(cls, row: ViolationRow) -> Self:
        return cls(
            row=row,
            occurred_at=row.occurred_at,
            place=row.place,
            offence=row.offence,
            status=row.status,
            detecting_unit=row.detecting_unit,
            resolution_place=row.resolution_place,
            fine_min_vnd=row.fine_min_vnd,
            fine_max_vnd=row.fine_max_vnd,
            vehicle_type=row.vehicle_type,
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await visible_nodes(info, ids, vehicles.visible_violations, cls.from_row)


@strawberry.type(description="Counts over all of a vehicle's violations.")
class ViolationSummary:
    total: int
    unpaid: int = strawberry.field(description="Not yet handled (chưa xử phạt).")


@strawberry.type(name="TrafficViolationConnection")
class ViolationConnection(relay.Connection[ViolationNode]):
    vehicle: strawberry.Private[VehicleRow]

    @strawberry.field(description="Over every violation, not only this page; zero until verified.")
    async def summary(self, info: Info) -> ViolationSummary:
        total, unpaid = await TrafficLoaders.of(info).summary_by_vehicle.load(self.vehicle)
        return ViolationSummary(total=total, unpaid=unpaid)


@strawberry.type(
    name="Vehicle",
    description="A vehicle you registered; visible only to you. It shows no violations until "
    "traffic police verified your registration certificate.",
)
class VehicleNode(RowNode):
    row: strawberry.Private[VehicleRow]
    plate: str = strawberry.field(description="Canonical form: 75A-123.45, 75-B1 234.56.")
    plate_colour: PlateColour
    vehicle_type: VehicleType
    status: VehicleStatus
    decision_note: str | None = strawberry.field(description="Why it was rejected.")
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: VehicleRow) -> Self:
        return cls(
            row=row,
            plate=row.plate,
            plate_colour=row.plate_colour,
            vehicle_type=row.vehicle_type,
            status=row.status,
            decision_note=row.decision_note,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="Latest first; none until verified.")
    async def violations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ViolationConnection:
        page = VIOLATIONS_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await vehicles.violations_of(
                session, self.row, after=page.after, limit=page.limit
            )
        edges, page_info = page.edges_of(
            rows,
            edge=lambda row, cursor: relay.Edge(node=ViolationNode.from_row(row), cursor=cursor),
            key=lambda row: (row.occurred_at, row.id),
        )
        return ViolationConnection(edges=edges, page_info=page_info, vehicle=self.row)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await visible_nodes(info, ids, vehicles.own_vehicles, cls.from_row)


@strawberry.type(
    name="VehicleRegistration",
    description="Traffic police: a registration to check against the registration certificate.",
)
class RegistrationNode(RowNode):
    row: strawberry.Private[VehicleRow]
    plate: str
    plate_colour: PlateColour
    vehicle_type: VehicleType
    status: VehicleStatus
    certificate_number: str
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: VehicleRow) -> Self:
        return cls(
            row=row,
            plate=row.plate,
            plate_colour=row.plate_colour,
            vehicle_type=row.vehicle_type,
            status=row.status,
            certificate_number=row.certificate_number,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        # Reached through the police queue and plate lookups only, both logged.
        return [None for _ in ids]
