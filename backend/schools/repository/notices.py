"""School notices: who they reach, families' answers, a parent's notices, the staff's view."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.i18n import Translated
from backend.schools.models import (
    NoticeAnswer,
    NoticeAudience,
    NoticeKind,
    NoticeRecipient,
    ParentLink,
    SchoolNotice,
    Student,
)


@dataclass(frozen=True, slots=True)
class NoticeRow:
    id: uuid.UUID
    school_id: uuid.UUID
    audience: NoticeAudience
    grade: int | None
    class_id: uuid.UUID | None
    kind: NoticeKind
    title: Translated
    body: Translated
    due_on: date | None
    published_by: uuid.UUID
    published_at: datetime
    reminded_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecipientRow:
    notice_id: uuid.UUID
    student_id: uuid.UUID
    answer: NoticeAnswer | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResponseRow:
    student_id: uuid.UUID
    full_name: str
    answer: NoticeAnswer | None
    answered_at: datetime | None

    @property
    def id(self) -> uuid.UUID:
        return self.student_id


_NOTICE = (
    SchoolNotice.id,
    SchoolNotice.school_id,
    SchoolNotice.audience,
    SchoolNotice.grade,
    SchoolNotice.class_id,
    SchoolNotice.kind,
    SchoolNotice.title,
    SchoolNotice.body,
    SchoolNotice.due_on,
    SchoolNotice.published_by,
    SchoolNotice.published_at,
    SchoolNotice.reminded_at,
)


def _notice(row: Any) -> NoticeRow:
    return NoticeRow(*row)


async def audience_students(
    session: AsyncSession,
    school_id: uuid.UUID,
    audience: NoticeAudience,
    grade: int | None,
    class_id: uuid.UUID | None,
) -> list[uuid.UUID]:
    statement = select(Student.id).where(Student.school_id == school_id)
    if audience is NoticeAudience.GRADE:
        statement = statement.where(Student.grade == grade)
    elif audience is NoticeAudience.CLASS:
        statement = statement.where(Student.class_id == class_id)
    return list(await session.scalars(statement))


async def notice_for_update(session: AsyncSession, notice_id: uuid.UUID) -> SchoolNotice | None:
    return await session.scalar(
        select(SchoolNotice).where(SchoolNotice.id == notice_id).with_for_update()
    )


async def recipient_for_update(
    session: AsyncSession, notice_id: uuid.UUID, student_id: uuid.UUID
) -> NoticeRecipient | None:
    return await session.scalar(
        select(NoticeRecipient)
        .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.student_id == student_id)
        .with_for_update()
    )


async def claim_reminder(session: AsyncSession, notice_id: uuid.UUID, at: datetime) -> bool:
    """Mark the notice's one reminder sent, unless it already was (a conditional UPDATE: two
    reminders at once send one)."""
    result = await session.execute(
        update(SchoolNotice)
        .where(SchoolNotice.id == notice_id, SchoolNotice.reminded_at.is_(None))
        .values(reminded_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def record_answer(
    session: AsyncSession,
    notice_id: uuid.UUID,
    student_id: uuid.UUID,
    *,
    answer: NoticeAnswer,
    by: uuid.UUID,
    at: datetime,
) -> bool:
    """The family's answer, unless one is already there: one conditional UPDATE, so two
    guardians answering at once (on any database) leave one answer. False if it was taken."""
    result = await session.execute(
        update(NoticeRecipient)
        .where(
            NoticeRecipient.notice_id == notice_id,
            NoticeRecipient.student_id == student_id,
            NoticeRecipient.answer.is_(None),
        )
        .values(answer=answer, answered_by=by, answered_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def unanswered(session: AsyncSession, notice_id: uuid.UUID) -> list[uuid.UUID]:
    statement = select(NoticeRecipient.student_id).where(
        NoticeRecipient.notice_id == notice_id, NoticeRecipient.answer.is_(None)
    )
    return list(await session.scalars(statement))


def _reaches(user_id: uuid.UUID) -> Any:
    """The notice reached a student the account holds a live link to."""
    return exists(
        select(NoticeRecipient.student_id)
        .join(ParentLink, ParentLink.student_id == NoticeRecipient.student_id)
        .where(
            NoticeRecipient.notice_id == SchoolNotice.id,
            ParentLink.user_id == user_id,
            ParentLink.revoked_at.is_(None),
        )
    )


async def notices_for_parent(
    session: AsyncSession, user_id: uuid.UUID, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[NoticeRow]:
    statement = select(*_NOTICE).where(_reaches(user_id))
    statement = keyset.page(
        statement,
        key=SchoolNotice.published_at,
        row_id=SchoolNotice.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return [_notice(row) for row in await session.execute(statement)]


async def notices_by_ids_for_parent(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[NoticeRow]:
    statement = select(*_NOTICE).where(SchoolNotice.id.in_(ids), _reaches(user_id))
    return [_notice(row) for row in await session.execute(statement)]


async def notice_by_id(session: AsyncSession, notice_id: uuid.UUID) -> NoticeRow | None:
    found = (await session.execute(select(*_NOTICE).where(SchoolNotice.id == notice_id))).first()
    return None if found is None else _notice(found)


async def parents_recipients(
    session: AsyncSession, user_id: uuid.UUID, notice_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RecipientRow]]:
    """For each notice, the account's linked children it reached, with their answers."""
    statement = (
        select(
            NoticeRecipient.notice_id,
            NoticeRecipient.student_id,
            NoticeRecipient.answer,
            NoticeRecipient.answered_at,
        )
        .join(ParentLink, ParentLink.student_id == NoticeRecipient.student_id)
        .where(
            NoticeRecipient.notice_id.in_(notice_ids),
            ParentLink.user_id == user_id,
            ParentLink.revoked_at.is_(None),
        )
        .order_by(NoticeRecipient.notice_id, NoticeRecipient.student_id)
    )
    found: dict[uuid.UUID, list[RecipientRow]] = defaultdict(list)
    for row in await session.execute(statement):
        found[row[0]].append(RecipientRow(*row))
    return found


async def responses(
    session: AsyncSession,
    notice_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ResponseRow]:
    """Every student the notice reached with the family's answer, by name."""
    statement = (
        select(
            NoticeRecipient.student_id,
            Student.full_name,
            NoticeRecipient.answer,
            NoticeRecipient.answered_at,
        )
        .join(Student, Student.id == NoticeRecipient.student_id)
        .where(NoticeRecipient.notice_id == notice_id)
    )
    statement = keyset.page(
        statement, key=Student.full_name, row_id=Student.id, after=after, limit=limit
    )
    return [ResponseRow(*row) for row in await session.execute(statement)]


async def answer_counts(session: AsyncSession, notice_id: uuid.UUID) -> tuple[int, int]:
    """(answered, waiting) among the students the notice reached."""
    statement = select(
        func.count(NoticeRecipient.answer), func.count() - func.count(NoticeRecipient.answer)
    ).where(NoticeRecipient.notice_id == notice_id)
    answered, waiting = (await session.execute(statement)).one()
    return int(answered), int(waiting)
