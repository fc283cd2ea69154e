"""Who may act for a facility, and the trail staff leave on patients' appointments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Forbidden
from backend.health.models import AccessAction, AccessLogEntry, Appointment
from backend.health.repository import access_log as access_rows
from backend.identity import service as identity
from backend.identity.models import Role


async def staff_facilities(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    """Facilities a user works for: health staff roles are scoped to one facility each."""
    assignments = (await identity.roles_of(session, [user_id]))[user_id]
    return {
        assignment.scope_id
        for assignment in assignments
        if assignment.role is Role.HEALTH_STAFF and assignment.scope_id is not None
    }


async def is_staff(session: AsyncSession, user_id: uuid.UUID, facility_id: uuid.UUID) -> bool:
    return facility_id in await staff_facilities(session, user_id)


async def require_staff(session: AsyncSession, user_id: uuid.UUID, facility_id: uuid.UUID) -> None:
    if not await is_staff(session, user_id, facility_id):
        raise Forbidden("forbidden")


async def record(
    session: AsyncSession,
    staff_user_id: uuid.UUID,
    appointments: Sequence[Appointment],
    action: AccessAction,
    now: datetime,
) -> None:
    """Write one access-log entry per appointment, in the caller's transaction."""
    await access_rows.log_access(
        session,
        [
            AccessLogEntry(
                id=uuid.uuid4(),
                staff_user_id=staff_user_id,
                facility_id=appointment.facility_id,
                appointment_id=appointment.id,
                action=action,
                at=now,
            )
            for appointment in appointments
        ],
    )
