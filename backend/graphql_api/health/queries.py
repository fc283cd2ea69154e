"""Queries of the health domain: public search and slots; the viewer's appointments and
dependants; a facility's queue for its staff."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api import pagination
from backend.graphql_api.health.types import (
    AppointmentNode,
    DependantNode,
    HealthFacilityNode,
    SlotNode,
    SpecialtyType,
)
from backend.graphql_api.node_ids import decode_id
from backend.graphql_api.places.types import GeoPointInput
from backend.health import appointments, dependants, facilities, staff
from backend.health.facilities import FacilityView
from backend.health.models import AppointmentStatus
from backend.identity.models import User


def time_cursor(after: str | None) -> tuple[datetime, uuid.UUID] | None:
    """Decode a cursor over (a timestamp, id)."""
    cursor = pagination.decode_cursor(after, str)
    if cursor is None:
        return None
    try:
        moment = datetime.fromisoformat(cursor[0])
        if moment.tzinfo is None:
            raise ValueError("a cursor's time must carry an offset")
        # Our cursors hold UTC; a hand-made one may not even have a UTC equivalent.
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise BadUserInput("input.cursor_invalid", field="after") from exc
    return moment, cursor[1]


def distance_cursor(after: str | None) -> tuple[float, uuid.UUID] | None:
    """Decode a cursor over (distance in metres, id)."""
    cursor = pagination.decode_cursor(after, float)
    if cursor is not None and not (math.isfinite(cursor[0]) and cursor[0] >= 0):
        raise BadUserInput("input.cursor_invalid", field="after")
    return cursor


def queue_cursor(after: str | None) -> int | None:
    """Decode a cursor over (queue number, id)."""
    cursor = pagination.decode_cursor(after, float)
    if cursor is None:
        return None
    if not math.isfinite(cursor[0]):
        raise BadUserInput("input.cursor_invalid", field="after")
    return int(cursor[0])


def _time_key(moment: datetime, row_id: uuid.UUID) -> str:
    return pagination.encode_cursor(moment.isoformat(), row_id)


@strawberry.type
class HealthQuery:
    @strawberry.field(
        description="Health facilities nearest first within `radiusMeters` (default and maximum "
        "50 km) of `near`, optionally offering a specialty, accepting BHYT, or open now."
    )
    async def health_facilities(
        self,
        info: strawberry.Info,
        near: GeoPointInput,
        radius_meters: float | None = None,
        specialty: str | None = None,
        accepts_insurance: bool | None = None,
        open_now: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[HealthFacilityNode]:
        size = pagination.page_size(first)
        async with info.context.sessions() as session:
            views = await facilities.search(
                session,
                latitude=near.latitude,
                longitude=near.longitude,
                radius_m=radius_meters,
                specialty_code=specialty,
                accepts_insurance=accepts_insurance,
                open_now=open_now,
                after=distance_cursor(after),
                limit=size + 1,
                now=info.context.now(),
            )

        def cursor(view: FacilityView) -> str:
            return pagination.encode_cursor(view.distance_m or 0.0, view.facility.id)

        return pagination.connection(
            views, size=size, after=after, node=HealthFacilityNode.from_view, cursor=cursor
        )

    @strawberry.field(description="A health facility by its id; null if there is none.")
    async def health_facility(
        self, info: strawberry.Info, id: relay.GlobalID
    ) -> HealthFacilityNode | None:
        facility_id = decode_id(id, "HealthFacility")
        view = await info.context.loaders.health.facility_by_id.load(facility_id)
        return HealthFacilityNode.from_view(view) if view else None

    @strawberry.field(description="Every specialty, by code.")
    async def health_specialties(self, info: strawberry.Info) -> list[SpecialtyType]:
        async with info.context.sessions() as session:
            rows = await facilities.specialties(session)
        return [SpecialtyType(row=row) for row in rows]

    @strawberry.field(
        description="Bookable slots of a facility starting between `from` and `to` (at most "
        "31 days apart; times with an offset), earliest first."
    )
    async def available_slots(
        self,
        info: strawberry.Info,
        facility_id: relay.GlobalID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        specialty: str | None = None,
        practitioner_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[SlotNode]:
        size = pagination.page_size(first)
        async with info.context.sessions() as session:
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
                after=time_cursor(after),
                limit=size + 1,
                now=info.context.now(),
            )
        return pagination.connection(
            rows,
            size=size,
            after=after,
            node=SlotNode.from_row,
            cursor=lambda row: _time_key(row.start_at, row.id),
        )

    @strawberry.field(
        description="Staff only: a facility's appointments on a local day, by queue number. "
        "Each appointment shown is recorded in the access log."
    )
    async def facility_appointments(
        self,
        info: strawberry.Info,
        facility_id: relay.GlobalID,
        day: date,
        status: AppointmentStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AppointmentNode]:
        viewer = await info.context.require_viewer()
        size = pagination.page_size(first)
        async with info.context.unit_of_work() as uow:
            rows = await staff.facility_day(
                uow,
                staff_id=viewer.id,
                facility_id=decode_id(facility_id, "HealthFacility", field="facilityId"),
                day=day,
                status=status,
                after_number=queue_cursor(after),
                page_size=size,
                now=info.context.now(),
            )
        return pagination.connection(
            rows,
            size=size,
            after=after,
            node=AppointmentNode.from_row,
            cursor=lambda row: pagination.encode_cursor(float(row.queue_number), row.id),
        )


async def viewer_appointments(
    info: strawberry.Info,
    user_id: uuid.UUID,
    status: AppointmentStatus | None,
    first: int | None,
    after: str | None,
) -> relay.Connection[AppointmentNode]:
    """The viewer's appointments and their dependants', latest start first."""
    size = pagination.page_size(first)
    async with info.context.sessions() as session:
        rows = await appointments.own_appointments(
            session, user_id, status=status, after=time_cursor(after), limit=size + 1
        )
    return pagination.connection(
        rows,
        size=size,
        after=after,
        node=AppointmentNode.from_row,
        cursor=lambda row: _time_key(row.start_at, row.id),
    )


async def viewer_dependants(info: strawberry.Info, user_id: uuid.UUID) -> list[DependantNode]:
    async with info.context.sessions() as session:
        rows = await dependants.dependants_of(session, user_id)
    return [DependantNode.from_row(row) for row in rows]


@strawberry.type
class HealthViewerFields:
    """The health domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(description="Your appointments and your dependants', latest first.")
    async def appointments(
        self,
        info: strawberry.Info,
        status: AppointmentStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AppointmentNode]:
        return await viewer_appointments(info, self.row.id, status, first, after)

    @strawberry.field(description="People you book for, in the order you added them.")
    async def dependants(self, info: strawberry.Info) -> list[DependantNode]:
        return await viewer_dependants(info, self.row.id)
