"""Who may act for a school. The school-staff role is scoped to one school; within it a school
administrator acts for every class, a teacher only for the classes they teach."""

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


async def require_publisher(
    session: AsyncSession, user_id: uuid.UUID, *, school_id: uuid.UUID, published_by: uuid.UUID
) -> None:
    """A notice's answers and reminder: its publisher and the school's administrators."""
    await require_staff(session, user_id, school_id)
    if published_by == user_id:
        return
    if await rows.staff_role(session, school_id, user_id) is not StaffRole.ADMINISTRATOR:
        raise Forbidden("forbidden")
