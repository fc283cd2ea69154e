"""A student's school life as parents and staff read it, and the log of staff reads."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput
from backend.i18n import Translated
from backend.schools.models import StaffAccess, StaffAccessEntry
from backend.schools.repository import records as rows
from backend.schools.repository.rows import (
    AssessmentRow,
    AttendanceRow,
    CalendarRow,
    ChargeRow,
    ClassRow,
    ConductRow,
    PeriodRow,
    StudentRow,
    TermRow,
)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_ATTENDANCE_DAYS = 62
DEFAULT_ATTENDANCE_DAYS = 30


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def attendance_range(start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    """The days asked for (the last 30 by default); at most 62 days at once."""
    last = end or local_day(now)
    first = start or last - timedelta(days=DEFAULT_ATTENDANCE_DAYS - 1)
    if first > last or (last - first).days >= MAX_ATTENDANCE_DAYS:
        raise BadUserInput("school.range_invalid", field="from", max=MAX_ATTENDANCE_DAYS)
    return first, last


async def record_staff_reads(
    uow: UnitOfWork, staff_id: uuid.UUID, students: Sequence[StudentRow], now: datetime
) -> None:
    rows.log_staff_reads(
        uow.session,
        [
            StaffAccessEntry(
                id=uuid.uuid4(),
                staff_user_id=staff_id,
                school_id=student.school_id,
                student_id=student.id,
                action=StaffAccess.READ_STUDENT,
                at=now,
            )
            for student in students
        ],
    )
    await uow.session.flush()


async def classes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ClassRow]:
    return await rows.classes_by_ids(session, ids)


async def timetables(
    session: AsyncSession, class_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[PeriodRow]]:
    return await rows.timetables(session, class_ids)


async def subjects(session: AsyncSession, codes: Sequence[str]) -> Mapping[str, Translated]:
    return await rows.subjects(session, codes)


async def attendance(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, date, date]]
) -> Mapping[tuple[uuid.UUID, date, date], list[AttendanceRow]]:
    return await rows.attendance(session, keys)


async def terms(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> Mapping[tuple[uuid.UUID, str], list[TermRow]]:
    return await rows.terms_of_schools(session, keys)


async def assessments(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> Mapping[tuple[uuid.UUID, str], list[AssessmentRow]]:
    return await rows.assessments(session, keys)


async def conduct(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> Mapping[tuple[uuid.UUID, str], list[ConductRow]]:
    return await rows.conduct(session, keys)


async def charges(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> Mapping[tuple[uuid.UUID, str], list[ChargeRow]]:
    return await rows.charges(session, keys)


async def calendars(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> Mapping[tuple[uuid.UUID, str], list[CalendarRow]]:
    return await rows.calendars(session, keys)
