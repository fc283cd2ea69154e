"""Who acts for a business, the agencies' officers, and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business.models import (
    AgencyOfficer,
    AuditEvent,
    MemberRole,
    Membership,
    MembershipStatus,
)
from backend.business.repository import rows
from backend.business.repository.rows import MembershipRow
from backend.db import keyset


async def memberships_of_user(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[MembershipRow]:
    """A person's memberships (claims included), oldest first."""
    statement: Select[Any] = select(*rows.MEMBERSHIP).where(Membership.user_id == user_id)
    statement = keyset.page(
        statement, key=Membership.created_at, row_id=Membership.id, after=after, limit=limit
    )
    return [MembershipRow.of(row) for row in (await session.execute(statement)).all()]


async def memberships_of_business(
    session: AsyncSession,
    business_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[MembershipRow]:
    """Who acts for a business now (claims and ended memberships left out), oldest first."""
    statement: Select[Any] = select(*rows.MEMBERSHIP).where(
        Membership.business_id == business_id, Membership.status == MembershipStatus.ACTIVE
    )
    statement = keyset.page(
        statement, key=Membership.created_at, row_id=Membership.id, after=after, limit=limit
    )
    return [MembershipRow.of(row) for row in (await session.execute(statement)).all()]


async def memberships_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[MembershipRow]:
    statement = select(*rows.MEMBERSHIP).where(Membership.id.in_(ids))
    return [MembershipRow.of(row) for row in (await session.execute(statement)).all()]


async def pending_claims(
    session: AsyncSession, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[MembershipRow]:
    statement: Select[Any] = select(*rows.MEMBERSHIP).where(
        Membership.status == MembershipStatus.PENDING
    )
    statement = keyset.page(
        statement, key=Membership.created_at, row_id=Membership.id, after=after, limit=limit
    )
    return [MembershipRow.of(row) for row in (await session.execute(statement)).all()]


async def membership(
    session: AsyncSession, business_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.business_id == business_id, Membership.user_id == user_id
        )
    )


async def membership_for_update(
    session: AsyncSession, membership_id: uuid.UUID
) -> Membership | None:
    return await session.get(Membership, membership_id)


async def active_representative(session: AsyncSession, business_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(Membership.user_id).where(
            Membership.business_id == business_id,
            Membership.role == MemberRole.REPRESENTATIVE,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return found


async def active_members(
    session: AsyncSession, business_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[tuple[uuid.UUID, MemberRole]]]:
    """Accounts acting for each business: (user, role), representative first."""
    statement = (
        select(Membership.business_id, Membership.user_id, Membership.role)
        .where(
            Membership.business_id.in_(business_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(Membership.role, Membership.created_at)
    )
    found: dict[uuid.UUID, list[tuple[uuid.UUID, MemberRole]]] = {}
    for business_id, user_id, role in (await session.execute(statement)).all():
        found.setdefault(business_id, []).append((user_id, role))
    return found


async def add(session: AsyncSession, entity: object) -> None:
    session.add(entity)
    await session.flush()


async def agencies_of_officer(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    found = await session.scalars(
        select(AgencyOfficer.agency_id).where(AgencyOfficer.user_id == user_id)
    )
    return set(found)


async def record(session: AsyncSession, event: AuditEvent) -> None:
    session.add(event)
    await session.flush()
