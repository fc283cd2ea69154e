"""Typed rows the read paths return: plain values straight from SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time

from shapely.geometry.base import BaseGeometry

from backend.db.rows import Row, columns
from backend.i18n import Translated
from backend.traffic.models import (
    Incident,
    IncidentCause,
    IncidentEffect,
    IncidentSeverity,
    IncidentSource,
    IncidentType,
    PlateColour,
    Road,
    SavedRoute,
    Station,
    StationKind,
    Vehicle,
    VehicleStatus,
    VehicleType,
    Violation,
    ViolationStatus,
)


@dataclass(frozen=True, slots=True)
class RoadRow(Row):
    id: uuid.UUID
    slug: str
    name: Translated
    length_m: int
    ward_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class IncidentRow(Row):
    id: uuid.UUID
    type: IncidentType
    cause: IncidentCause
    effect: IncidentEffect
    severity: IncidentSeverity
    source: IncidentSource
    location: BaseGeometry
    road_id: uuid.UUID | None
    ward_id: uuid.UUID | None
    flood_point_id: uuid.UUID | None
    description: Translated
    camera_urls: list[str]
    starts_at: datetime
    ends_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VehicleRow(Row):
    id: uuid.UUID
    owner_id: uuid.UUID
    plate: str
    plate_colour: PlateColour
    vehicle_type: VehicleType
    certificate_number: str
    status: VehicleStatus
    decision_note: str | None
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class ViolationRow(Row):
    id: uuid.UUID
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


ROAD = columns(RoadRow, Road, {})
INCIDENT = columns(IncidentRow, Incident, {})


@dataclass(frozen=True, slots=True)
class SavedRouteRow(Row):
    id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    path: BaseGeometry
    road_ids: list[str]
    active_start: time | None
    active_end: time | None
    created_at: datetime


VEHICLE = columns(VehicleRow, Vehicle, {})
SAVED_ROUTE = columns(SavedRouteRow, SavedRoute, {})
VIOLATION = columns(ViolationRow, Violation, {})


@dataclass(frozen=True, slots=True)
class StationRow(Row):
    id: uuid.UUID
    slug: str
    name: Translated
    kind: StationKind
    road_id: uuid.UUID
    location: BaseGeometry


STATION = columns(StationRow, Station, {})
