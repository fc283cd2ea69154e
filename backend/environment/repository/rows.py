"""Typed rows the environment's read paths return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from backend.db.rows import Row, columns, coordinates
from backend.environment.models import Quality, Thing, ThingKind
from backend.i18n import Translated


@dataclass(frozen=True, slots=True)
class ThingRow(Row):
    id: uuid.UUID
    code: str
    kind: ThingKind
    name: Translated
    description: Translated
    latitude: float
    longitude: float
    alarm_1: float | None
    alarm_2: float | None
    alarm_3: float | None
    normal_level: float | None


THING = columns(ThingRow, Thing, coordinates(Thing.location))


@dataclass(frozen=True, slots=True)
class LatestRow(Row):
    """A datastream's newest reading, with what it measures."""

    thing_id: uuid.UUID
    datastream_id: int
    property_code: str
    property_name: Translated
    unit_symbol: str
    phenomenon_time: datetime
    result: float
    quality: Quality


@dataclass(frozen=True, slots=True)
class BucketRow(Row):
    """One interval of a series: its start (UTC) and the readings' statistics."""

    datastream_id: int
    start: datetime
    mean: float
    minimum: float
    maximum: float
    count: int


@dataclass(frozen=True, slots=True)
class StreamRow(Row):
    id: int
    thing_id: uuid.UUID
    property_code: str
    unit_symbol: str
