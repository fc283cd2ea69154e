"""Per-request DataLoaders of the health domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.graphql_api.loaders import LoaderSet, by_ids, by_keys
from backend.health import appointments, dependants, facilities, schedules
from backend.health.facilities import FacilityView, NextSlotKey
from backend.health.models import (
    Closure,
    Dependant,
    OpeningHours,
    Practitioner,
    Schedule,
    Specialty,
)
from backend.health.repository.slots import SlotRow


class HealthLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)

        async def load_next_slots(
            session: AsyncSession, keys: Sequence[NextSlotKey]
        ) -> Mapping[NextSlotKey, SlotRow]:
            return await facilities.next_available_slots(session, keys, now())

        self.facility_by_id: DataLoader[uuid.UUID, FacilityView | None] = by_ids(
            reads, facilities.facilities_by_ids
        )
        self.next_slot: DataLoader[NextSlotKey, SlotRow | None] = by_keys(
            reads, load_next_slots, lambda: None
        )
        self.specialties_by_facility_id: DataLoader[uuid.UUID, list[Specialty]] = by_keys(
            reads, facilities.specialties_of_facilities, list
        )
        self.specialties_by_practitioner_id: DataLoader[uuid.UUID, list[Specialty]] = by_keys(
            reads, facilities.specialties_of_practitioners, list
        )
        self.opening_hours_by_facility_id: DataLoader[uuid.UUID, list[OpeningHours]] = by_keys(
            reads, facilities.opening_hours_of, list
        )
        self.practitioners_by_facility_id: DataLoader[uuid.UUID, list[Practitioner]] = by_keys(
            reads, facilities.practitioners_of, list
        )
        self.practitioner_by_id: DataLoader[uuid.UUID, Practitioner | None] = by_ids(
            reads, facilities.practitioners_by_ids
        )
        self.specialty_by_id: DataLoader[uuid.UUID, Specialty | None] = by_ids(
            reads, facilities.specialties_by_ids
        )
        self.slot_by_id: DataLoader[uuid.UUID, SlotRow | None] = by_ids(
            reads, facilities.slots_by_ids
        )
        self.dependant_by_id: DataLoader[uuid.UUID, Dependant | None] = by_ids(
            reads, dependants.dependants_by_ids
        )
        self.closure_by_id: DataLoader[uuid.UUID, Closure | None] = by_ids(
            reads, appointments.closures_by_ids
        )
        self.cancelled_by_closure_id: DataLoader[uuid.UUID, int] = by_keys(
            reads, appointments.cancelled_by_closures, int
        )
        self.replaced_id_by_new_id: DataLoader[uuid.UUID, uuid.UUID | None] = by_keys(
            reads, appointments.replaced_appointment_ids, lambda: None
        )
        self.schedule_by_id: DataLoader[uuid.UUID, Schedule | None] = by_ids(
            reads, schedules.schedules_by_ids
        )
