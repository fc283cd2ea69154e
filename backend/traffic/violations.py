"""Camera-detected violations from the police system (phạt nguội): records checked, saved by
their natural key (plate, plate colour, time, offence) so re-importing the same records changes
nothing, a status change updates the row, and the verified owner of the plate gets one push per
new violation — ids and a deep link only, never the plate or the offence."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput
from backend.free_text import check_printable
from backend.traffic import plates
from backend.traffic.models import PlateColour, VehicleType, Violation, ViolationStatus
from backend.traffic.repository import vehicles as repository
from notifications.messages import PushMessage, Text
from notifications.models import Category
from notifications.service import notify

MAX_BATCH = 500
MAX_FINE_VND = 1_000_000_000
LIMITS = {"place": 300, "offence": 300, "detecting_unit": 200, "resolution_place": 300}
# The fields of one record, as the feed and the CSV name them.
FIELDS = (
    "plate",
    "plate_colour",
    "vehicle_type",
    "occurred_at",
    "place",
    "offence",
    "status",
    "detecting_unit",
    "resolution_place",
    "fine_min_vnd",
    "fine_max_vnd",
)

E = TypeVar("E", bound=StrEnum)
Key = tuple[str, PlateColour, datetime, str]


@dataclass(frozen=True, slots=True)
class ViolationRecord:
    plate: str
    plate_colour: PlateColour
    vehicle_type: VehicleType
    occurred_at: datetime
    place: str
    offence: str
    status: ViolationStatus
    detecting_unit: str
    resolution_place: str
    fine_min_vnd: int
    fine_max_vnd: int

    @property
    def key(self) -> Key:
        return (self.plate, self.plate_colour, self.occurred_at, self.offence)


@dataclass(frozen=True, slots=True)
class SaveReport:
    added: int
    updated: int
    unchanged: int


def _enum(kind: type[E], value: Any, field: str) -> E:
    try:
        return kind(str(value).strip().lower())
    except ValueError as exc:
        raise BadUserInput("traffic.import_value", field=field) from exc


def _text(value: Any, field: str) -> str:
    text = check_printable(str(value), field=field).strip()
    if not text:
        raise BadUserInput("input.required", field=field)
    if len(text) > LIMITS[field]:
        raise BadUserInput("input.too_long", field=field, max=LIMITS[field])
    return text


def _amount(value: Any, field: str) -> int:
    try:
        amount = int(str(value).strip())
    except ValueError as exc:
        raise BadUserInput("traffic.import_value", field=field) from exc
    if not 0 <= amount <= MAX_FINE_VND:
        raise BadUserInput("traffic.import_value", field=field)
    return amount


def _time(value: Any, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise BadUserInput("traffic.import_value", field=field) from exc
    if moment.tzinfo is None:
        raise BadUserInput("traffic.import_value", field=field)
    # Whole seconds: the natural key must compare equal on both databases.
    return moment.astimezone(UTC).replace(microsecond=0)


def checked_record(values: Mapping[str, Any]) -> ViolationRecord:
    """One record with every rule checked; a refusal names the field as the feed does."""
    missing = [name for name in FIELDS if values.get(name) in (None, "")]
    if missing:
        raise BadUserInput("input.required", field=missing[0])
    vehicle_type = _enum(VehicleType, values["vehicle_type"], "vehicle_type")
    low = _amount(values["fine_min_vnd"], "fine_min_vnd")
    high = _amount(values["fine_max_vnd"], "fine_max_vnd")
    if low > high:
        raise BadUserInput("traffic.fine_range", field="fine_min_vnd")
    return ViolationRecord(
        plate=plates.canonical(str(values["plate"]), vehicle_type, field="plate"),
        plate_colour=_enum(PlateColour, values["plate_colour"], "plate_colour"),
        vehicle_type=vehicle_type,
        occurred_at=_time(values["occurred_at"], "occurred_at"),
        place=_text(values["place"], "place"),
        offence=_text(values["offence"], "offence"),
        status=_enum(ViolationStatus, values["status"], "status"),
        detecting_unit=_text(values["detecting_unit"], "detecting_unit"),
        resolution_place=_text(values["resolution_place"], "resolution_place"),
        fine_min_vnd=low,
        fine_max_vnd=high,
    )


async def save_records(
    uow: UnitOfWork, records: Sequence[ViolationRecord], *, now: datetime
) -> SaveReport:
    """Add new records, update changed ones (a status that became handled), leave the same ones
    alone; push each new one to the plate's verified owner."""
    session = uow.session
    unique = list({record.key: record for record in records}.values())
    known = await repository.violations_by_keys(session, [record.key for record in unique])
    owners = await repository.verified_links(
        session, list({(record.plate, record.plate_colour) for record in unique})
    )
    added = updated = unchanged = 0
    for record in unique:
        values = {
            "vehicle_type": record.vehicle_type,
            "place": record.place,
            "status": record.status,
            "detecting_unit": record.detecting_unit,
            "resolution_place": record.resolution_place,
            "fine_min_vnd": record.fine_min_vnd,
            "fine_max_vnd": record.fine_max_vnd,
        }
        existing = known.get(record.key)
        if existing is None:
            violation = Violation(
                id=uuid.uuid4(),
                plate=record.plate,
                plate_colour=record.plate_colour,
                occurred_at=record.occurred_at,
                offence=record.offence,
                created_at=now,
                updated_at=now,
                **values,
            )
            await repository.add(session, violation)
            added += 1
            owner = owners.get((record.plate, record.plate_colour))
            if owner is not None:
                await notify(
                    uow, user_ids=[owner.owner_id], message=pushed(owner.id, violation), now=now
                )
            continue
        changed = [name for name, value in values.items() if getattr(existing, name) != value]
        if not changed:
            unchanged += 1
            continue
        for name in changed:
            setattr(existing, name, values[name])
        existing.updated_at = now
        updated += 1
    await session.flush()
    return SaveReport(
        added=added, updated=updated, unchanged=unchanged + len(records) - len(unique)
    )


def pushed(vehicle_id: uuid.UUID, violation: Violation) -> PushMessage:
    """The push for a new violation: its type, the vehicle's id and a deep link. Never the plate
    or the offence: a locked screen shows the push to anyone."""
    return PushMessage(
        category=Category.TRAFFIC,
        type="traffic_violation.detected",
        title=Text.from_catalogue("traffic.push.violation.title"),
        body=Text.from_catalogue("traffic.push.violation.body"),
        deep_link=f"citizenhub://traffic/vehicles/{vehicle_id}/violations/{violation.id}",
        data={"vehicleId": str(vehicle_id), "violationId": str(violation.id)},
        ttl="week",
    )
