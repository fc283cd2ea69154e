"""Permits: issued when an application is approved, valid for the type's period, and their
holders reminded to renew before they expire (a periodic task)."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access, notices, workdays
from backend.business.models import Application, Permit, PermitStatus, PermitType
from backend.business.repository import applications as repository
from backend.business.repository import members as member_rows
from backend.db.unit_of_work import UnitOfWork
from notifications.service import notify

BATCH = 200
# The longest notice period a permit type may ask for: reminders look this far ahead.
MAX_NOTICE_DAYS = 180


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 January + 1 → 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def permit_number(permit_type: PermitType, application: Application, issued_on: date) -> str:
    """`ATTP-2026-1A2B3C4D`: the type, the year and the application's first 8 hex digits."""
    prefix = "".join(part[0] for part in permit_type.slug.split("-") if part).upper()
    return f"{prefix}-{issued_on.year}-{application.id.hex[:8].upper()}"


async def issue(
    session: AsyncSession, application: Application, permit_type: PermitType, *, now: datetime
) -> Permit:
    issued_on = workdays.local_day(now)
    months = permit_type.validity_months
    permit = Permit(
        id=uuid.uuid4(),
        number=permit_number(permit_type, application, issued_on),
        business_id=application.business_id,
        permit_type_id=permit_type.id,
        application_id=application.id,
        status=PermitStatus.VALID,
        issued_on=issued_on,
        valid_until=None if months is None else add_months(issued_on, months) - timedelta(days=1),
        created_at=now,
    )
    await repository.add(session, permit)
    await access.audit(
        session,
        "permit.issued",
        business_id=application.business_id,
        actor_id=None,
        now=now,
        permit=permit.number,
    )
    return permit


async def send_renewal_reminders(uow: UnitOfWork, *, now: datetime) -> tuple[int, int]:
    """Remind the accounts of each business whose permit enters its renewal notice period; each
    permit is reminded once (claimed by a conditional UPDATE). Returns (found, reminded)."""
    session = uow.session
    today = workdays.local_day(now)
    due = await repository.permits_due_for_reminder(
        session, today, today + timedelta(days=MAX_NOTICE_DAYS), BATCH
    )
    claimed = await repository.claim_reminders(session, [permit.id for permit, _ in due], now)
    reminded = [permit for permit, _ in due if permit.id in claimed]
    members = await member_rows.active_members(
        session, list({permit.business_id for permit in reminded})
    )
    for permit in reminded:
        await notify(
            uow,
            user_ids=[user for user, _ in members.get(permit.business_id, [])],
            message=notices.renewal_due(permit),
            now=now,
        )
    return len(due), len(reminded)
