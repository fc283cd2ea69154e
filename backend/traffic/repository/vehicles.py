"""Vehicles and violations: a person's vehicles, the verified link of a plate, violations of a
plate, writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.traffic.models import PlateColour, Vehicle, VehicleStatus, Violation, ViolationStatus
from backend.traffic.repository import rows
from backend.traffic.repository.rows import VehicleRow, ViolationRow

Plate = tuple[str, PlateColour]


async def vehicles_of_owner(
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[VehicleRow]:
    """The owner's current links (pending, verified, rejected), oldest first; ended ones are
    history the owner no longer sees."""
    statement = select(*rows.VEHICLE).where(
        Vehicle.owner_id == owner_id, Vehicle.status != VehicleStatus.ENDED
    )
    statement = keyset.page(
        statement, key=Vehicle.created_at, row_id=Vehicle.id, after=after, limit=limit
    )
    return [VehicleRow.of(row) for row in (await session.execute(statement)).all()]


async def vehicles_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[VehicleRow]:
    statement = select(*rows.VEHICLE).where(Vehicle.id.in_(ids))
    return [VehicleRow.of(row) for row in (await session.execute(statement)).all()]


async def vehicle_for_update(session: AsyncSession, vehicle_id: uuid.UUID) -> Vehicle | None:
    return await session.get(Vehicle, vehicle_id)


async def open_links(
    session: AsyncSession, plate: str, colour: PlateColour, owner_id: uuid.UUID
) -> list[Vehicle]:
    """The owner's pending or verified links to the plate."""
    statement = select(Vehicle).where(
        Vehicle.plate == plate,
        Vehicle.plate_colour == colour,
        Vehicle.owner_id == owner_id,
        Vehicle.status.in_([VehicleStatus.PENDING, VehicleStatus.VERIFIED]),
    )
    return list((await session.scalars(statement)).all())


async def verified_links(session: AsyncSession, plates: Sequence[Plate]) -> dict[Plate, Vehicle]:
    """The verified link of each plate that has one (at most one each, by the unique index)."""
    if not plates:
        return {}
    statement = select(Vehicle).where(
        Vehicle.status == VehicleStatus.VERIFIED,
        tuple_(Vehicle.plate, Vehicle.plate_colour).in_(list(plates)),
    )
    return {(v.plate, v.plate_colour): v for v in (await session.scalars(statement)).all()}


async def pending_page(
    session: AsyncSession, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[VehicleRow]:
    statement = select(*rows.VEHICLE).where(Vehicle.status == VehicleStatus.PENDING)
    statement = keyset.page(
        statement, key=Vehicle.created_at, row_id=Vehicle.id, after=after, limit=limit
    )
    return [VehicleRow.of(row) for row in (await session.execute(statement)).all()]


async def links_of_plate(
    session: AsyncSession, plate: str, colour: PlateColour
) -> list[VehicleRow]:
    statement = (
        select(*rows.VEHICLE)
        .where(Vehicle.plate == plate, Vehicle.plate_colour == colour)
        .order_by(Vehicle.created_at, Vehicle.id)
    )
    return [VehicleRow.of(row) for row in (await session.execute(statement)).all()]


async def add(session: AsyncSession, row: Any) -> None:
    session.add(row)
    await session.flush()


# --- violations ------------------------------------------------------------------------------


async def violations_page(
    session: AsyncSession,
    plate: str,
    colour: PlateColour,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ViolationRow]:
    """A plate's violations, latest first."""
    statement = select(*rows.VIOLATION).where(
        Violation.plate == plate, Violation.plate_colour == colour
    )
    statement = keyset.page(
        statement,
        key=Violation.occurred_at,
        row_id=Violation.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return [ViolationRow.of(row) for row in (await session.execute(statement)).all()]


async def summaries(session: AsyncSession, plates: Sequence[Plate]) -> dict[Plate, tuple[int, int]]:
    """(total, not yet handled) per plate, in one statement."""
    if not plates:
        return {}
    unhandled = func.sum(case((Violation.status == ViolationStatus.UNHANDLED, 1), else_=0))
    statement = (
        select(Violation.plate, Violation.plate_colour, func.count(), unhandled)
        .where(tuple_(Violation.plate, Violation.plate_colour).in_(list(plates)))
        .group_by(Violation.plate, Violation.plate_colour)
    )
    found = (await session.execute(statement)).all()
    return {(plate, colour): (int(total), int(open_)) for plate, colour, total, open_ in found}


async def violations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ViolationRow]:
    statement = select(*rows.VIOLATION).where(Violation.id.in_(ids))
    return [ViolationRow.of(row) for row in (await session.execute(statement)).all()]


async def violations_by_keys(
    session: AsyncSession, keys: Sequence[tuple[str, PlateColour, datetime, str]]
) -> dict[tuple[str, PlateColour, datetime, str], Violation]:
    """Violations by natural key (entities: the import updates them)."""
    if not keys:
        return {}
    statement = select(Violation).where(
        tuple_(
            Violation.plate, Violation.plate_colour, Violation.occurred_at, Violation.offence
        ).in_(list(keys))
    )
    return {
        (v.plate, v.plate_colour, v.occurred_at, v.offence): v
        for v in (await session.scalars(statement)).all()
    }
