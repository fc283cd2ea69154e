"""GraphQL types of the places domain, written by hand: only what the app may see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Self

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, node_from, nodes_from
from backend.graphql_api.places.loaders import PlacesLoaders
from backend.i18n import Locale
from backend.places.models import PlaceKind, Ward
from backend.places.repository import PlaceRow

strawberry.enum(PlaceKind, name="PlaceKind")


@strawberry.type(description="A WGS84 position.")
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.input(description="A WGS84 position, in degrees.")
class GeoPointInput:
    latitude: float
    longitude: float


@strawberry.type(name="Ward", description="A ward (phường/xã) of the province.")
class WardNode(RowNode):
    row: strawberry.Private[Ward]

    @strawberry.field(description="Name in the requested language (the viewer's by default).")
    def name(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.name.get(locale or info.context.locale)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(PlacesLoaders.of(info).ward_by_id, ids, cls.from_row)


@strawberry.type(name="Place", description="A public place: hospital, school, monument, …")
class PlaceNode(RowNode):
    # Plain fields where no argument is needed: one attribute read each.
    row: strawberry.Private[PlaceRow]
    kind: PlaceKind
    address: str
    distance_meters: float | None = strawberry.field(
        description="Metres from `near`, when the list was searched by distance."
    )

    # A resolver: a plan builds the point only when the document asks for it.
    @strawberry.field
    def location(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.latitude, longitude=self.row.longitude)

    @classmethod
    def from_row(cls, row: PlaceRow) -> Self:
        return cls.near(row, None)

    @classmethod
    def near(cls, row: PlaceRow, distance: float | None) -> Self:
        return cls(
            row=row,
            kind=row.kind,
            address=row.address,
            distance_meters=None if distance is None else round(distance, 1),
        )

    @strawberry.field(description="Name in the requested language (the viewer's by default).")
    def name(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.name.get(locale or info.context.locale)

    @strawberry.field
    async def ward(self, info: Info) -> WardNode | None:
        return await node_from(
            PlacesLoaders.of(info).ward_by_id, self.row.ward_id, WardNode.from_row
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(PlacesLoaders.of(info).place_by_id, ids, cls.from_row)
