"""A citizen's saved routes in the schema: the node, its input, and the page of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, time
from typing import Self

import strawberry
from shapely.geometry import LineString

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, visible_nodes
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPoint, GeoPointInput
from backend.graphql_api.traffic.loaders import TrafficLoaders
from backend.graphql_api.traffic.types import RoadNode
from backend.traffic import routes
from backend.traffic.repository.rows import SavedRouteRow

ROUTES_BY_TIME = Keyset("traffic.routes.created", datetime)


@strawberry.type(
    name="SavedTrafficRoute",
    description="A route or commute you saved; visible only to you. A severe incident on or "
    "within 150 m of it is pushed to you once (`traffic_route.incident`), during its active "
    "hours when it has some.",
)
class SavedRouteNode(RowNode):
    row: strawberry.Private[SavedRouteRow]
    name: str
    path: list[GeoPoint] | None = strawberry.field(
        description="The line you drew (null for a route of roads)."
    )
    active_from: time | None = strawberry.field(description="Local time (UTC+7).")
    active_to: time | None = strawberry.field(
        description="Local time (UTC+7); before `activeFrom` when the span passes midnight."
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: SavedRouteRow) -> Self:
        path = None
        if isinstance(row.path, LineString):
            path = [GeoPoint(latitude=y, longitude=x) for x, y in row.path.coords]
        return cls(
            row=row,
            name=row.name,
            path=path,
            active_from=row.active_start,
            active_to=row.active_end,
            created_at=row.created_at,
        )

    @strawberry.field(description="The roads you chose, in your order (empty for a drawn line).")
    async def roads(self, info: Info) -> list[RoadNode]:
        loader = TrafficLoaders.of(info).road_by_id
        found = await loader.load_many([uuid.UUID(value) for value in self.row.road_ids])
        return [RoadNode.from_row(row) for row in found if row is not None]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await visible_nodes(info, ids, routes.own_routes, cls.from_row)


@strawberry.input(
    description="A route to save: either `path` (2 to 200 points) or `roadIds` (1 to 20 roads). "
    "`activeFrom` and `activeTo` go together; without them the route is watched at any time."
)
class SaveTrafficRouteInput:
    name: str = strawberry.field(description="1 to 80 characters, e.g. “Đi làm”.")
    path: list[GeoPointInput] | None = None
    road_ids: list[strawberry.relay.GlobalID] | None = None
    active_from: time | None = None
    active_to: time | None = None
