"""Typed rows the read paths return: plain values straight from SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from backend.db.rows import Row, columns
from backend.i18n import Translated
from backend.places.repository import PlaceRow
from backend.schools.models import (
    FeePeriod,
    Intake,
    Ownership,
    ParentLink,
    SchoolFee,
    SchoolLevel,
    Student,
)


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """What the directory shows of a school: its place, and its school side."""

    place: PlaceRow
    level: SchoolLevel
    ownership: Ownership
    phone: str | None
    website: str | None
    grades: list[int]
    programmes: list[str]
    current_year: str

    @property
    def id(self) -> uuid.UUID:
        return self.place.id


@dataclass(frozen=True, slots=True)
class FeeRow(Row):
    id: uuid.UUID
    school_id: uuid.UUID
    school_year: str
    name: Translated
    amount_vnd: int
    period: FeePeriod


@dataclass(frozen=True, slots=True)
class IntakeRow(Row):
    id: uuid.UUID
    school_id: uuid.UUID
    school_year: str
    grade: int
    places: int


@dataclass(frozen=True, slots=True)
class StudentRow(Row):
    id: uuid.UUID
    school_id: uuid.UUID
    identifier: str
    full_name: str
    date_of_birth: date
    grade: int
    class_name: str | None


@dataclass(frozen=True, slots=True)
class LinkRow(Row):
    id: uuid.UUID
    student_id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None


FEE = columns(FeeRow, SchoolFee, {})
INTAKE = columns(IntakeRow, Intake, {})
STUDENT = columns(StudentRow, Student, {})
LINK = columns(LinkRow, ParentLink, {})
