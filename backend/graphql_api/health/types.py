"""GraphQL types of the health domain, written by hand: an appointment's fields reach only its
account holder and the staff of its facility (whose reads are logged)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Self

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.health.loaders import HealthLoaders
from backend.graphql_api.nodes import (
    RowNode,
    global_id,
    node_from,
    nodes_by_level,
    nodes_from,
    owned,
)
from backend.graphql_api.places.types import GeoPoint
from backend.graphql_api.plans import by_level
from backend.health import staff
from backend.health.facilities import FacilityView
from backend.health.localtime import time_of
from backend.health.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Closure,
    Dependant,
    FacilityLevel,
    OpeningHours,
    Practitioner,
    Relationship,
    Schedule,
    Specialty,
    Weekday,
)
from backend.health.repository.appointments import AppointmentRow
from backend.health.repository.slots import SlotRow
from backend.i18n import Locale

strawberry.enum(FacilityLevel, name="FacilityLevel")
strawberry.enum(AppointmentStatus, name="AppointmentStatus")
strawberry.enum(CancelledBy, name="CancelledBy")
strawberry.enum(Relationship, name="DependantRelationship")
strawberry.enum(Weekday, name="Weekday")


@strawberry.type(name="MedicalSpecialty", description="A specialty (chuyên khoa).")
class SpecialtyType:
    row: strawberry.Private[Specialty]

    @strawberry.field(description="Stable code, e.g. pediatrics; the filter of searches.")
    def code(self) -> str:
        return self.row.code

    @strawberry.field
    def name(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.name.get(locale or info.context.locale)


@strawberry.type(description="Opening interval in local time (Asia/Ho_Chi_Minh).")
class OpeningInterval:
    weekday: Weekday
    opens: time
    closes: time = strawberry.field(description="00:00 means midnight at the end of the day.")

    @classmethod
    def from_row(cls, row: OpeningHours) -> OpeningInterval:
        return cls(
            weekday=Weekday(row.weekday),
            opens=time_of(row.opens_minute),
            closes=time_of(row.closes_minute),
        )


@strawberry.type(name="HealthFacility", description="A hospital, health station or clinic.")
class HealthFacilityNode(RowNode):
    # Plain fields where no argument is needed: Strawberry reads them without a resolver call,
    # which is most of the cost of a list of facilities.
    row: strawberry.Private[FacilityView]
    address: str
    level: FacilityLevel
    phone: str
    accepts_insurance: bool = strawberry.field(
        description="Whether national health insurance (BHYT) is accepted."
    )

    # Resolvers where lists rarely ask: a plan calls them only when the document does.
    @strawberry.field
    def location(self) -> GeoPoint:
        place = self.row.facility.place
        return GeoPoint(latitude=place.latitude, longitude=place.longitude)

    @strawberry.field(
        description="Metres from `near`, when the list was searched by distance.",
        deprecation_reason="Read `HealthFacilityEdge.distanceMeters`: it belongs to the search, "
        "and a cached facility shows in lists searched from different places.",
    )
    def distance_meters(self) -> float | None:
        distance = self.row.distance_m
        return None if distance is None else round(distance, 1)

    @classmethod
    def from_row(cls, row: FacilityView) -> Self:
        facility = row.facility
        return cls(
            row=row,
            address=facility.place.address,
            level=facility.level,
            phone=facility.phone,
            accepts_insurance=facility.accepts_insurance,
        )

    @strawberry.field
    def name(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.facility.place.name.get(locale or info.context.locale)

    @strawberry.field
    async def opening_hours(self, info: Info) -> list[OpeningInterval]:
        rows = await HealthLoaders.of(info).opening_hours_by_facility_id.load(self.row.id)
        return [OpeningInterval.from_row(row) for row in rows]

    @strawberry.field
    async def specialties(self, info: Info) -> list[SpecialtyType]:
        rows = await HealthLoaders.of(info).specialties_by_facility_id.load(self.row.id)
        return [SpecialtyType(row=row) for row in rows]

    @strawberry.field
    async def practitioners(self, info: Info) -> list[PractitionerNode]:
        rows = await HealthLoaders.of(info).practitioners_by_facility_id.load(self.row.id)
        return [PractitionerNode.from_row(row) for row in rows]

    @strawberry.field(
        description="The earliest bookable slot (of the searched specialty, if any).",
        deprecation_reason="Read `HealthFacilityEdge.nextAvailableSlot`: it depends on the "
        "search's specialty.",
    )
    async def next_available_slot(self, info: Info) -> SlotNode | None:
        return await _next_slot(info, self.row)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(HealthLoaders.of(info).facility_by_id, ids, cls.from_row)


@strawberry.type(description="A facility in a search, with what depends on the search.")
class HealthFacilityEdge(relay.Edge[HealthFacilityNode]):
    view: strawberry.Private[FacilityView]
    distance_meters: float | None = strawberry.field(description="Metres from the search's `near`.")

    @classmethod
    def of(cls, view: FacilityView, cursor: str) -> HealthFacilityEdge:
        distance = view.distance_m
        return cls(
            node=HealthFacilityNode.from_row(view),
            cursor=cursor,
            view=view,
            distance_meters=None if distance is None else round(distance, 1),
        )

    @strawberry.field(description="The earliest bookable slot, of the searched specialty if any.")
    @by_level(
        lambda info, edges: nodes_by_level(
            HealthLoaders.of(info).next_slot,
            [(edge.view.id, edge.view.specialty_id) for edge in edges],
            SlotNode.from_row,
        )
    )
    async def next_available_slot(self, info: Info) -> SlotNode | None:
        return await _next_slot(info, self.view)


@strawberry.type
class HealthFacilityConnection(relay.Connection[HealthFacilityNode]):
    edges: list[HealthFacilityEdge]  # type: ignore[assignment]  # a Connection of richer edges


async def _next_slot(info: Info, view: FacilityView) -> SlotNode | None:
    slot = await HealthLoaders.of(info).next_slot.load((view.id, view.specialty_id))
    return SlotNode.from_row(slot) if slot else None


@strawberry.type(name="Practitioner", description="A doctor or nurse who sees patients.")
class PractitionerNode(RowNode):
    row: strawberry.Private[Practitioner]

    @strawberry.field
    def full_name(self) -> str:
        return self.row.full_name

    @strawberry.field(description="Professional title, e.g. Bác sĩ chuyên khoa II.")
    def title(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.title.get(locale or info.context.locale)

    @strawberry.field
    async def specialties(self, info: Info) -> list[SpecialtyType]:
        rows = await HealthLoaders.of(info).specialties_by_practitioner_id.load(self.row.id)
        return [SpecialtyType(row=row) for row in rows]

    @strawberry.field
    async def facility(self, info: Info) -> HealthFacilityNode | None:
        return await _facility(info, self.row.facility_id)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(HealthLoaders.of(info).practitioner_by_id, ids, cls.from_row)


@strawberry.type(name="AppointmentSlot", description="A bookable time at a facility.")
class SlotNode(RowNode):
    row: strawberry.Private[SlotRow]
    start: datetime
    end: datetime
    remaining: int = strawberry.field(description="Seats left when this was read.")

    @classmethod
    def from_row(cls, row: SlotRow) -> Self:
        return cls(
            row=row,
            start=row.start_at,
            end=row.end_at,
            remaining=0 if row.blocked else max(row.capacity - row.booked, 0),
        )

    @strawberry.field
    async def specialty(self, info: Info) -> SpecialtyType | None:
        row = await HealthLoaders.of(info).specialty_by_id.load(self.row.specialty_id)
        return SpecialtyType(row=row) if row else None

    @strawberry.field(description="Null for a specialty desk (whoever is on duty).")
    async def practitioner(self, info: Info) -> PractitionerNode | None:
        return await _practitioner(info, self.row.practitioner_id)

    @strawberry.field
    async def facility(self, info: Info) -> HealthFacilityNode | None:
        return await _facility(info, self.row.facility_id)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(HealthLoaders.of(info).slot_by_id, ids, cls.from_row)


@strawberry.type(name="Dependant", description="Someone the viewer books for. Owner only.")
class DependantNode(RowNode):
    row: strawberry.Private[Dependant]

    @strawberry.field
    def full_name(self) -> str:
        return self.row.full_name

    @strawberry.field
    def date_of_birth(self) -> date:
        return self.row.date_of_birth

    @strawberry.field
    def relationship(self) -> Relationship:
        return self.row.relationship

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """The account holder's own dependants only."""
        viewer = await info.context.viewer()
        rows = await HealthLoaders.of(info).dependant_by_id.load_many(ids) if viewer else []
        mine = owned(
            (row for row in rows if row), viewer.id if viewer else None, lambda row: row.account_id
        )
        return [cls.from_row(mine[key]) if key in mine else None for key in ids]


@strawberry.type(name="AppointmentPatient", description="Who the appointment is for.")
class PatientType:
    is_account_holder: bool = strawberry.field(
        description="True when booked for the account holder, false for a dependant."
    )
    dependant: DependantNode | None


@strawberry.type(
    name="Appointment",
    description="A booking. Visible to its account holder and to the staff of its facility "
    "(each staff read is logged).",
)
class AppointmentNode(RowNode):
    row: strawberry.Private[Appointment | AppointmentRow]

    @strawberry.field
    def status(self) -> AppointmentStatus:
        return self.row.status

    @strawberry.field(description="Unique per facility and local day, from 1.")
    def queue_number(self) -> int:
        return self.row.queue_number

    @strawberry.field
    def start(self) -> datetime:
        return self.row.start_at

    @strawberry.field
    def end(self) -> datetime:
        return self.row.end_at

    @strawberry.field(description="The local (Asia/Ho_Chi_Minh) day of the appointment.")
    def day(self) -> date:
        return self.row.local_day

    @strawberry.field
    def reason(self) -> str | None:
        return self.row.reason

    @strawberry.field(description="The BHYT number given at booking, if any.")
    def insurance_card_number(self) -> str | None:
        return self.row.insurance_card_number

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def cancelled_at(self) -> datetime | None:
        return self.row.cancelled_at

    @strawberry.field
    def cancelled_by(self) -> CancelledBy | None:
        return self.row.cancelled_by

    @strawberry.field(description="Why the facility cancelled: its words, or its closure's.")
    async def cancellation_reason(self, info: Info, locale: Locale | None = None) -> str | None:
        if self.row.closure_id is None:
            return self.row.cancel_reason
        closure = await HealthLoaders.of(info).closure_by_id.load(self.row.closure_id)
        if closure is None:
            return self.row.cancel_reason
        return closure.reason.get(locale or info.context.locale)

    @strawberry.field(description="The appointment this one was moved to, if it was.")
    def replaced_by_id(self) -> relay.GlobalID | None:
        return global_id("Appointment", self.row.replaced_by_id)

    @strawberry.field(
        description="The appointment this one replaced when it was rescheduled, now cancelled: "
        "select its `status` with `rescheduleAppointment` so a cached copy learns it."
    )
    async def replaces(self, info: Info) -> AppointmentNode | None:
        old_id = await HealthLoaders.of(info).replaced_id_by_new_id.load(self.row.id)
        if old_id is None:
            return None
        (found,) = await AppointmentNode.fetch(info, [old_id])
        return found

    @strawberry.field
    async def patient(self, info: Info) -> PatientType:
        if self.row.dependant_id is None:
            return PatientType(is_account_holder=True, dependant=None)
        row = await HealthLoaders.of(info).dependant_by_id.load(self.row.dependant_id)
        return PatientType(
            is_account_holder=False, dependant=DependantNode.from_row(row) if row else None
        )

    @strawberry.field
    @by_level(
        lambda info, nodes: nodes_by_level(
            HealthLoaders.of(info).facility_by_id,
            [node.row.facility_id for node in nodes],
            HealthFacilityNode.from_row,
        )
    )
    async def facility(self, info: Info) -> HealthFacilityNode | None:
        return await _facility(info, self.row.facility_id)

    @strawberry.field
    async def slot(self, info: Info) -> SlotNode | None:
        return await node_from(
            HealthLoaders.of(info).slot_by_id, self.row.slot_id, SlotNode.from_row
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """The account holder sees their appointments; staff see their facility's, logged."""
        viewer = await info.context.viewer()
        if viewer is None:
            return [None for _ in ids]
        async with info.context.unit_of_work() as uow:
            rows = await staff.visible_appointments(
                uow, viewer_id=viewer.id, ids=ids, now=info.context.now()
            )
        return [cls.from_row(rows[key]) if key in rows else None for key in ids]


@strawberry.type(name="WeeklyAvailability", description="A weekly rule slots are made from.")
class AvailabilityType(RowNode):
    row: strawberry.Private[Schedule]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(HealthLoaders.of(info).schedule_by_id, ids, cls.from_row)

    @strawberry.field
    def weekday(self) -> Weekday:
        return Weekday(self.row.weekday)

    @strawberry.field(description="Local time.")
    def start(self) -> time:
        return time_of(self.row.start_minute)

    @strawberry.field(description="Local time; 00:00 means midnight at the end of the day.")
    def end(self) -> time:
        return time_of(self.row.end_minute)

    @strawberry.field
    def slot_minutes(self) -> int:
        return self.row.slot_minutes

    @strawberry.field
    def capacity(self) -> int:
        return self.row.capacity

    @strawberry.field
    async def practitioner(self, info: Info) -> PractitionerNode | None:
        return await _practitioner(info, self.row.practitioner_id)


@strawberry.type(name="FacilityClosure", description="Days a facility or a doctor is closed.")
class ClosureType(RowNode):
    row: strawberry.Private[Closure]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(HealthLoaders.of(info).closure_by_id, ids, cls.from_row)

    @strawberry.field(
        description="Booked appointments this closure cancelled (their patients were told)."
    )
    async def cancelled_appointments(self, info: Info) -> int:
        return await HealthLoaders.of(info).cancelled_by_closure_id.load(self.row.id)

    @strawberry.field
    def starts_on(self) -> date:
        return self.row.starts_on

    @strawberry.field
    def ends_on(self) -> date:
        return self.row.ends_on

    @strawberry.field
    def reason(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.reason.get(locale or info.context.locale)


async def _facility(info: Info, facility_id: uuid.UUID) -> HealthFacilityNode | None:
    loader = HealthLoaders.of(info).facility_by_id
    return await node_from(loader, facility_id, HealthFacilityNode.from_row)


async def _practitioner(info: Info, practitioner_id: uuid.UUID | None) -> PractitionerNode | None:
    loader = HealthLoaders.of(info).practitioner_by_id
    return await node_from(loader, practitioner_id, PractitionerNode.from_row)
