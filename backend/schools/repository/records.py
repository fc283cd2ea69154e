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
    session: AsyncSession, school_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TermRow]]:
    statement = (
        select(*rows.TERM)
        .where(Term.school_id.in_(school_ids))
        .order_by(Term.school_id, Term.starts_on, Term.id)
    )
    return _grouped(await session.execute(statement), TermRow.of, lambda r: r.school_id)


async def assessments(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[AssessmentRow]]:
    statement = (
        select(*rows.ASSESSMENT)
        .where(Assessment.student_id.in_(student_ids))
        .order_by(
            Assessment.student_id,
            Assessment.term_id,
            Assessment.subject_code,
            Assessment.assessed_on,
            Assessment.id,
        )
    )
    return _grouped(await session.execute(statement), AssessmentRow.of, lambda r: r.student_id)


async def conduct(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ConductRow]]:
    statement = (
        select(*rows.CONDUCT)
        .join(Term, Term.id == Conduct.term_id)
        .where(Conduct.student_id.in_(student_ids))
        .order_by(Conduct.student_id, Term.starts_on)
    )
    return _grouped(await session.execute(statement), ConductRow.of, lambda r: r.student_id)


async def charges(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ChargeRow]]:
    statement = (
        select(*rows.CHARGE)
        .where(FeeCharge.student_id.in_(student_ids))
        .order_by(FeeCharge.student_id, FeeCharge.due_on, FeeCharge.id)
    )
    return _grouped(await session.execute(statement), ChargeRow.of, lambda r: r.student_id)


async def calendars(
    session: AsyncSession, school_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CalendarRow]]:
    statement = (
        select(*rows.CALENDAR)
        .where(CalendarEntry.school_id.in_(school_ids))
        .order_by(CalendarEntry.school_id, CalendarEntry.starts_on, CalendarEntry.id)
    )
    return _grouped(await session.execute(statement), CalendarRow.of, lambda r: r.school_id)


def log_staff_reads(session: AsyncSession, entries: Sequence[StaffAccessEntry]) -> None:
    session.add_all(entries)
