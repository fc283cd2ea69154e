"""Mutations of the health domain: each parses input, runs one use case in a unit of work.

Results are nullable, so one failed field in a document never hides its siblings.
"""

from __future__ import annotations

import uuid
from datetime import date, time

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.health.types import (
    AppointmentNode,
    AvailabilityType,
    ClosureType,
    DependantNode,
)
from backend.graphql_api.nodes import decode_id
from backend.health import booking, dependants, schedules, staff
from backend.health.booking import BookingRequest
from backend.health.localtime import MINUTES_PER_DAY, minute_of
from backend.health.models import Relationship, Weekday
from backend.health.policy import HealthPolicy
from backend.health.schedules import Availability, ClosureRequest
from backend.health.staff import StaffAction


@strawberry.input(one_of=True, description="Book for yourself, or for one of your dependants.")
class PatientInput:
    myself: bool | None = strawberry.field(name="self", default=strawberry.UNSET)
    dependant_id: relay.GlobalID | None = strawberry.UNSET


@strawberry.input
class BookAppointmentInput:
    slot_id: relay.GlobalID
    patient: PatientInput
    reason: str | None = strawberry.field(
        default=None, description="Shown to the facility only; at most 500 characters."
    )
    insurance_card_number: str | None = strawberry.field(
        default=None,
        description="BHYT: the 15-character card code (e.g. DN4460123456789) or the 10-digit "
        "social insurance number.",
    )


@strawberry.input
class CancelAppointmentInput:
    appointment_id: relay.GlobalID
    reason: str | None = strawberry.field(
        default=None, description="Required when staff cancel; at most 500 characters."
    )


@strawberry.input
class RescheduleAppointmentInput:
    appointment_id: relay.GlobalID
    new_slot_id: relay.GlobalID


@strawberry.input
class AppointmentActionInput:
    appointment_id: relay.GlobalID


@strawberry.input
class AddDependantInput:
    full_name: str
    date_of_birth: date
    relationship: Relationship


@strawberry.input(description="Staff only. Times are local (Asia/Ho_Chi_Minh).")
class AddWeeklyAvailabilityInput:
    facility_id: relay.GlobalID
    specialty: str = strawberry.field(description="A specialty code the facility offers.")
    weekday: Weekday
    start: time
    end: time = strawberry.field(description="00:00 means midnight at the end of the day.")
    slot_minutes: int
    capacity: int = strawberry.field(description="Patients per slot.")
    practitioner_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Null for a specialty desk."
    )


@strawberry.input(description="Staff only. Days are local and inclusive.")
class AddClosureInput:
    facility_id: relay.GlobalID
    starts_on: date
    ends_on: date
    reason_vi: str
    reason_en: str | None = None
    practitioner_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Null closes the whole facility."
    )


def _policy(info: Info) -> HealthPolicy:
    return HealthPolicy.from_settings(info.context.services.settings)


def _booking_request(input: BookAppointmentInput) -> BookingRequest:
    patient = input.patient
    dependant_id = patient.dependant_id or None
    if dependant_id is None and patient.myself is not True:
        raise BadUserInput("health.patient_choice", field="patient")
    return BookingRequest(
        slot_id=decode_id(input.slot_id, "AppointmentSlot", field="slotId"),
        dependant_id=decode_id(dependant_id, "Dependant", field="patient")
        if dependant_id
        else None,
        reason=input.reason,
        insurance_card_number=input.insurance_card_number,
    )


async def _staff_action(
    info: Info, input: AppointmentActionInput, action: StaffAction
) -> AppointmentNode:
    """Check-in, complete, no-show: one status move by the facility's staff."""
    viewer = await info.context.require_viewer()
    async with info.context.unit_of_work() as uow:
        row = await action(
            uow,
            staff_id=viewer.id,
            appointment_id=_appointment_id(input.appointment_id),
            now=info.context.now(),
        )
    return AppointmentNode.from_row(row)


def _appointment_id(value: relay.GlobalID) -> uuid.UUID:
    return decode_id(value, "Appointment", field="appointmentId")


@strawberry.type
class HealthMutation:
    @strawberry.mutation(description="Book a seat of a slot; you get a queue number and a push.")
    async def book_appointment(
        self, info: Info, input: BookAppointmentInput
    ) -> AppointmentNode | None:
        viewer = await info.context.require_verified_viewer()
        request = _booking_request(input)
        async with info.context.read() as session:
            await booking.refuse_early(session, request, info.context.now())
        async with info.context.unit_of_work() as uow:
            row = await booking.book(
                uow, _policy(info), account_id=viewer.id, request=request, now=info.context.now()
            )
        return AppointmentNode.from_row(row)

    @strawberry.mutation(
        description="Cancel: yours until the cut-off before the start; staff at any time, "
        "with a reason."
    )
    async def cancel_appointment(
        self, info: Info, input: CancelAppointmentInput
    ) -> AppointmentNode | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            row = await booking.cancel(
                uow,
                _policy(info),
                actor_id=viewer.id,
                appointment_id=_appointment_id(input.appointment_id),
                reason=input.reason,
                now=info.context.now(),
            )
        return AppointmentNode.from_row(row)

    @strawberry.mutation(
        description="Move your appointment to another slot of the same facility; returns the "
        "new appointment. Nothing changes unless the new seat is taken."
    )
    async def reschedule_appointment(
        self, info: Info, input: RescheduleAppointmentInput
    ) -> AppointmentNode | None:
        viewer = await info.context.require_verified_viewer()
        async with info.context.unit_of_work() as uow:
            row = await booking.reschedule(
                uow,
                _policy(info),
                account_id=viewer.id,
                appointment_id=_appointment_id(input.appointment_id),
                new_slot_id=decode_id(input.new_slot_id, "AppointmentSlot", field="newSlotId"),
                now=info.context.now(),
            )
        return AppointmentNode.from_row(row)

    @strawberry.mutation(description="Staff: the patient has arrived (booked → arrived).")
    async def check_in_appointment(
        self, info: Info, input: AppointmentActionInput
    ) -> AppointmentNode | None:
        return await _staff_action(info, input, staff.check_in)

    @strawberry.mutation(description="Staff: the visit took place (arrived → fulfilled).")
    async def complete_appointment(
        self, info: Info, input: AppointmentActionInput
    ) -> AppointmentNode | None:
        return await _staff_action(info, input, staff.complete)

    @strawberry.mutation(description="Staff: the patient did not come (booked → noshow).")
    async def mark_no_show(
        self, info: Info, input: AppointmentActionInput
    ) -> AppointmentNode | None:
        return await _staff_action(info, input, staff.mark_no_show)

    @strawberry.mutation(description="Register someone you book for (a child, a parent).")
    async def add_dependant(self, info: Info, input: AddDependantInput) -> DependantNode | None:
        viewer = await info.context.require_verified_viewer()
        async with info.context.unit_of_work() as uow:
            row = await dependants.add_dependant(
                uow,
                account_id=viewer.id,
                full_name=input.full_name,
                date_of_birth=input.date_of_birth,
                relationship=input.relationship,
                now=info.context.now(),
            )
        return DependantNode.from_row(row)

    @strawberry.mutation(description="Staff: add a weekly availability; its slots open at once.")
    async def add_weekly_availability(
        self, info: Info, input: AddWeeklyAvailabilityInput
    ) -> AvailabilityType | None:
        viewer = await info.context.require_viewer()
        end_minute = minute_of(input.end) or MINUTES_PER_DAY
        availability = Availability(
            facility_id=decode_id(input.facility_id, "HealthFacility", field="facilityId"),
            practitioner_id=(
                decode_id(input.practitioner_id, "Practitioner", field="practitionerId")
                if input.practitioner_id is not None
                else None
            ),
            specialty_code=input.specialty,
            weekday=int(input.weekday),
            start_minute=minute_of(input.start),
            end_minute=end_minute,
            slot_minutes=input.slot_minutes,
            capacity=input.capacity,
        )
        async with info.context.unit_of_work() as uow:
            row = await schedules.add_weekly_availability(
                uow,
                _policy(info),
                staff_id=viewer.id,
                availability=availability,
                now=info.context.now(),
            )
        return AvailabilityType.from_row(row)

    @strawberry.mutation(
        description="Staff: close days (Tết, a doctor's leave). Booked appointments on them "
        "are cancelled and their patients told."
    )
    async def add_closure(self, info: Info, input: AddClosureInput) -> ClosureType | None:
        viewer = await info.context.require_viewer()
        request = ClosureRequest(
            facility_id=decode_id(input.facility_id, "HealthFacility", field="facilityId"),
            practitioner_id=(
                decode_id(input.practitioner_id, "Practitioner", field="practitionerId")
                if input.practitioner_id is not None
                else None
            ),
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            reason_vi=input.reason_vi,
            reason_en=input.reason_en,
        )
        async with info.context.unit_of_work() as uow:
            closure, _cancelled = await schedules.add_closure(
                uow, staff_id=viewer.id, request=request, now=info.context.now()
            )
        return ClosureType.from_row(closure)
