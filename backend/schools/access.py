"""Who may act for a school: school staff roles are scoped to one school each."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Forbidden
from backend.identity import service as identity
from backend.identity.models import Role


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
