"""Who may act for a business or an agency, and the audit trail every change leaves.

A claim gives no access until an operator verified it: only ACTIVE memberships count.
Representatives manage staff and withdraw applications; staff prepare and submit
applications and read what the business receives. Officers act for their agencies only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.business.models import AuditEvent, MemberRole, Membership, MembershipStatus
from backend.business.repository import members as member_rows
from backend.errors import Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.models import Role


class Right(StrEnum):
    """What a member may do; a representative holds them all."""

    READ = "read"  # applications, permits, notices
    APPLY = "apply"  # create, submit, answer requests for information
    MANAGE = "manage"  # staff, withdrawal


STAFF_RIGHTS = frozenset({Right.READ, Right.APPLY})


def allows(role: MemberRole, right: Right) -> bool:
    return role is MemberRole.REPRESENTATIVE or right in STAFF_RIGHTS


async def member_role(
    session: AsyncSession, business_id: uuid.UUID, user_id: uuid.UUID
) -> MemberRole | None:
    """The viewer's role for the business, when verified and active."""
    found = await member_rows.membership(session, business_id, user_id)
    if found is None or found.status is not MembershipStatus.ACTIVE:
        return None
    return found.role


async def require(
    session: AsyncSession, business_id: uuid.UUID, user_id: uuid.UUID, right: Right
) -> MemberRole:
    """The member's role, if they hold `right`. Someone with no active membership is told the
    business's data does not exist (NOT_FOUND); a member lacking the right is FORBIDDEN."""
    role = await member_role(session, business_id, user_id)
    if role is None:
        raise NotFound("business.not_found", field="businessId")
    if not allows(role, right):
        raise Forbidden("business.right_missing")
    return role


async def is_operator(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Operators verify claims: the administrators of the platform."""
    held = (await identity.roles_of(session, [user_id]))[user_id]
    return any(assignment.role is Role.ADMIN for assignment in held)


async def require_operator(session: AsyncSession, user_id: uuid.UUID) -> None:
    if not await is_operator(session, user_id):
        raise Forbidden("forbidden")


async def officer_agencies(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    return await member_rows.agencies_of_officer(session, user_id)


async def audit(
    session: AsyncSession,
    kind: str,
    *,
    business_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    now: datetime,
    **detail: Any,
) -> None:
    """One append-only audit row, in the caller's transaction."""
    await member_rows.record(
        session,
        AuditEvent(
            id=uuid.uuid4(),
            business_id=business_id,
            actor_id=actor_id,
            kind=kind,
            at=now,
            detail={key: str(value) for key, value in detail.items()},
        ),
    )


def is_active(membership: Membership | None) -> bool:
    return membership is not None and membership.status is MembershipStatus.ACTIVE
