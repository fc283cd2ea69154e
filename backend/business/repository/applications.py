"""Permit types, applications and their history, issued permits."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business.models import (
    Agency,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Permit,
    PermitStatus,
    PermitType,
)
from backend.business.repository import rows
from backend.business.repository.rows import (
    AgencyRow,
    ApplicationDocumentRow,
    ApplicationEventRow,
    ApplicationRow,
    PermitRow,
    PermitTypeRow,
)
from backend.db import keyset
from backend.db.types import in_language

# The agency's turn: what an officer's queue shows.
WITH_AGENCY = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.RESUBMITTED,
)


async def permit_types_page(
    session: AsyncSession, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[PermitTypeRow]:
    key = in_language(PermitType.name, "vi")
    statement: Select[Any] = select(*rows.PERMIT_TYPE)
    statement = keyset.page(statement, key=key, row_id=PermitType.id, after=after, limit=limit)
    return [PermitTypeRow.of(row) for row in (await session.execute(statement)).all()]


async def permit_types_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[PermitTypeRow]:
    statement = select(*rows.PERMIT_TYPE).where(PermitType.id.in_(ids))
    return [PermitTypeRow.of(row) for row in (await session.execute(statement)).all()]


async def permit_type(session: AsyncSession, permit_type_id: uuid.UUID) -> PermitType | None:
    return await session.get(PermitType, permit_type_id)


async def agencies_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[AgencyRow]:
    statement = select(*rows.AGENCY).where(Agency.id.in_(ids))
    return [AgencyRow.of(row) for row in (await session.execute(statement)).all()]


async def applications_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[ApplicationRow]:
    statement = select(*rows.APPLICATION).where(Application.id.in_(ids))
    return [ApplicationRow.of(row) for row in (await session.execute(statement)).all()]


async def applications_of_business(
    session: AsyncSession,
    business_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ApplicationRow]:
    """A business's applications, latest change first."""
    statement: Select[Any] = select(*rows.APPLICATION).where(Application.business_id == business_id)
    statement = keyset.page(
        statement,
        key=Application.updated_at,
        row_id=Application.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return [ApplicationRow.of(row) for row in (await session.execute(statement)).all()]


async def agency_queue(
    session: AsyncSession,
    agency_ids: Sequence[uuid.UUID],
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ApplicationRow]:
    """Applications waiting on these agencies, earliest due first (overdue ones lead)."""
    statement: Select[Any] = select(*rows.APPLICATION).where(
        Application.agency_id.in_(agency_ids), Application.status.in_(WITH_AGENCY)
    )
    statement = keyset.page(
        statement, key=Application.due_at, row_id=Application.id, after=after, limit=limit
    )
    return [ApplicationRow.of(row) for row in (await session.execute(statement)).all()]


async def application_for_update(
    session: AsyncSession, application_id: uuid.UUID
) -> Application | None:
    return await session.get(Application, application_id, with_for_update=True)


async def transition(
    session: AsyncSession,
    application_id: uuid.UUID,
    *,
    from_statuses: Sequence[ApplicationStatus],
    values: Mapping[str, Any],
) -> bool:
    """Move an application only if it is still in one of `from_statuses` (a concurrent move
    makes this one fail instead of overwriting it)."""
    result = await session.execute(
        update(Application)
        .where(Application.id == application_id, Application.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def history(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[ApplicationEventRow]]:
    statement = (
        select(*rows.APPLICATION_EVENT)
        .where(ApplicationEvent.application_id.in_(application_ids))
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    )
    found: dict[uuid.UUID, list[ApplicationEventRow]] = {}
    for row in (await session.execute(statement)).all():
        event = ApplicationEventRow.of(row)
        found.setdefault(event.application_id, []).append(event)
    return found


async def documents(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[ApplicationDocumentRow]]:
    statement = (
        select(*rows.APPLICATION_DOCUMENT)
        .where(ApplicationDocument.application_id.in_(application_ids))
        .order_by(ApplicationDocument.code)
    )
    found: dict[uuid.UUID, list[ApplicationDocumentRow]] = {}
    for row in (await session.execute(statement)).all():
        document = ApplicationDocumentRow.of(row)
        found.setdefault(document.application_id, []).append(document)
    return found


async def document_file(
    session: AsyncSession, application_id: uuid.UUID, code: str
) -> uuid.UUID | None:
    return await session.scalar(
        select(ApplicationDocument.file_id).where(
            ApplicationDocument.application_id == application_id,
            ApplicationDocument.code == code,
        )
    )


async def remove_document(session: AsyncSession, application_id: uuid.UUID, code: str) -> None:
    await session.execute(
        delete(ApplicationDocument).where(
            ApplicationDocument.application_id == application_id,
            ApplicationDocument.code == code,
        )
    )


async def permits_of_businesses(
    session: AsyncSession, business_ids: Sequence[uuid.UUID], *, public_only: bool, today: date
) -> Mapping[uuid.UUID, list[PermitRow]]:
    """Permits of each business, latest first; `public_only`: valid certificates of publicly
    listed types, as the map shows them."""
    statement = select(*rows.PERMIT).where(Permit.business_id.in_(business_ids))
    if public_only:
        statement = statement.join(PermitType, PermitType.id == Permit.permit_type_id).where(
            PermitType.public_certificate.is_(True),
            Permit.status == PermitStatus.VALID,
            or_(Permit.valid_until.is_(None), Permit.valid_until >= today),
        )
    statement = statement.order_by(Permit.issued_on.desc(), Permit.id)
    found: dict[uuid.UUID, list[PermitRow]] = {}
    for row in (await session.execute(statement)).all():
        permit = PermitRow.of(row)
        found.setdefault(permit.business_id, []).append(permit)
    return found


async def permits_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[PermitRow]:
    statement = select(*rows.PERMIT).where(Permit.id.in_(ids))
    return [PermitRow.of(row) for row in (await session.execute(statement)).all()]


async def permits_of_business(
    session: AsyncSession,
    business_id: uuid.UUID,
    *,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[PermitRow]:
    """A business's permits, latest issued first, one page."""
    statement: Select[Any] = select(*rows.PERMIT).where(Permit.business_id == business_id)
    statement = keyset.page(
        statement,
        key=Permit.issued_on,
        row_id=Permit.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return [PermitRow.of(row) for row in (await session.execute(statement)).all()]


async def permits_due_for_reminder(
    session: AsyncSession, today: date, horizon: date, limit: int
) -> list[tuple[Permit, int]]:
    """Valid permits expiring by `horizon` and within their type's notice period of expiry,
    not yet reminded."""
    statement = (
        select(Permit, PermitType.renewal_notice_days)
        .join(PermitType, PermitType.id == Permit.permit_type_id)
        .where(
            Permit.status == PermitStatus.VALID,
            Permit.renewal_reminded_at.is_(None),
            Permit.valid_until.is_not(None),
            Permit.valid_until >= today,
            Permit.valid_until <= horizon,
        )
        .order_by(Permit.valid_until, Permit.id)
    )
    found: list[tuple[Permit, int]] = []
    for permit, notice_days in (await session.execute(statement)).all():
        assert permit.valid_until is not None
        if (permit.valid_until - today).days <= notice_days:
            found.append((permit, notice_days))
            if len(found) >= limit:
                break
    return found


async def claim_reminders(
    session: AsyncSession, permit_ids: Sequence[uuid.UUID], now: datetime
) -> set[uuid.UUID]:
    """Mark permits reminded; only those this call marked are returned (concurrent runs never
    remind twice)."""
    claimed: set[uuid.UUID] = set()
    for permit_id in permit_ids:
        result = await session.execute(
            update(Permit)
            .where(Permit.id == permit_id, Permit.renewal_reminded_at.is_(None))
            .values(renewal_reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            claimed.add(permit_id)
    return claimed


async def add(session: AsyncSession, *entities: object) -> None:
    """Insert in the order given (the entities have no relationships to order them by)."""
    for entity in entities:
        session.add(entity)
        await session.flush()
