"""Queries of the environment domain: stations near a place, one station, the VN_AQI near a
place, the flood situation. Anonymous and public (cacheable)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.environment import reads
from backend.environment.models import ThingKind
from backend.graphql_api.context import Info
from backend.graphql_api.environment.types import (
    AirQuality,
    FloodSituation,
    StationConnection,
    StationEdge,
    StationNode,
)
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.places import service as places

STATIONS_BY_DISTANCE = Keyset("environment.stations.distance", float, lambda m: m >= 0)
STATIONS_BY_CODE = Keyset("environment.stations.code", str)


@strawberry.type
class EnvironmentQuery:
    @strawberry.field(
        description="Monitoring stations, nearest first from `near` (else by code), of one "
        "`kind` if given."
    )
    async def stations(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        kind: ThingKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> StationConnection:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        keyset = STATIONS_BY_DISTANCE if origin is not None else STATIONS_BY_CODE
        page = keyset.page(first, after)
        async with info.context.read() as session:
            hits = await reads.stations_page(
                session, near=origin, kind=kind, after=page.after, limit=page.limit
            )
        edges, page_info = page.edges_of(
            hits,
            edge=lambda hit, cursor: StationEdge(
                node=StationNode.from_row(hit[0]),
                cursor=cursor,
                distance_meters=round(hit[1], 1) if origin is not None else None,
            ),
            key=lambda hit: (hit[1], hit[0].id),
        )
        return StationConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="One station by id.")
    async def station(self, info: Info, id: relay.GlobalID) -> StationNode | None:
        station_id = decode_id(id, "Station")
        found = await StationNode.fetch(info, [station_id])
        return found[0]

    @strawberry.field(
        description="The hourly VN_AQI at the air-quality station nearest `near`; null when "
        "no station has a current hour of PM readings."
    )
    async def air_quality(self, info: Info, near: GeoPointInput) -> AirQuality | None:
        origin = places.checked_point(near.latitude, near.longitude, field="near")
        async with info.context.read() as session:
            found = await reads.air_quality(session, origin, info.context.now())
        return None if found is None else AirQuality.of(found, info)

    @strawberry.field(
        description="Each river gauge's level, trend and alarm level reached; reservoirs with "
        "their normal level and flows; streets reported under water."
    )
    async def flood_situation(self, info: Info) -> FloodSituation:
        async with info.context.read() as session:
            found = await reads.flood_situation(session, info.context.now())
        return FloodSituation.of(found, info)
