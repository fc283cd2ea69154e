"""Public queries of the places domain (no account needed)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.graphql_api import pagination
from backend.graphql_api.places.types import GeoPointInput, PlaceNode, WardNode
from backend.places import service
from backend.places.models import PlaceKind
from backend.places.service import PlaceHit


@strawberry.type
class PlacesQuery:
    @strawberry.field(
        description="Public places, nearest first within `radiusMeters` (default and maximum "
        "50 km) of `near`, or in alphabetical order without it."
    )
    async def places(
        self,
        info: strawberry.Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        kinds: list[PlaceKind] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[PlaceNode]:
        size = pagination.page_size(first)
        wanted = list(kinds or [])
        async with info.context.sessions() as session:
            if near is not None:
                origin = service.checked_point(near.latitude, near.longitude, field="near")
                hits = await service.places_near(
                    session,
                    near=origin,
                    radius_m=radius_meters,
                    kinds=wanted,
                    after=pagination.decode_cursor(after, float),
                    limit=size + 1,
                )
            else:
                hits = await service.places_by_name(
                    session,
                    kinds=wanted,
                    after=pagination.decode_cursor(after, str),
                    limit=size + 1,
                )

        def cursor(hit: PlaceHit) -> str:
            key = hit.distance_m if hit.distance_m is not None else hit.place.name_vi
            return pagination.encode_cursor(key, hit.place.id)

        return pagination.connection(
            hits,
            size=size,
            after=after,
            node=lambda hit: PlaceNode.from_row(hit.place, hit.distance_m),
            cursor=cursor,
        )

    @strawberry.field(description="The ward that contains a position, if it is in the province.")
    async def ward_at(self, info: strawberry.Info, location: GeoPointInput) -> WardNode | None:
        point = service.checked_point(location.latitude, location.longitude, field="location")
        async with info.context.sessions() as session:
            ward = await service.ward_at(session, point)
        return WardNode.from_row(ward) if ward else None

    @strawberry.field(description="Wards of the province in alphabetical order.")
    async def wards(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[WardNode]:
        size = pagination.page_size(first)
        async with info.context.sessions() as session:
            rows = await service.list_wards(
                session, after=pagination.decode_cursor(after, str), limit=size + 1
            )
        return pagination.connection(
            rows,
            size=size,
            after=after,
            node=WardNode.from_row,
            cursor=lambda row: pagination.encode_cursor(row.name_vi, row.id),
        )
