"""Per-request DataLoaders of the health domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.graphql_api.loaders import LoaderSet, Sessions, by_ids, by_keys
from backend.health import appointments, dependants, facilities
from backend.health.facilities import FacilityView, NextSlotKey
from backend.health.models import (
    Closure,
    Dependant,
    OpeningHours,
    Practitioner,
    Slot,
    Specialty,
)


class HealthLoaders(LoaderSet):
    def __init__(self, sessions: Sessions, now: Callable[[], datetime]) -> None:
        super().__init__(sessions, now)

        async def load_next_slots(
            session: AsyncSession, keys: Sequence[NextSlotKey]
        ) -> Mapping[NextSlotKey, Slot]:
            return await facilities.next_available_slots(session, keys, now())

        self.facility_by_id: DataLoader[uuid.UUID, FacilityView | None] = by_ids(
            sessions, facilities.facilities_by_ids
        )
        self.next_slot: DataLoader[NextSlotKey, Slot | None] = by_keys(
            sessions, load_next_slots, lambda: None
        )
        self.specialties_by_facility_id: DataLoader[uuid.UUID, list[Specialty]] = by_keys(
            sessions, facilities.specialties_of_facilities, list
        )
        self.specialties_by_practitioner_id: DataLoader[uuid.UUID, list[Specialty]] = by_keys(
            sessions, facilities.specialties_of_practitioners, list
        )
        self.opening_hours_by_facility_id: DataLoader[uuid.UUID, list[OpeningHours]] = by_keys(
            sessions, facilities.opening_hours_of, list
        )
        self.practitioners_by_facility_id: DataLoader[uuid.UUID, list[Practitioner]] = by_keys(
            sessions, facilities.practitioners_of, list
        )
        self.practitioner_by_id: DataLoader[uuid.UUID, Practitioner | None] = by_ids(
            sessions, facilities.practitioners_by_ids
        )
        self.specialty_by_id: DataLoader[uuid.UUID, Specialty | None] = by_ids(
            sessions, facilities.specialties_by_ids
        )
        self.slot_by_id: DataLoader[uuid.UUID, Slot | None] = by_ids(
            sessions, facilities.slots_by_ids
        )
        self.dependant_by_id: DataLoader[uuid.UUID, Dependant | None] = by_ids(
            sessions, dependants.dependants_by_ids
        )
        self.closure_by_id: DataLoader[uuid.UUID, Closure | None] = by_ids(
            sessions, appointments.closures_by_ids
        )
