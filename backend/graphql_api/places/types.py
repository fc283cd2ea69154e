"""GraphQL types of the places domain, written by hand: only what the app may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from backend.graphql_api.i18n import pick
from backend.graphql_api.node_ids import load_nodes
from backend.i18n import Locale
from backend.places.models import Place, PlaceKind, Ward

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
class WardNode(relay.Node):
    ward_id: relay.NodeID[str]
    row: strawberry.Private[Ward]

    @classmethod
    def from_row(cls, row: Ward) -> Self:
        return cls(ward_id=str(row.id), row=row)

    @strawberry.field(description="Name in the requested language (the viewer's by default).")
    def name(self, info: strawberry.Info, locale: Locale | None = None) -> str:
        return pick(locale or info.context.locale, self.row.name_vi, self.row.name_en)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # async; strawberry awaits it
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> Iterable[Self | None]:
        return await load_nodes(info.context.loaders.ward_by_id, node_ids, cls.from_row)


@strawberry.type(name="Place", description="A public place: hospital, school, monument, …")
class PlaceNode(relay.Node):
    place_id: relay.NodeID[str]
    row: strawberry.Private[Place]
    distance: strawberry.Private[float | None] = None

    @classmethod
    def from_row(cls, row: Place, distance: float | None = None) -> Self:
        return cls(place_id=str(row.id), row=row, distance=distance)

    @strawberry.field
    def kind(self) -> PlaceKind:
        return self.row.kind

    @strawberry.field(description="Name in the requested language (the viewer's by default).")
    def name(self, info: strawberry.Info, locale: Locale | None = None) -> str:
        return pick(locale or info.context.locale, self.row.name_vi, self.row.name_en)

    @strawberry.field
    def address(self) -> str:
        return self.row.address

    @strawberry.field
    def location(self) -> GeoPoint:
        return GeoPoint(latitude=self.row.location.y, longitude=self.row.location.x)

    @strawberry.field(description="Metres from `near`, when the list was searched by distance.")
    def distance_meters(self) -> float | None:
        return None if self.distance is None else round(self.distance, 1)

    @strawberry.field
    async def ward(self, info: strawberry.Info) -> WardNode | None:
        if self.row.ward_id is None:
            return None
        row = await info.context.loaders.ward_by_id.load(self.row.ward_id)
        return WardNode.from_row(row) if row else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # async; strawberry awaits it
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> Iterable[Self | None]:
        return await load_nodes(info.context.loaders.place_by_id, node_ids, cls.from_row)
