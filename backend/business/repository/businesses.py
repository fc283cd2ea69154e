"""Businesses: by id and code, the public directory of certified ones, writes of the registry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business.models import Business, BusinessStatus, Permit, PermitStatus, PermitType
from backend.business.repository import rows
from backend.business.repository.rows import BusinessRow
from backend.db import keyset, spatial, text_search


class DirectoryOrder(StrEnum):
    DISTANCE = "distance"
    NAME = "name"


async def businesses_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[BusinessRow]:
    statement = select(*rows.BUSINESS).where(Business.id.in_(ids))
    return [BusinessRow.of(row) for row in (await session.execute(statement)).all()]


async def business_for_update(
    session: AsyncSession, business_id: uuid.UUID, *, lock: bool = False
) -> Business | None:
    """The entity; with `lock`, its row is locked until the commit (an operator's change)."""
    return await session.get(Business, business_id, with_for_update=lock or None)


async def business_shared(session: AsyncSession, business_id: uuid.UUID) -> Business | None:
    """The entity, its row share-locked until the commit: what is decided on its status waits
    for an operator's change in progress and sees it (PostgreSQL's FOR SHARE)."""
    return await session.get(Business, business_id, with_for_update={"read": True})


async def businesses_by_codes(session: AsyncSession, codes: Sequence[str]) -> dict[str, Business]:
    """Registry entries by code (entities: the import updates them)."""
    found = await session.scalars(select(Business).where(Business.code.in_(codes)))
    return {business.code: business for business in found}


def certified(today: date, permit_type_id: uuid.UUID | None = None) -> ColumnElement[bool]:
    """An active business holding a valid permit of a publicly listed type today (of this
    type, if one is given)."""
    statement = (
        select(Permit.id)
        .join(PermitType, PermitType.id == Permit.permit_type_id)
        .where(
            Permit.business_id == Business.id,
            Permit.status == PermitStatus.VALID,
            PermitType.public_certificate.is_(True),
            or_(Permit.valid_until.is_(None), Permit.valid_until >= today),
        )
    )
    if permit_type_id is not None:
        statement = statement.where(Permit.permit_type_id == permit_type_id)
    return exists(statement)


async def directory_page(
    session: AsyncSession,
    *,
    today: date,
    order: DirectoryOrder,
    near: Point | None,
    radius_m: float | None,
    vsic: str | None,
    search: str | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
    permit_type_id: uuid.UUID | None = None,
) -> list[tuple[BusinessRow, Any]]:
    """Certified active businesses matching every filter, each with its sort key (metres from
    `near`, or the Vietnamese name)."""
    key: ColumnElement[Any]
    if order is DirectoryOrder.DISTANCE:
        assert near is not None
        key = spatial.distance_meters(Business.location, near)
    else:
        key = Business.name_vi.expression
    statement: Select[Any] = select(*rows.BUSINESS, key.label("sort_key")).where(
        Business.status == BusinessStatus.ACTIVE,
        Business.location.is_not(None),
        certified(today, permit_type_id),
    )
    if near is not None and radius_m is not None:
        statement = statement.where(spatial.within_meters(Business.location, near, radius_m))
    if vsic is not None:
        # A level-4 code also finds the level-5 codes under it.
        statement = statement.where(Business.vsic_main.startswith(vsic, autoescape=True))
    if search is not None:
        statement = statement.where(text_search.matches(Business.search_text, search))
    statement = keyset.page(statement, key=key, row_id=Business.id, after=after, limit=limit)
    found = (await session.execute(statement)).all()
    return [(BusinessRow.of(row[:-1]), row[-1]) for row in found]


async def add_business(session: AsyncSession, business: Business) -> None:
    session.add(business)
    await session.flush()
