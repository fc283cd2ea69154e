"""Queries of the health domain: public search and slots; the viewer's appointments and
dependants; a facility's queue for its staff."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.health.loaders import HealthLoaders
from backend.graphql_api.health.types import (
    AppointmentNode,
    DependantNode,
    HealthFacilityConnection,
    HealthFacilityEdge,
    HealthFacilityNode,
    SlotNode,
    SpecialtyType,
)
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.health import appointments, dependants, facilities, staff
from backend.health.models import AppointmentStatus
from backend.identity.models import User

FACILITIES_BY_DISTANCE = Keyset("health.facilities.distance", float, lambda meters: meters >= 0)
SLOTS_BY_START = Keyset("health.slots.start", datetime)
QUEUE_BY_NUMBER = Keyset("health.queue.number", int)
APPOINTMENTS_BY_START = Keyset("health.appointments.start", datetime)


@strawberry.type
class HealthQuery:
    @strawberry.field(
        description="Health facilities nearest first within `radiusMeters` (default and maximum "
        "50 km) of `near`, optionally offering a specialty, accepting BHYT, or open now."
    )
    async def health_facilities(
        self,
        info: Info,
        near: GeoPointInput,
        radius_meters: float | None = None,
        specialty: str | None = None,
        accepts_insurance: bool | None = None,
        open_now: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> HealthFacilityConnection:
        page = FACILITIES_BY_DISTANCE.page(first, after)
        async with info.context.read() as session:
            views = await facilities.search(
                session,
                latitude=near.latitude,
                longitude=near.longitude,
                radius_m=radius_meters,
                specialty_code=specialty,
                accepts_insurance=accepts_insurance,
                open_now=open_now,
                after=page.after,
                limit=page.limit,
                now=info.context.now(),
            )
        edges, page_info = page.edges_of(
            views, edge=HealthFacilityEdge.of, key=lambda view: (view.distance_m or 0.0, view.id)
        )
        return HealthFacilityConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="A health facility by its id; null if there is none.")
    async def health_facility(self, info: Info, id: relay.GlobalID) -> HealthFacilityNode | None:
        facility_id = decode_id(id, "HealthFacility")
        view = await HealthLoaders.of(info).facility_by_id.load(facility_id)
        return HealthFacilityNode.from_row(view) if view else None

    @strawberry.field(description="Every specialty, by code.")
    async def health_specialties(self, info: Info) -> list[SpecialtyType]:
        async with info.context.read() as session:
            rows = await facilities.specialties(session)
        return [SpecialtyType(row=row) for row in rows]

    @strawberry.field(
        description="Bookable slots of a facility starting between `from` and `to` (at most "
        "31 days apart; times with an offset), earliest first."
    )
    async def available_slots(
        self,
        info: Info,
        facility_id: relay.GlobalID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        specialty: str | None = None,
        practitioner_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[SlotNode]:
        page = SLOTS_BY_START.page(first, after)
        async with info.context.read() as session:
            rows = await facilities.available_slots(
                session,
                facility_id=decode_id(facility_id, "HealthFacility", field="facilityId"),
                specialty_code=specialty,
                practitioner_id=(
                    decode_id(practitioner_id, "Practitioner", field="practitionerId")
                    if practitioner_id is not None
                    else None
                ),
                start=from_,
                end=to,
                after=page.after,
                limit=page.limit,
                now=info.context.now(),
            )
        return page.connection(rows, node=SlotNode.from_row, key=lambda row: (row.start_at, row.id))

    @strawberry.field(
        description="Staff only: a facility's appointments on a local day, by queue number. "
        "Each appointment shown is recorded in the access log."
    )
    async def facility_appointments(
        self,
        info: Info,
        facility_id: relay.GlobalID,
        day: date,
        status: AppointmentStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AppointmentNode]:
        viewer = await info.context.require_viewer()
        page = QUEUE_BY_NUMBER.page(first, after)
        async with info.context.unit_of_work() as uow:
            rows = await staff.facility_day(
                uow,
                staff_id=viewer.id,
                facility_id=decode_id(facility_id, "HealthFacility", field="facilityId"),
                day=day,
                status=status,
                after_number=page.after[0] if page.after else None,
                page_size=page.size,
                now=info.context.now(),
            )
        return page.connection(
            rows, node=AppointmentNode.from_row, key=lambda row: (row.queue_number, row.id)
        )


async def viewer_appointments(
    info: Info,
    user_id: uuid.UUID,
    status: AppointmentStatus | None,
    first: int | None,
    after: str | None,
) -> relay.Connection[AppointmentNode]:
    """The viewer's appointments and their dependants', latest start first."""
    page = APPOINTMENTS_BY_START.page(first, after)
    async with info.context.read() as session:
        rows = await appointments.own_appointments(
            session, user_id, status=status, after=page.after, limit=page.limit
        )
    return page.connection(
        rows, node=AppointmentNode.from_row, key=lambda row: (row.start_at, row.id)
    )


async def viewer_dependants(info: Info, user_id: uuid.UUID) -> list[DependantNode]:
    async with info.context.read() as session:
        rows = await dependants.dependants_of(session, user_id)
    return [DependantNode.from_row(row) for row in rows]


@strawberry.type
class HealthViewerFields:
    """The health domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(description="Your appointments and your dependants', latest first.")
    async def appointments(
        self,
        info: Info,
        status: AppointmentStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AppointmentNode]:
        return await viewer_appointments(info, self.row.id, status, first, after)

    @strawberry.field(description="People you book for, in the order you added them.")
    async def dependants(self, info: Info) -> list[DependantNode]:
        return await viewer_dependants(info, self.row.id)
