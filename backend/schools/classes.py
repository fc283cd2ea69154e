"""A school's administrators manage its classes: open a class for a school year, assign one
of the school's staff as its homeroom teacher (who then acts for the class), and place
students in a class of the current year, new or moved from another."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.contacts import normalize_phone
from backend.schools import access
from backend.schools.models import SchoolClass
from backend.schools.repository import classes as rows
from backend.schools.repository import staff as staff_rows
from backend.schools.repository.rows import ClassRow

MAX_NAME = 40
MAX_ROOM = 40
MAX_STUDENTS = 60
SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def school_year(value: str, *, field: str) -> str:
    """`2026-2027`: two consecutive years."""
    found = SCHOOL_YEAR.match(value.strip())
    if found is None or int(found.group(2)) != int(found.group(1)) + 1:
        raise BadUserInput("school.school_year_invalid", field=field)
    return found.group(0)


async def create(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    school_id: uuid.UUID,
    year: str,
    name: str,
    grade: int,
    room: str | None,
    now: datetime,
) -> SchoolClass:
    session = uow.session
    wanted_year = school_year(year, field="input.schoolYear")
    wanted_name = " ".join(name.split())
    if not wanted_name or len(wanted_name) > MAX_NAME:
        raise BadUserInput("school.class_name_invalid", field="input.name", max=MAX_NAME)
    wanted_room = " ".join((room or "").split()) or None
    if wanted_room is not None and len(wanted_room) > MAX_ROOM:
        raise BadUserInput("input.too_long", field="input.room", max=MAX_ROOM)
    await access.require_administrator(session, staff_id, school_id, field="input.schoolId")
    school = await rows.school_by_id(session, school_id)
    if school is None:
        raise Forbidden("forbidden", field="input.schoolId")
    if grade not in school.grades:
        raise BadUserInput("school.grade_invalid", field="input.grade")
    if await rows.class_named(session, school_id, wanted_year, wanted_name) is not None:
        raise Conflict("school.class_exists", field="input.name")
    created = SchoolClass(
        id=uuid.uuid4(),
        school_id=school_id,
        school_year=wanted_year,
        name=wanted_name,
        grade=grade,
        room=wanted_room,
        homeroom_teacher=None,
        homeroom_teacher_id=None,
        created_at=now,
    )
    session.add(created)
    await session.flush()
    return created


async def assign_homeroom(
    uow: UnitOfWork, *, staff_id: uuid.UUID, class_id: uuid.UUID, teacher_phone: str
) -> SchoolClass:
    """The teacher's name is what parents see; the teacher may then act for the class. A
    previous homeroom teacher keeps acting for the class (they may still teach it)."""
    session = uow.session
    phone = normalize_phone(teacher_phone, field="input.teacherPhone")
    found = await _administered_class(session, staff_id, class_id)
    teacher = await identity.active_user_by_phone(session, phone)
    if teacher is None or found.school_id not in await access.staff_schools(session, teacher.id):
        raise BadUserInput("school.not_staff", field="input.teacherPhone")
    if await staff_rows.staff_role(session, found.school_id, teacher.id) is None:
        raise BadUserInput("school.not_staff", field="input.teacherPhone")
    found.homeroom_teacher_id = teacher.id
    found.homeroom_teacher = teacher.display_name
    if not await staff_rows.teaches(session, class_id, teacher.id):
        rows.add_teacher(session, class_id, teacher.id)
    await session.flush()
    return found


async def place_students(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    class_id: uuid.UUID,
    student_ids: Sequence[uuid.UUID],
) -> tuple[SchoolClass, int]:
    """Put students of the school in a class of its current year (their grade follows the
    class); returns the class and how many students changed class."""
    session = uow.session
    if not student_ids or len(student_ids) > MAX_STUDENTS:
        raise BadUserInput("input.too_long", field="input.studentIds", max=MAX_STUDENTS)
    if len(set(student_ids)) != len(student_ids):
        raise BadUserInput("school.student_twice", field="input.studentIds")
    found = await _administered_class(session, staff_id, class_id)
    school = await rows.school_by_id(session, found.school_id)
    if school is None or found.school_year != school.current_year:
        raise BadUserInput("school.class_other_year", field="input.classId")
    students = await rows.students_for_update(session, student_ids)
    # A student of another school is as unknown as one that does not exist.
    if len(students) != len(student_ids) or any(
        student.school_id != found.school_id for student in students
    ):
        raise NotFound("school.student_not_found", field="input.studentIds")
    moved = [student for student in students if student.class_id != found.id]
    for student in moved:
        student.class_id, student.grade = found.id, found.grade
    await session.flush()
    return found, len(moved)


async def classes_of_school(
    session: AsyncSession,
    staff_id: uuid.UUID,
    school_id: uuid.UUID,
    year: str | None,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ClassRow]:
    """The school's classes of a year (its current one by default), for its staff."""
    await access.require_staff(session, staff_id, school_id)
    school = await rows.school_by_id(session, school_id)
    if school is None:
        return []
    wanted = school.current_year if year is None else school_year(year, field="schoolYear")
    return await rows.classes_of_school(session, school_id, wanted, after=after, limit=limit)


async def _administered_class(
    session: AsyncSession, staff_id: uuid.UUID, class_id: uuid.UUID
) -> SchoolClass:
    found = await staff_rows.class_by_id(session, class_id)
    if found is None:
        raise NotFound("school.class_not_found", field="input.classId")
    await access.require_administrator(session, staff_id, found.school_id, field="input.classId")
    return found
