"""Mutations of the traffic domain: each parses input and runs one use case in a unit of work.
Results are nullable, so one failed field in a document never hides its siblings."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.traffic.routes import SavedRouteNode, SaveTrafficRouteInput
from backend.graphql_api.traffic.types import IncidentNode, RegistrationNode, VehicleNode
from backend.traffic import incidents, routes, vehicles
from backend.traffic.incidents import Coordinates, IncidentChanges
from backend.traffic.models import (
    Incident,
    IncidentCause,
    IncidentEffect,
    IncidentSeverity,
    IncidentSource,
    IncidentType,
    PlateColour,
    Vehicle,
    VehicleType,
)
from backend.traffic.repository.rows import IncidentRow, SavedRouteRow, VehicleRow


@strawberry.input(description="Traffic operators: a new incident.")
class CreateTrafficIncidentInput:
    type: IncidentType
    path: list[GeoPointInput] = strawberry.field(
        description="One point, or 2 to 200 points of a line along the road."
    )
    description_vi: str
    description_en: str
    cause: IncidentCause = IncidentCause.UNKNOWN_CAUSE
    effect: IncidentEffect = IncidentEffect.UNKNOWN_EFFECT
    severity: IncidentSeverity = IncidentSeverity.UNKNOWN_SEVERITY
    source: IncidentSource = IncidentSource.OPERATIONS_CENTRE
    road_id: relay.GlobalID | None = None
    flood_point_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A FLOODED_ROAD only: the flood point (a Station) reporting it."
    )
    starts_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    expected_end_at: datetime | None = None
    camera_urls: list[str] = strawberry.field(
        default_factory=list, description="At most 5 http(s) links."
    )


@strawberry.input(description="Traffic operators: what changes; absent fields stay as they are.")
class UpdateTrafficIncidentInput:
    id: relay.GlobalID
    type: IncidentType | None = None
    path: list[GeoPointInput] | None = None
    description_vi: str | None = None
    description_en: str | None = None
    cause: IncidentCause | None = None
    effect: IncidentEffect | None = None
    severity: IncidentSeverity | None = None
    source: IncidentSource | None = None
    road_id: relay.GlobalID | None = None
    flood_point_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET,
        description="A FLOODED_ROAD only: the flood point (a Station) reporting it; null "
        "removes the link.",
    )
    starts_at: datetime | None = None
    expected_end_at: datetime | None = None
    camera_urls: list[str] | None = None


@strawberry.input
class CloseTrafficIncidentInput:
    id: relay.GlobalID


@strawberry.input(description="Your vehicle, with the number of its registration certificate.")
class RegisterVehicleInput:
    plate: str = strawberry.field(description="As printed: 75A-123.45, 75-B1 234.56, …")
    plate_colour: PlateColour
    vehicle_type: VehicleType
    certificate_number: str = strawberry.field(
        description="The number of the registration certificate (giấy đăng ký xe), for traffic "
        "police to check."
    )


@strawberry.input
class DecideVehicleRegistrationInput:
    registration_id: relay.GlobalID
    approve: bool
    reason: str | None = strawberry.field(default=None, description="Required to reject.")


def _path(points: list[GeoPointInput] | None) -> list[Coordinates] | None:
    if points is None:
        return None
    # One beyond the cap, so an over-long list is refused by the rule, not silently cut.
    return [Coordinates(p.latitude, p.longitude) for p in points[: incidents.MAX_PATH_POINTS + 1]]


def _flood_point(value: relay.GlobalID | None) -> uuid.UUID | None:
    return None if value is None else decode_id(value, "Station", field="input.floodPointId")


def _incident(row: Incident) -> IncidentNode:
    return IncidentNode.from_row(
        IncidentRow(
            id=row.id,
            type=row.type,
            cause=row.cause,
            effect=row.effect,
            severity=row.severity,
            source=row.source,
            location=row.location,
            road_id=row.road_id,
            ward_id=row.ward_id,
            flood_point_id=row.flood_point_id,
            description=row.description,
            camera_urls=list(row.camera_urls),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            closed_at=row.closed_at,
            updated_at=row.updated_at,
        )
    )


def _vehicle(row: Vehicle) -> VehicleRow:
    return VehicleRow(
        id=row.id,
        owner_id=row.owner_id,
        plate=row.plate,
        plate_colour=row.plate_colour,
        vehicle_type=row.vehicle_type,
        certificate_number=row.certificate_number,
        status=row.status,
        decision_note=row.decision_note,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


@strawberry.type
class TrafficMutation:
    @strawberry.mutation(
        description="Traffic operators: publish an incident; a SEVERE one alerts its ward."
    )
    async def create_traffic_incident(
        self, info: Info, input: CreateTrafficIncidentInput
    ) -> IncidentNode | None:
        viewer = await info.context.require_viewer()
        road = (
            None
            if input.road_id is None
            else decode_id(input.road_id, "Road", field="input.roadId")
        )
        changes = IncidentChanges(
            type=input.type,
            cause=input.cause,
            effect=input.effect,
            severity=input.severity,
            source=input.source,
            path=_path(input.path),
            road_id=road,
            flood_point_id=_flood_point(input.flood_point_id),
            starts_at=input.starts_at,
            expected_end_at=input.expected_end_at,
            description_vi=input.description_vi,
            description_en=input.description_en,
            camera_urls=input.camera_urls,
        )
        async with info.context.unit_of_work() as uow:
            row = await incidents.create(
                uow, operator_id=viewer.id, changes=changes, now=info.context.now()
            )
        return _incident(row)

    @strawberry.mutation(
        description="Traffic operators: change an open incident; becoming SEVERE alerts its ward."
    )
    async def update_traffic_incident(
        self, info: Info, input: UpdateTrafficIncidentInput
    ) -> IncidentNode | None:
        viewer = await info.context.require_viewer()
        incident_id = decode_id(input.id, "TrafficIncident", field="input.id")
        road = (
            None
            if input.road_id is None
            else decode_id(input.road_id, "Road", field="input.roadId")
        )
        flood_point = input.flood_point_id
        changes = IncidentChanges(
            type=input.type,
            cause=input.cause,
            effect=input.effect,
            severity=input.severity,
            source=input.source,
            path=_path(input.path),
            road_id=road,
            flood_point_id=None if flood_point is strawberry.UNSET else _flood_point(flood_point),
            clear_flood_point=flood_point is None,
            starts_at=input.starts_at,
            expected_end_at=input.expected_end_at,
            description_vi=input.description_vi,
            description_en=input.description_en,
            camera_urls=input.camera_urls,
        )
        async with info.context.unit_of_work() as uow:
            row = await incidents.update(
                uow,
                operator_id=viewer.id,
                incident_id=incident_id,
                changes=changes,
                now=info.context.now(),
            )
        return _incident(row)

    @strawberry.mutation(description="Traffic operators: close an incident (it ends now).")
    async def close_traffic_incident(
        self, info: Info, input: CloseTrafficIncidentInput
    ) -> IncidentNode | None:
        viewer = await info.context.require_viewer()
        incident_id = decode_id(input.id, "TrafficIncident", field="input.id")
        async with info.context.unit_of_work() as uow:
            row = await incidents.close(
                uow, operator_id=viewer.id, incident_id=incident_id, now=info.context.now()
            )
        return _incident(row)

    @strawberry.mutation(
        description="Register your vehicle; it shows its violations once traffic police "
        "verified the registration certificate."
    )
    async def register_vehicle(self, info: Info, input: RegisterVehicleInput) -> VehicleNode | None:
        viewer = await info.context.require_verified_viewer()
        async with info.context.unit_of_work() as uow:
            row = await vehicles.register(
                uow,
                owner_id=viewer.id,
                plate=input.plate,
                plate_colour=input.plate_colour,
                vehicle_type=input.vehicle_type,
                certificate_number=input.certificate_number,
                now=info.context.now(),
            )
        return VehicleNode.from_row(_vehicle(row))

    @strawberry.mutation(
        description="Traffic police: verify a registration (ending any previous owner's link: a "
        "transfer) or reject it with a reason. Deciding twice is CONFLICT."
    )
    async def decide_vehicle_registration(
        self, info: Info, input: DecideVehicleRegistrationInput
    ) -> RegistrationNode | None:
        viewer = await info.context.require_viewer()
        vehicle_id = decode_id(
            input.registration_id, "VehicleRegistration", field="input.registrationId"
        )
        async with info.context.unit_of_work() as uow:
            row = await vehicles.decide(
                uow,
                police_id=viewer.id,
                vehicle_id=vehicle_id,
                approve=input.approve,
                reason=input.reason,
                now=info.context.now(),
            )
        return RegistrationNode.from_row(_vehicle(row))

    @strawberry.mutation(
        description="Save a route or commute (at most 20): a severe incident on or near it is "
        "pushed to you."
    )
    async def save_traffic_route(
        self, info: Info, input: SaveTrafficRouteInput
    ) -> SavedRouteNode | None:
        viewer = await info.context.require_viewer()
        road_ids = None
        if input.road_ids is not None:
            road_ids = [
                decode_id(value, "Road", field=f"input.roadIds[{index}]")
                for index, value in enumerate(input.road_ids[: routes.MAX_ROADS + 1])
            ]
        route = routes.RouteInput(
            name=input.name,
            path=_path(input.path),
            road_ids=road_ids,
            active_start=input.active_from,
            active_end=input.active_to,
        )
        async with info.context.unit_of_work() as uow:
            row = await routes.save(uow, owner_id=viewer.id, route=route, now=info.context.now())
            saved = SavedRouteRow(
                id=row.id,
                owner_id=row.owner_id,
                name=row.name,
                path=row.path,
                road_ids=list(row.road_ids),
                active_start=row.active_start,
                active_end=row.active_end,
                created_at=row.created_at,
            )
        return SavedRouteNode.from_row(saved)

    @strawberry.mutation(description="Delete one of your saved routes: true once deleted.")
    async def delete_traffic_route(self, info: Info, id: relay.GlobalID) -> bool | None:
        viewer = await info.context.require_viewer()
        route_id = decode_id(id, "SavedTrafficRoute", field="id")
        async with info.context.unit_of_work() as uow:
            await routes.delete(uow, owner_id=viewer.id, route_id=route_id)
        return True
