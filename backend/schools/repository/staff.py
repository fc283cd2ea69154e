"""Staff roles, teachers' classes, the class lists and attendance writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools.models import (
    AbsenceAlert,
    Attendance,
    ClassTeacher,
    ClassTeacherSubject,
    DaySession,
    ParentLink,
    SchoolClass,
    StaffMember,
    StaffRole,
    Student,
)


async def class_by_id(session: AsyncSession, class_id: uuid.UUID) -> SchoolClass | None:
    return await session.get(SchoolClass, class_id)


async def staff_role(
    session: AsyncSession, school_id: uuid.UUID, user_id: uuid.UUID
) -> StaffRole | None:
    found: StaffRole | None = await session.scalar(
        select(StaffMember.role).where(
            StaffMember.school_id == school_id, StaffMember.user_id == user_id
        )
    )
    return found


async def teaches(session: AsyncSession, class_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(ClassTeacher.class_id).where(
            ClassTeacher.class_id == class_id, ClassTeacher.user_id == user_id
        )
    )
    return found is not None


async def teaches_subject(
    session: AsyncSession, class_id: uuid.UUID, user_id: uuid.UUID, subject_code: str
) -> bool:
    found = await session.scalar(
        select(ClassTeacherSubject.class_id).where(
            ClassTeacherSubject.class_id == class_id,
            ClassTeacherSubject.user_id == user_id,
            ClassTeacherSubject.subject_code == subject_code,
        )
    )
    return found is not None


async def classes_taught(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    """The classes a teacher is linked to, for any purpose."""
    statement = select(ClassTeacher.class_id).where(ClassTeacher.user_id == user_id)
    found = await session.scalars(statement)
    return set(found)


async def class_students(session: AsyncSession, class_id: uuid.UUID) -> set[uuid.UUID]:
    found = await session.scalars(select(Student.id).where(Student.class_id == class_id))
    return set(found)


async def attendance_for_update(
    session: AsyncSession, student_ids: Sequence[uuid.UUID], day: date, day_session: DaySession
) -> dict[uuid.UUID, Attendance]:
    statement = (
        select(Attendance)
        .where(
            Attendance.student_id.in_(student_ids),
            Attendance.day == day,
            Attendance.session == day_session,
        )
        .with_for_update()
    )
    return {row.student_id: row for row in await session.scalars(statement)}


async def alerted(
    session: AsyncSession, student_ids: Sequence[uuid.UUID], day: date
) -> set[uuid.UUID]:
    statement = select(AbsenceAlert.student_id).where(
        AbsenceAlert.student_id.in_(student_ids), AbsenceAlert.day == day
    )
    return set(await session.scalars(statement))


async def parents_of(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Accounts holding a live link to each student."""
    statement = select(ParentLink.student_id, ParentLink.user_id).where(
        ParentLink.student_id.in_(student_ids), ParentLink.revoked_at.is_(None)
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for student_id, user_id in await session.execute(statement):
        found.setdefault(student_id, []).append(user_id)
    return found
