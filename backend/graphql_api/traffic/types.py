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
from backend.graphql_api.nodes import RowNode, node_from, nodes_from
from backend.graphql_api.places.types import GeoPoint
from backend.graphql_api.traffic.loaders import TrafficLoaders
from backend.traffic import incidents
from backend.traffic.models import (
    IncidentCause,
    IncidentEffect,
    IncidentSeverity,
    IncidentSource,
    IncidentType,
)
from backend.traffic.repository.rows import IncidentRow, RoadRow

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
