"""Citizens report problems with businesses on the public map. A report goes to the agency that
certified the business; its officers read reports with the reporter's name and phone, nobody
else does (the business never learns who reported it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access
from backend.business.models import Permit, PermitStatus, PermitType, Report, ReportCategory
from backend.business.text import checked_text
from backend.db import keyset
from backend.db.unit_of_work import UnitOfWork
from backend.errors import NotFound, RateLimited
from backend.identity import service as identity

MAX_DESCRIPTION = 1000
# Reports one account may send in a day: enough for real problems, too few to flood an agency.
PER_DAY = 5


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: uuid.UUID
    business_id: uuid.UUID
    agency_id: uuid.UUID
    category: ReportCategory
    description: str
    created_at: datetime
    reporter_name: str
    reporter_phone: str | None


async def report(
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    business_id: uuid.UUID,
    category: ReportCategory,
    description: str,
    now: datetime,
    today: date,
) -> Report:
    session = uow.session
    text = checked_text(
        description, field="input.description", limit=MAX_DESCRIPTION, required=True
    )
    assert text is not None
    agency_id = await _certifying_agency(session, business_id, today)
    if agency_id is None:
        raise NotFound("business.not_listed", field="input.businessId")
    since = now - timedelta(days=1)
    sent = await session.scalar(
        select(func.count())
        .select_from(Report)
        .where(Report.reporter_id == user_id, Report.created_at > since)
    )
    if (sent or 0) >= PER_DAY:
        oldest = await session.scalar(
            select(func.min(Report.created_at)).where(
                Report.reporter_id == user_id, Report.created_at > since
            )
        )
        assert oldest is not None
        wait = int((oldest + timedelta(days=1) - now).total_seconds()) + 1
        raise RateLimited("business.reports_per_day", retry_after_seconds=wait, limit=PER_DAY)
    row = Report(
        id=uuid.uuid4(),
        business_id=business_id,
        agency_id=agency_id,
        reporter_id=user_id,
        category=category,
        description=text,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def reports_for_agency(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    agency_id: uuid.UUID,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ReportRow]:
    """Newest first; only officers of the agency, anyone else is told it does not exist."""
    if agency_id not in await access.officer_agencies(session, user_id):
        raise NotFound("business.agency_not_found", field="agencyId")
    statement = keyset.page(
        select(
            Report.id,
            Report.business_id,
            Report.agency_id,
            Report.category,
            Report.description,
            Report.created_at,
            Report.reporter_id,
        ).where(Report.agency_id == agency_id),
        key=Report.created_at,
        row_id=Report.id,
        after=after,
        limit=limit,
        descending=True,
    )
    found = (await session.execute(statement)).all()
    reporters = await identity.names_and_phones(session, list({row[-1] for row in found}))
    return [ReportRow(*row[:-1], *reporters.get(row[-1], ("", None))) for row in found]


async def _certifying_agency(
    session: AsyncSession, business_id: uuid.UUID, today: date
) -> uuid.UUID | None:
    """The agency of the business's latest valid certificate shown on the map, if any."""
    return await session.scalar(
        select(PermitType.agency_id)
        .join(Permit, Permit.permit_type_id == PermitType.id)
        .where(
            Permit.business_id == business_id,
            PermitType.public_certificate.is_(True),
            Permit.status == PermitStatus.VALID,
            (Permit.valid_until.is_(None)) | (Permit.valid_until >= today),
        )
        .order_by(Permit.issued_on.desc(), Permit.id)
        .limit(1)
    )
