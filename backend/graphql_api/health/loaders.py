"""Per-request DataLoaders of the health domain; each batch opens its own short read session."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

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

Sessions = async_sessionmaker[AsyncSession]
V = TypeVar("V")


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=HasId)


def _by_id(
    sessions: Sessions,
    fetch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[Sequence[R]]],
) -> DataLoader[uuid.UUID, R | None]:
    async def load(ids: list[uuid.UUID]) -> list[R | None]:
        async with sessions() as session:
            rows = {row.id: row for row in await fetch(session, ids)}
        return [rows.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _lists(
    sessions: Sessions,
    fetch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, list[V]]]],
) -> DataLoader[uuid.UUID, list[V]]:
    async def load(ids: list[uuid.UUID]) -> list[list[V]]:
        async with sessions() as session:
            found = await fetch(session, ids)
        return [found.get(key, []) for key in ids]

    return DataLoader(load_fn=load)


class HealthLoaders:
    def __init__(self, sessions: Sessions, now: Callable[[], datetime]) -> None:
        async def load_facilities(ids: list[uuid.UUID]) -> list[FacilityView | None]:
            async with sessions() as session:
                views = {
                    view.facility.id: view
                    for view in await facilities.facilities_by_ids(session, ids)
                }
            return [views.get(key) for key in ids]

        async def load_next_slots(keys: list[NextSlotKey]) -> list[Slot | None]:
            async with sessions() as session:
                found = await facilities.next_available_slots(session, keys, now())
            return [found.get(key) for key in keys]

        self.facility_by_id: DataLoader[uuid.UUID, FacilityView | None] = DataLoader(
            load_fn=load_facilities
        )
        self.next_slot: DataLoader[NextSlotKey, Slot | None] = DataLoader(load_fn=load_next_slots)
        self.specialties_by_facility_id: DataLoader[uuid.UUID, list[Specialty]] = _lists(
            sessions, facilities.specialties_of_facilities
        )
        self.specialties_by_practitioner_id: DataLoader[uuid.UUID, list[Specialty]] = _lists(
            sessions, facilities.specialties_of_practitioners
        )
        self.opening_hours_by_facility_id: DataLoader[uuid.UUID, list[OpeningHours]] = _lists(
            sessions, facilities.opening_hours_of
        )
        self.practitioners_by_facility_id: DataLoader[uuid.UUID, list[Practitioner]] = _lists(
            sessions, facilities.practitioners_of
        )
        self.practitioner_by_id: DataLoader[uuid.UUID, Practitioner | None] = _by_id(
            sessions, facilities.practitioners_by_ids
        )
        self.specialty_by_id: DataLoader[uuid.UUID, Specialty | None] = _by_id(
            sessions, facilities.specialties_by_ids
        )
        self.slot_by_id: DataLoader[uuid.UUID, Slot | None] = _by_id(
            sessions, facilities.slots_by_ids
        )
        self.dependant_by_id: DataLoader[uuid.UUID, Dependant | None] = _by_id(
            sessions, dependants.dependants_by_ids
        )
        self.closure_by_id: DataLoader[uuid.UUID, Closure | None] = _by_id(
            sessions, appointments.closures_by_ids
        )
