"""Citizens' vehicles: a registration proves ownership with the registration certificate's
number, checked by a traffic-police operator. Until verified the vehicle shows nothing; a plate
has at most one verified owner (the database's partial unique index holds it even under races),
and verifying a new owner ends the previous owner's link (a transfer)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.free_text import check_printable
from backend.identity.models import Role
from backend.traffic import access, plates
from backend.traffic.models import PlateColour, Vehicle, VehicleStatus, VehicleType
from backend.traffic.repository import vehicles as repository
from backend.traffic.repository.rows import VehicleRow, ViolationRow
from notifications.messages import PushMessage, Text
from notifications.models import Category
from notifications.service import notify

MAX_CERTIFICATE = 40
MAX_REASON = 500
MAX_LOOKUP_VIOLATIONS = 100


def _certificate(value: str) -> str:
    text = check_printable(value, field="input.certificateNumber").strip()
    if not text:
        raise BadUserInput("input.required", field="input.certificateNumber")
    if len(text) > MAX_CERTIFICATE:
        raise BadUserInput("input.too_long", field="input.certificateNumber", max=MAX_CERTIFICATE)
    return text


async def register(
    uow: UnitOfWork,
    *,
    owner_id: uuid.UUID,
    plate: str,
    plate_colour: PlateColour,
    vehicle_type: VehicleType,
    certificate_number: str,
    now: datetime,
) -> Vehicle:
    """A pending link of the owner to the plate, for traffic police to check."""
    session = uow.session
    canonical = plates.canonical(plate, vehicle_type, field="input.plate")
    certificate = _certificate(certificate_number)
    if await repository.open_links(session, canonical, plate_colour, owner_id):
        raise Conflict("traffic.vehicle_already_registered", field="input.plate")
    vehicle = Vehicle(
        id=uuid.uuid4(),
        owner_id=owner_id,
        plate=canonical,
        plate_colour=plate_colour,
        vehicle_type=vehicle_type,
        certificate_number=certificate,
        status=VehicleStatus.PENDING,
        created_at=now,
    )
    await repository.add(session, vehicle)
    await access.audit(
        session, "vehicle.registered", subject_id=vehicle.id, actor_id=owner_id, now=now
    )
    return vehicle


async def decide(
    uow: UnitOfWork,
    *,
    police_id: uuid.UUID,
    vehicle_id: uuid.UUID,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> Vehicle:
    """Verify (ending any other owner's verified link to the plate) or reject with a reason."""
    session = uow.session
    await access.require_role(session, police_id, Role.TRAFFIC_POLICE)
    vehicle = await repository.vehicle_for_update(session, vehicle_id)
    if vehicle is None:
        raise NotFound("traffic.vehicle_not_found", field="input.registrationId")
    if vehicle.status is not VehicleStatus.PENDING:
        raise Conflict("traffic.vehicle_decided", field="input.registrationId")
    note = None if reason is None else check_printable(reason, field="input.reason").strip()
    if note is not None and len(note) > MAX_REASON:
        raise BadUserInput("input.too_long", field="input.reason", max=MAX_REASON)
    if not approve and not note:
        raise BadUserInput("traffic.reason_required", field="input.reason")
    previous = None
    if approve:
        plate = (vehicle.plate, vehicle.plate_colour)
        previous = (await repository.verified_links(session, [plate])).get(plate)
        if previous is not None:
            previous.status = VehicleStatus.ENDED
            previous.ended_at = now
            await session.flush()
    vehicle.status = VehicleStatus.VERIFIED if approve else VehicleStatus.REJECTED
    vehicle.decided_by = police_id
    vehicle.decided_at = now
    vehicle.decision_note = note or None
    try:
        await session.flush()
    except IntegrityError as exc:
        # Another operator verified an owner of the same plate at the same moment.
        raise Conflict("traffic.vehicle_decided", field="input.registrationId") from exc
    await access.audit(
        session,
        "vehicle.verified" if approve else "vehicle.rejected",
        subject_id=vehicle.id,
        actor_id=police_id,
        now=now,
        ended=previous.id if previous is not None else "",
    )
    await notify(
        uow,
        user_ids=[vehicle.owner_id],
        message=pushed(vehicle, "verified" if approve else "rejected"),
        now=now,
    )
    if previous is not None:
        await access.audit(
            session, "vehicle.ended", subject_id=previous.id, actor_id=police_id, now=now
        )
        await notify(uow, user_ids=[previous.owner_id], message=pushed(previous, "ended"), now=now)
    return vehicle


def pushed(vehicle: Vehicle, outcome: str) -> PushMessage:
    """Ids and the outcome only: the plate stays on the server."""
    return PushMessage(
        category=Category.TRAFFIC,
        type="traffic_vehicle.updated",
        title=Text.from_catalogue("traffic.push.vehicle.title"),
        body=Text.from_catalogue(f"traffic.push.vehicle.{outcome}"),
        deep_link=f"citizenhub://traffic/vehicles/{vehicle.id}",
        data={"vehicleId": str(vehicle.id), "status": vehicle.status.value.upper()},
        ttl="week",
    )


# --- reads -----------------------------------------------------------------------------------


async def vehicles_of(
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[VehicleRow]:
    return await repository.vehicles_of_owner(session, owner_id, after=after, limit=limit)


async def own_vehicles(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[VehicleRow]:
    """The vehicles among `ids` that are the viewer's own current links."""
    if viewer_id is None:
        return []
    rows = await repository.vehicles_by_ids(session, ids)
    return [
        row for row in rows if row.owner_id == viewer_id and row.status is not VehicleStatus.ENDED
    ]


def shows_violations(vehicle: VehicleRow) -> bool:
    return vehicle.status is VehicleStatus.VERIFIED


async def violations_of(
    session: AsyncSession,
    vehicle: VehicleRow,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ViolationRow]:
    """A verified vehicle's violations, latest first; nothing for any other link. Callers
    reach `vehicle` through the owner's own links only."""
    if not shows_violations(vehicle):
        return []
    return await repository.violations_page(
        session, vehicle.plate, vehicle.plate_colour, after=after, limit=limit
    )


async def summaries_of(
    session: AsyncSession, vehicles: Sequence[VehicleRow]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(total, not yet handled) per verified vehicle; unverified ones count nothing."""
    shown = [vehicle for vehicle in vehicles if shows_violations(vehicle)]
    found = await repository.summaries(session, [(v.plate, v.plate_colour) for v in shown])
    return {v.id: found.get((v.plate, v.plate_colour), (0, 0)) for v in shown}


async def visible_violations(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[ViolationRow]:
    """The violations among `ids` of plates the viewer is the verified owner of."""
    if viewer_id is None:
        return []
    rows = await repository.violations_by_ids(session, ids)
    if not rows:
        return []
    links = await repository.verified_links(
        session, list({(row.plate, row.plate_colour) for row in rows})
    )
    return [
        row
        for row in rows
        if (link := links.get((row.plate, row.plate_colour))) is not None
        and link.owner_id == viewer_id
    ]


async def pending(
    session: AsyncSession,
    police_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[VehicleRow]:
    """Traffic police: registrations waiting for a check, oldest first."""
    await access.require_role(session, police_id, Role.TRAFFIC_POLICE)
    return await repository.pending_page(session, after=after, limit=limit)


async def log_reads(
    uow: UnitOfWork,
    *,
    police_id: uuid.UUID,
    plates_read: Sequence[str],
    purpose: str,
    now: datetime,
) -> None:
    """Record which plates a staff member was shown, committed with nothing else."""
    for plate in dict.fromkeys(plates_read):
        await access.log_lookup(
            uow.session, actor_id=police_id, plate=plate, purpose=purpose, now=now
        )


async def plate_history(
    uow: UnitOfWork,
    *,
    police_id: uuid.UUID,
    plate: str,
    plate_colour: PlateColour,
    vehicle_type: VehicleType,
    now: datetime,
) -> tuple[list[VehicleRow], list[ViolationRow]]:
    """Traffic police: every link of a plate and its latest violations; the lookup is logged
    in the same transaction, so no answer leaves without its log row."""
    session = uow.session
    await access.require_role(session, police_id, Role.TRAFFIC_POLICE)
    canonical = plates.canonical(plate, vehicle_type, field="plate")
    await access.log_lookup(session, actor_id=police_id, plate=canonical, purpose="lookup", now=now)
    links = await repository.links_of_plate(session, canonical, plate_colour)
    found = await repository.violations_page(
        session, canonical, plate_colour, after=None, limit=MAX_LOOKUP_VIOLATIONS
    )
    return links, found
