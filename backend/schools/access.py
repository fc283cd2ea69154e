"""Who may act for a school. The school-staff role is scoped to one school; within it a school
administrator acts for every class, a teacher only for the classes they are linked to (as its
homeroom teacher or for a subject) and records grades only in the subjects they teach it. A
teacher removed from a class, or a homeroom teacher replaced and not teaching it a subject,
loses all of it at once: the link is the only source of access."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.models import Role
from backend.schools.models import SchoolClass, StaffRole
from backend.schools.repository import staff as rows


async def staff_schools(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    assignments = (await identity.roles_of(session, [user_id]))[user_id]
    return {
        assignment.scope_id
        for assignment in assignments
        if assignment.role is Role.SCHOOL_STAFF and assignment.scope_id is not None
    }


async def require_staff(session: AsyncSession, user_id: uuid.UUID, school_id: uuid.UUID) -> None:
    if school_id not in await staff_schools(session, user_id):
        raise Forbidden("forbidden")


async def require_administrator(
    session: AsyncSession, user_id: uuid.UUID, school_id: uuid.UUID, *, field: str | None = None
) -> None:
    """Class lists, homeroom teachers and the enrolment read log: the school's administrators."""
    await require_staff(session, user_id, school_id)
    if await rows.staff_role(session, school_id, user_id) is not StaffRole.ADMINISTRATOR:
        raise Forbidden("school.administrator_required", field=field)


async def require_class(
    session: AsyncSession, user_id: uuid.UUID, class_id: uuid.UUID, *, field: str
) -> SchoolClass:
    """The class, if the account may act for it: its school's administrator or its teacher."""
    found = await rows.class_by_id(session, class_id)
    if found is None:
        raise NotFound("school.class_not_found", field=field)
    await require_staff(session, user_id, found.school_id)
    role = await rows.staff_role(session, found.school_id, user_id)
    if role is StaffRole.ADMINISTRATOR:
        return found
    if role is StaffRole.TEACHER and await rows.teaches(session, class_id, user_id):
        return found
    raise Forbidden("school.not_your_class", field=field)


async def require_subject(
    session: AsyncSession,
    user_id: uuid.UUID,
    school_class: SchoolClass,
    subject_code: str,
    *,
    field: str,
) -> None:
    """Grades of a subject in a class: the school's administrators and the class's teachers of
    that subject (callers have checked the account acts for the class)."""
    role = await rows.staff_role(session, school_class.school_id, user_id)
    if role is StaffRole.ADMINISTRATOR:
        return
    if not await rows.teaches_subject(session, school_class.id, user_id, subject_code):
        raise Forbidden("school.not_your_subject", field=field)


async def students_visible_to(
    session: AsyncSession, user_id: uuid.UUID, school_id: uuid.UUID
) -> set[uuid.UUID] | None:
    """The classes whose students a staff member may read at a school: None for all of them
    (an administrator), else the classes a teacher is linked to; empty for anyone else."""
    if school_id not in await staff_schools(session, user_id):
        return set()
    role = await rows.staff_role(session, school_id, user_id)
    if role is StaffRole.ADMINISTRATOR:
        return None
    if role is StaffRole.TEACHER:
        return await rows.classes_taught(session, user_id)
    return set()


async def require_student(
    session: AsyncSession,
    user_id: uuid.UUID,
    school_id: uuid.UUID,
    class_id: uuid.UUID | None,
    *,
    field: str | None = None,
) -> None:
    """Acting for one student (a link code, revoking a link): the school's administrators, or
    a teacher of the student's class."""
    await require_staff(session, user_id, school_id)
    allowed = await students_visible_to(session, user_id, school_id)
    if allowed is not None and (class_id is None or class_id not in allowed):
        raise Forbidden("school.not_your_class", field=field)


async def require_publisher(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    school_id: uuid.UUID,
    published_by: uuid.UUID,
    class_id: uuid.UUID | None = None,
) -> None:
    """A notice's answers and reminder: the school's administrators, and its publisher while
    they still act for the class it went to."""
    await require_staff(session, user_id, school_id)
    role = await rows.staff_role(session, school_id, user_id)
    if role is StaffRole.ADMINISTRATOR:
        return
    if published_by != user_id or role is None:
        raise Forbidden("forbidden")
    if class_id is not None and not await rows.teaches(session, class_id, user_id):
        raise Forbidden("school.not_your_class")
