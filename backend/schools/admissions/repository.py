"""Every SQL statement of online enrolment: entities for writes, typed rows for reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.places.models import Ward
from backend.schools.admissions.models import (
    ApplicationRead,
    EnrolmentApplication,
    EnrolmentDocument,
    EnrolmentDocumentKind,
    EnrolmentEvent,
    EnrolmentPlaces,
    EnrolmentRound,
    EnrolmentStatus,
    PriorityCategory,
)
from backend.schools.models import AdmissionZoneWard, School


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: uuid.UUID
    school_year: str
    grade: int
    max_preferences: int
    online_opens_at: datetime
    online_closes_at: datetime
    direct_opens_at: datetime
    direct_closes_at: datetime
    results_on: date
    confirm_by: datetime


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: uuid.UUID
    round_id: uuid.UUID
    school_id: uuid.UUID
    parent_id: uuid.UUID
    identifier: str
    child_name: str
    date_of_birth: date
    guardians: list[dict[str, Any]]
    ward_id: uuid.UUID
    address: str
    preferences: list[str]
    in_zone: bool
    priority: PriorityCategory
    programmes: list[str]
    status: EnrolmentStatus
    reason: str | None
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EventRow:
    status: EnrolmentStatus
    reason: str | None
    at: datetime


_ROUND = (
    EnrolmentRound.id,
    EnrolmentRound.school_year,
    EnrolmentRound.grade,
    EnrolmentRound.max_preferences,
    EnrolmentRound.online_opens_at,
    EnrolmentRound.online_closes_at,
    EnrolmentRound.direct_opens_at,
    EnrolmentRound.direct_closes_at,
    EnrolmentRound.results_on,
    EnrolmentRound.confirm_by,
)
_APPLICATION = (
    EnrolmentApplication.id,
    EnrolmentApplication.round_id,
    EnrolmentApplication.school_id,
    EnrolmentApplication.parent_id,
    EnrolmentApplication.identifier,
    EnrolmentApplication.child_name,
    EnrolmentApplication.date_of_birth,
    EnrolmentApplication.guardians,
    EnrolmentApplication.ward_id,
    EnrolmentApplication.address,
    EnrolmentApplication.preferences,
    EnrolmentApplication.in_zone,
    EnrolmentApplication.priority,
    EnrolmentApplication.programmes,
    EnrolmentApplication.status,
    EnrolmentApplication.reason,
    EnrolmentApplication.submitted_at,
    EnrolmentApplication.created_at,
    EnrolmentApplication.updated_at,
)


# --- writes -----------------------------------------------------------------------------------


async def round_by_id(session: AsyncSession, round_id: uuid.UUID) -> EnrolmentRound | None:
    return await session.get(EnrolmentRound, round_id)


async def application_for_update(
    session: AsyncSession, application_id: uuid.UUID
) -> EnrolmentApplication | None:
    statement = (
        select(EnrolmentApplication)
        .where(EnrolmentApplication.id == application_id)
        .with_for_update()
    )
    return (await session.scalars(statement)).first()


async def claim_status(
    session: AsyncSession,
    application_id: uuid.UUID,
    expected: EnrolmentStatus,
    target: EnrolmentStatus,
) -> bool:
    """Move an application from the state its caller read to the next, unless another request
    moved it in between: one conditional UPDATE, so two steps at once (two decisions, a
    decision and a withdrawal) never both apply, on SQLite (no row locks) as on PostgreSQL."""
    result = await session.execute(
        update(EnrolmentApplication)
        .where(EnrolmentApplication.id == application_id, EnrolmentApplication.status == expected)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def live_application_exists(
    session: AsyncSession, round_id: uuid.UUID, identifier: str, *, other_than: uuid.UUID | None
) -> bool:
    statement = select(EnrolmentApplication.id).where(
        EnrolmentApplication.round_id == round_id,
        EnrolmentApplication.identifier == identifier,
        EnrolmentApplication.status != EnrolmentStatus.WITHDRAWN,
    )
    if other_than is not None:
        statement = statement.where(EnrolmentApplication.id != other_than)
    return (await session.scalar(statement.limit(1))) is not None


async def offering_schools(
    session: AsyncSession, round_id: uuid.UUID, school_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """The schools among these that offer places in the round, with their programmes."""
    statement = (
        select(School.id, School.programmes)
        .join(EnrolmentPlaces, EnrolmentPlaces.school_id == School.id)
        .where(EnrolmentPlaces.round_id == round_id, School.id.in_(school_ids))
    )
    return {row[0]: list(row[1]) for row in await session.execute(statement)}


async def ward_in_zone(session: AsyncSession, school_id: uuid.UUID, ward_id: uuid.UUID) -> bool:
    statement = select(AdmissionZoneWard.ward_id).where(
        AdmissionZoneWard.school_id == school_id, AdmissionZoneWard.ward_id == ward_id
    )
    return (await session.scalar(statement)) is not None


async def take_place(session: AsyncSession, round_id: uuid.UUID, school_id: uuid.UUID) -> bool:
    """Count one more admitted, if a place is left: one conditional UPDATE, so concurrent
    admissions queue on the row and each sees the count the one before left."""
    result = await session.execute(
        update(EnrolmentPlaces)
        .where(
            EnrolmentPlaces.round_id == round_id,
            EnrolmentPlaces.school_id == school_id,
            EnrolmentPlaces.admitted < EnrolmentPlaces.places,
        )
        .values(admitted=EnrolmentPlaces.admitted + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def give_back_place(session: AsyncSession, round_id: uuid.UUID, school_id: uuid.UUID) -> None:
    await session.execute(
        update(EnrolmentPlaces)
        .where(
            EnrolmentPlaces.round_id == round_id,
            EnrolmentPlaces.school_id == school_id,
            EnrolmentPlaces.admitted > 0,
        )
        .values(admitted=EnrolmentPlaces.admitted - 1)
        .execution_options(synchronize_session=False)
    )


async def document_file(
    session: AsyncSession, application_id: uuid.UUID, kind: EnrolmentDocumentKind
) -> EnrolmentDocument | None:
    return await session.get(EnrolmentDocument, (application_id, kind))


async def document_kinds(
    session: AsyncSession, application_id: uuid.UUID
) -> set[EnrolmentDocumentKind]:
    statement = select(EnrolmentDocument.kind).where(
        EnrolmentDocument.application_id == application_id
    )
    return set((await session.scalars(statement)).all())


async def unconfirmed_past_deadline(
    session: AsyncSession, now: datetime, limit: int
) -> list[EnrolmentApplication]:
    statement = (
        select(EnrolmentApplication)
        .join(EnrolmentRound, EnrolmentRound.id == EnrolmentApplication.round_id)
        .where(
            EnrolmentApplication.status == EnrolmentStatus.ADMITTED,
            EnrolmentRound.confirm_by <= now,
        )
        .order_by(EnrolmentApplication.id)
        .limit(limit)
        .with_for_update(of=EnrolmentApplication)
    )
    return list((await session.scalars(statement)).all())


def add_event(
    session: AsyncSession,
    application: EnrolmentApplication,
    *,
    actor_id: uuid.UUID | None,
    now: datetime,
) -> None:
    session.add(
        EnrolmentEvent(
            id=uuid.uuid4(),
            application_id=application.id,
            status=application.status,
            reason=application.reason,
            actor_id=actor_id,
            at=now,
        )
    )


# --- reads ------------------------------------------------------------------------------------


async def rounds(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> list[RoundRow]:
    """Rounds, newest school year first (then by id, a stable order within a year)."""
    statement = select(*_ROUND).order_by(EnrolmentRound.school_year.desc(), EnrolmentRound.id)
    if after is not None:
        year, last = after
        statement = statement.where(
            (EnrolmentRound.school_year < year)
            | ((EnrolmentRound.school_year == year) & (EnrolmentRound.id > last))
        )
    return [RoundRow(**row._mapping) for row in await session.execute(statement.limit(limit))]


async def places_of(
    session: AsyncSession, round_id: uuid.UUID, school_id: uuid.UUID
) -> tuple[int, int] | None:
    statement = select(EnrolmentPlaces.places, EnrolmentPlaces.admitted).where(
        EnrolmentPlaces.round_id == round_id, EnrolmentPlaces.school_id == school_id
    )
    found = (await session.execute(statement)).first()
    return None if found is None else (found[0], found[1])


async def applications_of_parent(
    session: AsyncSession,
    parent_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ApplicationRow]:
    statement = (
        select(*_APPLICATION)
        .where(EnrolmentApplication.parent_id == parent_id)
        .order_by(EnrolmentApplication.created_at.desc(), EnrolmentApplication.id.desc())
    )
    if after is not None:
        at, last = after
        statement = statement.where(
            (EnrolmentApplication.created_at < at)
            | ((EnrolmentApplication.created_at == at) & (EnrolmentApplication.id < last))
        )
    return [ApplicationRow(*row) for row in await session.execute(statement.limit(limit))]


async def applications_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[ApplicationRow]:
    statement = select(*_APPLICATION).where(EnrolmentApplication.id.in_(ids))
    return [ApplicationRow(*row) for row in await session.execute(statement)]


def _school_filter(school_id: uuid.UUID, round_id: uuid.UUID | None) -> list[object]:
    where: list[object] = [
        EnrolmentApplication.school_id == school_id,
        EnrolmentApplication.status != EnrolmentStatus.DRAFT,  # a parent's own until sent
    ]
    if round_id is not None:
        where.append(EnrolmentApplication.round_id == round_id)
    return where


async def applications_of_school(
    session: AsyncSession,
    school_id: uuid.UUID,
    *,
    round_id: uuid.UUID | None,
    status: EnrolmentStatus | None,
    in_zone: bool | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[ApplicationRow]:
    """A school's applications by the child's name (drafts are the parents' own)."""
    statement = select(*_APPLICATION).where(*_school_filter(school_id, round_id))  # type: ignore[arg-type]
    if status is not None:
        statement = statement.where(EnrolmentApplication.status == status)
    if in_zone is not None:
        statement = statement.where(EnrolmentApplication.in_zone == in_zone)
    if after is not None:
        name, last = after
        statement = statement.where(
            (EnrolmentApplication.child_name > name)
            | ((EnrolmentApplication.child_name == name) & (EnrolmentApplication.id > last))
        )
    statement = statement.order_by(EnrolmentApplication.child_name, EnrolmentApplication.id)
    return [ApplicationRow(*row) for row in await session.execute(statement.limit(limit))]


async def counts_by_status(
    session: AsyncSession, school_id: uuid.UUID, *, round_id: uuid.UUID | None
) -> dict[EnrolmentStatus, int]:
    statement = (
        select(EnrolmentApplication.status, func.count())
        .where(*_school_filter(school_id, round_id))  # type: ignore[arg-type]
        .group_by(EnrolmentApplication.status)
    )
    return {status: count for status, count in await session.execute(statement)}


async def events_of(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[EventRow]]:
    statement = (
        select(
            EnrolmentEvent.application_id,
            EnrolmentEvent.status,
            EnrolmentEvent.reason,
            EnrolmentEvent.at,
        )
        .where(EnrolmentEvent.application_id.in_(application_ids))
        .order_by(EnrolmentEvent.at, EnrolmentEvent.id)
    )
    found: dict[uuid.UUID, list[EventRow]] = {key: [] for key in application_ids}
    for application_id, status, reason, at in await session.execute(statement):
        found[application_id].append(EventRow(status, reason, at))
    return found


async def documents_of(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[EnrolmentDocumentKind, uuid.UUID]]]:
    statement = (
        select(EnrolmentDocument.application_id, EnrolmentDocument.kind, EnrolmentDocument.file_id)
        .where(EnrolmentDocument.application_id.in_(application_ids))
        .order_by(EnrolmentDocument.kind)
    )
    found: dict[uuid.UUID, list[tuple[EnrolmentDocumentKind, uuid.UUID]]] = {
        key: [] for key in application_ids
    }
    for application_id, kind, file_id in await session.execute(statement):
        found[application_id].append((kind, file_id))
    return found


async def ward_exists(session: AsyncSession, ward_id: uuid.UUID) -> bool:
    return (await session.scalar(select(Ward.id).where(Ward.id == ward_id))) is not None


@dataclass(frozen=True, slots=True)
class ReadRow:
    id: uuid.UUID
    application_id: uuid.UUID
    staff_user_id: uuid.UUID
    at: datetime


def log_reads(session: AsyncSession, entries: Sequence[ApplicationRead]) -> None:
    session.add_all(entries)


async def reads_of_school(
    session: AsyncSession,
    school_id: uuid.UUID,
    *,
    application_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ReadRow]:
    """The staff reads of a school's applications, newest first."""
    statement = (
        select(
            ApplicationRead.id,
            ApplicationRead.application_id,
            ApplicationRead.staff_user_id,
            ApplicationRead.at,
        )
        .where(ApplicationRead.school_id == school_id)
        .order_by(ApplicationRead.at.desc(), ApplicationRead.id.desc())
    )
    if application_id is not None:
        statement = statement.where(ApplicationRead.application_id == application_id)
    if after is not None:
        at, last = after
        statement = statement.where(
            (ApplicationRead.at < at) | ((ApplicationRead.at == at) & (ApplicationRead.id < last))
        )
    return [ReadRow(*row) for row in await session.execute(statement.limit(limit))]
