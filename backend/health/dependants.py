"""People a citizen books for without an account of their own: children, elderly parents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict
from backend.free_text import check_name
from backend.health.localtime import local_day
from backend.health.models import Dependant, Relationship
from backend.health.repository import dependants as dependant_rows
from backend.health.repository import rows

MAX_DEPENDANTS = 10
MAX_NAME_LENGTH = 120
EARLIEST_BIRTH = date(1900, 1, 1)


async def add_dependant(
    uow: UnitOfWork,
    *,
    account_id: uuid.UUID,
    full_name: str,
    date_of_birth: date,
    relationship: Relationship,
    now: datetime,
) -> Dependant:
    if len(full_name) > MAX_NAME_LENGTH * 2:
        raise BadUserInput("input.too_long", field="fullName", max=MAX_NAME_LENGTH)
    name = " ".join(check_name(full_name, field="fullName").split())
    if not name:
        raise BadUserInput("input.required", field="fullName")
    if len(name) > MAX_NAME_LENGTH:
        raise BadUserInput("input.too_long", field="fullName", max=MAX_NAME_LENGTH)
    if not EARLIEST_BIRTH <= date_of_birth <= local_day(now):
        raise BadUserInput("health.date_of_birth", field="dateOfBirth")
    session = uow.session
    await dependant_rows.lock_account(session, account_id)
    if len(await dependant_rows.dependants_of(session, account_id)) >= MAX_DEPENDANTS:
        raise Conflict("health.too_many_dependants", max=MAX_DEPENDANTS)
    dependant = Dependant(
        id=uuid.uuid4(),
        account_id=account_id,
        full_name=name,
        date_of_birth=date_of_birth,
        relationship=relationship,
        created_at=now,
    )
    await rows.add(session, dependant)
    return dependant


async def dependants_of(session: AsyncSession, account_id: uuid.UUID) -> Sequence[Dependant]:
    return await dependant_rows.dependants_of(session, account_id)


async def dependants_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Dependant]:
    return await dependant_rows.dependants_by_ids(session, ids)
