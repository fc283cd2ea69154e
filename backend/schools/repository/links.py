"""Students, guardians, link codes, parents' links and the link log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.schools.models import (
    Guardian,
    LinkAction,
    LinkCode,
    LinkEvent,
    ParentLink,
    Student,
)
from backend.schools.repository import rows
from backend.schools.repository.rows import LinkRow, StudentRow


async def student_by_identifier(session: AsyncSession, identifier: str) -> Student | None:
    return await session.scalar(select(Student).where(Student.identifier == identifier))


async def student_by_id(session: AsyncSession, student_id: uuid.UUID) -> Student | None:
    return await session.get(Student, student_id)


async def guardian_phones(session: AsyncSession, student_id: uuid.UUID) -> set[str]:
    found = await session.scalars(select(Guardian.phone).where(Guardian.student_id == student_id))
    return set(found)


async def live_codes_for_update(
    session: AsyncSession, student_id: uuid.UUID, now: datetime
) -> list[LinkCode]:
    """Codes of a student still usable (not used, revoked or expired), locked: two tries at
    once cannot both spend the same code."""
    statement = (
        select(LinkCode)
        .where(
            LinkCode.student_id == student_id,
            LinkCode.used_at.is_(None),
            LinkCode.revoked_at.is_(None),
            LinkCode.expires_at > now,
        )
        .order_by(LinkCode.created_at.desc(), LinkCode.id)
        .with_for_update()
    )
    return list((await session.scalars(statement)).all())


async def spend_code(session: AsyncSession, code_id: uuid.UUID, now: datetime) -> bool:
    """Mark a live code used, unless another request has just used or revoked it: one
    conditional UPDATE, so a code serves once on SQLite (where rows are not locked) too."""
    result = await session.execute(
        update(LinkCode)
        .where(LinkCode.id == code_id, LinkCode.used_at.is_(None), LinkCode.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def count_wrong_try(
    session: AsyncSession, code_ids: Sequence[uuid.UUID], now: datetime, *, limit: int
) -> None:
    """One more wrong try on each code, counted in the database (tries at once all count); a
    code reaching the limit is revoked."""
    if not code_ids:
        return
    await session.execute(
        update(LinkCode)
        .where(LinkCode.id.in_(code_ids))
        .values(
            attempts=LinkCode.attempts + 1,
            revoked_at=case(
                (
                    LinkCode.attempts + 1 >= limit,
                    func.coalesce(LinkCode.revoked_at, literal(now, LinkCode.revoked_at.type)),
                ),
                else_=LinkCode.revoked_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )


async def link_of(
    session: AsyncSession, student_id: uuid.UUID, user_id: uuid.UUID
) -> ParentLink | None:
    return await session.scalar(
        select(ParentLink).where(ParentLink.student_id == student_id, ParentLink.user_id == user_id)
    )


async def failures_since(session: AsyncSession, user_id: uuid.UUID, since: datetime) -> int:
    statement = select(func.count()).where(
        LinkEvent.user_id == user_id, LinkEvent.action == LinkAction.FAILED, LinkEvent.at >= since
    )
    return int(await session.scalar(statement) or 0)


async def oldest_failure_since(
    session: AsyncSession, user_id: uuid.UUID, since: datetime
) -> datetime | None:
    statement = select(func.min(LinkEvent.at)).where(
        LinkEvent.user_id == user_id, LinkEvent.action == LinkAction.FAILED, LinkEvent.at >= since
    )
    found: datetime | None = await session.scalar(statement)
    return found


def add(session: AsyncSession, *entities: Any) -> None:
    session.add_all(entities)


async def children_of(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[StudentRow]:
    """Students the account holds a live link to, by name."""
    statement = (
        select(*rows.STUDENT)
        .join(ParentLink, ParentLink.student_id == Student.id)
        .where(ParentLink.user_id == user_id, ParentLink.revoked_at.is_(None))
    )
    statement = keyset.page(
        statement, key=Student.full_name, row_id=Student.id, after=after, limit=limit
    )
    return [StudentRow.of(row) for row in await session.execute(statement)]


async def linked_students(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[StudentRow]:
    """The students among `ids` the account holds a live link to."""
    statement = (
        select(*rows.STUDENT)
        .join(ParentLink, ParentLink.student_id == Student.id)
        .where(
            ParentLink.user_id == user_id,
            ParentLink.revoked_at.is_(None),
            Student.id.in_(ids),
        )
    )
    return [StudentRow.of(row) for row in await session.execute(statement)]


async def students_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[StudentRow]:
    statement = select(*rows.STUDENT).where(Student.id.in_(ids))
    return [StudentRow.of(row) for row in await session.execute(statement)]


async def links_of_students(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> list[LinkRow]:
    statement = (
        select(*rows.LINK)
        .where(ParentLink.student_id.in_(student_ids))
        .order_by(ParentLink.created_at, ParentLink.id)
    )
    return [LinkRow.of(row) for row in await session.execute(statement)]
