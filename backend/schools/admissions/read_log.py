"""The log of staff reads of enrolment applications: every application a school's staff
member opens or lists is recorded (who, when, which), and the school's administrators read
the log. A parent reading their own application is not a staff read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.identity import service as identity
from backend.schools import access
from backend.schools.admissions import repository
from backend.schools.admissions.models import ApplicationRead
from backend.schools.admissions.repository import ApplicationRow


@dataclass(frozen=True, slots=True)
class LoggedRead:
    id: uuid.UUID
    application_id: uuid.UUID
    staff_user_id: uuid.UUID
    staff_name: str
    staff_phone: str | None
    at: datetime


async def record(
    uow: UnitOfWork, staff_id: uuid.UUID, applications: Sequence[ApplicationRow], now: datetime
) -> None:
    """Log the staff member's read of each application that is not their own."""
    read = [row for row in applications if row.parent_id != staff_id]
    if not read:
        return
    repository.log_reads(
        uow.session,
        [
            ApplicationRead(
                id=uuid.uuid4(),
                application_id=row.id,
                school_id=row.school_id,
                staff_user_id=staff_id,
                at=now,
            )
            for row in read
        ],
    )
    await uow.session.flush()


async def reads_of_school(
    session: AsyncSession,
    viewer_id: uuid.UUID,
    school_id: uuid.UUID,
    *,
    application_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[LoggedRead]:
    """The log, newest first, for the school's administrators only."""
    await access.require_administrator(session, viewer_id, school_id)
    rows = await repository.reads_of_school(
        session, school_id, application_id=application_id, after=after, limit=limit
    )
    people = await identity.names_and_phones(session, list({row.staff_user_id for row in rows}))
    return [
        LoggedRead(
            id=row.id,
            application_id=row.application_id,
            staff_user_id=row.staff_user_id,
            staff_name=people.get(row.staff_user_id, ("", None))[0],
            staff_phone=people.get(row.staff_user_id, ("", None))[1],
            at=row.at,
        )
        for row in rows
    ]
