"""A school's administrators manage its classes: open a class for a school year, link its
teachers (one homeroom teacher, subject teachers) and remove them, and place students in a
class of the current year, new or moved from another.

A teacher acts for a class only through their link to it, which says what it is for: the
homeroom, subjects, or both. Moving the homeroom to someone else, or removing a teacher, ends
the previous teacher's access unless they still teach the class a subject. Every change of a
link is in `school_class_teacher_events`."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.contacts import normalize_phone
from backend.identity.models import User
from backend.schools import access
from backend.schools.models import ClassTeacher, ClassTeacherEvent, SchoolClass, TeacherLinkAction
from backend.schools.repository import classes as rows
from backend.schools.repository import staff as staff_rows
from backend.schools.repository.rows import ClassRow


@dataclass(frozen=True, slots=True)
class ClassTeacherRow:
    """A teacher's link to a class: its homeroom and/or the subjects they teach it."""

    teacher_id: uuid.UUID
    homeroom: bool
    subjects: list[str]
    name: str = ""
    phone: str | None = None


MAX_NAME = 40
MAX_ROOM = 40
MAX_STUDENTS = 60
MAX_SUBJECTS = 20
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
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    class_id: uuid.UUID,
    teacher_phone: str,
    now: datetime,
) -> SchoolClass:
    """The teacher's name is what parents see; the teacher then acts for the class. The
    previous homeroom teacher keeps the class only for the subjects they teach it."""
    session = uow.session
    found, teacher = await _class_and_teacher(session, staff_id, class_id, teacher_phone)
    previous = await rows.homeroom_link(session, class_id)
    if previous is not None and previous.user_id != teacher.id:
        previous.homeroom = False
        await session.flush()
        await _log(
            uow, class_id, previous.user_id, TeacherLinkAction.HOMEROOM_REPLACED, staff_id, now
        )
        await _drop_if_idle(uow, previous, actor=staff_id, now=now)
    link = await rows.link_of(session, class_id, teacher.id)
    if link is None:
        link = ClassTeacher(class_id=class_id, user_id=teacher.id, homeroom=True)
        session.add(link)
    link.homeroom = True
    found.homeroom_teacher_id = teacher.id
    found.homeroom_teacher = teacher.display_name
    await session.flush()
    await _log(uow, class_id, teacher.id, TeacherLinkAction.HOMEROOM_ASSIGNED, staff_id, now)
    return found


async def set_subjects(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    class_id: uuid.UUID,
    teacher_phone: str,
    subjects: Sequence[str],
    now: datetime,
) -> ClassTeacherRow | None:
    """The subjects a teacher teaches the class, replacing those they had; none (for a teacher
    who is not its homeroom teacher) unlinks them. Returns the link, None once unlinked."""
    session = uow.session
    codes = sorted({code.strip() for code in subjects})
    if len(subjects) > MAX_SUBJECTS:
        raise BadUserInput("input.too_long", field="input.subjects", max=MAX_SUBJECTS)
    if len(codes) != len(subjects):
        raise BadUserInput("school.subject_twice", field="input.subjects")
    if any(len(code) > 32 for code in codes) or (
        await rows.known_subjects(session, codes) != set(codes)
    ):
        raise BadUserInput("school.subject_unknown", field="input.subjects")
    _, teacher = await _class_and_teacher(session, staff_id, class_id, teacher_phone)
    link = await rows.link_of(session, class_id, teacher.id)
    if link is None:
        if not codes:
            raise NotFound("school.not_class_teacher", field="input.teacherPhone")
        link = ClassTeacher(class_id=class_id, user_id=teacher.id, homeroom=False)
        session.add(link)
        await session.flush()
    await rows.set_subjects(session, class_id, teacher.id, codes)
    await _log(uow, class_id, teacher.id, TeacherLinkAction.SUBJECTS_SET, staff_id, now)
    if await _drop_if_idle(uow, link, actor=staff_id, now=now):
        return None
    return ClassTeacherRow(
        teacher_id=teacher.id,
        homeroom=link.homeroom,
        subjects=codes,
        name=teacher.display_name,
        phone=teacher.phone,
    )


async def remove_teacher(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    class_id: uuid.UUID,
    teacher_phone: str,
    now: datetime,
) -> SchoolClass:
    """Unlink a teacher from the class, homeroom and subjects alike; a removed homeroom
    teacher leaves the class without one until another is assigned."""
    session = uow.session
    phone = normalize_phone(teacher_phone, field="input.teacherPhone")
    await _administered_class(session, staff_id, class_id)
    found = await rows.class_for_update(session, class_id)
    assert found is not None
    teacher = await identity.active_user_by_phone(session, phone)
    link = None if teacher is None else await rows.link_of(session, class_id, teacher.id)
    if teacher is None or link is None:
        raise NotFound("school.not_class_teacher", field="input.teacherPhone")
    if link.homeroom:
        found.homeroom_teacher_id, found.homeroom_teacher = None, None
    await rows.remove_link(session, link)
    await _log(uow, class_id, teacher.id, TeacherLinkAction.REMOVED, staff_id, now)
    return found


async def teachers_of_class(
    session: AsyncSession,
    staff_id: uuid.UUID,
    class_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ClassTeacherRow]:
    """The class's teachers, its homeroom teacher first: for the school's administrators."""
    await _administered_class(session, staff_id, class_id, field="classId")
    found = await rows.teachers_of_class(session, class_id, after=after, limit=limit)
    people = await identity.names_and_phones(session, [user_id for user_id, _, _ in found])
    return [
        ClassTeacherRow(
            teacher_id=user_id,
            homeroom=homeroom,
            subjects=subjects,
            name=people.get(user_id, ("", None))[0],
            phone=people.get(user_id, ("", None))[1],
        )
        for user_id, homeroom, subjects in found
    ]


async def _class_and_teacher(
    session: AsyncSession, staff_id: uuid.UUID, class_id: uuid.UUID, teacher_phone: str
) -> tuple[SchoolClass, User]:
    """The class, locked (links of one class change one at a time), and a staff member of its
    school by phone."""
    phone = normalize_phone(teacher_phone, field="input.teacherPhone")
    await _administered_class(session, staff_id, class_id)
    found = await rows.class_for_update(session, class_id)
    assert found is not None
    teacher = await identity.active_user_by_phone(session, phone)
    if teacher is None or found.school_id not in await access.staff_schools(session, teacher.id):
        raise BadUserInput("school.not_staff", field="input.teacherPhone")
    if await staff_rows.staff_role(session, found.school_id, teacher.id) is None:
        raise BadUserInput("school.not_staff", field="input.teacherPhone")
    return found, teacher


async def _drop_if_idle(
    uow: UnitOfWork, link: ClassTeacher, *, actor: uuid.UUID, now: datetime
) -> bool:
    """A link that is neither homeroom nor a subject gives no access: it goes."""
    session = uow.session
    if link.homeroom or await rows.subjects_of(session, link.class_id, link.user_id):
        return False
    await rows.remove_link(session, link)
    await _log(uow, link.class_id, link.user_id, TeacherLinkAction.REMOVED, actor, now)
    return True


async def _log(
    uow: UnitOfWork,
    class_id: uuid.UUID,
    teacher_id: uuid.UUID,
    action: TeacherLinkAction,
    actor: uuid.UUID,
    now: datetime,
) -> None:
    session = uow.session
    rows.log(
        session,
        ClassTeacherEvent(
            id=uuid.uuid4(),
            class_id=class_id,
            teacher_id=teacher_id,
            actor_id=actor,
            action=action,
            subjects=await rows.subjects_of(session, class_id, teacher_id),
            at=now,
        ),
    )
    await session.flush()


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
    session: AsyncSession, staff_id: uuid.UUID, class_id: uuid.UUID, *, field: str = "input.classId"
) -> SchoolClass:
    found = await staff_rows.class_by_id(session, class_id)
    if found is None:
        raise NotFound("school.class_not_found", field=field)
    await access.require_administrator(session, staff_id, found.school_id, field=field)
    return found
