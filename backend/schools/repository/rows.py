"""Typed rows the read paths return: plain values straight from SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from backend.db.rows import Row, columns
from backend.i18n import Translated
from backend.places.repository import PlaceRow
from backend.schools.models import (
    Assessment,
    AssessmentType,
    Attendance,
    AttendanceStatus,
    CalendarEntry,
    CalendarKind,
    Conduct,
    ConductRating,
    DaySession,
    FeeCharge,
    FeePeriod,
    Intake,
    Ownership,
    ParentLink,
    SchoolClass,
    SchoolFee,
    SchoolLevel,
    Student,
    Term,
    TimetableEntry,
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
    class_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class LinkRow(Row):
    id: uuid.UUID
    student_id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClassRow(Row):
    id: uuid.UUID
    school_id: uuid.UUID
    school_year: str
    name: str
    grade: int
    room: str | None
    homeroom_teacher: str | None


@dataclass(frozen=True, slots=True)
class PeriodRow(Row):
    id: uuid.UUID
    class_id: uuid.UUID
    weekday: int
    period: int
    session: DaySession
    starts_minute: int
    ends_minute: int
    subject_code: str
    teacher: str | None


@dataclass(frozen=True, slots=True)
class AttendanceRow(Row):
    id: uuid.UUID
    student_id: uuid.UUID
    day: date
    session: DaySession
    status: AttendanceStatus
    note: str | None


@dataclass(frozen=True, slots=True)
class TermRow(Row):
    id: uuid.UUID
    school_id: uuid.UUID
    school_year: str
    name: Translated
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class AssessmentRow(Row):
    id: uuid.UUID
    student_id: uuid.UUID
    term_id: uuid.UUID
    subject_code: str
    kind: AssessmentType
    score: float | None
    text_score: str | None
    comment: str | None
    assessed_on: date


@dataclass(frozen=True, slots=True)
class ConductRow(Row):
    id: uuid.UUID
    student_id: uuid.UUID
    term_id: uuid.UUID
    rating: ConductRating
    comment: str | None


@dataclass(frozen=True, slots=True)
class ChargeRow(Row):
    id: uuid.UUID
    student_id: uuid.UUID
    name: Translated
    amount_vnd: int
    due_on: date
    paid_vnd: int
    paid_on: date | None


@dataclass(frozen=True, slots=True)
class CalendarRow(Row):
    id: uuid.UUID
    school_id: uuid.UUID
    kind: CalendarKind
    name: Translated
    starts_on: date
    ends_on: date
    grade: int | None


FEE = columns(FeeRow, SchoolFee, {})
CLASS = columns(ClassRow, SchoolClass, {})
PERIOD = columns(PeriodRow, TimetableEntry, {})
ATTENDANCE = columns(AttendanceRow, Attendance, {})
TERM = columns(TermRow, Term, {})
ASSESSMENT = columns(AssessmentRow, Assessment, {})
CONDUCT = columns(ConductRow, Conduct, {})
CHARGE = columns(ChargeRow, FeeCharge, {})
CALENDAR = columns(CalendarRow, CalendarEntry, {})
INTAKE = columns(IntakeRow, Intake, {})
STUDENT = columns(StudentRow, Student, {})
LINK = columns(LinkRow, ParentLink, {})
