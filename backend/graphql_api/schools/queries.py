"""Queries of the schools domain: the public directory, and a parent's linked children."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.schools.types import (
    SchoolConnection,
    SchoolEdge,
    SchoolNode,
    StudentNode,
)
from backend.identity.models import User
from backend.places import service as places
from backend.schools import directory, reads
from backend.schools.models import SchoolLevel

SCHOOLS_BY_DISTANCE = Keyset("schools.distance", float, lambda meters: meters >= 0)
SCHOOLS_BY_NAME = Keyset("schools.name", str)
CHILDREN_BY_NAME = Keyset("schools.children.name", str)


@strawberry.type
class SchoolsQuery:
    @strawberry.field(
        description="Schools of every level: nearest first within `radiusMeters` (default and "
        "maximum 50 km) of `near`, else by name; `ward` keeps schools whose admission zone "
        "includes that ward; `programme` a programme code."
    )
    async def schools(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        level: SchoolLevel | None = None,
        ward: relay.GlobalID | None = None,
        programme: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SchoolConnection:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        ward_id = None if ward is None else decode_id(ward, "Ward", field="ward")
        keyset: Keyset[Any] = SCHOOLS_BY_NAME if origin is None else SCHOOLS_BY_DISTANCE
        page = keyset.page(first, after)
        async with info.context.read() as session:
            hits = await directory.search(
                session,
                near=origin,
                radius_m=radius_meters,
                level=level,
                ward_id=ward_id,
                programme=programme,
                after=page.after,
                limit=page.limit,
            )
        edges, page_info = page.edges_of(
            hits,
            edge=lambda hit, cursor: SchoolEdge(
                node=SchoolNode.from_row(hit.school),
                cursor=cursor,
                distance_meters=round(hit.key, 1) if isinstance(hit.key, float) else None,
            ),
            key=lambda hit: (hit.key, hit.school.id),
        )
        return SchoolConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="A school by its id; null if there is none.")
    async def school(self, info: Info, id: relay.GlobalID) -> SchoolNode | None:
        found = await SchoolNode.fetch(info, [decode_id(id, "School")])
        return found[0]

    @strawberry.field(
        description="The schools of a level whose admission zone includes the ward where a "
        "child lives, by name."
    )
    async def schools_for_address(
        self,
        info: Info,
        ward: relay.GlobalID,
        level: SchoolLevel | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SchoolConnection:
        ward_id = decode_id(ward, "Ward", field="ward")
        page = SCHOOLS_BY_NAME.page(first, after)
        async with info.context.read() as session:
            hits = await directory.search(
                session,
                near=None,
                radius_m=None,
                level=level,
                ward_id=ward_id,
                programme=None,
                after=page.after,
                limit=page.limit,
            )
        edges, page_info = page.edges_of(
            hits,
            edge=lambda hit, cursor: SchoolEdge(
                node=SchoolNode.from_row(hit.school), cursor=cursor
            ),
            key=lambda hit: (str(hit.key), hit.school.id),
        )
        return SchoolConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="Parents: one of your linked children; null for any other.")
    async def school_student(self, info: Info, id: relay.GlobalID) -> StudentNode | None:
        await info.context.require_viewer()
        found = await StudentNode.fetch(info, [decode_id(id, "SchoolStudent")])
        return found[0]


@strawberry.type
class SchoolsViewerFields:
    """The schools domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(description="Your children linked through their schools, by name.")
    async def school_children(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[StudentNode]:
        page = CHILDREN_BY_NAME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.children_of(session, self.row.id, after=page.after, limit=page.limit)
        return page.connection(
            rows, node=StudentNode.from_row, key=lambda row: (row.full_name, row.id)
        )
