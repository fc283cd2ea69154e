"""Traffic operators keep the road network: roads and the counting stations on them."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.traffic.types import CountingStationNode, RoadNode
from backend.traffic import incidents, network
from backend.traffic.incidents import Coordinates
from backend.traffic.models import Road, Station, StationKind
from backend.traffic.repository.rows import RoadRow, StationRow


@strawberry.input(description="Traffic operators: a new road.")
class CreateRoadInput:
    slug: str = strawberry.field(description="Lower-case words joined by '-', e.g. le-loi.")
    name_vi: str
    name_en: str
    path: list[GeoPointInput] = strawberry.field(description="2 to 200 points along the road.")


@strawberry.input(description="Traffic operators: what changes; absent fields stay as they are.")
class UpdateRoadInput:
    id: relay.GlobalID
    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    path: list[GeoPointInput] | None = None


@strawberry.input(description="Traffic operators: a new counting station on a road.")
class CreateCountingStationInput:
    slug: str = strawberry.field(description="Its key in counting feeds, e.g. le-loi-1.")
    name_vi: str
    name_en: str
    road_id: relay.GlobalID
    location: GeoPointInput = strawberry.field(description="Within 50 m of the road's line.")
    kind: StationKind = StationKind.CAMERA


@strawberry.input(description="Traffic operators: what changes; absent fields stay as they are.")
class UpdateCountingStationInput:
    id: relay.GlobalID
    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    road_id: relay.GlobalID | None = None
    location: GeoPointInput | None = None
    kind: StationKind | None = None


def _path(points: list[GeoPointInput] | None) -> list[Coordinates] | None:
    if points is None:
        return None
    # One beyond the cap, so an over-long list is refused by the rule, not silently cut.
    return [Coordinates(p.latitude, p.longitude) for p in points[: incidents.MAX_PATH_POINTS + 1]]


def _spot(point: GeoPointInput | None) -> Coordinates | None:
    return None if point is None else Coordinates(point.latitude, point.longitude)


def _road(row: Road) -> RoadNode:
    return RoadNode.from_row(
        RoadRow(id=row.id, slug=row.slug, name=row.name, length_m=row.length_m, ward_id=row.ward_id)
    )


def _station(row: Station) -> CountingStationNode:
    return CountingStationNode.from_row(
        StationRow(
            id=row.id,
            slug=row.slug,
            name=row.name,
            kind=row.kind,
            road_id=row.road_id,
            location=row.location,
        )
    )


@strawberry.type
class TrafficNetworkMutation:
    @strawberry.mutation(description="Traffic operators: add a road; its length is computed.")
    async def create_road(self, info: Info, input: CreateRoadInput) -> RoadNode | None:
        viewer = await info.context.require_viewer()
        changes = network.RoadChanges(
            slug=input.slug, name_vi=input.name_vi, name_en=input.name_en, path=_path(input.path)
        )
        async with info.context.unit_of_work() as uow:
            row = await network.create_road(
                uow, operator_id=viewer.id, changes=changes, now=info.context.now()
            )
        return _road(row)

    @strawberry.mutation(description="Traffic operators: rename, re-key or redraw a road.")
    async def update_road(self, info: Info, input: UpdateRoadInput) -> RoadNode | None:
        viewer = await info.context.require_viewer()
        road_id = decode_id(input.id, "Road", field="input.id")
        changes = network.RoadChanges(
            slug=input.slug, name_vi=input.name_vi, name_en=input.name_en, path=_path(input.path)
        )
        async with info.context.unit_of_work() as uow:
            row = await network.update_road(
                uow, operator_id=viewer.id, road_id=road_id, changes=changes, now=info.context.now()
            )
        return _road(row)

    @strawberry.mutation(description="Traffic operators: add a counting station on a road.")
    async def create_counting_station(
        self, info: Info, input: CreateCountingStationInput
    ) -> CountingStationNode | None:
        viewer = await info.context.require_viewer()
        changes = network.StationChanges(
            slug=input.slug,
            name_vi=input.name_vi,
            name_en=input.name_en,
            kind=input.kind,
            road_id=decode_id(input.road_id, "Road", field="input.roadId"),
            location=_spot(input.location),
        )
        async with info.context.unit_of_work() as uow:
            row = await network.create_station(
                uow, operator_id=viewer.id, changes=changes, now=info.context.now()
            )
        return _station(row)

    @strawberry.mutation(
        description="Traffic operators: change a counting station (moved, re-keyed, renamed)."
    )
    async def update_counting_station(
        self, info: Info, input: UpdateCountingStationInput
    ) -> CountingStationNode | None:
        viewer = await info.context.require_viewer()
        station_id = decode_id(input.id, "CountingStation", field="input.id")
        changes = network.StationChanges(
            slug=input.slug,
            name_vi=input.name_vi,
            name_en=input.name_en,
            kind=input.kind,
            road_id=None
            if input.road_id is None
            else decode_id(input.road_id, "Road", field="input.roadId"),
            location=_spot(input.location),
        )
        async with info.context.unit_of_work() as uow:
            row = await network.update_station(
                uow,
                operator_id=viewer.id,
                station_id=station_id,
                changes=changes,
                now=info.context.now(),
            )
        return _station(row)
