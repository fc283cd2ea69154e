"""Per-request loaders of the schools domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.graphql_api.loaders import LoaderSet, by_ids, by_keys
from backend.i18n import Translated
from backend.schools import directory, records
from backend.schools import reads as school_reads
from backend.schools.repository.notices import RecipientRow
from backend.schools.repository.rows import (
    AssessmentRow,
    AttendanceRow,
    CalendarRow,
    ChargeRow,
    ClassRow,
    ConductRow,
    FeeRow,
    IntakeRow,
    PeriodRow,
    SchoolRow,
    StudentRow,
    TermRow,
)


class SchoolsLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)
        self.school_by_id: DataLoader[uuid.UUID, SchoolRow | None] = by_ids(
            reads, directory.schools_by_ids
        )
        self.fees_by_school_id: DataLoader[uuid.UUID, list[FeeRow]] = by_keys(
            reads, directory.fees_of, list
        )
        self.intakes_by_school_id: DataLoader[uuid.UUID, list[IntakeRow]] = by_keys(
            reads, directory.intakes_of, list
        )
        self.zone_by_school_id: DataLoader[uuid.UUID, list[uuid.UUID]] = by_keys(
            reads, directory.zone_wards_of, list
        )
        # Student records: callers hold a node the viewer may see (a linked parent's child, or
        # a student of the staff member's school, logged).
        self.class_by_id: DataLoader[uuid.UUID, ClassRow | None] = by_ids(
            reads, records.classes_by_ids
        )
        self.timetable_by_class_id: DataLoader[uuid.UUID, list[PeriodRow]] = by_keys(
            reads, records.timetables, list
        )
        self.subject_by_code: DataLoader[str, Translated | None] = by_keys(
            reads, records.subjects, lambda: None
        )
        self.attendance_by_range: DataLoader[tuple[uuid.UUID, date, date], list[AttendanceRow]] = (
            by_keys(reads, records.attendance, list)
        )
        # Terms, grades, conduct and the calendar by school year: (school or student, year).
        self.terms_by_school_year: DataLoader[tuple[uuid.UUID, str], list[TermRow]] = by_keys(
            reads, records.terms, list
        )
        self.assessments_by_student_year: DataLoader[tuple[uuid.UUID, str], list[AssessmentRow]] = (
            by_keys(reads, records.assessments, list)
        )
        self.conduct_by_student_year: DataLoader[tuple[uuid.UUID, str], list[ConductRow]] = by_keys(
            reads, records.conduct, list
        )
        self.charges_by_student_year: DataLoader[tuple[uuid.UUID, str], list[ChargeRow]] = by_keys(
            reads, records.charges, list
        )
        self.calendar_by_school_year: DataLoader[tuple[uuid.UUID, str], list[CalendarRow]] = (
            by_keys(reads, records.calendars, list)
        )
        self.student_by_id: DataLoader[uuid.UUID, StudentRow | None] = by_ids(
            reads, school_reads.students_by_ids
        )
        self.recipients_by_viewer_and_notice: DataLoader[
            tuple[uuid.UUID, uuid.UUID], list[RecipientRow]
        ] = by_keys(reads, _my_recipients, list)


async def _my_recipients(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> Mapping[tuple[uuid.UUID, uuid.UUID], list[RecipientRow]]:
    """The viewer's children each notice reached (one viewer per request)."""
    found: dict[tuple[uuid.UUID, uuid.UUID], list[RecipientRow]] = {}
    for viewer in {viewer for viewer, _ in keys}:
        notices = [notice for who, notice in keys if who == viewer]
        for notice, rows in (await school_reads.my_recipients(session, viewer, notices)).items():
            found[(viewer, notice)] = rows
    return found
