"""Queries of the traffic domain: incidents near a point (public)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.traffic.loaders import TrafficLoaders
from backend.graphql_api.traffic.types import IncidentConnection, IncidentEdge, IncidentNode
from backend.places import service as places
from backend.traffic import incidents
from backend.traffic.models import IncidentType

INCIDENTS_BY_DISTANCE = Keyset("traffic.incidents.distance", float, lambda meters: meters >= 0)
INCIDENTS_BY_START = Keyset("traffic.incidents.start", datetime)


@strawberry.type
class TrafficQuery:
    @strawberry.field(
        description="Traffic incidents: nearest first within `radiusMeters` (default and maximum "
        "50 km) of `near`, else latest start first. `active` true (the default): ongoing only; "
        "false: ended or closed only; null: all. `types` keeps those of the given types."
    )
    async def traffic_incidents(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        types: list[IncidentType] | None = None,
        active: bool | None = True,
        first: int | None = None,
        after: str | None = None,
    ) -> IncidentConnection:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        keyset = INCIDENTS_BY_DISTANCE if origin is not None else INCIDENTS_BY_START
        page = keyset.page(first, after)
        async with info.context.read() as session:
            hits = await incidents.incidents_near(
                session,
                now=info.context.now(),
                near=origin,
                radius_m=radius_meters,
                types=types or [],
                active=active,
                after=page.after,
                limit=page.limit,
            )
        by_distance = origin is not None
        edges, page_info = page.edges_of(
            hits,
            edge=lambda hit, cursor: IncidentEdge(
                node=IncidentNode.from_row(hit.row),
                cursor=cursor,
                distance_meters=round(hit.key, 1) if by_distance else None,
            ),
            key=lambda hit: (hit.key, hit.row.id),
        )
        return IncidentConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="One traffic incident, or null.")
    async def traffic_incident(self, info: Info, id: relay.GlobalID) -> IncidentNode | None:
        incident_id = decode_id(id, "TrafficIncident")
        row = await TrafficLoaders.of(info).incident_by_id.load(incident_id)
        return None if row is None else IncidentNode.from_row(row)
