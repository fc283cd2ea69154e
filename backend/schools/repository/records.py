"""A student's school life: class, timetable, attendance, assessments, conduct, fees, the
school's terms and calendar; each read batched over many keys (one statement per batch)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.i18n import Translated
from backend.schools.models import (
    Assessment,
    Attendance,
    CalendarEntry,
    Conduct,
    FeeCharge,
    SchoolClass,
    StaffAccessEntry,
    Subject,
    Term,
    TimetableEntry,
)
from backend.schools.repository import rows
from backend.schools.repository.rows import (
    AssessmentRow,
    AttendanceRow,
    CalendarRow,
    ChargeRow,
    ClassRow,
    ConductRow,
    PeriodRow,
    TermRow,
)

K = TypeVar("K")
R = TypeVar("R")


def _grouped(found: Any, build: Callable[[Any], R], key: Callable[[R], K]) -> dict[K, list[R]]:
    grouped: dict[K, list[R]] = defaultdict(list)
    for row in found:
        item = build(row)
        grouped[key(item)].append(item)
    return grouped


async def classes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ClassRow]:
    found = await session.execute(select(*rows.CLASS).where(SchoolClass.id.in_(ids)))
    return [ClassRow.of(row) for row in found]


async def timetables(
    session: AsyncSession, class_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[PeriodRow]]:
    statement = (
        select(*rows.PERIOD)
        .where(TimetableEntry.class_id.in_(class_ids))
        .order_by(TimetableEntry.class_id, TimetableEntry.weekday, TimetableEntry.period)
    )
    return _grouped(await session.execute(statement), PeriodRow.of, lambda r: r.class_id)


async def subjects(session: AsyncSession, codes: Sequence[str]) -> dict[str, Translated]:
    found = await session.execute(select(Subject.code, Subject.name).where(Subject.code.in_(codes)))
    return {code: name for code, name in found}


async def attendance(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, date, date]]
) -> dict[tuple[uuid.UUID, date, date], list[AttendanceRow]]:
    """Each (student, from, to)'s attendance, by day and session; one statement for all."""
    ranges = or_(
        *(
            and_(Attendance.student_id == student, Attendance.day.between(start, end))
            for student, start, end in keys
        )
    )
    statement = (
        select(*rows.ATTENDANCE)
        .where(ranges)
        .order_by(Attendance.student_id, Attendance.day, Attendance.session)
    )
    found: dict[tuple[uuid.UUID, date, date], list[AttendanceRow]] = defaultdict(list)
    for row in await session.execute(statement):
        item = AttendanceRow.of(row)
        for key in keys:
            student, start, end = key
            if item.student_id == student and start <= item.day <= end:
                found[key].append(item)
    return found


async def terms_of_schools(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], list[TermRow]]:
    """Each (school, school year)'s terms."""
    wanted = or_(
        *(and_(Term.school_id == school, Term.school_year == year) for school, year in keys)
    )
    statement = select(*rows.TERM).where(wanted).order_by(Term.school_id, Term.starts_on, Term.id)
    return _grouped(
        await session.execute(statement), TermRow.of, lambda r: (r.school_id, r.school_year)
    )


async def assessments(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], list[AssessmentRow]]:
    """Each (student, school year)'s grades: those of the year's terms."""
    wanted = or_(
        *(
            and_(Assessment.student_id == student, Term.school_year == year)
            for student, year in keys
        )
    )
    statement = (
        select(*rows.ASSESSMENT, Term.school_year)
        .join(Term, Term.id == Assessment.term_id)
        .where(wanted)
        .order_by(
            Assessment.student_id,
            Assessment.term_id,
            Assessment.subject_code,
            Assessment.assessed_on,
            Assessment.id,
        )
    )
    found: dict[tuple[uuid.UUID, str], list[AssessmentRow]] = defaultdict(list)
    for row in await session.execute(statement):
        *values, year = row
        item = AssessmentRow.of(values)
        found[(item.student_id, year)].append(item)
    return found


async def conduct(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], list[ConductRow]]:
    """Each (student, school year)'s conduct, term by term."""
    wanted = or_(
        *(and_(Conduct.student_id == student, Term.school_year == year) for student, year in keys)
    )
    statement = (
        select(*rows.CONDUCT, Term.school_year)
        .join(Term, Term.id == Conduct.term_id)
        .where(wanted)
        .order_by(Conduct.student_id, Term.starts_on)
    )
    found: dict[tuple[uuid.UUID, str], list[ConductRow]] = defaultdict(list)
    for row in await session.execute(statement):
        *values, year = row
        item = ConductRow.of(values)
        found[(item.student_id, year)].append(item)
    return found


async def charges(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], list[ChargeRow]]:
    """Each (student, school year)'s fees: those due in the year, and any due before it still
    not fully paid."""
    spans = {key: year_span(key[1]) for key in keys}

    def of(key: tuple[uuid.UUID, str]) -> Any:
        first, last = spans[key]
        owed = and_(FeeCharge.due_on < first, FeeCharge.paid_vnd < FeeCharge.amount_vnd)
        return and_(
            FeeCharge.student_id == key[0], or_(FeeCharge.due_on.between(first, last), owed)
        )

    statement = (
        select(*rows.CHARGE)
        .where(or_(*(of(key) for key in keys)))
        .order_by(FeeCharge.student_id, FeeCharge.due_on, FeeCharge.id)
    )
    found: dict[tuple[uuid.UUID, str], list[ChargeRow]] = defaultdict(list)
    for row in await session.execute(statement):
        item = ChargeRow.of(row)
        for key, (first, last) in spans.items():
            owed = item.due_on < first and item.paid_vnd < item.amount_vnd
            if key[0] == item.student_id and (first <= item.due_on <= last or owed):
                found[key].append(item)
    return found


async def calendars(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], list[CalendarRow]]:
    """Each (school, school year)'s calendar: entries starting within the year (`year_span`)."""
    spans = {key: year_span(key[1]) for key in keys}
    wanted = or_(
        *(
            and_(CalendarEntry.school_id == key[0], CalendarEntry.starts_on.between(*spans[key]))
            for key in keys
        )
    )
    statement = (
        select(*rows.CALENDAR)
        .where(wanted)
        .order_by(CalendarEntry.school_id, CalendarEntry.starts_on, CalendarEntry.id)
    )
    found: dict[tuple[uuid.UUID, str], list[CalendarRow]] = defaultdict(list)
    for row in await session.execute(statement):
        item = CalendarRow.of(row)
        for key, (first, last) in spans.items():
            if key[0] == item.school_id and first <= item.starts_on <= last:
                found[key].append(item)
    return found


def year_span(school_year: str) -> tuple[date, date]:
    """The days of a school year `2026-2027`: 1 August 2026 to 31 July 2027 (a Vietnamese
    school year runs September to May; summer belongs to the year that ends)."""
    first = int(school_year[:4])
    return date(first, 8, 1), date(first + 1, 7, 31)


def log_staff_reads(session: AsyncSession, entries: Sequence[StaffAccessEntry]) -> None:
    session.add_all(entries)
