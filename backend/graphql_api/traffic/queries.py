"""Queries of the traffic domain: incidents near a point (public); the viewer's vehicles;
traffic police's queue of registrations and plate lookups, each logged."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.db.unit_of_work import UnitOfWork
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.traffic.loaders import TrafficLoaders
from backend.graphql_api.traffic.routes import ROUTES_BY_TIME, SavedRouteNode
from backend.graphql_api.traffic.types import (
    IncidentConnection,
    IncidentEdge,
    IncidentNode,
    RegistrationNode,
    VehicleNode,
    ViolationNode,
)
from backend.identity.models import User
from backend.places import service as places
from backend.traffic import incidents, plates, routes, vehicles
from backend.traffic.models import IncidentType, PlateColour, VehicleType

INCIDENTS_BY_DISTANCE = Keyset("traffic.incidents.distance", float, lambda meters: meters >= 0)
INCIDENTS_BY_START = Keyset("traffic.incidents.start", datetime)
REGISTRATIONS_BY_TIME = Keyset("traffic.registrations.created", datetime)
VEHICLES_BY_TIME = Keyset("traffic.vehicles.created", datetime)


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


@strawberry.type(description="Traffic police: what is known of a plate (the lookup is logged).")
class PlateLookup:
    plate: str
    registrations: list[RegistrationNode] = strawberry.field(
        description="Every owner's link to the plate, oldest first."
    )
    violations: list[ViolationNode] = strawberry.field(description="The latest 100, latest first.")


def _logged_reads(info: Info) -> UnitOfWork:
    """A transaction for the access log of a staff read: committed before the answer leaves,
    without the public-answer invalidation a mutation's commit brings (nothing public changed)."""
    return UnitOfWork(info.context.sessions, opening=info.context.reads.release)


@strawberry.type
class TrafficStaffQuery:
    @strawberry.field(
        description="Traffic police: vehicle registrations waiting for a check, oldest first. "
        "Each plate shown is written to the access log."
    )
    async def traffic_vehicle_registrations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[RegistrationNode]:
        viewer = await info.context.require_viewer()
        page = REGISTRATIONS_BY_TIME.page(first, after)
        async with _logged_reads(info) as uow:
            rows = await vehicles.pending(
                uow.session, viewer.id, after=page.after, limit=page.limit
            )
            await vehicles.log_reads(
                uow,
                police_id=viewer.id,
                plates_read=[row.plate for row in rows[: page.size]],
                purpose="verification",
                now=info.context.now(),
            )
        return page.connection(
            rows, node=RegistrationNode.from_row, key=lambda row: (row.created_at, row.id)
        )

    @strawberry.field(
        description="Traffic police: the owners' links and violations of one plate; every "
        "lookup is written to the access log. Citizens cannot search by plate."
    )
    async def traffic_plate_lookup(
        self,
        info: Info,
        plate: str,
        plate_colour: PlateColour,
        vehicle_type: VehicleType,
    ) -> PlateLookup:
        viewer = await info.context.require_viewer()
        async with _logged_reads(info) as uow:
            links, found = await vehicles.plate_history(
                uow,
                police_id=viewer.id,
                plate=plate,
                plate_colour=plate_colour,
                vehicle_type=vehicle_type,
                now=info.context.now(),
            )
        return PlateLookup(
            plate=plates.canonical(plate, vehicle_type),
            registrations=[RegistrationNode.from_row(row) for row in links],
            violations=[ViolationNode.from_row(row) for row in found],
        )


@strawberry.type
class TrafficViewerFields:
    """The traffic domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(
        description="Vehicles you registered, oldest first; each shows its violations once "
        "traffic police verified it."
    )
    async def vehicles(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[VehicleNode]:
        page = VEHICLES_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await vehicles.vehicles_of(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=VehicleNode.from_row, key=lambda row: (row.created_at, row.id)
        )

    @strawberry.field(description="Routes and commutes you saved, oldest first.")
    async def saved_traffic_routes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[SavedRouteNode]:
        page = ROUTES_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await routes.routes_of(session, self.row.id, after=page.after, limit=page.limit)
        return page.connection(
            rows, node=SavedRouteNode.from_row, key=lambda row: (row.created_at, row.id)
        )
