"""Public queries of the places domain (no account needed)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput, PlaceNode, WardNode
from backend.places import service
from backend.places.models import PlaceKind

PLACES_BY_DISTANCE = Keyset("places.distance", float, lambda meters: meters >= 0)
PLACES_BY_NAME = Keyset("places.name", str)
WARDS_BY_NAME = Keyset("wards.name", str)


@strawberry.type
class PlacesQuery:
    @strawberry.field(
        description="Public places, nearest first within `radiusMeters` (default and maximum "
        "50 km) of `near`, or in alphabetical order without it."
    )
    async def places(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        kinds: list[PlaceKind] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[PlaceNode]:
        wanted = list(kinds or [])
        if near is not None:
            by_distance = PLACES_BY_DISTANCE.page(first, after)
            origin = service.checked_point(near.latitude, near.longitude, field="near")
            async with info.context.read() as session:
                hits = await service.places_near(
                    session,
                    near=origin,
                    radius_m=radius_meters,
                    kinds=wanted,
                    after=by_distance.after,
                    limit=by_distance.limit,
                )
            return by_distance.connection(
                hits,
                node=lambda hit: PlaceNode.near(hit.place, hit.distance_m),
                key=lambda hit: (hit.distance_m or 0.0, hit.place.id),
            )
        by_name = PLACES_BY_NAME.page(first, after)
        async with info.context.read() as session:
            hits = await service.places_by_name(
                session, kinds=wanted, after=by_name.after, limit=by_name.limit
            )
        return by_name.connection(
            hits,
            node=lambda hit: PlaceNode.near(hit.place, None),
            key=lambda hit: (hit.place.name.vi, hit.place.id),
        )

    @strawberry.field(description="The ward that contains a position, if it is in the province.")
    async def ward_at(self, info: Info, location: GeoPointInput) -> WardNode | None:
        point = service.checked_point(location.latitude, location.longitude, field="location")
        async with info.context.read() as session:
            ward = await service.ward_at(session, point)
        return WardNode.from_row(ward) if ward else None

    @strawberry.field(description="Wards of the province in alphabetical order.")
    async def wards(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[WardNode]:
        page = WARDS_BY_NAME.page(first, after)
        async with info.context.read() as session:
            rows = await service.list_wards(session, after=page.after, limit=page.limit)
        return page.connection(rows, node=WardNode.from_row, key=lambda row: (row.name.vi, row.id))
