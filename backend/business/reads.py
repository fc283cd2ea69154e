"""What the API reads of the business domain, with who may see it decided here: the public
registry and permit types, a person's memberships, the applications a viewer may see."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access
from backend.business.access import Right, allows
from backend.business.models import MembershipStatus
from backend.business.repository import applications as application_rows
from backend.business.repository import members as member_rows
from backend.business.repository import notices as notice_rows
from backend.business.repository.rows import (
    AgencyRow,
    ApplicationEventRow,
    ApplicationRow,
    MembershipRow,
    NoticeRow,
    PermitRow,
    PermitTypeRow,
)
from backend.errors import Forbidden
from backend.identity import service as identity


async def permit_types_page(
    session: AsyncSession, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[PermitTypeRow]:
    return await application_rows.permit_types_page(session, after=after, limit=limit)


async def permit_types_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[PermitTypeRow]:
    return await application_rows.permit_types_by_ids(session, ids)


async def agencies_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[AgencyRow]:
    return await application_rows.agencies_by_ids(session, ids)


async def certificates_of(
    session: AsyncSession, business_ids: Sequence[uuid.UUID], today: date
) -> Mapping[uuid.UUID, list[PermitRow]]:
    """Valid certificates of publicly listed types: what the map shows."""
    return await application_rows.permits_of_businesses(
        session, business_ids, public_only=True, today=today
    )


async def permits_of(
    session: AsyncSession, business_ids: Sequence[uuid.UUID], today: date
) -> Mapping[uuid.UUID, list[PermitRow]]:
    """Every permit of each business (callers check membership first)."""
    return await application_rows.permits_of_businesses(
        session, business_ids, public_only=False, today=today
    )


async def history_of(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[ApplicationEventRow]]:
    return await application_rows.history(session, application_ids)


async def memberships_of(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[MembershipRow]:
    return await member_rows.memberships_of_user(session, user_id, after=after, limit=limit)


async def own_memberships(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[MembershipRow]:
    """Memberships among `ids` that are the viewer's own."""
    if viewer_id is None:
        return []
    rows = await member_rows.memberships_by_ids(session, ids)
    return [row for row in rows if row.user_id == viewer_id]


async def pending_claims(
    session: AsyncSession,
    operator_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[MembershipRow]:
    await access.require_operator(session, operator_id)
    return await member_rows.pending_claims(session, after=after, limit=limit)


async def applications_of(
    session: AsyncSession,
    membership: MembershipRow,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ApplicationRow]:
    """A business's applications, through the viewer's membership: none unless it is active."""
    if membership.status is not MembershipStatus.ACTIVE:
        return []
    return await application_rows.applications_of_business(
        session, membership.business_id, after=after, limit=limit
    )


async def permits_page(
    session: AsyncSession,
    membership: MembershipRow,
    *,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[PermitRow]:
    """A business's permits, through the viewer's membership: none unless it is active."""
    if membership.status is not MembershipStatus.ACTIVE:
        return []
    return await application_rows.permits_of_business(
        session, membership.business_id, after=after, limit=limit
    )


async def visible_permits(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[PermitRow]:
    """The permits among `ids` of businesses the viewer actively acts for."""
    if viewer_id is None:
        return []
    rows = await application_rows.permits_by_ids(session, ids)
    if not rows:
        return []
    members = await member_rows.active_members(session, list({row.business_id for row in rows}))
    return [
        row
        for row in rows
        if any(user == viewer_id for user, _ in members.get(row.business_id, []))
    ]


@dataclass(frozen=True, slots=True)
class StaffRow:
    membership: MembershipRow
    name: str
    phone: str | None


async def staff_of(
    session: AsyncSession,
    membership: MembershipRow,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[StaffRow]:
    """Who acts for the business, with name and phone, for a member who manages it (the
    representative); anyone else sees an empty list."""
    if membership.status is not MembershipStatus.ACTIVE or not allows(
        membership.role, Right.MANAGE
    ):
        return []
    found = await member_rows.memberships_of_business(
        session, membership.business_id, after=after, limit=limit
    )
    people = await identity.names_and_phones(session, list({row.user_id for row in found}))
    return [StaffRow(row, *people.get(row.user_id, ("", None))) for row in found]


async def agency_queue(
    session: AsyncSession,
    officer_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ApplicationRow]:
    agencies = await access.officer_agencies(session, officer_id)
    if not agencies:
        raise Forbidden("forbidden")
    return await application_rows.agency_queue(session, sorted(agencies), after=after, limit=limit)


async def visible_applications(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[ApplicationRow]:
    """The applications among `ids` the viewer may see: those of businesses they actively act
    for, and those their agencies handle."""
    if viewer_id is None:
        return []
    rows = await application_rows.applications_by_ids(session, ids)
    if not rows:
        return []
    agencies = await access.officer_agencies(session, viewer_id)
    members = await member_rows.active_members(session, list({row.business_id for row in rows}))
    return [
        row
        for row in rows
        if row.agency_id in agencies
        or any(user == viewer_id for user, _ in members.get(row.business_id, []))
    ]


async def notices_of(
    session: AsyncSession,
    membership: MembershipRow,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[NoticeRow]:
    """Notices the membership's business received (none unless it is active), newest first."""
    if membership.status is not MembershipStatus.ACTIVE:
        return []
    return await notice_rows.notices_of_business(
        session, membership.business_id, membership.user_id, after=after, limit=limit
    )


async def visible_notices(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[NoticeRow]:
    if viewer_id is None:
        return []
    return await notice_rows.notices_for_member(session, viewer_id, ids)


async def agencies_of_officer(session: AsyncSession, user_id: uuid.UUID) -> list[AgencyRow]:
    return await application_rows.agencies_by_ids(
        session, sorted(await access.officer_agencies(session, user_id))
    )
