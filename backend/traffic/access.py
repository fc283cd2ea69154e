"""Who may do what in traffic, and the audit trail and access log staff actions leave."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Forbidden
from backend.identity import service as identity
from backend.identity.models import Role
from backend.traffic.models import AccessLog, AuditEvent


async def has_role(session: AsyncSession, user_id: uuid.UUID, role: Role) -> bool:
    held = (await identity.roles_of(session, [user_id]))[user_id]
    return any(assignment.role is role for assignment in held)


async def require_role(session: AsyncSession, user_id: uuid.UUID, role: Role) -> None:
    if not await has_role(session, user_id, role):
        raise Forbidden("forbidden")


async def audit(
    session: AsyncSession,
    kind: str,
    *,
    subject_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    now: datetime,
    **detail: Any,
) -> None:
    """One append-only audit row, in the caller's transaction."""
    session.add(
        AuditEvent(
            id=uuid.uuid4(),
            subject_id=subject_id,
            actor_id=actor_id,
            kind=kind,
            at=now,
            detail={key: str(value) for key, value in detail.items()},
        )
    )
    await session.flush()


async def log_lookup(
    session: AsyncSession, *, actor_id: uuid.UUID, plate: str, purpose: str, now: datetime
) -> None:
    """Record a staff read of a plate's data before it is answered."""
    session.add(AccessLog(id=uuid.uuid4(), actor_id=actor_id, plate=plate, purpose=purpose, at=now))
    await session.flush()
